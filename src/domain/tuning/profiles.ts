/**
 * Profiles: named sets of rules with parameters. Four are built in; operators add their own as
 * YAML (parsed by the service, validated here). A profile may extend another; its entries add
 * rules or override parameters of inherited ones.
 */
import type { DiagnosisParams } from '../diagnosis/diagnosis';
import { validateParams } from '../diagnosis/params';
import { OsdeckError } from '../errors';
import { findRule, RULES } from './registry';
import type { RuleSelection } from './tuning';

export interface ProfileEntry {
  rule: string;
  params: Record<string, unknown>;
}

export interface Profile {
  name: string;
  description: string;
  extends: string | null;
  rules: ProfileEntry[];
  builtIn: boolean;
}

const e = (rule: string, params: Record<string, unknown> = {}): ProfileEntry => ({ rule, params });

export const BUILTIN_PROFILES: readonly Profile[] = [
  {
    name: 'baseline',
    description: 'What every fresh or freshly migrated host gets: quick SSH logins without weakening them, SELinux and a firewall kept, sane limits, time sync, TIME_WAIT done right, and the leftovers migrations trip over (rc.local, NIC names, tcp_tw_recycle).',
    extends: null,
    builtIn: true,
    rules: [
      e('ssh-usedns'), e('ssh-gssapi'), e('ssh-root-login'), e('selinux'), e('firewall-active'), e('hostname-resolves'), e('locale-utf8'),
      e('nofile-limit'), e('time-sync'), e('tcp-tw-reuse'), e('tcp-tw-recycle'), e('rc-local-exec'), e('nic-config'),
    ],
  },
  {
    name: 'hardening',
    description: 'baseline plus keys-only SSH, SELinux enforcing and a closed kernel log and kernel pointers.',
    extends: 'baseline',
    builtIn: true,
    rules: [e('ssh-password-auth'), e('selinux', { mode: 'enforcing' }), e('dmesg-restrict'), e('kptr-restrict')],
  },
  {
    name: 'container-host',
    description: 'baseline plus what container hosts learned the hard way: a big PID space with a limit per container, EL7 kmem accounting off, one owner of the kernel log, inotify budgets.',
    extends: 'baseline',
    builtIn: true,
    rules: [e('pid-max'), e('container-pids-limit'), e('memcg-kmem'), e('kernel-log-owner'), e('dmesg-restrict'), e('inotify-instances'), e('inotify-watches')],
  },
  {
    name: 'web-server',
    description: 'baseline plus connection-heavy settings: a long listen backlog, a wide local port range and more open files.',
    extends: 'baseline',
    builtIn: true,
    rules: [e('somaxconn'), e('ip-local-port-range'), e('nofile-limit', { nofile: 262144 })],
  },
];

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function invalid(message: string, details: Record<string, unknown> = {}): OsdeckError {
  return new OsdeckError('INVALID_PROFILE', message, 400, details);
}

