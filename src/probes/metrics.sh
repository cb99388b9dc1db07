# osdeck metrics probe: one round trip every 15 s, parsed by src/domain/metrics/metrics-snapshot.ts.
# POSIX sh + POSIX awk only (dash, bash-as-sh on CentOS 7, busybox ash). Prints sections headed by
# "==> NAME <==". Cost matters (hundreds of hosts, every 15 s), so the whole thing is five execs:
# date, timeout, df, ps and ONE awk that reads every /proc file, relays df and keeps only the top
# processes (about 11 ms and 15 kB on a 2-CPU test machine).
LC_ALL=C
export LC_ALL

echo '==> time <=='
date +%s

# Only files that can be read go to awk: mawk aborts the whole run on a file it cannot open, and on
# RHEL 8 (PSI built in but off) /proc/pressure/* exist yet every read fails with EOPNOTSUPP, so
# pressure files are tried with the `read` builtin first (no fork).
set --
for f in stat meminfo loadavg vmstat diskstats net/dev net/snmp net/netstat uptime mounts; do
  [ -r "/proc/$f" ] && set -- "$@" "/proc/$f"
done
for r in cpu memory io; do
  f=/proc/pressure/$r
  if [ -r "$f" ] && read -r _line < "$f" 2>/dev/null; then set -- "$@" "$f"; fi
done

# A stale NFS mount hangs df forever and a new df would pile up every 15 s: bound it with coreutils
# timeout when there is one (busybox's timeout changed syntax in 1.30, so it is not trusted).
to=
for t in /usr/bin/timeout /bin/timeout; do
  if [ -x "$t" ] && ! [ "$t" -ef /bin/busybox ]; then to="$t 10"; break; fi
done

{
  echo '==> df <=='
  $to df -P -k 2>/dev/null
  echo '==> ps <=='
  # procps: one ps, no --sort (awk picks the top 10 twice). busybox ps has no pcpu: fall back to
  # /proc/PID/stat, from which awk computes the same lifetime %CPU that ps prints.
  ps -eo pid,ppid,user:32,pcpu,rss,comm 2>/dev/null || {
    echo '==> ps_stat <=='
    echo "pagesize $(getconf PAGESIZE 2>/dev/null || echo 4096)"
    cat /proc/[0-9]*/stat 2>/dev/null
  }
} | awk -v self="$$" '
# Section header for each /proc file: /proc/net/dev -> net_dev, /proc/pressure/io -> pressure_io.
FNR == 1 && substr(FILENAME, 1, 6) == "/proc/" {
  sec = substr(FILENAME, 7); gsub("/", "_", sec); print "==> " sec " <=="
}
/^==> [a-z_]+ <==$/ { sec = $2; if (sec != "ps" && sec != "ps_stat") print; next }
sec == "stat" {
  if ($1 ~ /^cpu[0-9]/) ncpu++
  # The intr line lists every IRQ (kilobytes on big hosts); only its total is used.
  if ($1 == "intr") { print $1, $2; next }
  print; next
}
sec == "uptime" { up = $1 + 0; print; next }
sec == "ps" {
  if ($1 == "PID") next
  line = $0
  sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]/, "", line)
  keep($1, $2, $3, $4 + 0, $5 + 0, line); next
}
sec == "ps_stat" {
  if ($1 == "pagesize") { pagesize = $2 + 0; next }
  # comm may hold spaces and ")", so fields are counted from the LAST ") ".
  s = $0; close_at = 0
  while ((i = index(s, ") ")) > 0) { close_at += i; s = substr(s, i + 1) }
  open_at = index($0, "(")
  if (close_at == 0 || open_at == 0) next
  n = split(substr($0, close_at + 2), f, " ")
  if (n < 22) next
  age = up - f[20] / 100
  pc = age > 0 ? (f[12] + f[13]) / 100 / age * 100 : 0
  keep($1, f[2], "?", sprintf("%.1f", pc), f[22] * (pagesize > 0 ? pagesize : 4096) / 1024, substr($0, open_at + 1, close_at - open_at - 1))
  next
}
{ print }
function keep(p, pp, u, c, r, cm) { np++; pid[np] = p; ppid[np] = pp; usr[np] = u; cpu[np] = c; rss[np] = r; comm[np] = cm; parent[p] = pp }
# The probe itself (this sh, its subshell, ps, awk) is young, so its lifetime %CPU looks high: skip it.
function own(k) { return pid[k] == self || ppid[k] == self || parent[ppid[k]] == self }
function top(title, by,   k, j, best, taken) {
  print "==> " title " <=="
  for (k = 1; k <= 10; k++) {
    best = 0
    for (j = 1; j <= np; j++) {
      if (taken[j] || own(j)) continue
      if (best == 0 || (by == "cpu" ? cpu[j] + 0 > cpu[best] + 0 : rss[j] + 0 > rss[best] + 0)) best = j
    }
    if (best == 0) break
    taken[best] = 1
    print pid[best], usr[best], cpu[best], rss[best], comm[best]
  }
}
END {
  print "==> ncpu <=="; print ncpu + 0
  if (np > 0) { top("top_cpu", "cpu"); top("top_rss", "rss") }
}
' "$@" -
