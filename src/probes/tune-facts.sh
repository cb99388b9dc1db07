# osdeck tune probe: read-only. Gathers what the selected tuning rules look at, in one round trip.
# Parsed by src/domain/tuning/facts.ts.
# Parameters (set by the server, quoted): OSDECK_MARK; OSDECK_FILES, OSDECK_GLOBS and OSDECK_VALUES
#   (one path or pattern per line); OSDECK_SYSCTLS, OSDECK_COMMANDS and OSDECK_SERVICES (space-separated names).
# Sections: os, kernel, uid, systemd, file.*, glob.N, value.N, sysctl:KEY, cmd:NAME, svc:NAME.
m="@@osdeck $OSDECK_MARK"
NL='
'
b64() { base64 | tr -d '\n'; echo; }

echo "$m os"; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
echo "$m kernel"; uname -r
echo "$m uid"; id -u
echo "$m systemd"; if [ -d /run/systemd/system ]; then echo 1; else echo 0; fi

# file NAME PATH: base64 path / "exists mode uid gid size" / base64 real path / state / base64 content
emit_file() {
  echo "$m file.$1"
  printf '%s' "$2" | b64
  if [ ! -e "$2" ]; then
    echo "0 644 0 0 0"; printf '%s' "$2" | b64; echo absent
    return
  fi
  set -- "$1" "$2" $(stat -L -c '%a %u %g %s' "$2" 2>/dev/null)
  echo "1 ${3:-644} ${4:-0} ${5:-0} ${6:-0}"
  real=$(readlink -f "$2" 2>/dev/null) || real=$2
  printf '%s' "${real:-$2}" | b64
  if [ ! -f "$2" ]; then echo notfile
  elif [ "${6:-0}" -gt 1048576 ]; then echo toolarge
  elif [ ! -r "$2" ]; then echo unreadable
  else echo content; base64 < "$2"
  fi
}

set -f
old_ifs=$IFS
IFS=$NL
i=0
for p in $OSDECK_FILES; do
  IFS=$old_ifs
  [ -n "$p" ] && emit_file "r$i" "$p"
  i=$((i + 1))
  IFS=$NL
done
i=0
for pattern in $OSDECK_GLOBS; do
  IFS=$old_ifs
  echo "$m glob.$i"
  set +f
  for p in $pattern; do [ -e "$p" ] && printf '%s' "$p" | b64; done
  k=0
  for p in $pattern; do
    [ -e "$p" ] && emit_file "g$i.$k" "$p"
    k=$((k + 1))
  done
  set -f
  i=$((i + 1))
  IFS=$NL
done
i=0
for p in ${OSDECK_VALUES:-}; do
  IFS=$old_ifs
  echo "$m value.$i"
  printf '%s' "$p" | b64
  if [ -r "$p" ]; then printf '=%s\n' "$(head -n 1 "$p" 2>/dev/null)"; else echo '!'; fi
  i=$((i + 1))
  IFS=$NL
done
IFS=$old_ifs
set +f

for k in $OSDECK_SYSCTLS; do
  case "$k" in *[!a-z0-9_.-]*) continue ;; esac
  f=/proc/sys/$(printf '%s' "$k" | tr . /)
  echo "$m sysctl:$k"
  if [ -r "$f" ]; then printf '=%s\n' "$(head -n 1 "$f" 2>/dev/null)"; else echo '!'; fi
done

run_cmd() {
  case "$1" in
    sshd-config)
      s=$(command -v sshd 2>/dev/null); [ -n "$s" ] || s=/usr/sbin/sshd
      "$s" -T 2>&1 ;;
    locale-a) locale -a 2>/dev/null ;;
    hostname) hostname 2>/dev/null || cat /proc/sys/kernel/hostname ;;
    ip-addr) ip -o -4 addr show 2>/dev/null ;;
    ip-link) ip -o link show 2>/dev/null ;;
    getenforce)
      if command -v getenforce >/dev/null 2>&1; then getenforce
      elif [ -r /sys/fs/selinux/enforce ]; then [ "$(cat /sys/fs/selinux/enforce)" = 1 ] && echo Enforcing || echo Permissive
      else echo Disabled; fi ;;
    firewall-rules)
      echo "nft $(nft -a list ruleset 2>/dev/null | grep '# handle' | grep -cvE '^[[:space:]]*(table|chain|set|map|flowtable) ')"
      echo "iptables $(iptables -S 2>/dev/null | grep -c '^-A')" ;;
    time-daemons)
      ps -e -o comm= 2>/dev/null | sed -n 's/^\(chronyd\|ntpd\|systemd-timesyn\).*$/\1/p' | sort -u | sed 's/^systemd-timesyn$/systemd-timesyncd/' ;;
    cmdline) cat /proc/cmdline ;;
    uname-m) uname -m ;;
    container-cgroups)
      for root in /sys/fs/cgroup/pids /sys/fs/cgroup; do
        [ -f "$root/cgroup.procs" ] || continue
        find "$root" -mindepth 1 -maxdepth 6 -type d \( -path '*/docker/*' -o -name 'docker-*.scope' -o -name 'libpod-*' \
          -o -path '*/lxc/*' -o -name 'lxc.payload.*' -o -name 'crio-*' -o -name 'cri-containerd-*' \
          -o \( -path '*/kubepods*' \( -name 'pod*' -o -name '*-pod*.slice' \) \) \) 2>/dev/null |
          while IFS= read -r d; do
            [ -f "$d/pids.max" ] || continue
            case "$d" in *' '*) continue ;; esac
            echo "$d $(cat "$d/pids.max" 2>/dev/null) $(cat "$d/pids.current" 2>/dev/null || echo 0)"
          done
        break
      done ;;
    kmsg-readers)
      echo "host $(readlink /proc/1/ns/pid 2>/dev/null)"
      find /proc/[0-9]*/fd -maxdepth 1 \( -lname '/proc/kmsg' -o -lname '/dev/kmsg' \) 2>/dev/null | while IFS= read -r fd; do
        pid=${fd#/proc/}; pid=${pid%%/*}
        echo "$pid $(readlink "/proc/$pid/ns/pid" 2>/dev/null) $(head -c 32 "/proc/$pid/comm" 2>/dev/null | tr -d '\n' | tr -c 'A-Za-z0-9._-' '_') $(readlink "$fd" 2>/dev/null)"
      done ;;
    *) echo "unknown command $1"; return 127 ;;
  esac
}

for c in $OSDECK_COMMANDS; do
  out=$(run_cmd "$c" 2>&1); rc=$?
  echo "$m cmd:$c"
  echo "exit $rc"
  printf '%s\n' "$out"
done

if [ -d /run/systemd/system ]; then
  for u in $OSDECK_SERVICES; do
    case "$u" in *[!A-Za-z0-9_.@-]*) continue ;; esac
    e=$(systemctl is-enabled "$u" 2>/dev/null)
    a=$(systemctl is-active "$u" 2>/dev/null)
    echo "$m svc:$u"
    echo "${e:-not-found} ${a:-unknown}"
  done
fi
exit 0
