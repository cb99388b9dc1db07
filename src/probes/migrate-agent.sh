# osdeck migration agent: runs ON the host, detached from SSH (setsid nohup), so it survives the
# connection dropping and the server restarting. The server writes $ST/config (shell assignments,
# quoted), copies this file to $ST/agent.sh and starts `sh $ST/agent.sh ACTION $ST`; then it
# polls $ST/status (KEY=VALUE lines, replaced atomically) and $ST/log.
#
# Actions:
#   backup   archive the root (pseudo file systems excluded) + package list, rpm -Va and /etc
#            checksums; verify the archive (checksum, full read) before declaring it usable.
#   run      the migration state machine: repos → release → test → [point of no return] → sync
#            → kernel → verify. Every step leaves a marker in $ST/done; a re-run skips done steps.
#            Before the point of no return every change is undone exactly on failure or cancel
#            (repo directory, rpm database and release files saved first); after it, a failure
#            restores the verified backup when ON_FAILURE=rollback, else stops for the operator.
#   restore  put the root back from a verified backup and delete what was created since;
#            then verify package set and /etc against the backup's records.
# Config variables: R (root prefix, "" = running system), BK (backup directory), RUN_ID,
# TARGET_REPO_FILE (content), SOURCE_RELEASE / TARGET_RELEASE (package names, space separated),
# SOURCE_REPO_IDS, SOURCE_VENDORS (| separated), TARGET_ID, RELEASEVER, REMOVE (packages),
# ON_FAILURE (rollback|stop), STOP_AFTER (a step name, or ""), EXTRA_EXCLUDES.
ACTION=$1
ST=$2
umask 077
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C
[ -f "$ST/config" ] || { echo "no config in $ST" >&2; exit 2; }
. "$ST/config"
mkdir -p "$ST/done"

now() { date +%s; }
log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >> "$ST/log"; }
# status KEY=VALUE...: merges into $ST/status (one line per key), atomically
status() {
  tmp="$ST/status.tmp.$$"
  { [ -f "$ST/status" ] && cat "$ST/status"; for kv in "$@"; do printf '%s' "$kv" | tr '\n' ' '; echo; done; echo "updated=$(now)"; } |
    awk -F= '{ k=$1; sub(/^[^=]*=/, ""); v[k]=$0; if (!(k in o)) { o[k]=++n; key[n]=k } } END { for (i=1;i<=n;i++) print key[i] "=" v[key[i]] }' > "$tmp" && mv -f "$tmp" "$ST/status"
}
fail() { log "ERROR: $*"; status "message=$*"; return 1; }

if [ -n "$R" ]; then RPMR="--root=$R"; else RPMR=""; fi
PM=""
if command -v dnf >/dev/null 2>&1; then PM=dnf; elif command -v yum >/dev/null 2>&1; then PM=yum; fi
pm() {
  if [ -n "$R" ]; then
    "$PM" -y --installroot="$R" --setopt=reposdir="$R/etc/yum.repos.d" ${RELEASEVER:+--releasever=$RELEASEVER} --setopt=keepcache=True "$@"
  else
    "$PM" -y --setopt=keepcache=True "$@"
  fi
}
DBPATH=$(rpm --eval '%{_dbpath}' 2>/dev/null)
COMPRESS=gzip; EXT=gz
if command -v zstd >/dev/null 2>&1; then COMPRESS=zstd; EXT=zst; fi
compress() { if [ "$COMPRESS" = zstd ]; then zstd -q -T0 -3 -c; else gzip -1 -c; fi; }
decompress() { case "$1" in *.zst) zstd -q -d -c "$1" ;; *) gzip -d -c "$1" ;; esac; }

