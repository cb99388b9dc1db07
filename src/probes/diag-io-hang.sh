# osdeck io-hang probe: is IO stuck? Two samples OSDECK_INTERVAL seconds apart of /proc/diskstats
# (requests in flight, completions, io_ticks) and of the tasks in state D; for the D tasks of the
# second sample their wchan, kernel stack (root only) and open files; the hung-task detector's
# counters and messages from the kernel log; PSI io. Raw text, bounded; the analyzer does the rest.
# Sections: uptime0 diskstats0 dstate0 uptime1 diskstats1 dstate1 task:TID... hung psi kmsg
# kmsg_source mountinfo devices
m="@@osdeck $OSDECK_MARK"
iv=${OSDECK_INTERVAL:-5}
case $iv in '' | *[!0-9]*) iv=5 ;; esac
[ "$iv" -lt 1 ] && iv=1
[ "$iv" -gt 60 ] && iv=60

# Threads in state D: "TGID <stat line>". The read builtin, no fork per thread; bounded.
dstate() {
  n=0
  k=0
  for f in /proc/[0-9]*/task/[0-9]*/stat; do
    n=$((n + 1))
    [ "$n" -gt 300000 ] && break
    l=
    { read -r l; } 2>/dev/null <"$f" || continue
    case $l in
      *") D "*)
        t=${f#/proc/}
        echo "${t%%/*} $l"
        k=$((k + 1))
        [ "$k" -ge 2000 ] && break
        ;;
    esac
  done
}

echo "$m uptime0"; cat /proc/uptime 2>/dev/null
echo "$m diskstats0"; cat /proc/diskstats 2>/dev/null
echo "$m dstate0"; dstate
sleep "$iv"
echo "$m uptime1"; cat /proc/uptime 2>/dev/null
echo "$m diskstats1"; cat /proc/diskstats 2>/dev/null
d1=$(dstate)
echo "$m dstate1"; [ -n "$d1" ] && printf '%s\n' "$d1"

# Details of the first 64 D threads of the second sample.
[ -n "$d1" ] && printf '%s\n' "$d1" | head -n 64 | while read -r tg tid rest; do
  case "$tg$tid" in *[!0-9]*) continue ;; esac
  echo "$m task:$tid"
  echo "tgid $tg"
  w=
  { read -r w || [ -n "$w" ]; } 2>/dev/null <"/proc/$tg/task/$tid/wchan" && echo "wchan $w"
  head -n 64 "/proc/$tg/task/$tid/stack" 2>/dev/null | sed 's/^/stack /'
  ls -l "/proc/$tg/fd/" 2>/dev/null | sed -n 's/^.* -> /fd /p' | head -n 64
done

# /proc/sys files answer a 1-byte read at offset 1 with EOF, so the read builtin cannot be used on them.
echo "$m hung"
cd /proc/sys/kernel 2>/dev/null && grep -H . hung_task_detect_count hung_task_timeout_secs hung_task_warnings hung_task_panic 2>/dev/null
cd / 2>/dev/null
echo "$m psi"; cat /proc/pressure/io 2>/dev/null

# Hung-task reports with their call traces; dmesg needs root when kernel.dmesg_restrict=1.
pat='blocked for more than [0-9]+ seconds|is blocked on a'
if k=$(dmesg 2>/dev/null) && [ -n "$k" ]; then
  echo "$m kmsg_source"; echo dmesg
  echo "$m kmsg"; printf '%s\n' "$k" | grep -E -A 48 "$pat" | tail -n 4000
elif command -v journalctl >/dev/null 2>&1; then
  echo "$m kmsg_source"; echo journal
  echo "$m kmsg"
  if command -v timeout >/dev/null 2>&1; then
    timeout 20 journalctl -k -b --no-pager -o short-monotonic 2>/dev/null | grep -E -A 48 "$pat" | tail -n 4000
  else
    journalctl -k -b --no-pager -o short-monotonic 2>/dev/null | grep -E -A 48 "$pat" | tail -n 4000
  fi
fi
k=

echo "$m mountinfo"; head -n 2000 /proc/self/mountinfo 2>/dev/null
echo "$m devices"
n=0
for b in /sys/block/*; do
  [ -d "$b" ] || continue
  n=$((n + 1))
  [ "$n" -gt 4096 ] && break
  d=${b##*/}
  v=
  { read -r v; } 2>/dev/null <"$b/queue/rotational" && echo "$d rotational $v"
  { read -r r w; } 2>/dev/null <"$b/inflight" && echo "$d inflight $r $w"
  s=
  for x in "$b"/slaves/*; do [ -e "$x" ] && s="$s ${x##*/}"; done
  [ -n "$s" ] && echo "$d slaves$s"
  { read -r v; } 2>/dev/null <"$b/dm/name" && echo "$d dmname $v"
  { read -r v; } 2>/dev/null <"$b/loop/backing_file" && echo "$d backing $v"
done
exit 0
