# osdeck net-jitter probe: OSDECK_COUNT probes to OSDECK_TARGET, OSDECK_INTERVAL_MS apart, with ping
# (icmp) and/or timed TCP connects to OSDECK_PORT (tcp: perl, else bash 5's EPOCHREALTIME with
# /dev/tcp). OSDECK_METHOD auto = icmp, then tcp when ICMP got no reply and a port is given.
# Parsed by src/domain/diagnosis/diagnoses/net-jitter.ts. POSIX sh; always exit 0.
LC_ALL=C
export LC_ALL
m="@@osdeck $OSDECK_MARK"
target=$OSDECK_TARGET
# The server validated the target already; refuse anything else here too (never an option, never a path).
case $target in
  '' | -* | *[!A-Za-z0-9.:%_-]*) echo "$m error"; echo "invalid target"; exit 0 ;;
esac
num() { case $1 in '' | *[!0-9]*) echo "$2" ;; *) echo "$1" ;; esac; }
count=$(num "$OSDECK_COUNT" 50)
ims=$(num "$OSDECK_INTERVAL_MS" 200)
tms=$(num "$OSDECK_TIMEOUT_MS" 1000)
port=$(num "$OSDECK_PORT" 0)
method=$OSDECK_METHOD
case $method in icmp | tcp | auto) ;; *) method=auto ;; esac
[ "$ims" -lt 200 ] && ims=200
[ "$tms" -lt 100 ] && tms=100
to=
for t in /usr/bin/timeout /bin/timeout; do
  if [ -x "$t" ] && ! [ "$t" -ef /bin/busybox ]; then to=$t; break; fi
done
isec=$((ims / 1000)).$(printf '%03d' $((ims % 1000)))
tsec=$((tms / 1000)).$(printf '%03d' $((tms % 1000)))
wsec=$(((tms + 999) / 1000))
lim=$((count * 2 + 50))

run_icmp() {
  echo "$m icmp"
  p=
  case $target in *:*) command -v ping6 >/dev/null 2>&1 && p=ping6 ;; esac
  [ -n "$p" ] || { command -v ping >/dev/null 2>&1 && p=ping; }
  if [ -z "$p" ]; then echo "osdeck: no ping command on this host"; return 1; fi
  budget=$((count * ims / 1000 + wsec + 5))
  out=$(${to:+$to $budget} "$p" -n -c "$count" -i "$isec" -W "$wsec" "$target" 2>&1 | head -n "$lim")
  case $out in
    *"packets transmitted"*) ;;
    *)
      # busybox ping knows neither -n nor (in small builds) -i: retry at its 1 s default interval.
      out2=$(${to:+$to $((count + wsec + 5))} "$p" -c "$count" -W "$wsec" "$target" 2>&1 | head -n "$lim")
      case $out2 in *"packets transmitted"*) out="osdeck: ping without -i (1 s interval)
$out2" ;; esac
      ;;
  esac
  printf '%s\n' "$out"
  case $out in *" bytes from "*) return 0 ;; esac
  return 1
}

# One TCP connect per probe, timed in-process (no fork inside the timing); double quotes only inside.
PERL='use strict; use Socket qw(:DEFAULT :addrinfo); use Fcntl; use Time::HiRes qw(time sleep);
my ($host, $port, $count, $ims, $tms) = @ARGV;
my ($err, @ai) = getaddrinfo($host, $port, {socktype => SOCK_STREAM});
if ($err || !@ai) { print "resolve failed\n"; exit 0 }
my $a = $ai[0];
my ($e2, $num) = getnameinfo($a->{addr}, NI_NUMERICHOST | NI_NUMERICSERV);
print "address ", (defined $num ? $num : "?"), "\n";
$| = 1;
for my $i (1 .. $count) {
  my $start = time;
  my $s;
  if (!socket($s, $a->{family}, SOCK_STREAM, 0)) { print "seq=$i error socket\n"; next }
  fcntl($s, F_SETFL, fcntl($s, F_GETFL, 0) | O_NONBLOCK);
  my $t0 = time;
  my $res;
  if (connect($s, $a->{addr})) { $res = "ok" }
  elsif ($!{EINPROGRESS}) {
    my $w = ""; vec($w, fileno($s), 1) = 1;
    if (select(undef, $w, undef, $tms / 1000) > 0) {
      my $so = unpack("i", getsockopt($s, SOL_SOCKET, SO_ERROR));
      $res = $so == 0 ? "ok" : $so == Errno::ECONNREFUSED() ? "refused" : "error";
    } else { $res = "timeout" }
  } elsif ($!{ECONNREFUSED}) { $res = "refused" } else { $res = "error" }
  my $ms = (time - $t0) * 1000;
  if ($res eq "timeout") { print "seq=$i timeout\n" } else { printf("seq=%d %s ms=%.3f\n", $i, $res, $ms) }
  close($s);
  my $left = $ims / 1000 - (time - $start);
  sleep($left) if $left > 0 && $i < $count;
}'

run_tcp() {
  echo "$m tcp"
  if [ "$port" -eq 0 ]; then echo "osdeck: no port given for the tcp method"; return 1; fi
  if command -v perl >/dev/null 2>&1 && perl -MTime::HiRes -MErrno -e 1 2>/dev/null; then
    echo "tool perl"
    ${to:+$to $((count * (ims + tms) / 1000 + 10))} perl -e "$PERL" "$target" "$port" "$count" "$ims" "$tms" 2>&1 | head -n "$lim"
    return 0
  fi
  if [ -n "$to" ] && command -v bash >/dev/null 2>&1 && bash -c '[ -n "$EPOCHREALTIME" ]' 2>/dev/null; then
    echo "tool bash"
    i=0
    while [ "$i" -lt "$count" ]; do
      i=$((i + 1))
      r=$($to "$tsec" bash -c 's=$EPOCHREALTIME; if { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null; then e=$EPOCHREALTIME; echo "ok $s $e"; else e=$EPOCHREALTIME; echo "fail $s $e"; fi' _ "$target" "$port" 2>/dev/null)
      echo "seq=$i ${r:-timeout}"
      [ "$i" -lt "$count" ] && { sleep "$isec" 2>/dev/null || sleep 1; }
    done
    return 0
  fi
  echo "osdeck: TCP timing needs perl (Time::HiRes) or bash 5 with coreutils timeout; neither is here"
  return 1
}

echo "$m params"
echo "target=$target count=$count interval_ms=$ims timeout_ms=$tms method=$method port=$port"
case $method in
  icmp) run_icmp ;;
  tcp) run_tcp ;;
  auto) run_icmp || { [ "$port" -gt 0 ] && run_tcp; } ;;
esac
exit 0