# ---- records: package set and /etc, the two things a rollback must bring back exactly ----------
record_packages() { rpm $RPMR -qa --qf '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\n' 2>/dev/null | grep -v '^gpg-pubkey-' | sort; }
record_etc() {
  ( cd "$R/etc" 2>/dev/null || exit 0
    find . \( -type f -o -type l \) -printf '%p|%y|%m|%U:%G|%l\n' 2>/dev/null | sort > "$ST/etc.meta.$$"
    find . -type f -print0 2>/dev/null | xargs -0 -r sha256sum 2>/dev/null | awk '{ h=$1; sub(/^[0-9a-f]+  /, ""); print $0 "|" h }' | sort > "$ST/etc.sums.$$"
    awk -F'|' 'NR==FNR { s[$1]=$2; next } { print $0 "|" ($2=="f" ? s[$1] : "") }' "$ST/etc.sums.$$" "$ST/etc.meta.$$"
    rm -f "$ST/etc.meta.$$" "$ST/etc.sums.$$" )
}
# compare current state with the backup's records; prints differences, returns 1 if any
verify_against_backup() {
  ok=0
  record_packages > "$ST/packages.now"
  if ! cmp -s "$BK/packages.txt" "$ST/packages.now"; then
    ok=1; log "package set differs from the backup:"; diff "$BK/packages.txt" "$ST/packages.now" | head -n 40 >> "$ST/log"
  fi
  record_etc > "$ST/etc.now"
  if ! cmp -s "$BK/etc.sha256" "$ST/etc.now"; then
    ok=1; log "/etc differs from the backup:"; diff "$BK/etc.sha256" "$ST/etc.now" | head -n 40 >> "$ST/log"
  fi
  return $ok
}

