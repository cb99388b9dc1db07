# osdeck net-drops probe: interface, softnet, IP/TCP/UDP and NIC drop counters, sampled twice
# OSDECK_INTERVAL seconds apart. Raw /proc text only; parsed by src/domain/diagnosis/diagnoses/net-drops.ts.
# POSIX sh (dash, busybox ash, bash 4.2); every command optional, always exit 0.
LC_ALL=C
export LC_ALL
m="@@osdeck $OSDECK_MARK"
iv=$OSDECK_INTERVAL
case $iv in '' | *[!0-9]*) iv=5 ;; esac
# coreutils timeout only (busybox's changed syntax in 1.30)
to=
for t in /usr/bin/timeout /bin/timeout; do
  if [ -x "$t" ] && ! [ "$t" -ef /bin/busybox ]; then to=$t; break; fi
done

# Interfaces backed by a device (NICs, not lo/veth/bridges), at most 16, for ethtool -S.
nics=
if command -v ethtool >/dev/null 2>&1; then
  n=0
  for d in /sys/class/net/*; do
    [ -e "$d/device" ] || continue
    n=$((n + 1))
    [ "$n" -gt 16 ] && break
    nics="$nics ${d##*/}"
  done
fi

snap() {
  echo "$m uptime.$1"; cat /proc/uptime 2>/dev/null
  echo "$m dev.$1"; head -n 2000 /proc/net/dev 2>/dev/null
  echo "$m softnet.$1"; head -n 4096 /proc/net/softnet_stat 2>/dev/null
  echo "$m snmp.$1"; cat /proc/net/snmp 2>/dev/null
  echo "$m netstat.$1"; cat /proc/net/netstat 2>/dev/null
  if [ -n "$nics" ]; then
    echo "$m ethtool.$1"
    for i in $nics; do
      echo "== $i"
      ${to:+$to 5} ethtool -S "$i" 2>/dev/null | head -n 3000
    done
  fi
}

snap 0
sleep "$iv"
snap 1

echo "$m sysctl"
# /proc/sys files answer only a read at offset 0, so not the shell's byte-by-byte `read`: one awk reads them all.
for f in net/core/netdev_max_backlog net/core/netdev_budget net/core/netdev_budget_usecs net/core/somaxconn \
  net/core/rmem_max net/core/rmem_default net/core/wmem_max net/core/flow_limit_cpu_bitmap \
  net/ipv4/tcp_max_syn_backlog net/ipv4/tcp_syncookies net/ipv4/tcp_rmem net/ipv4/tcp_mem net/ipv4/udp_mem \
  net/ipv4/tcp_max_tw_buckets net/ipv4/ipfrag_high_thresh; do
  echo "$f"
done | awk '{ p = "/proc/sys/" $0; v = ""; if ((getline v < p) > 0) { n = $0; gsub("/", ".", n); print n, v } close(p) }'

# Listening sockets: Recv-Q is the accept queue now, Send-Q its limit (names the full one on ListenOverflows).
if command -v ss >/dev/null 2>&1; then
  echo "$m listen"
  ${to:+$to 10} ss -lntp 2>/dev/null | head -n 2000
fi
exit 0
