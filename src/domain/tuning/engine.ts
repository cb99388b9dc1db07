/**
 * Runs rules over facts. `checkAll` is read-only; `planFixes` asks each failing, fixable rule for
 * its changes against a running view of the host (so two rules editing sshd_config compose), then
 * proves every fixed rule passes on that view before anything is sent. The plan records before and
 * after of everything it touches, which is what makes revert exact: it is the same plan inverted.
 */
import type { DiagnosisParams } from '../diagnosis/diagnosis';
import { unifiedDiff } from '../text-diff';
import { SSHD_CONFIG, sshdEffective, sshdPortsInFile } from './sshd-config';
import { sameValue } from './sysctl-conf';
import { type Change, type CheckOutcome, type FileFact, type RuleResult, type RuleSelection, TuneRefusal, type TuneContext, type TuneFacts, type TuneRule } from './tuning';

export interface FileOp {
  /** the file changed (symlinks followed) */
  path: string;
  /** the names rules used for it */
  names: string[];
  before: { exists: boolean; content: string | null; mode: string; uid: number; gid: number };
  after: { exists: boolean; content: string | null; mode: string; uid: number; gid: number };
}

export interface ValueOp {
  path: string;
  label: string;
  before: string;
  after: string;
}

export interface ModeOp {
  path: string;
  before: string;
  after: string;
}

export interface ServiceOp {
  name: string;
  before: { enabled: boolean; active: boolean };
  after: { enabled: boolean; active: boolean };
}

export interface TunePlan {
  files: FileOp[];
  values: ValueOp[];
  modes: ModeOp[];
  services: ServiceOp[];
  /** what each rule changes, in words */
  rules: Array<{ rule: string; changes: string[] }>;
  /** sshd must be validated (sshd -t) and reloaded; a port change goes through the safe switch */
  sshd: { reload: boolean; portsBefore: number[]; portsAfter: number[] };
  needsReboot: string[];
}

export interface PlanOutcome {
  /** each rule's result before the plan, with refusals folded in */
  results: RuleResult[];
  plan: TunePlan;
  /** rules whose fix declined, with why */
  refused: Array<{ rule: string; reason: string }>;
}

function applicable(rule: TuneRule, f: TuneFacts): string | null {
  if (!rule.families.includes(f.os.family)) return `${rule.id} is for ${rule.families.join('/')} systems; this host is ${f.os.pretty || f.os.id || 'unknown'}`;
  const min = rule.minMajor?.[f.os.family];
  const max = rule.maxMajor?.[f.os.family];
  if (f.os.major !== null && min !== undefined && f.os.major < min) return `${rule.id} applies from version ${min}; this host is ${f.os.pretty}`;
  if (f.os.major !== null && max !== undefined && f.os.major > max) return `${rule.id} applies up to version ${max}; this host is ${f.os.pretty}`;
  return null;
}

export function checkRule(sel: RuleSelection, f: TuneFacts, ctx: TuneContext): CheckOutcome {
  const why = applicable(sel.rule, f);
  if (why) return { status: 'n/a', current: '-', expected: '-', detail: why, fixable: false };
  try {
    return sel.rule.check(f, sel.params, ctx);
  } catch (e) {
    return { status: 'error', current: `the check failed: ${(e as Error).message}`, expected: '-', fixable: false };
  }
}

function toResult(rule: TuneRule, o: CheckOutcome): RuleResult {
  return {
    rule: rule.id, title: rule.title, category: rule.category, risk: rule.risk, status: o.status, current: o.current, expected: o.expected,
    ...(o.detail && { detail: o.detail }),
    fixable: o.status === 'fail' && o.fixable !== false && !!rule.fix,
    needsReboot: !!rule.needsReboot,
  };
}

export function checkAll(sels: RuleSelection[], f: TuneFacts, ctx: TuneContext): RuleResult[] {
  return sels.map((s) => toResult(s.rule, checkRule(s, f, ctx)));
}

// ---------------------------------------------------------------------------------------------
// planning

function cloneFacts(f: TuneFacts): TuneFacts {
  return {
    ...f,
    files: new Map([...f.files].map(([k, v]) => [k, { ...v }])),
    globs: new Map([...f.globs].map(([k, v]) => [k, [...v]])),
    sysctl: new Map(f.sysctl),
    commands: new Map(f.commands),
    services: new Map([...f.services].map(([k, v]) => [k, { ...v }])),
    written: new Map(f.written ?? []),
  };
}