# Pseudo and network file systems under the root are never archived nor deleted by a restore.
excludes() {
  for p in proc sys dev run tmp var/tmp var/cache/dnf var/cache/yum var/lib/osdeck lost+found; do echo "./$p"; done
  if [ -z "$R" ] && [ -r /proc/self/mountinfo ]; then
    awk '{ for (i=7;i<=NF;i++) if ($i=="-") { t=$(i+1); break } ; if (t ~ /^(proc|sysfs|devtmpfs|devpts|tmpfs|cgroup2?|securityfs|debugfs|tracefs|bpf|mqueue|hugetlbfs|configfs|fusectl|pstore|autofs|binfmt_misc|efivarfs|nfs4?|cifs|smb3|fuse\..*|rpc_pipefs|nsfs|ramfs)$/ && $5 != "/") print "." $5 }' /proc/self/mountinfo
  fi
  case "$BK" in "$R"/*) echo ".${BK#"$R"}" ;; esac
  for p in $EXTRA_EXCLUDES; do echo ".$p"; done
}

do_backup() {
  status state=running step=backup "message=archiving the root file system"
  mkdir -p "$BK" || { fail "cannot create $BK"; return 1; }
  excludes | sort -u > "$BK/excludes"
  record_packages > "$BK/packages.txt"
  rpm $RPMR -Va > "$BK/rpm-va.txt" 2>/dev/null
  record_etc > "$BK/etc.sha256"
  archive="$BK/root.tar.$EXT"
  log "archiving ${R:-/} to $archive ($COMPRESS)"
  if ! ( cd "$R/" && tar --create --numeric-owner --sparse --exclude-from="$BK/excludes" -f - . 2> "$ST/tar.err" | compress > "$archive.part" ); then
    fail "archive failed: $(tail -n 3 "$ST/tar.err" | tr '\n' ' ')"; return 1
  fi
  # GNU tar exits 1 for files that changed while read: logged, not fatal; anything else is
  if grep -v -e 'file changed as we read it' -e 'socket ignored' -e 'Removing leading' "$ST/tar.err" | grep -q .; then
    log "tar warnings: $(head -n 5 "$ST/tar.err" | tr '\n' ' ')"
  fi
  mv -f "$archive.part" "$archive"
  status "message=verifying the archive"
  sum=$(sha256sum "$archive" | cut -d' ' -f1)
  echo "$sum  root.tar.$EXT" > "$BK/root.sha256"
  # verification: the checksum is re-read from disk and the whole archive is read back
  again=$(sha256sum "$archive" | cut -d' ' -f1)
  [ "$sum" = "$again" ] || { fail "archive checksum changed between two reads"; return 1; }
  files=$(decompress "$archive" | tar -t -f - 2>/dev/null | wc -l) || files=0
  [ "$files" -gt 0 ] || { fail "the archive cannot be read back"; return 1; }
  grep -q . "$BK/packages.txt" || { fail "rpm lists no packages"; return 1; }
  size=$(wc -c < "$archive")
  { echo "archive=root.tar.$EXT"; echo "sha256=$sum"; echo "bytes=$size"; echo "files=$files"; echo "packages=$(wc -l < "$BK/packages.txt")"; echo "etc_entries=$(wc -l < "$BK/etc.sha256")"; echo "root=${R:-/}"; echo "created=$(now)"; echo "verified=1"; } > "$BK/manifest"
  log "backup verified: $files entries, $size bytes, sha256 $sum"
  status state=done step=backup "message=backup verified ($files entries)" "sha256=$sum" "bytes=$size" "files=$files"
}

# ---- restore ----------------------------------------------------------------------------------
do_restore() {
  status state=running step=restore "message=checking the backup"
  [ -f "$BK/manifest" ] && grep -q '^verified=1' "$BK/manifest" || { fail "no verified backup in $BK"; return 1; }
  archive="$BK/$(sed -n 's/^archive=//p' "$BK/manifest")"
  want=$(sed -n 's/^sha256=//p' "$BK/manifest")
  have=$(sha256sum "$archive" | cut -d' ' -f1)
  [ "$want" = "$have" ] || { fail "backup archive checksum mismatch ($have, recorded $want): not restoring"; return 1; }
  status "message=restoring files from the backup"
  log "restoring ${R:-/} from $archive"
  decompress "$archive" | tar -t -f - | sed -e 's#^\./##' -e 's#/$##' | grep -v '^\.\?$' | sort -u > "$ST/restore.archived" || { fail "cannot list the archive"; return 1; }
  if ! decompress "$archive" | ( cd "$R/" && tar -x -p --numeric-owner -f - ) 2> "$ST/untar.err"; then
    fail "extracting the backup failed: $(tail -n 3 "$ST/untar.err" | tr '\n' ' ')"; return 1
  fi
  status "message=removing files created since the backup"
  prune=$(sed 's#^\./##' "$BK/excludes" | awk '{ printf "%s-path ./%s ", (NR>1 ? "-o " : ""), $0 }')
  ( cd "$R/" && eval "find . \\( $prune \\) -prune -o -print" ) | sed -e 's#^\./##' | grep -v '^\.\?$' | sort -u > "$ST/restore.present"
  comm -13 "$ST/restore.archived" "$ST/restore.present" > "$ST/restore.extra"
  n=0
  sort -r "$ST/restore.extra" | while IFS= read -r p; do
    if [ -d "$R/$p" ] && [ ! -L "$R/$p" ]; then rmdir "$R/$p" 2>/dev/null; else rm -f "$R/$p"; fi
  done
  n=$(wc -l < "$ST/restore.extra")
  log "restored; removed $n path(s) created since the backup"
  if verify_against_backup; then
    status state=done step=restore "message=restored: package set and /etc match the backup"
    return 0
  fi
  fail "restored, but the package set or /etc still differ from the backup (see log)"
  return 1
}

# ---- the migration state machine --------------------------------------------------------------
done_step() { : > "$ST/done/$1"; log "step $1 done"; }
is_done() { [ -f "$ST/done/$1" ]; }
cancelled() { [ -f "$ST/cancel" ]; }
release_installed() { for p in $1; do rpm $RPMR -q "$p" >/dev/null 2>&1 && echo "$p"; done; }

step_repos() {
  status step=repos "message=switching repositories to the target"
  if [ ! -d "$ST/undo/yum.repos.d" ]; then
    mkdir -p "$ST/undo" && cp -a "$R/etc/yum.repos.d" "$ST/undo/yum.repos.d" || { fail "cannot save /etc/yum.repos.d"; return 1; }
  fi
  # disable the source distribution's repositories: files owned by its release packages, and
  # files defining one of its repository ids
  for f in "$R"/etc/yum.repos.d/*.repo; do
    [ -f "$f" ] || continue
    case "${f##*/}" in osdeck-*) continue ;; esac
    owner=$(rpm $RPMR -qf "${f#"$R"}" --qf '%{NAME}\n' 2>/dev/null | head -n 1)
    drop=0
    for p in $SOURCE_RELEASE; do [ "$owner" = "$p" ] && drop=1; done
    for id in $(sed -n 's/^[[:space:]]*\[\([^]]*\)\].*/\1/p' "$f"); do
      for s in $SOURCE_REPO_IDS; do [ "$id" = "$s" ] && drop=1; done
    done
    if [ $drop = 1 ]; then
      awk '/^[[:space:]]*\[/ { print; print "enabled=0"; next } /^[[:space:]]*enabled[[:space:]]*=/ { next } { print }' "$f" > "$f.osdeck" && mv -f "$f.osdeck" "$f"
      log "disabled the repositories in ${f#"$R"}"
    fi
  done
  printf '%s\n' "$TARGET_REPO_FILE" > "$R/etc/yum.repos.d/osdeck-target.repo"
  pm --disablerepo='*' --enablerepo='osdeck-*' makecache >> "$ST/log" 2>&1 || { fail "the target repositories cannot be read from this host"; return 1; }
  done_step repos
}

