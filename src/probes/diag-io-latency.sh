# osdeck io-latency probe: /proc/diskstats twice, OSDECK_INTERVAL seconds apart (each with
# /proc/uptime for the exact interval), and what /sys/block says about each whole disk.
# Sections: uptime0 diskstats0 uptime1 diskstats1 devices. Raw text; the analyzer does the maths.
m="@@osdeck $OSDECK_MARK"
iv=${OSDECK_INTERVAL:-5}
case $iv in '' | *[!0-9]*) iv=5 ;; esac
[ "$iv" -lt 1 ] && iv=1
[ "$iv" -gt 60 ] && iv=60

# One fact a line: "dev key value". Reads with the read builtin (no fork per file); bounded.
block_devices() {
  n=0
  for b in /sys/block/*; do
    [ -d "$b" ] || continue
    n=$((n + 1))
    [ "$n" -gt 4096 ] && break
    d=${b##*/}
    v=
    { read -r v; } 2>/dev/null <"$b/queue/rotational" && echo "$d rotational $v"
    { read -r v; } 2>/dev/null <"$b/queue/scheduler" && echo "$d scheduler $v"
    if [ -d "$b/mq" ]; then
      q=0
      for x in "$b"/mq/*; do [ -e "$x" ] && q=$((q + 1)); done
      echo "$d hwq $q"
    fi
    { read -r r w; } 2>/dev/null <"$b/inflight" && echo "$d inflight $r $w"
    s=
    for x in "$b"/slaves/*; do [ -e "$x" ] && s="$s ${x##*/}"; done
    [ -n "$s" ] && echo "$d slaves$s"
    { read -r v; } 2>/dev/null <"$b/dm/name" && echo "$d dmname $v"
    { read -r v; } 2>/dev/null <"$b/loop/backing_file" && echo "$d backing $v"
  done
}

echo "$m uptime0"; cat /proc/uptime 2>/dev/null
echo "$m diskstats0"; cat /proc/diskstats 2>/dev/null
sleep "$iv"
echo "$m uptime1"; cat /proc/uptime 2>/dev/null
echo "$m diskstats1"; cat /proc/diskstats 2>/dev/null
echo "$m devices"; block_devices
exit 0
