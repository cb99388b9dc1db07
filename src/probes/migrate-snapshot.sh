# osdeck migration snapshot: read-only. What the before/after diff compares.
# Parsed by src/domain/migration/snapshot.ts. Parameters: OSDECK_MARK, OSDECK_ROOT ("" = running system).
m="@@osdeck $OSDECK_MARK"
R=${OSDECK_ROOT%/}
if [ -n "$R" ]; then RPMR="--root=$R"; else RPMR=""; fi
echo "$m os"; cat "$R/etc/os-release" 2>/dev/null
echo "$m arch"; uname -m
echo "$m packages"; rpm $RPMR -qa --qf '%{NAME}|%{EPOCHNUM}:%{VERSION}-%{RELEASE}|%{ARCH}|%{VENDOR}\n' 2>/dev/null | grep -v '^gpg-pubkey|' | sort
echo "$m services"
if [ -z "$R" ] && [ -d /run/systemd/system ]; then systemctl list-unit-files --state=enabled --no-legend --no-pager 2>/dev/null | awk '{print $1}'
else for d in "$R"/etc/systemd/system/*.wants; do [ -d "$d" ] && for u in "$d"/*; do [ -e "$u" ] || [ -L "$u" ] && echo "${u##*/}"; done; done | sort -u; fi
echo "$m boot"
for f in "$R"/boot/loader/entries/*.conf; do [ -f "$f" ] && echo "entry ${f##*/}"; done
for f in "$R"/boot/vmlinuz-*; do [ -f "$f" ] && echo "kernel ${f##*/vmlinuz-}"; done
[ -f "$R/boot/grub2/grubenv" ] && sed -n 's/^saved_entry=/default /p' "$R/boot/grub2/grubenv"
if [ -z "$R" ]; then
  echo "$m ports"
  if command -v ss >/dev/null 2>&1; then ss -H -ltnu 2>/dev/null | awk '{print $1, $5}' | sort -u
  else awk 'NR>1 && $4=="0A" {print "tcp", $2}' /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u; fi
  echo "$m mounts"; awk '$3 !~ /^(proc|sysfs|devtmpfs|devpts|tmpfs|cgroup2?|securityfs|debugfs|tracefs|bpf|mqueue|hugetlbfs|configfs|fusectl|pstore|autofs|binfmt_misc|efivarfs|rpc_pipefs|nsfs)$/ {print $2, $3}' /proc/mounts | sort -u
  echo "$m sysctl"; sysctl -a 2>/dev/null | grep -vE '^(fs\.(dentry|inode|file-nr|quota)|kernel\.(random|ns_last_pid|pty\.nr|sched_domain)|net\.netfilter\.nf_conntrack_count|vm\.(nr_|stat))' | sort
  echo "$m modules"; awk '{print $1}' /proc/modules 2>/dev/null | sort
  echo "$m kernel"; uname -r
fi
echo "$m end"