function globMatches(pattern: string, path: string): boolean {
  const slash = pattern.lastIndexOf('/');
  if (path.slice(0, path.lastIndexOf('/')) !== pattern.slice(0, slash)) return false;
  const re = new RegExp(`^${pattern.slice(slash + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(path.slice(path.lastIndexOf('/') + 1));
}

/** Commands whose output depends on files under a prefix: a plan that edits those files stops trusting them. */
const COMMAND_INPUTS: Record<string, string> = { 'sshd-config': '/etc/ssh/' };

const isActive = (s: { active: string } | undefined) => s?.active === 'active';
const isEnabled = (s: { enabled: string } | undefined) => s?.enabled === 'enabled';

export function planFixes(sels: RuleSelection[], f: TuneFacts, ctx: TuneContext): PlanOutcome {
  const view = cloneFacts(f);
  const files = new Map<string, FileOp>();
  const values = new Map<string, ValueOp>();
  const modes = new Map<string, ModeOp>();
  const services = new Map<string, ServiceOp>();
  const perRule: PlanOutcome['plan']['rules'] = [];
  const refused: PlanOutcome['refused'] = [];
  const results: RuleResult[] = [];
  const fixed: RuleSelection[] = [];
  let sshdTouched = false;

  const factOf = (path: string): FileFact => view.files.get(path) ?? { path, exists: false, realPath: path, mode: '644', uid: 0, gid: 0, size: 0, content: null };

  const applyChange = (c: Change): string => {
    switch (c.kind) {
      case 'file': {
        const fact = factOf(c.path);
        if (fact.exists && fact.content === null) throw new TuneRefusal(`${c.path} is ${fact.unreadable ?? 'unreadable'}; osdeck will not rewrite it`);
        const real = fact.realPath;
        const original = f.files.get(c.path);
        if (!files.has(real)) {
          files.set(real, {
            path: real, names: [],
            before: { exists: original?.exists ?? false, content: original?.content ?? null, mode: original?.mode ?? '644', uid: original?.uid ?? 0, gid: original?.gid ?? 0 },
            after: { exists: false, content: null, mode: '644', uid: 0, gid: 0 },
          });
        }
        const op = files.get(real)!;
        if (!op.names.includes(c.path)) op.names.push(c.path);
        const mode = c.mode && !fact.exists ? c.mode : fact.mode;
        op.after = { exists: c.content !== null, content: c.content, mode, uid: fact.exists ? fact.uid : 0, gid: fact.exists ? fact.gid : 0 };
        // every name pointing at the same file sees the new content
        for (const [name, other] of view.files) if (other.realPath === real) view.files.set(name, { ...other, exists: c.content !== null, content: c.content, size: c.content?.length ?? 0 });
        view.files.set(c.path, { ...fact, exists: c.content !== null, content: c.content, mode, size: c.content?.length ?? 0 });
        for (const [pattern, list] of view.globs) {
          if (!globMatches(pattern, c.path)) continue;
          const next = list.filter((p) => p !== c.path);
          if (c.content !== null) next.push(c.path);
          view.globs.set(pattern, next.sort());
        }
        for (const [cmd, prefix] of Object.entries(COMMAND_INPUTS)) if (c.path.startsWith(prefix) || real.startsWith(prefix)) view.commands.delete(cmd);
        if (c.path.startsWith('/etc/ssh/')) sshdTouched = true;
        return c.content === null ? `remove ${c.path}` : `${original?.exists ? 'edit' : 'create'} ${c.path}`;
      }
      case 'value': {
        const key = c.path.startsWith('/proc/sys/') ? c.path.slice(10).replace(/\//g, '.') : null;
        const before = values.get(c.path)?.before ?? c.before ?? (key ? f.sysctl.get(key) : undefined);
        if (before === undefined || before === null) throw new TuneRefusal(`${c.label}: its current value is unknown`);
        values.set(c.path, { path: c.path, label: c.label, before, after: c.value });
        if (key) view.sysctl.set(key, c.value);
        view.written!.set(c.path, c.value);
        return `${c.label}: ${before.trim().split(/\s+/).join(' ')} → ${c.value}`;
      }
      case 'mode': {
        const fact = factOf(c.path);
        if (!fact.exists) throw new TuneRefusal(`${c.path} does not exist`);
        const prior = modes.get(fact.realPath)?.before ?? f.files.get(c.path)?.mode ?? fact.mode;
        modes.set(fact.realPath, { path: fact.realPath, before: prior, after: c.mode });
        for (const [name, other] of view.files) if (other.realPath === fact.realPath) view.files.set(name, { ...other, mode: c.mode });
        return `chmod ${c.mode} ${c.path}`;
      }
      case 'service': {
        const was = f.services.get(c.name);
        if (!services.has(c.name)) services.set(c.name, { name: c.name, before: { enabled: isEnabled(was), active: isActive(was) }, after: { enabled: c.enabled, active: c.active } });
        else services.get(c.name)!.after = { enabled: c.enabled, active: c.active };
        view.services.set(c.name, { enabled: c.enabled ? 'enabled' : 'disabled', active: c.active ? 'active' : 'inactive' });
        return `${c.enabled ? 'enable' : 'disable'} and ${c.active ? 'start' : 'stop'} ${c.name}`;
      }
    }
  };

  for (const sel of sels) {
    const outcome = checkRule(sel, view, ctx);
    const result = toResult(sel.rule, checkRule(sel, f, ctx));
    if (outcome.status !== 'fail' || outcome.fixable === false || !sel.rule.fix) {
      results.push(result);
      continue;
    }
    // changes are applied to a scratch copy first, so a refusal half-way leaves the view untouched
    const snapshot: { view: TuneFacts; files: Map<string, FileOp>; values: Map<string, ValueOp>; modes: Map<string, ModeOp>; services: Map<string, ServiceOp>; sshdTouched: boolean } = { view: cloneFacts(view), files: new Map([...files].map(([k, v]) => [k, cloneOp(v)])), values: new Map(values), modes: new Map(modes), services: new Map(services), sshdTouched };
    try {
      const changes = sel.rule.fix(view, sel.params as DiagnosisParams, ctx);
      const words = changes.map(applyChange);
      if (words.length) perRule.push({ rule: sel.rule.id, changes: words });
      fixed.push(sel);
      results.push(result);
    } catch (e) {
      Object.assign(view, snapshot.view);
      files.clear();
      for (const [k, v] of snapshot.files) files.set(k, v);
      values.clear();
      for (const [k, v] of snapshot.values) values.set(k, v);
      modes.clear();
      for (const [k, v] of snapshot.modes) modes.set(k, v);
      services.clear();
      for (const [k, v] of snapshot.services) services.set(k, v);
      sshdTouched = snapshot.sshdTouched;
      if (!(e instanceof TuneRefusal)) throw e;
      refused.push({ rule: sel.rule.id, reason: e.message });
      results.push({ ...result, fixable: false, detail: e.message });
    }
  }

  // a fix that does not make its own check pass is a bug: refuse the whole plan rather than apply half an idea
  for (const sel of fixed) {
    const after = checkRule(sel, view, ctx);
    if (after.status !== 'pass') {
      throw new TuneRefusal(`rule ${sel.rule.id}: its fix would leave "${after.current}" (expected ${after.expected}); nothing was changed`);
    }
  }

  const fileOps = [...files.values()].filter((op) => op.before.exists !== op.after.exists || op.before.content !== op.after.content || (op.after.exists && !op.before.exists));
  const sshdOp = fileOps.find((op) => op.names.includes(SSHD_CONFIG));
  const portsBefore = sshdEffective(f, 'Port').values.map(Number);
  let portsAfter = portsBefore;
  if (sshdOp && sshdOp.before.content !== null && sshdOp.after.content !== null) {
    const b = sshdPortsInFile(sshdOp.before.content);
    const a = sshdPortsInFile(sshdOp.after.content);
    if (b.join(',') !== a.join(',')) portsAfter = a.length ? a : [22];
  }
  return {
    results,
    refused,
    plan: {
      files: fileOps,
      values: [...values.values()].filter((v) => !sameValue(v.before, v.after)),
      modes: [...modes.values()].filter((m) => m.before !== m.after),
      services: [...services.values()].filter((s) => s.before.enabled !== s.after.enabled || s.before.active !== s.after.active),
      rules: perRule,
      sshd: { reload: sshdTouched && fileOps.some((op) => op.names.some((n) => n.startsWith('/etc/ssh/'))), portsBefore, portsAfter },
      needsReboot: fixed.filter((s) => s.rule.needsReboot).map((s) => s.rule.id),
    },
  };
}

function cloneOp(op: FileOp): FileOp {
  return { path: op.path, names: [...op.names], before: { ...op.before }, after: { ...op.after } };
}

export function planIsEmpty(p: TunePlan): boolean {
  return !p.files.length && !p.values.length && !p.modes.length && !p.services.length;
}

/** The plan that undoes `p` exactly. */
export function invertPlan(p: TunePlan): TunePlan {
  return {
    files: [...p.files].reverse().map((op) => ({ ...op, before: op.after, after: op.before })),
    values: [...p.values].reverse().map((v) => ({ ...v, before: v.after, after: v.before })),
    modes: [...p.modes].reverse().map((m) => ({ ...m, before: m.after, after: m.before })),
    services: [...p.services].reverse().map((s) => ({ ...s, before: s.after, after: s.before })),
    rules: p.rules.map((r) => ({ rule: r.rule, changes: r.changes.map((c) => `undo: ${c}`) })),
    sshd: { reload: p.sshd.reload, portsBefore: p.sshd.portsAfter, portsAfter: p.sshd.portsBefore },
    needsReboot: p.needsReboot,
  };
}

/** What the plan does, as an operator reviews it: unified diffs for files, old → new for the rest. */
export function renderPlan(p: TunePlan): string {
  const out: string[] = [];
  for (const op of p.files) {
    const shown = op.names[0] && op.names[0] !== op.path ? `${op.names[0]} (→ ${op.path})` : op.path;
    out.push(unifiedDiff(op.before.exists ? op.before.content : null, op.after.exists ? op.after.content : null, shown).trimEnd());
  }
  for (const v of p.values) out.push(`~ ${v.label} (${v.path}): ${v.before.trim().split(/\s+/).join(' ')} → ${v.after}`);
  for (const m of p.modes) out.push(`~ mode of ${m.path}: ${m.before} → ${m.after}`);
  for (const s of p.services) out.push(`~ service ${s.name}: ${s.before.enabled ? 'enabled' : 'disabled'}/${s.before.active ? 'running' : 'stopped'} → ${s.after.enabled ? 'enabled' : 'disabled'}/${s.after.active ? 'running' : 'stopped'}`);
  if (p.sshd.portsBefore.join(',') !== p.sshd.portsAfter.join(',')) out.push(`~ sshd port ${p.sshd.portsBefore.join(',')} → ${p.sshd.portsAfter.join(',')} (the old port stays open until osdeck has logged in on the new one)`);
  else if (p.sshd.reload) out.push('~ sshd: configuration checked with sshd -t, then reloaded');
  if (p.needsReboot.length) out.push(`! takes full effect after a reboot: ${p.needsReboot.join(', ')}`);
  return out.filter(Boolean).join('\n');
}

/**
 * Where the host differs from the state a plan leads to (its "after" side): empty when every file is
 * byte-identical, every mode and value as planned. Used to prove an apply and, on the inverted plan,
 * a revert. `f` must hold the plan's files and values (see planReads).
 */
export function planMismatches(p: TunePlan, f: TuneFacts): string[] {
  const out: string[] = [];
  for (const op of p.files) {
    const have = [...f.files.values()].find((x) => x.path === op.path || x.realPath === op.path);
    if (!have) {
      out.push(`${op.path}: not read back`);
      continue;
    }
    if (have.exists !== op.after.exists) out.push(`${op.path}: ${op.after.exists ? 'missing' : 'still exists'}`);
    else if (op.after.exists && have.content !== op.after.content) out.push(`${op.path}: content differs${have.unreadable ? ` (${have.unreadable})` : ''}`);
    else if (op.after.exists && have.mode !== op.after.mode.replace(/^0(?=[0-7]{3}$)/, '')) out.push(`${op.path}: mode ${have.mode}, expected ${op.after.mode}`);
  }
  for (const m of p.modes) {
    const have = [...f.files.values()].find((x) => x.path === m.path || x.realPath === m.path);
    if (!have || have.mode !== m.after) out.push(`${m.path}: mode ${have?.mode ?? 'unknown'}, expected ${m.after}`);
  }
  for (const v of p.values) {
    const have = f.values?.get(v.path);
    if (!sameValue(have ?? null, v.after)) out.push(`${v.label}: ${have ?? 'unreadable'}, expected ${v.after}`);
  }
  return out;
}

/** The paths to read back to check a plan with planMismatches. */
export function planReads(p: TunePlan): { files: string[]; values: string[] } {
  return { files: [...new Set([...p.files.map((o) => o.path), ...p.modes.map((m) => m.path)])], values: p.values.map((v) => v.path) };
}
