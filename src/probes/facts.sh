# osdeck facts probe: one round trip, POSIX sh only (works on CentOS 6/7 and busybox).
# Prints KEY=VALUE lines; values never contain newlines.
echo "osdeck_facts=1"
if [ -r /etc/os-release ]; then
  . /etc/os-release 2>/dev/null
  echo "os_id=${ID:-}"
  echo "os_version_id=${VERSION_ID:-}"
  echo "os_pretty=${PRETTY_NAME:-}"
  echo "os_like=${ID_LIKE:-}"
elif [ -r /etc/redhat-release ]; then
  echo "os_pretty=$(head -n1 /etc/redhat-release)"
fi
echo "kernel=$(uname -r)"
echo "arch=$(uname -m)"
echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
echo "cpus=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)"
echo "cpu_model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n1)"
echo "mem_total_kb=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\).*/\1/p' /proc/meminfo)"
echo "uptime=$(cut -d' ' -f1 /proc/uptime)"
virt=""
if command -v systemd-detect-virt >/dev/null 2>&1; then virt=$(systemd-detect-virt 2>/dev/null); fi
if [ -z "$virt" ] || [ "$virt" = "none" ]; then
  if grep -q '^flags.* hypervisor' /proc/cpuinfo 2>/dev/null; then virt="vm"; else virt="${virt:-none}"; fi
fi
echo "virtualization=$virt"
echo "machine_id=$(cat /etc/machine-id 2>/dev/null)"
