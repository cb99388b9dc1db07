/** Shared building blocks for rules: sysctl rules, sshd keyword rules, key=value files. */
import type { DiagnosisParams, ParamSpec } from '../diagnosis/diagnosis';
import { SSHD_CONFIG, SSHD_DROPINS, sshdEffective, sshdPresent, sshdSet } from './sshd-config';
import { SYSCTL_READS, persistSysctl, procPath, sameValue, sysctlPersisted } from './sysctl-conf';
import type { Change, CheckOutcome, OsFamily, Risk, TuneCategory, TuneContext, TuneFacts, TuneRule } from './tuning';

export function na(detail: string): CheckOutcome {
  return { status: 'n/a', current: '-', expected: '-', detail };
}

// ---------------------------------------------------------------------------------------------
// sysctl

export interface SysctlRuleSpec {
  id: string;
  title: string;
  category: TuneCategory;
  rationale: string;
  risk: Risk;
  key: string;
  /** 'eq': exactly the value; 'atLeast' / 'atMost': numeric bound */
  compare: 'eq' | 'atLeast' | 'atMost';
  /** the parameter holding the wanted value */
  param: ParamSpec;
  families?: OsFamily[];
  /** other sysctls the guard looks at */
  alsoReads?: string[];
  /** named probe commands the guard looks at */
  commands?: string[];
  /** extra n/a or failure conditions before the value is compared */
  guard?(f: TuneFacts, p: DiagnosisParams): CheckOutcome | null;
  remediationExtra?: string;
}

function satisfies(spec: SysctlRuleSpec, have: string | null | undefined, want: string): boolean {
  if (have === null || have === undefined) return false;
  if (spec.compare === 'eq') return sameValue(have, want);
  const h = Number(have.trim());
  const w = Number(want);
  if (!Number.isFinite(h)) return false;
  return spec.compare === 'atLeast' ? h >= w : h <= w;
}

export function sysctlRule(spec: SysctlRuleSpec): TuneRule {
  const wantOf = (p: DiagnosisParams) => String(p[spec.param.name]);
  const word = spec.compare === 'eq' ? '' : spec.compare === 'atLeast' ? '≥ ' : '≤ ';
  return {
    id: spec.id,
    title: spec.title,
    category: spec.category,
    rationale: spec.rationale,
    risk: spec.risk,
    families: spec.families ?? ['el', 'debian'],
    params: [spec.param],
    reads: { ...SYSCTL_READS, sysctls: [spec.key, ...(spec.alsoReads ?? [])], commands: spec.commands ?? [] },
    remediation: `sysctl -w ${spec.key}=<value>; echo '${spec.key} = <value>' > /etc/sysctl.d/90-local.conf${spec.remediationExtra ? `\n${spec.remediationExtra}` : ''}`,
    check(f, p) {
      const runtime = f.sysctl.get(spec.key);
      if (runtime === null || runtime === undefined) return na(`this kernel (${f.kernel}) has no ${spec.key}`);
      const guarded = spec.guard?.(f, p);
      if (guarded) return guarded;
      const want = wantOf(p);
      const persisted = sysctlPersisted(f, spec.key);
      const runOk = satisfies(spec, runtime, want);
      const bootOk = persisted ? satisfies(spec, persisted.value, want) : runOk;
      const at = persisted ? `${persisted.value} (${persisted.path}:${persisted.line + 1})` : 'not set (kernel default)';
      return {
        status: runOk && bootOk ? 'pass' : 'fail',
        current: `${spec.key} = ${runtime.trim().split(/\s+/).join(' ')} now; at boot ${at}`,
        expected: `${word}${want}`,
        fixable: true,
      };
    },
    fix(f, p) {
      const want = wantOf(p);
      const changes: Change[] = [];
      if (!satisfies(spec, f.sysctl.get(spec.key), want)) changes.push({ kind: 'value', path: procPath(spec.key), label: spec.key, value: want });
      const persisted = sysctlPersisted(f, spec.key);
      if (!persisted || !satisfies(spec, persisted.value, want)) changes.push(...persistSysctl(f, spec.key, want, spec.id));
      return changes;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// sshd keywords

export interface SshdRuleSpec {
  id: string;
  title: string;
  rationale: string;
  risk: Risk;
  keyword: string;
  param: ParamSpec;
  /** refuses values that would lock osdeck out; returns the reason */
  lockout?(value: string, ctx: TuneContext): string | null;
  /** which effective values count as meeting the wanted one (default: equal) */
  accepts?(effective: string, wanted: string): boolean;
}

export const SSHD_READS = { files: [SSHD_CONFIG], globs: [SSHD_DROPINS], commands: ['sshd-config'] };

export function sshdRule(spec: SshdRuleSpec): TuneRule {
  const accepts = spec.accepts ?? ((e: string, w: string) => e.toLowerCase() === w.toLowerCase());
  return {
    id: spec.id,
    title: spec.title,
    category: 'ssh',
    rationale: spec.rationale,
    risk: spec.risk,
    families: ['el', 'debian'],
    params: [spec.param],
    reads: SSHD_READS,
    remediation: `set "${spec.keyword} <value>" in ${SSHD_CONFIG} (above any Include/Match), then: sshd -t && systemctl reload sshd`,
    check(f, p, ctx) {
      if (!sshdPresent(f)) return na(`${SSHD_CONFIG} does not exist or cannot be read`);
      const want = String(p[spec.param.name]);
      const eff = sshdEffective(f, spec.keyword);
      const have = eff.values[0] ?? '';
      const ok = accepts(have, want);
      const lock = ok ? null : (spec.lockout?.(want, ctx) ?? null);
      return {
        status: ok ? 'pass' : 'fail',
        current: `${spec.keyword} ${have} (${eff.source})`,
        expected: `${spec.keyword} ${want}`,
        fixable: !lock,
        ...(lock && { detail: lock }),
      };
    },
    fix(f, p) {
      const want = String(p[spec.param.name]);
      return [{ kind: 'file', path: SSHD_CONFIG, content: sshdSet(f.files.get(SSHD_CONFIG)!.content!, spec.keyword, want) }];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// KEY=value files (/etc/locale.conf, /etc/selinux/config, /etc/default/locale)

export function kvGet(text: string, key: string): string | null {
  let out: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] === key) out = m[2]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return out;
}

/** Sets KEY=value on the last line that assigns it (the one in effect), or appends one. */
export function kvSet(text: string, key: string, value: string): string {
  const lines = text.split('\n');
  let at = -1;
  lines.forEach((line, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (m && m[1] === key) at = i;
  });
  const quoted = /^[A-Za-z0-9_.@:/+-]*$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
  if (at >= 0) {
    lines[at] = `${key}=${quoted}`;
    return lines.join('\n');
  }
  if (text === '') return `${key}=${quoted}\n`;
  return `${text}${text.endsWith('\n') ? '' : '\n'}${key}=${quoted}\n`;
}

export function integerParam(name: string, description: string, dflt: number, min: number, max: number): ParamSpec {
  return { name, type: 'integer', description, default: dflt, min, max };
}
