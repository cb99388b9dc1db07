# osdeck migration assessment probe: read-only. Everything the checks look at, in one round trip.
# Parsed by src/domain/migration/facts.ts.
# Parameters (set by the server, quoted): OSDECK_MARK; OSDECK_ROOT ("" = the running system,
# else an offline root filesystem mounted at that path); OSDECK_TARGET_REPO (the target's .repo
# file, tested for reachability from this host in a private reposdir; "" to skip).
m="@@osdeck $OSDECK_MARK"
R=${OSDECK_ROOT%/}
b64() { base64 | tr -d '\n'; echo; }
if [ -n "$R" ]; then RPMR="--root=$R"; else RPMR=""; fi
PM=""
if command -v dnf >/dev/null 2>&1; then PM=dnf; elif command -v yum >/dev/null 2>&1; then PM=yum; fi

echo "$m mode"; if [ -n "$R" ]; then echo offline; else echo online; fi
echo "$m os"; cat "$R/etc/os-release" 2>/dev/null || cat "$R/usr/lib/os-release" 2>/dev/null
echo "$m uid"; id -u
echo "$m arch"; uname -m
echo "$m pm"; echo "$PM"
echo "$m release"; rpm $RPMR -qf "$R/etc/os-release" --qf '%{NAME}|%{VERSION}|%{RELEASE}\n' 2>/dev/null | head -n 5
echo "$m packages"
rpm $RPMR -qa --qf '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{VENDOR}|%|RSAHEADER?{%{RSAHEADER:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|\n' 2>/dev/null
echo "$m rpmdb"
out=$(rpm $RPMR -qa 2>&1 >/dev/null); echo "exit $?"; printf '%s\n' "$out" | head -n 20
echo "$m kmods"
for d in "$R"/lib/modules/*/extra "$R"/lib/modules/*/updates "$R"/lib/modules/*/weak-updates; do
  [ -d "$d" ] || continue
  find "$d" -name '*.ko*' 2>/dev/null | head -n 200 | while read -r f; do
    owner=$(rpm $RPMR -qf "${f#"$R"}" --qf '%{NAME}' 2>/dev/null | head -n 1)
    printf '%s|%s\n' "${f#"$R"}" "${owner:-}"
  done
done
if [ -z "$R" ]; then
  echo "$m running-kernel"; uname -r
  echo "$m proc-modules"; cat /proc/modules 2>/dev/null
  echo "$m fips"; cat /proc/sys/crypto/fips_enabled 2>/dev/null
  echo "$m efi"
  if [ -d /sys/firmware/efi ]; then
    echo uefi
    sb=$(od -An -t u1 /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c 2>/dev/null | awk '{print $NF}')
    echo "secureboot ${sb:-unknown}"
  else echo bios
  fi
  echo "$m nics"; for n in /sys/class/net/*; do [ -e "$n" ] && echo "${n##*/}"; done
  echo "$m memory"; awk '/^MemTotal:/ {print $2}' /proc/meminfo
  echo "$m selinux-mode"; if command -v getenforce >/dev/null 2>&1; then getenforce 2>/dev/null; fi
fi
echo "$m bootloader"
for f in /boot/grub2/grub.cfg /boot/grub/grub.cfg /boot/efi/EFI/*/grub.cfg /boot/loader/entries /etc/default/grub; do
  [ -e "$R$f" ] && echo "$f"
done
echo "$m grub-default"; [ -f "$R/etc/default/grub" ] && grep -E '^GRUB_(ENABLE_BLSCFG|CMDLINE_LINUX)=' "$R/etc/default/grub"
echo "$m df"
for p in / /boot /var /usr /tmp; do
  [ -d "$R$p" ] || continue
  df -P -k "$R$p" 2>/dev/null | awk -v p="$p" 'NR==2 {print p, $2, $4}'
done
echo "$m fstype"; stat -f -c %T "$R/" 2>/dev/null
echo "$m container"; for f in /.dockerenv /run/.containerenv; do [ -e "$R$f" ] && echo "$f"; done
echo "$m selinux-config"; [ -f "$R/etc/selinux/config" ] && grep -E '^SELINUX=' "$R/etc/selinux/config"
echo "$m ifcfg"; for f in "$R"/etc/sysconfig/network-scripts/ifcfg-*; do [ -f "$f" ] && echo "${f##*/}"; done
echo "$m pam"; grep -lE '^[^#]*(pam_pkcs11|pam_krb5)' "$R"/etc/pam.d/* 2>/dev/null | while read -r f; do
  printf '%s %s\n' "${f#"$R"}" "$(grep -oE 'pam_(pkcs11|krb5)' "$f" | sort -u | tr '\n' ' ')"
done
echo "$m repofiles"
for f in "$R"/etc/yum.repos.d/*.repo; do
  [ -f "$f" ] || continue
  printf '%s ' "${f#"$R"}"; head -c 262144 "$f" | b64
done
echo "$m repovars"
for f in "$R"/etc/dnf/vars/* "$R"/etc/yum/vars/*; do
  [ -f "$f" ] && printf '%s=%s\n' "${f##*/}" "$(head -n 1 "$f")"
done
echo "$m leapp"
if [ -f "$R/var/log/leapp/leapp-report.json" ]; then head -c 4194304 "$R/var/log/leapp/leapp-report.json" | b64; fi
# Reachability of the enabled repositories (the host's own) and of the target's (from this host).
echo "$m repo-check"
if [ -n "$PM" ]; then
  if [ -n "$R" ]; then PMR="--installroot=$R --setopt=reposdir=$R/etc/yum.repos.d"; else PMR=""; fi
  out=$(timeout 120 $PM $PMR -q --setopt=skip_if_unavailable=False makecache 2>&1); echo "exit $?"; printf '%s\n' "$out" | tail -n 30
fi
echo "$m target-check"
if [ -n "$PM" ] && [ -n "$OSDECK_TARGET_REPO" ]; then
  t=$(mktemp -d /tmp/osdeck-target.XXXXXX) && printf '%s\n' "$OSDECK_TARGET_REPO" > "$t/osdeck-target.repo" && {
    out=$(timeout 120 $PM -q --setopt=reposdir="$t" --setopt=cachedir="$t/cache" --setopt=skip_if_unavailable=False ${OSDECK_RELEASEVER:+--releasever=$OSDECK_RELEASEVER} makecache 2>&1)
    echo "exit $?"; printf '%s\n' "$out" | tail -n 30
    rm -rf "$t"
  }
fi
echo "$m end"