step_release() {
  status step=release "message=swapping the release package"
  if [ ! -f "$ST/undo/release.saved" ]; then
    have=$(release_installed "$SOURCE_RELEASE")
    printf '%s\n' $have > "$ST/undo/release.pkgs"
    # exact undo without the network: the rpm database and the release packages' files
    if [ -n "$DBPATH" ] && [ -d "$R$DBPATH" ]; then cp -a "$R$DBPATH" "$ST/undo/rpmdb" || { fail "cannot save the rpm database"; return 1; }; fi
    ( cd "$R/" && { [ -n "$have" ] && rpm $RPMR -ql $have 2>/dev/null | sed 's#^/#./#'; [ -f etc/yum.conf ] && echo ./etc/yum.conf; } | while IFS= read -r p; do [ -e "$p" ] || [ -L "$p" ] && echo "$p"; done > "$ST/undo/release.files"
      tar -c --numeric-owner --no-recursion -f "$ST/undo/release.tar" -T "$ST/undo/release.files" ) || { fail "cannot save the release files"; return 1; }
    : > "$ST/undo/release.saved"
  fi
  have=$(release_installed "$SOURCE_RELEASE")
  if [ -n "$have" ]; then
    rpm $RPMR -e --nodeps $have >> "$ST/log" 2>&1 || { fail "rpm -e $have failed"; return 1; }
    log "removed $have"
  fi
  # yum (EL7) derives $releasever from distroverpkg; the package named there is gone now
  if [ -f "$R/etc/yum.conf" ] && grep -q '^distroverpkg' "$R/etc/yum.conf"; then sed -i 's/^distroverpkg/#distroverpkg/' "$R/etc/yum.conf"; fi
  missing=""
  for p in $TARGET_RELEASE; do rpm $RPMR -q "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    pm --disablerepo='*' --enablerepo='osdeck-*' install $missing >> "$ST/log" 2>&1 || { fail "installing$missing from the target failed"; return 1; }
  fi
  done_step release
}

