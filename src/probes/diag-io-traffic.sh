# osdeck io-traffic probe: /proc/PID/io of every process twice, OSDECK_INTERVAL seconds apart, with
# /proc/diskstats (and /proc/uptime) beside each pass so the analyzer can say what share of the disk
# traffic each process explains. Cheap on hosts with 10k processes: each pass is one shell loop
# with the read builtin (no fork per process); processes whose counters are all zero are left out.
# Only the processes whose counters changed are printed, and cmdline/cgroup only for the top ones.
# Sections: uptime0 diskstats0 uptime1 diskstats1 io0 io1 nprocs details devices.
m="@@osdeck $OSDECK_MARK"
iv=${OSDECK_INTERVAL:-5}
case $iv in '' | *[!0-9]*) iv=5 ;; esac
[ "$iv" -lt 1 ] && iv=1
[ "$iv" -gt 60 ] && iv=60
top=${OSDECK_TOP:-20}
case $top in '' | *[!0-9]*) top=20 ;; esac
[ "$top" -gt 200 ] && top=200
maxp=${OSDECK_MAX_PROCS:-50000}
case $maxp in '' | *[!0-9]*) maxp=50000 ;; esac

tmp=$(mktemp -d 2>/dev/null || echo "/tmp/osdeck-iot.$$")
mkdir -p "$tmp" 2>/dev/null && chmod 700 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM HUP

# "pid rchar:N wchar:N syscr:N syscw:N read_bytes:N write_bytes:N cancelled_write_bytes:N comm"
io_pass() {
  n=0
  u=0
  for d in /proc/[0-9]*; do
    n=$((n + 1))
    [ "$n" -gt "$maxp" ] && break
    { read -r k1 v1; read -r k2 v2; read -r k3 v3; read -r k4 v4; read -r k5 v5; read -r k6 v6; read -r k7 v7; } 2>/dev/null <"$d/io" || { u=$((u + 1)); continue; }
    case "$v1$v2$v3$v4$v5$v6$v7" in 0000000) continue ;; esac
    c=
    { read -r c; } 2>/dev/null <"$d/comm"
    echo "${d#/proc/} $k1$v1 $k2$v2 $k3$v3 $k4$v4 $k5$v5 $k6$v6 $k7$v7 $c"
  done >"$1"
  echo "seen=$n unreadable=$u" >"$1.n"
}

up0=$(cat /proc/uptime 2>/dev/null)
ds0=$(cat /proc/diskstats 2>/dev/null)
io_pass "$tmp/a"
sleep "$iv"
up1=$(cat /proc/uptime 2>/dev/null)
ds1=$(cat /proc/diskstats 2>/dev/null)
io_pass "$tmp/b"

echo "$m uptime0"; echo "$up0"
echo "$m diskstats0"; echo "$ds0"
echo "$m uptime1"; echo "$up1"
echo "$m diskstats1"; echo "$ds1"
echo "$m nprocs"; cat "$tmp/a.n" "$tmp/b.n" 2>/dev/null

# Lines that differ between the passes (a pid in one pass only is new or gone); unchanged ones did no IO.
awk 'NR == FNR { a[$1] = $0; next } { if (a[$1] != $0) print; b[$1] = 1 } END { for (p in a) if (!(p in b)) print a[p] > "/dev/stderr" }' \
  "$tmp/a" "$tmp/b" >"$tmp/changed" 2>"$tmp/gone"
echo "$m io1"; head -n 20000 "$tmp/changed"
echo "$m io0"
awk 'NR == FNR { c[$1] = 1; next } ($1 in c)' "$tmp/changed" "$tmp/a" | head -n 20000
head -n 20000 "$tmp/gone"

# Deltas for the ranking (a counter that went down means the pid was reused: count from zero).
awk 'function v(s) { sub(/^[^:]*:/, "", s); return s + 0 }
  NR == FNR { rc[$1] = v($2); wc[$1] = v($3); rb[$1] = v($6); wb[$1] = v($7); next }
  { r = v($2) - rc[$1]; w = v($3) - wc[$1]; x = v($6) - rb[$1]; y = v($7) - wb[$1]
    if (r < 0 || w < 0 || x < 0 || y < 0) { r = v($2); w = v($3); x = v($6); y = v($7) }
    print $1, x, y, r, w }' "$tmp/a" "$tmp/changed" >"$tmp/delta"
for col in 2 3 4 5; do sort -k"$col","$col"nr "$tmp/delta" | head -n "$top"; done | awk '!s[$1]++ { print $1 }' >"$tmp/top"

echo "$m details"
while read -r p; do
  [ -r "/proc/$p/cmdline" ] || continue
  printf '%s cmdline ' "$p"; tr '\000\n\r' '   ' <"/proc/$p/cmdline" 2>/dev/null | head -c 512; echo
  printf '%s cgroup ' "$p"; tr '\n\r' '\t ' <"/proc/$p/cgroup" 2>/dev/null | head -c 1024; echo
  st=
  { read -r st; } 2>/dev/null <"/proc/$p/stat" && echo "$p stat $st"
done <"$tmp/top"

echo "$m devices"
n=0
for b in /sys/block/*; do
  [ -d "$b" ] || continue
  n=$((n + 1))
  [ "$n" -gt 4096 ] && break
  d=${b##*/}
  v=
  { read -r v; } 2>/dev/null <"$b/queue/rotational" && echo "$d rotational $v"
  s=
  for x in "$b"/slaves/*; do [ -e "$x" ] && s="$s ${x##*/}"; done
  [ -n "$s" ] && echo "$d slaves$s"
  { read -r v; } 2>/dev/null <"$b/dm/name" && echo "$d dmname $v"
  { read -r v; } 2>/dev/null <"$b/loop/backing_file" && echo "$d backing $v"
done
exit 0
