# osdeck net-retrans probe: TCP counters and every connection's tcp_info, sampled twice OSDECK_INTERVAL
# seconds apart. Parsed by src/domain/diagnosis/diagnoses/net-retrans.ts. POSIX sh; always exit 0.
LC_ALL=C
export LC_ALL
m="@@osdeck $OSDECK_MARK"
iv=$OSDECK_INTERVAL
case $iv in '' | *[!0-9]*) iv=5 ;; esac
to=
for t in /usr/bin/timeout /bin/timeout; do
  if [ -x "$t" ] && ! [ "$t" -ef /bin/busybox ]; then to=$t; break; fi
done
# ss grew -H (no header) in iproute2 4.x; the parser skips the header line when it is there.
ss_ok=
if command -v ss >/dev/null 2>&1; then ss_ok=1; fi

snap() {
  echo "$m uptime.$1"; cat /proc/uptime 2>/dev/null
  echo "$m snmp.$1"; cat /proc/net/snmp 2>/dev/null
  echo "$m netstat.$1"; cat /proc/net/netstat 2>/dev/null
  if [ -n "$ss_ok" ]; then
    # -p walks every process' fds: bounded by timeout; two lines per socket, at most 20000 sockets.
    echo "$m ss.$1"; ${to:+$to 15} ss -tinp 2>/dev/null | head -n 40000
  else
    echo "$m proctcp.$1"; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | head -n 40000
  fi
}

snap 0
sleep "$iv"
snap 1
exit 0