step_test() {
  status step=test "message=testing the package transaction (downloads, no change)"
  out="$ST/test.out"
  pm --disablerepo='*' --enablerepo='osdeck-*' --setopt=tsflags=test distro-sync > "$out" 2>&1
  rc=$?
  cat "$out" >> "$ST/log"
  [ $rc = 0 ] || { fail "the test transaction failed (exit $rc): $(grep -iE 'error|problem|conflict|no space|need|failed' "$out" | head -n 4 | tr '\n' ' ')"; return 1; }
  done_step test
}

undo_before_ponr() {
  log "undoing the changes made so far (before the point of no return)"
  status "message=undoing: restoring repositories and release package"
  err=0
  if [ -f "$ST/undo/release.saved" ]; then
    # files of the target release packages go, the source's come back, then the rpm database
    for p in $TARGET_RELEASE; do rpm $RPMR -ql "$p" 2>/dev/null; done | while IFS= read -r f; do [ -f "$R$f" ] || [ -L "$R$f" ] && rm -f "$R$f"; done
    ( cd "$R/" && tar -x -p --numeric-owner -f "$ST/undo/release.tar" ) || err=1
    if [ -d "$ST/undo/rpmdb" ]; then rm -rf "$R$DBPATH" && cp -a "$ST/undo/rpmdb" "$R$DBPATH" || err=1; fi
  fi
  # last: the release files saved above include repo files as they were after the repos step
  if [ -d "$ST/undo/yum.repos.d" ]; then
    rm -rf "$R/etc/yum.repos.d" && cp -a "$ST/undo/yum.repos.d" "$R/etc/yum.repos.d" || err=1
  fi
  return $err
}

finish_rollback() {
  # $1: why. Verifies against the backup's records.
  if verify_against_backup; then
    status state=rolled-back "message=$1; rolled back: package set and /etc match the backup"
  else
    status state=rollback-failed "message=$1; rollback left differences (see log); restore from the backup"
  fi
}

step_sync() {
  status step=sync ponr=1 "message=distro-sync to the target (point of no return passed)"
  : > "$ST/ponr"
  if [ -n "$REMOVE" ]; then
    log "removing, as the run asked: $REMOVE"
    pm remove $REMOVE >> "$ST/log" 2>&1 || { fail "removing $REMOVE failed"; return 1; }
  fi
  pm --disablerepo='*' --enablerepo='osdeck-*' distro-sync > "$ST/sync.out" 2>&1
  rc=$?
  cat "$ST/sync.out" >> "$ST/log"
  if [ $rc != 0 ] || grep -qE 'scriptlet failed|error: %|Error in (PRE|POST)' "$ST/sync.out"; then
    fail "the distro-sync transaction failed (exit $rc): $(grep -iE 'error|failed' "$ST/sync.out" | head -n 3 | tr '\n' ' ')"; return 1
  fi
  done_step sync
}

