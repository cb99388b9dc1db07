import type { TuneFacts, TuneRule } from '../tuning';

const CONF = '/etc/security/limits.conf';
const DIR_GLOB = '/etc/security/limits.d/*.conf';
const OURS = '/etc/security/limits.d/90-osdeck-nofile.conf';

/** pam_limits: limits.conf, then limits.d/*.conf in name order; a later line for the same domain wins. */
function nofile(f: TuneFacts, domain: string): { soft: number | null; hard: number | null; where: string[] } {
  const dropins = new Set(f.globs.get(DIR_GLOB) ?? []);
  if (f.files.get(OURS)?.exists) dropins.add(OURS);
  const ordered = [CONF, ...[...dropins].sort()];
  let soft: number | null = null;
  let hard: number | null = null;
  const where: string[] = [];
  for (const path of ordered) {
    for (const line of (f.files.get(path)?.content ?? '').split('\n')) {
      const t = line.replace(/#.*/, '').trim().split(/\s+/);
      if (t.length < 4 || t[0] !== domain || t[2] !== 'nofile') continue;
      const v = t[3] === 'unlimited' || t[3] === 'infinity' ? Number.MAX_SAFE_INTEGER : Number(t[3]);
      if (!Number.isFinite(v)) continue;
      if (t[1] === 'soft' || t[1] === '-') soft = v;
      if (t[1] === 'hard' || t[1] === '-') hard = v;
      where.push(path);
    }
  }
  return { soft, hard, where: [...new Set(where)] };
}

const show = (n: number | null) => (n === null ? 'default (1024)' : n === Number.MAX_SAFE_INTEGER ? 'unlimited' : String(n));

const rule: TuneRule = {
  id: 'nofile-limit',
  title: 'login sessions may open enough files',
  category: 'limits',
  rationale:
    'The default of 1024 open files per process runs out under any real connection count ("Too many open files"). This sets the PAM limit for logins and jobs started from them, for every user and for root (which "*" does not cover). Services started by systemd ignore limits.conf: give them LimitNOFILE= in their unit.',
  risk: 'low',
  families: ['el', 'debian'],
  params: [{ name: 'nofile', type: 'integer', default: 65536, min: 1024, max: 1048576, description: 'the soft and hard limit' }],
  reads: { files: [CONF, OURS], globs: [DIR_GLOB] },
  remediation: `printf '* soft nofile 65536\\n* hard nofile 65536\\nroot soft nofile 65536\\nroot hard nofile 65536\\n' > ${OURS}`,
  check(f, p) {
    const want = Number(p.nofile);
    const all = nofile(f, '*');
    const root = nofile(f, 'root');
    const ok = [all.soft, all.hard, root.soft, root.hard].every((v) => v !== null && v >= want);
    return {
      status: ok ? 'pass' : 'fail',
      current: `*: soft ${show(all.soft)}, hard ${show(all.hard)}; root: soft ${show(root.soft)}, hard ${show(root.hard)}`,
      expected: `soft and hard ≥ ${want}`,
      fixable: true,
    };
  },
  fix(_f, p) {
    const n = Number(p.nofile);
    const body = ['# Written by osdeck tune (rule nofile-limit).', `* soft nofile ${n}`, `* hard nofile ${n}`, `root soft nofile ${n}`, `root hard nofile ${n}`, ''].join('\n');
    return [{ kind: 'file', path: OURS, content: body, mode: '644' }];
  },
};
export default rule;
