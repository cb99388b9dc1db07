# osdeck oom diagnosis probe: the kernel log (where OOM-killer reports are), the OOM counters that
# survive log rotation, and the journal lines of userspace OOM killers. Raw text; parsed in
# src/domain/diagnosis/oom/. Never blocks: /dev/kmsg is read non-blocking, every command is bounded.
# Parameters: OSDECK_SOURCE auto|kmsg|journal|dmesg, OSDECK_SINCE_HOURS (0 = all), OSDECK_MAX_BYTES.
# Sections: now, uptime, stat-btime, vmstat-oom, sysctl, kernel-release, cgroup-mounts, log-source,
#   kmsg | dmesg | journal (current boot), journal-older (earlier boots, short-iso), memcg-oom, oomd, tmpfs, sysvipc-shm.
m="@@osdeck $OSDECK_MARK"
src=${OSDECK_SOURCE:-auto}
hours=${OSDECK_SINCE_HOURS:-168}
maxb=${OSDECK_MAX_BYTES:-8388608}
case "$src" in auto|kmsg|journal|dmesg) ;; *) src=auto ;; esac
case "$hours" in ''|*[!0-9]*) hours=168 ;; esac
case "$maxb" in ''|*[!0-9]*) maxb=8388608 ;; esac

# busybox before 1.30 spells it "timeout -t N": use timeout only where "timeout N cmd" works
if command -v timeout >/dev/null 2>&1 && timeout 5 cat /dev/null >/dev/null 2>&1; then
  to() { timeout "$@"; }
  have_timeout=1
else
  to() { shift; "$@"; }
  have_timeout=0
fi
tmp=$(mktemp -d 2>/dev/null) || { tmp="/tmp/osdeck-oom.$$"; mkdir -m 700 "$tmp" 2>/dev/null || tmp=""; }
[ -n "$tmp" ] && [ -d "$tmp" ] || { echo "$m log-source"; echo "error=no-temp-dir"; exit 0; }
trap 'rm -rf "$tmp"' EXIT

now=$(date +%s 2>/dev/null)
echo "$m now"; echo "$now"
echo "$m uptime"; cat /proc/uptime 2>/dev/null
echo "$m stat-btime"; grep '^btime' /proc/stat 2>/dev/null
echo "$m vmstat-oom"; grep '^oom' /proc/vmstat 2>/dev/null
echo "$m sysctl"
for f in panic_on_oom oom_kill_allocating_task oom_dump_tasks overcommit_memory min_free_kbytes; do
  [ -r "/proc/sys/vm/$f" ] && echo "$f $(cat "/proc/sys/vm/$f" 2>/dev/null)"
done
echo "$m kernel-release"; uname -r 2>/dev/null
echo "$m cgroup-mounts"; grep -E '^[^ ]+ [^ ]+ cgroup2? ' /proc/mounts 2>/dev/null | head -n 64

# journalctl --since wants a local time; busybox and GNU date both take -d @EPOCH
since_arg=""
btime=$(awk '/^btime/ {print $2}' /proc/stat 2>/dev/null)
if [ "$hours" -gt 0 ] && [ -n "$now" ]; then
  since_epoch=$((now - hours * 3600))
  since_arg=$(date -d "@$since_epoch" '+%Y-%m-%d %H:%M:%S' 2>/dev/null)
fi
has_journal=0
if command -v journalctl >/dev/null 2>&1 && to 10 journalctl -q --no-pager -n 1 >/dev/null 2>&1; then
  [ -n "$(to 10 journalctl -q --no-pager -n 1 2>/dev/null)" ] && has_journal=1
fi

kmsg_ok=0
dmesg_ok=0
first_seq=""
read_kmsg() {
  [ -r /dev/kmsg ] || return 1
  # dd stops at EAGAIN (end of the ring buffer) and exits 1: that is the normal end
  to 15 dd if=/dev/kmsg iflag=nonblock bs=65536 of="$tmp/kmsg" 2>/dev/null
  if [ ! -s "$tmp/kmsg" ] && [ "$have_timeout" = 1 ]; then
    # a dd without iflag=nonblock (busybox): cat blocks at the end, so only under timeout
    timeout 3 cat /dev/kmsg >"$tmp/kmsg" 2>/dev/null
  fi
  [ -s "$tmp/kmsg" ]
}
read_dmesg() {
  to 15 dmesg >"$tmp/dmesg" 2>/dev/null
  [ -s "$tmp/dmesg" ]
}

