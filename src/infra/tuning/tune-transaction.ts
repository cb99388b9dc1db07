/**
 * Turns a tuning plan into one POSIX sh script that applies it on the host all-or-nothing:
 *
 *  - every file, value, mode and service is checked against what osdeck read before it is touched
 *    (someone else's edit since then stops the run instead of being overwritten);
 *  - every touched file is copied to a backup directory on the host first;
 *  - files are written to a temp file in the same directory, verified by SHA-256, then renamed;
 *  - sshd's configuration is validated with `sshd -t` before sshd is reloaded;
 *  - any failure undoes what was done, in reverse order, and reports ROLLEDBACK.
 *
 * The whole body is one function called on the last line, so a script cut short in transit (the
 * connection dropped) never runs at all, and SIGHUP/SIGPIPE are ignored so a dropped connection
 * cannot stop it half-way.
 */
import { createHash } from 'node:crypto';
import type { TunePlan } from '../../domain/tuning/engine';
import { shellQuote as q } from '../diagnosis-probe';

const sha = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
const norm = (v: string) => v.trim().split(/\s+/).join(' ');

export interface TransactionOptions {
  /** directory on the host for backups of this run */
  backupDir: string;
  /** reload sshd after validating its configuration */
  reloadSshd: boolean;
}

export const TX_OK = 'OSDECK-TX OK';

