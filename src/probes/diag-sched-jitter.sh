# osdeck sched-jitter probe: per-thread schedstat (run-queue delay) and /proc/schedstat at the start and
# the end of OSDECK_INTERVAL seconds, the /proc/stat cpu lines once a second in between, PSI cpu/irq,
# loadavg and the kernel's lockup / stall / hung-task messages. Parsed by
# src/domain/diagnosis/diagnoses/sched-jitter.ts. POSIX sh + awk; always exit 0.
LC_ALL=C
export LC_ALL
m="@@osdeck $OSDECK_MARK"
iv=$OSDECK_INTERVAL
case $iv in '' | *[!0-9]*) iv=5 ;; esac
[ "$iv" -lt 1 ] && iv=1
MAX_THREADS=20000

# One line per thread: "PID/task/TID <schedstat> <stat>". The glob is expanded inside the shell (no
# argv limit) and one awk reads the files with getline (the shell's `read` goes byte by byte); a
# thread that exits in between is just skipped.
tasks() {
  echo "$m uptime.$1"; cat /proc/uptime 2>/dev/null
  echo "$m tasks.$1"
  for d in /proc/[0-9]*/task/[0-9]*; do echo "$d"; done | head -n "$MAX_THREADS" | awk '{
    f = $0 "/schedstat"; s = ""
    if ((getline s < f) > 0) { g = $0 "/stat"; t = ""; if ((getline t < g) > 0) print substr($0, 7), s, t; close(g) }
    close(f)
  }'
  if [ -r /proc/schedstat ]; then echo "$m schedstat.$1"; head -n 20000 /proc/schedstat 2>/dev/null; fi
  # PSI files exist but fail to read when PSI is built in and off (psi=0): cat prints nothing then.
  echo "$m pressure.cpu.$1"; cat /proc/pressure/cpu 2>/dev/null
  echo "$m pressure.irq.$1"; cat /proc/pressure/irq 2>/dev/null
}

stat_cpu() {
  echo "$m stat.$1"
  grep -E '^(cpu|procs_running|procs_blocked|ctxt|softirq)' /proc/stat 2>/dev/null | head -n 5000
}

tasks 0
stat_cpu 0
i=0
while [ "$i" -lt "$iv" ]; do
  sleep 1
  i=$((i + 1))
  stat_cpu "$i"
done
tasks 1

echo "$m loadavg"; cat /proc/loadavg 2>/dev/null
echo "$m hung_task_detect_count"; cat /proc/sys/kernel/hung_task_detect_count 2>/dev/null
# dmesg can be restricted for non-root (kernel.dmesg_restrict): then the journal's kernel messages.
echo "$m kernel_log"
{ dmesg 2>/dev/null || journalctl -k -b -q --no-pager -n 20000 -o short-monotonic 2>/dev/null; } | tail -n 20000 |
  grep -E -i 'soft lockup|hard lockup|rcu.*stall|blocked for more than|RT throttling' | tail -n 200 | cut -c1-400
exit 0