/** Checks a parsed YAML document and returns the profile; every problem is named with its place. */
export function profileFromDocument(doc: unknown, nameHint?: string): Profile {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('a profile is a YAML mapping with name, description, extends and rules');
  const d = doc as Record<string, unknown>;
  const unknownKeys = Object.keys(d).filter((k) => !['name', 'description', 'extends', 'rules'].includes(k));
  if (unknownKeys.length) throw invalid(`unknown key ${JSON.stringify(unknownKeys[0])} (a profile has name, description, extends, rules)`);
  const name = d.name ?? nameHint;
  if (typeof name !== 'string' || !NAME.test(name)) throw invalid('name: lower-case letters, digits, ".", "_" or "-", up to 63 characters');
  if (d.description !== undefined && typeof d.description !== 'string') throw invalid('description: must be text');
  if (d.extends !== undefined && d.extends !== null && typeof d.extends !== 'string') throw invalid('extends: must name a profile');
  if (!Array.isArray(d.rules)) throw invalid('rules: must be a list of rule ids or {id, params} entries');
  const rules: ProfileEntry[] = d.rules.map((item, i) => {
    const where = `rules[${i}]`;
    if (typeof item === 'string') return { rule: item, params: {} };
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid(`${where}: a rule id, or a mapping with id and params`);
    const it = item as Record<string, unknown>;
    const extra = Object.keys(it).filter((k) => k !== 'id' && k !== 'params');
    if (extra.length) throw invalid(`${where}: unknown key ${JSON.stringify(extra[0])} (an entry has id and params)`);
    if (typeof it.id !== 'string') throw invalid(`${where}.id: must be a rule id`);
    if (it.params !== undefined && (typeof it.params !== 'object' || it.params === null || Array.isArray(it.params))) throw invalid(`${where}.params: must be a mapping`);
    return { rule: it.id, params: (it.params as Record<string, unknown>) ?? {} };
  });
  rules.forEach((r, i) => {
    const rule = findRule(r.rule);
    if (!rule) throw new OsdeckError('UNKNOWN_RULE', `rules[${i}]: no rule named ${JSON.stringify(r.rule.slice(0, 60))}; known: ${RULES.map((x) => x.id).join(', ')}`, 400);
    try {
      validateParams(rule, r.params);
    } catch (err) {
      throw invalid(`rules[${i}] (${r.rule}): ${(err as Error).message}`);
    }
  });
  if (BUILTIN_PROFILES.some((p) => p.name === name)) throw invalid(`${name} is a built-in profile; choose another name (a profile can extend it)`);
  return { name, description: (d.description as string | undefined) ?? '', extends: (d.extends as string | null | undefined) ?? null, rules, builtIn: false };
}

/**
 * The rules a profile (with its ancestors) selects, in order, with validated parameters. Later
 * entries for the same rule override parameters of earlier ones; `overrides` ("rule.param") last.
 */
export function resolveProfile(name: string, lookup: (name: string) => Profile | undefined, overrides: Record<string, Record<string, unknown>> = {}): RuleSelection[] {
  const chain: Profile[] = [];
  for (let n: string | null = name; n; ) {
    const p = lookup(n);
    if (!p) throw new OsdeckError('UNKNOWN_PROFILE', chain.length ? `profile ${chain[0]!.name} extends ${n}, which does not exist` : `no profile named ${JSON.stringify(n.slice(0, 60))}`, chain.length ? 400 : 404);
    if (chain.some((c) => c.name === p.name)) throw invalid(`profile ${name} extends itself (${[...chain.map((c) => c.name), p.name].join(' → ')})`);
    chain.push(p);
    n = p.extends;
  }
  const order: string[] = [];
  const params = new Map<string, Record<string, unknown>>();
  for (const p of chain.reverse()) {
    for (const entry of p.rules) {
      if (!params.has(entry.rule)) order.push(entry.rule);
      params.set(entry.rule, { ...(params.get(entry.rule) ?? {}), ...entry.params });
    }
  }
  return selectRules(order, Object.fromEntries(params), overrides);
}

/** Rules named directly (--rule), with parameters. */
export function selectRules(ids: string[], params: Record<string, Record<string, unknown>>, overrides: Record<string, Record<string, unknown>> = {}): RuleSelection[] {
  for (const k of Object.keys(overrides)) {
    if (!ids.includes(k)) throw new OsdeckError('INVALID_PARAM', `a parameter was given for ${JSON.stringify(k.slice(0, 60))}, which is not among the selected rules`, 400);
  }
  return [...new Set(ids)].map((id) => {
    const rule = findRule(id);
    if (!rule) throw new OsdeckError('UNKNOWN_RULE', `no rule named ${JSON.stringify(id.slice(0, 60))}; known: ${RULES.map((r) => r.id).join(', ')}`, 400);
    return { rule, params: validateParams(rule, { ...(params[id] ?? {}), ...(overrides[id] ?? {}) }) as DiagnosisParams };
  });
}

/** "rule.param=value" pairs (CLI --param) → per-rule parameter maps. */
export function parseRuleParams(pairs: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const pair of pairs) {
    const m = /^([a-z0-9-]+)\.([a-z_][a-z0-9_]*)=(.*)$/i.exec(pair);
    if (!m) throw new OsdeckError('INVALID_PARAM', `--param wants RULE.NAME=VALUE (e.g. ssh-port.port=2222), got ${JSON.stringify(pair.slice(0, 60))}`, 400);
    (out[m[1]!] ??= {})[m[2]!] = m[3]!;
  }
  return out;
}