echo "$m log-source"
echo "requested=$src"
if [ "$src" = auto ] || [ "$src" = kmsg ]; then
  if read_kmsg; then
    kmsg_ok=1
    first_seq=$(head -n 1 "$tmp/kmsg" | cut -d, -f2)
    echo "kmsg=1 first_seq=$first_seq"
  elif read_dmesg; then
    dmesg_ok=1
    echo "kmsg=0 dmesg=1"
  else
    echo "kmsg=0 dmesg=0"
  fi
fi
if [ "$src" = dmesg ]; then
  if read_dmesg; then dmesg_ok=1; echo "dmesg=1"; else echo "dmesg=0"; fi
fi
if [ "$src" = journal ] && [ "$has_journal" = 0 ]; then
  # asked for the journal on a host without one: the ring buffer is better than nothing
  echo "journal_missing=1"
  if read_kmsg; then kmsg_ok=1; echo "kmsg=1"; elif read_dmesg; then dmesg_ok=1; echo "dmesg=1"; fi
fi
# The journal adds what the ring buffer has lost (first_seq > 0 means older records were overwritten)
# and earlier boots. Its -o short-monotonic lines carry the same printk time as kmsg, so the analyzer
# merges both without double counting.
want_journal=0
if [ "$has_journal" = 1 ]; then
  case "$src" in
    journal) want_journal=1 ;;
    auto) if [ "$kmsg_ok" = 0 ] || [ "$first_seq" != 0 ]; then want_journal=1; fi ;;
  esac
fi
echo "journal=$has_journal used=$want_journal"
echo "max_bytes=$maxb since_hours=$hours"

if [ "$kmsg_ok" = 1 ]; then
  echo "$m kmsg"; tail -c "$maxb" "$tmp/kmsg"
fi
if [ "$dmesg_ok" = 1 ]; then
  echo "$m dmesg"; tail -c "$maxb" "$tmp/dmesg"
fi
if [ "$want_journal" = 1 ]; then
  echo "$m journal"
  if [ -n "$since_arg" ]; then
    to 30 journalctl -k -b -q --no-pager -a -o short-monotonic --since "$since_arg" 2>/dev/null | tail -c "$maxb"
  else
    to 30 journalctl -k -b -q --no-pager -a -o short-monotonic 2>/dev/null | tail -c "$maxb"
  fi
fi
# earlier boots in the window (a host that rebooted after an OOM): wall-clock times, since their
# monotonic clocks restarted
if [ "$has_journal" = 1 ] && { [ "$src" = auto ] || [ "$src" = journal ]; } && [ -n "$btime" ] && [ -n "$since_arg" ] && [ "$since_epoch" -lt "$btime" ]; then
  until_arg=$(date -d "@$btime" '+%Y-%m-%d %H:%M:%S' 2>/dev/null)
  if [ -n "$until_arg" ]; then
    echo "$m journal-older"
    to 30 journalctl -k -q --no-pager -a -o short-iso --since "$since_arg" --until "$until_arg" 2>/dev/null | tail -c $((maxb / 2))
  fi
fi

# memcg OOM counters, only the cgroups that saw one: v1 memory.oom_control (oom_kill since 4.13, per
# cgroup) and v2 memory.events / memory.events.local (memory.events counts descendants too).
echo "$m memcg-oom"
grep -E '^[^ ]+ [^ ]+ cgroup2? ' /proc/mounts 2>/dev/null | head -n 64 | while read -r _dev mnt type opts _rest; do
  case "$type" in
    cgroup) case ",$opts," in *,memory,*) names="-name memory.oom_control" ;; *) continue ;; esac ;;
    cgroup2) names="-name memory.events -o -name memory.events.local" ;;
    *) continue ;;
  esac
  # shellcheck disable=SC2086
  to 20 find "$mnt" -maxdepth 12 \( $names \) -exec awk '
    function flush() { if (f != "" && (v["oom_kill"] > 0 || v["oom"] > 0 || v["under_oom"] > 0)) print f "\t" line; split("", v); line = "" }
    FNR == 1 { flush(); f = FILENAME }
    { v[$1] = $2 + 0; line = line (line == "" ? "" : " ") $1 " " $2 }
    END { flush() }' {} + 2>/dev/null
done | head -n 5000

if [ "$has_journal" = 1 ]; then
  echo "$m oomd"
  if [ -n "$since_arg" ]; then
    to 20 journalctl -q --no-pager -a -o short-iso -t systemd-oomd -t earlyoom --since "$since_arg" 2>/dev/null | tail -n 2000
  else
    to 20 journalctl -q --no-pager -a -o short-iso -t systemd-oomd -t earlyoom 2>/dev/null | tail -n 2000
  fi
fi
echo "$m tmpfs"; to 10 df -kP -t tmpfs 2>/dev/null | head -n 200
echo "$m sysvipc-shm"; head -c 65536 /proc/sysvipc/shm 2>/dev/null
exit 0
