import { kvGet, kvSet, na } from '../rule-kit';
import { type Change, TuneRefusal, type TuneRule } from '../tuning';

const CONFIG = '/etc/selinux/config';
const RANK: Record<string, number> = { disabled: 0, permissive: 1, enforcing: 2 };

const rule: TuneRule = {
  id: 'selinux',
  title: 'SELinux is not disabled',
  category: 'security',
  rationale:
    'Old checklists (seed 002 among them) disable SELinux on every host. Today keep it on: it contains exploited services, and EL 8/9 packages ship working policy. Going from disabled straight to enforcing can stop a host booting on unlabeled files, so osdeck sets permissive and schedules a relabel (/.autorelabel); set mode=enforcing once the relabel has run and the audit log is clean.',
  risk: 'high',
  families: ['el'],
  needsReboot: true,
  params: [{ name: 'mode', type: 'string', enum: ['permissive', 'enforcing'], default: 'permissive', description: 'the least the host should run in' }],
  reads: { files: [CONFIG, '/.autorelabel'], commands: ['getenforce'] },
  remediation: "sed -i 's/^SELINUX=.*/SELINUX=permissive/' /etc/selinux/config; touch /.autorelabel; reboot; check ausearch -m avc, then SELINUX=enforcing",
  check(f, p) {
    const cfg = f.files.get(CONFIG);
    if (!cfg?.exists) return na(`${CONFIG} does not exist (SELinux is not installed)`);
    if (cfg.content === null) return { status: 'error', current: cfg.unreadable ?? 'unreadable', expected: '-', fixable: false };
    const configured = (kvGet(cfg.content, 'SELINUX') ?? 'disabled').toLowerCase();
    const runtime = (f.commands.get('getenforce')?.out.trim() || 'unknown').toLowerCase();
    const want = String(p.mode);
    const ok = (RANK[configured] ?? 0) >= RANK[want]! && (runtime === 'unknown' || runtime === 'disabled' ? configured !== 'disabled' && want !== 'enforcing' : (RANK[runtime] ?? 0) >= RANK[want]!);
    const staged = !ok && want === 'enforcing' && (configured === 'disabled' || runtime === 'disabled');
    return {
      status: ok ? 'pass' : 'fail',
      current: `SELINUX=${configured} in ${CONFIG}; running ${runtime}`,
      expected: `${want} or stricter`,
      fixable: !staged,
      ...(staged && { detail: 'SELinux is disabled: apply mode=permissive first (it schedules a relabel), reboot, then enforcing' }),
    };
  },
  fix(f, p) {
    const cfg = f.files.get(CONFIG)!;
    const want = String(p.mode);
    const configured = (kvGet(cfg.content!, 'SELINUX') ?? 'disabled').toLowerCase();
    const runtime = (f.commands.get('getenforce')?.out.trim() || 'disabled').toLowerCase();
    const changes: Change[] = [];
    const wasOff = configured === 'disabled' || runtime === 'disabled';
    if (wasOff && want === 'enforcing') throw new TuneRefusal('SELinux is disabled: apply mode=permissive first, reboot for the relabel, then enforcing');
    const target = want;
    if ((RANK[configured] ?? 0) < RANK[target]!) changes.push({ kind: 'file', path: CONFIG, content: kvSet(cfg.content!, 'SELINUX', target) });
    if (wasOff && !f.files.get('/.autorelabel')?.exists) changes.push({ kind: 'file', path: '/.autorelabel', content: '', mode: '644' });
    if (!wasOff && runtime === 'permissive' && want === 'enforcing') changes.push({ kind: 'value', path: '/sys/fs/selinux/enforce', label: 'SELinux runtime mode (1 = enforcing)', value: '1', before: '0' });
    return changes;
  },
};
export default rule;