/** One script for the whole plan; the result lines are "OSDECK-TX OK" or "OSDECK-TX FAIL <why>" (+ ROLLEDBACK). */
export function transactionScript(plan: TunePlan, o: TransactionOptions): string {
  const fns: string[] = [];
  const calls: string[] = [];
  let k = 0;
  for (const op of plan.files) {
    k++;
    const p = q(op.path);
    const expect = op.before.exists ? sha(op.before.content ?? '') : 'absent';
    const body: string[] = [`do_${k}() {`, `  p=${p}`, `  [ "$(sha "$p")" = ${q(expect)} ] || { say "FAIL CHANGED $p changed since osdeck read it; nothing was applied"; return 1; }`];
    body.push(`  if [ -e "$p" ]; then cp -p "$p" "$B/file.${k}" || { say "FAIL BACKUP could not copy $p to $B"; return 1; }; fi`);
    if (op.after.exists) {
      const text = op.after.content ?? '';
      const b64 = Buffer.from(text, 'utf8').toString('base64').replace(/(.{76})/g, '$1\n');
      body.push(
        `  d=$(dirname "$p"); [ -d "$d" ] || { say "FAIL NODIR $d does not exist"; return 1; }`,
        `  t="$d/.osdeck-tune.$$.${k}"`,
        `  base64 -d > "$t" <<'OSDECK_EOF_${k}' || { rm -f "$t"; say "FAIL WRITE $p"; return 1; }`,
        b64,
        `OSDECK_EOF_${k}`,
        `  [ "$(sha "$t")" = ${q(sha(text))} ] || { rm -f "$t"; say "FAIL CORRUPT $p: written bytes differ"; return 1; }`,
        `  chmod ${op.after.mode} "$t" && chown ${op.after.uid}:${op.after.gid} "$t" || { rm -f "$t"; say "FAIL MODE $p"; return 1; }`,
        `  mv -f "$t" "$p" || { rm -f "$t"; say "FAIL RENAME $p"; return 1; }`,
        `  DONE="${k} $DONE"`,
        `  relabel "$p"`,
      );
    } else {
      body.push(`  rm -f "$p" || { say "FAIL REMOVE $p"; return 1; }`, `  DONE="${k} $DONE"`);
    }
    body.push('}');
    fns.push(body.join('\n'));
    fns.push(`undo_${k}() { if [ -e "$B/file.${k}" ]; then cp -p "$B/file.${k}" ${p}; else rm -f ${p}; fi; }`);
    calls.push(`do_${k}`);
  }
  for (const v of plan.values) {
    k++;
    fns.push(
      [
        `do_${k}() {`,
        `  p=${q(v.path)}`,
        `  [ -w "$p" ] || { say "FAIL NOVALUE $p cannot be written"; return 1; }`,
        `  cur=$(cat "$p" 2>/dev/null)`,
        `  [ "$(norm "$cur")" = ${q(norm(v.before))} ] || { say "FAIL CHANGED $p is $(norm "$cur") now, osdeck read ${norm(v.before).replace(/[^A-Za-z0-9 ._:-]/g, '')}"; return 1; }`,
        `  printf '%s\\n' "$cur" > "$B/value.${k}"`,
        `  DONE="${k} $DONE"`,
        `  printf '%s\\n' ${q(v.after)} > "$p" 2>/dev/null || { say "FAIL WRITE $p refused ${q(v.after).replace(/'/g, '')}"; return 1; }`,
        `  [ "$(norm "$(cat "$p")")" = ${q(norm(v.after))} ] || { say "FAIL NOTSET $p reads $(norm "$(cat "$p")") after writing"; return 1; }`,
        '}',
      ].join('\n'),
    );
    fns.push(`undo_${k}() { printf '%s\\n' ${q(v.before)} > ${q(v.path)}; }`);
    calls.push(`do_${k}`);
  }
  for (const m of plan.modes) {
    k++;
    fns.push(
      [
        `do_${k}() {`,
        `  p=${q(m.path)}`,
        `  [ "$(stat -c %a "$p" 2>/dev/null)" = ${q(m.before)} ] || { say "FAIL CHANGED mode of $p changed since osdeck read it"; return 1; }`,
        `  chmod ${m.after} "$p" || { say "FAIL MODE $p"; return 1; }`,
        `  DONE="${k} $DONE"`,
        '}',
      ].join('\n'),
    );
    fns.push(`undo_${k}() { chmod ${m.before} ${q(m.path)}; }`);
    calls.push(`do_${k}`);
  }
  for (const s of plan.services) {
    k++;
    const unit = q(s.name);
    const to = (st: { enabled: boolean; active: boolean }) => `systemctl ${st.enabled ? 'enable' : 'disable'} ${unit} >/dev/null 2>&1 && systemctl ${st.active ? 'start' : 'stop'} ${unit}`;
    fns.push(`do_${k}() { DONE="${k} $DONE"; ${to(s.after)} || { say "FAIL SERVICE ${s.name} could not be ${s.after.active ? 'started' : 'stopped'}"; return 1; }; }`);
    fns.push(`undo_${k}() { ${to(s.before)}; }`);
    calls.push(`do_${k}`);
  }

  return `set -u
umask 077
trap '' HUP PIPE
say() { printf 'OSDECK-TX %s\\n' "$*" 2>/dev/null; }
sha() { if [ -e "$1" ]; then sha256sum < "$1" | cut -d' ' -f1; else echo absent; fi; }
norm() { echo $1; }
relabel() { if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled && command -v restorecon >/dev/null 2>&1; then restorecon -F "$1" 2>/dev/null; fi; return 0; }
sshd_bin() { command -v sshd 2>/dev/null || echo /usr/sbin/sshd; }
reload_sshd() {
  if [ -d /run/systemd/system ]; then
    systemctl reload sshd 2>/dev/null || systemctl reload ssh 2>/dev/null && return 0
  fi
  pf=$("$(sshd_bin)" -T 2>/dev/null | awk '$1 == "pidfile" { print $2 }')
  for f in $pf /run/sshd.pid /var/run/sshd.pid; do
    [ -r "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null)
    case "$pid" in ''|*[!0-9]*) continue ;; esac
    kill -HUP "$pid" 2>/dev/null && return 0
  done
  return 1
}
${fns.join('\n')}
rollback() {
  for n in $DONE; do "undo_$n" || say "UNDOFAILED step $n"; done
  say ROLLEDBACK
}
main() {
  [ "$(id -u)" = 0 ] || { say "FAIL NOTROOT tuning changes need root; osdeck is logged in as $(id -un)"; exit 3; }
  B=${q(o.backupDir)}
  mkdir -p "$B" && chmod 700 "$B" || { say "FAIL BACKUPDIR cannot create $B"; exit 3; }
  DONE=''
${calls.map((c) => `  ${c} || { rollback; exit 3; }`).join('\n')}
${o.reloadSshd ? `  if ! out=$("$(sshd_bin)" -t 2>&1); then say "FAIL SSHD_INVALID sshd -t rejected the new configuration: $(printf '%s' "$out" | head -c 300 | tr '\\n' ' ')"; rollback; exit 3; fi
  if ! reload_sshd; then say "FAIL SSHD_RELOAD sshd could not be reloaded"; rollback; reload_sshd; exit 3; fi` : ''}
  say OK
}
main
`;
}

export interface TransactionResult {
  ok: boolean;
  rolledBack: boolean;
  /** the first FAIL line's text */
  error: string | null;
  code: string | null;
}

export function parseTransactionOutput(stdout: string): TransactionResult {
  const lines = stdout.split('\n').filter((l) => l.startsWith('OSDECK-TX '));
  const fail = lines.find((l) => l.startsWith('OSDECK-TX FAIL '));
  const m = fail ? /^OSDECK-TX FAIL (\S+)\s*(.*)$/.exec(fail) : null;
  return {
    ok: lines.includes(TX_OK) && !fail,
    rolledBack: lines.includes('OSDECK-TX ROLLEDBACK'),
    error: m ? m[2]! || m[1]! : lines.includes(TX_OK) ? null : 'the host did not report a result (connection lost?)',
    code: m ? m[1]! : lines.includes(TX_OK) ? null : 'NO_RESULT',
  };
}
