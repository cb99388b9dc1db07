import { na } from '../rule-kit';
import type { FileFact, TuneFacts, TuneRule } from '../tuning';

const PATHS = ['/etc/rc.d/rc.local', '/etc/rc.local'];

/** rc.local with real commands in it (not only comments, `exit 0` or EL's `touch /var/lock/subsys/local`). */
function used(text: string): boolean {
  return text.split('\n').some((l) => {
    const t = l.trim();
    return t && !t.startsWith('#') && t !== 'exit 0' && t !== 'touch /var/lock/subsys/local';
  });
}

function found(f: TuneFacts): FileFact | null {
  for (const p of PATHS) {
    const file = f.files.get(p);
    if (file?.exists) return file;
  }
  return null;
}

const rule: TuneRule = {
  id: 'rc-local-exec',
  title: 'a used rc.local is executable',
  category: 'system',
  rationale:
    'On EL 7+ rc-local.service runs /etc/rc.d/rc.local only if it is executable, and the file ships without the x bit — so commands people add there silently never run. If rc.local has commands, make it executable (better still, move them into a systemd unit).',
  risk: 'low',
  families: ['el', 'debian'],
  params: [],
  reads: { files: PATHS },
  remediation: 'chmod +x /etc/rc.d/rc.local (or move its commands into a systemd unit)',
  check(f) {
    const file = found(f);
    if (!file) return na('there is no rc.local');
    if (file.content === null) return { status: 'error', current: `${file.path}: ${file.unreadable}`, expected: '-', fixable: false };
    if (!used(file.content)) return { status: 'pass', current: `${file.realPath} has no commands`, expected: 'executable when it has commands', fixable: true };
    const exec = (parseInt(file.mode, 8) & 0o100) !== 0;
    return { status: exec ? 'pass' : 'fail', current: `${file.realPath} has commands, mode ${file.mode}`, expected: 'executable', fixable: true };
  },
  fix(f) {
    const file = found(f)!;
    return [{ kind: 'mode', path: file.path, mode: (parseInt(file.mode, 8) | 0o111).toString(8) }];
  },
};
export default rule;