step_kernel() {
  status step=kernel "message=kernel and boot loader"
  loader=""
  for f in /boot/grub2/grub.cfg /boot/efi/EFI/*/grub.cfg; do [ -f "$R$f" ] && loader="$f"; done
  if [ -z "$loader" ]; then
    # nothing boots this root (container, chroot, image): source kernels can never run here
    old=$(rpm $RPMR -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}|%{VENDOR}\n' 'kernel*' 2>/dev/null | awk -F'|' -v v="|$SOURCE_VENDORS|" 'index(v, "|" $2 "|") { print $1 }')
    if [ -n "$old" ]; then
      log "no boot loader in this root: removing the source kernels $old"
      rpm $RPMR -e --nodeps $old >> "$ST/log" 2>&1 || { fail "removing source kernels failed"; return 1; }
    fi
  elif [ -z "$R" ]; then
    newest=$(ls -t /boot/vmlinuz-* 2>/dev/null | grep -v rescue | head -n 1)
    if command -v grub2-mkconfig >/dev/null 2>&1; then grub2-mkconfig -o "$loader" >> "$ST/log" 2>&1 || { fail "grub2-mkconfig failed"; return 1; }; fi
    if [ -n "$newest" ] && command -v grubby >/dev/null 2>&1; then grubby --set-default "$newest" >> "$ST/log" 2>&1; fi
    log "boot loader updated ($loader), default $newest; the source kernel stays as a fallback entry"
  fi
  if [ -f "$R/etc/selinux/config" ] && grep -qE '^SELINUX=(enforcing|permissive)' "$R/etc/selinux/config"; then : > "$R/.autorelabel"; fi
  done_step kernel
}

step_verify() {
  status step=verify "message=verifying the result"
  id=$(sed -n 's/^ID=//p' "$R/etc/os-release" | tr -d '"')
  [ "$id" = "$TARGET_ID" ] || { fail "os-release says ID=$id, expected $TARGET_ID"; return 1; }
  record_packages > "$ST/packages.after"
  rpm $RPMR -qa --qf '%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{VENDOR}\n' | sort > "$ST/packages.after.detail"
  rpm $RPMR -Va > "$ST/rpm-va.after" 2>/dev/null
  if [ "$PM" = dnf ]; then pm check >> "$ST/log" 2>&1 || log "dnf check reports problems (see above)"; fi
  # the downloaded packages were kept for a re-run; the host does not need them any more
  pm clean packages >> "$ST/log" 2>&1
  done_step verify
}

do_run() {
  status state=running "pid=$$" ponr=$([ -f "$ST/ponr" ] && echo 1 || echo 0) "message=starting"
  [ -f "$BK/manifest" ] && grep -q '^verified=1' "$BK/manifest" || { fail "no verified backup in $BK"; status state=failed; return 1; }
  for step in repos release test sync kernel verify; do
    if is_done "$step"; then continue; fi
    if cancelled; then
      if [ -f "$ST/ponr" ]; then status state=stopped "message=cancelled after the point of no return; resume or roll back"; return 1; fi
      undo_before_ponr; finish_rollback "cancelled"; return 1
    fi
    log "step $step"
    if ! "step_$step"; then
      msg=$(sed -n 's/^message=//p' "$ST/status")
      if [ ! -f "$ST/ponr" ]; then
        if undo_before_ponr; then finish_rollback "$step failed: $msg"; else status state=rollback-failed "message=$step failed: $msg; undo failed, restore from the backup"; fi
      elif [ "$ON_FAILURE" = rollback ]; then
        log "failure after the point of no return: restoring the verified backup"
        if do_restore; then status state=rolled-back "message=$step failed: $msg; restored from the backup: package set and /etc match"; else status state=rollback-failed "message=$step failed: $msg; the restore did not complete"; fi
      else
        status state=failed "message=$step failed: $msg; resume after fixing, or roll back"
      fi
      return 1
    fi
    if [ "$STOP_AFTER" = "$step" ]; then status state=paused "message=paused after $step as asked; resume to go on"; return 0; fi
  done
  status state=done step=verify "message=migrated: os-release says $TARGET_ID"
}

# one action at a time on a root
LOCK="$R/var/lib/osdeck/migrate/.lock"
mkdir -p "$R/var/lib/osdeck/migrate"
if ! mkdir "$LOCK" 2>/dev/null; then
  other=$(cat "$LOCK/pid" 2>/dev/null)
  # the status file belongs to the running action: say it on stderr only
  if [ -n "$other" ] && kill -0 "$other" 2>/dev/null; then echo "another osdeck migration action (pid $other) is running on this root" >&2; exit 3; fi
  rm -rf "$LOCK"; mkdir "$LOCK" || exit 3
fi
echo $$ > "$LOCK/pid"
trap 'rm -rf "$LOCK"' EXIT
trap 'status "message=agent stopped by a signal"; exit 143' TERM INT
case "$ACTION" in
  backup) do_backup || status state=failed ;;
  restore) do_restore || status state=failed ;;
  run) do_run ;;
  *) echo "unknown action $ACTION" >&2; exit 2 ;;
esac
