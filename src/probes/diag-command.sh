# osdeck command diagnosis: runs OSDECK_COMMAND with sh -c, stdin from /dev/null, bounded by OSDECK_TIMEOUT.
# Output: sections stdout, stderr, status (exit=N ms=N timeout=0|1).
m="@@osdeck $OSDECK_MARK"
tmp=$(mktemp -d 2>/dev/null || echo "/tmp/osdeck-cmd.$$")
mkdir -p "$tmp" && chmod 700 "$tmp"
start=$(date +%s%N 2>/dev/null)
if command -v timeout >/dev/null 2>&1; then
  timeout -k 5 "$OSDECK_TIMEOUT" sh -c "$OSDECK_COMMAND" </dev/null >"$tmp/out" 2>"$tmp/err"
else
  sh -c "$OSDECK_COMMAND" </dev/null >"$tmp/out" 2>"$tmp/err"
fi
rc=$?
end=$(date +%s%N 2>/dev/null)
to=0
[ "$rc" = 124 ] && to=1
case "$start$end" in *N*|'') ms=0 ;; *) ms=$(( (end - start) / 1000000 )) ;; esac
echo "$m stdout"; cat "$tmp/out"; echo
echo "$m stderr"; cat "$tmp/err"; echo
echo "$m status"; echo "exit=$rc ms=$ms timeout=$to"
rm -rf "$tmp"
