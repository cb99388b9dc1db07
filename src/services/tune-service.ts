import { parseDocument } from 'yaml';
import type { Actor } from '../domain/actor';
import type { DiagnosisParams, ParamSpec } from '../domain/diagnosis/diagnosis';
import { OsdeckError } from '../domain/errors';
import { checkAll, invertPlan, planFixes, planIsEmpty, planMismatches, planReads, renderPlan, type TunePlan } from '../domain/tuning/engine';
import { parseTuneFacts } from '../domain/tuning/facts';
import { BUILTIN_PROFILES, type Profile, profileFromDocument, resolveProfile, selectRules } from '../domain/tuning/profiles';
import { findRule, RULES } from '../domain/tuning/registry';
import { SSHD_CONFIG, sshdSetPorts } from '../domain/tuning/sshd-config';
import { type RuleResult, type RuleSelection, TuneRefusal, type TuneContext, type TuneFacts } from '../domain/tuning/tuning';
import { roleGrants } from '../domain/roles';
import { type Clock, iso } from '../infra/clock';
import { newId } from '../infra/crypto/tokens';
import type { JobRow } from '../infra/db/jobs-repository';
import type { TuneRunRow, TuningRepository } from '../infra/db/tuning-repository';
import { assembleProbe, newSectionMark } from '../infra/diagnosis-probe';
import { parseTransactionOutput, transactionScript } from '../infra/tuning/tune-transaction';
import type { Transport } from '../infra/transport/transport';
import type { AuditService } from './audit-service';
import type { HostService, HostView } from './host-service';
import type { StepOutcome } from './job-handler';
import { stepFromError } from './job-handler';
import type { JobService, JobView } from './job-service';

export interface RuleView {
  id: string;
  title: string;
  category: string;
  rationale: string;
  risk: string;
  families: string[];
  params: ParamSpec[];
  remediation: string;
  automaticFix: boolean;
  needsReboot: boolean;
}

export interface ProfileView {
  name: string;
  description: string;
  extends: string | null;
  builtIn: boolean;
  rules: Array<{ rule: string; params: Record<string, unknown> }>;
  yaml: string | null;
}

export interface TuneInput {
  profile?: string;
  rules?: string[];
  /** per rule: parameter → value */
  params?: Record<string, Record<string, unknown>>;
  dryRun?: boolean;
  runId?: string;
  forks?: number;
}

export interface TuneJobParams {
  action: 'check' | 'apply' | 'revert';
  dryRun: boolean;
  profile: string | null;
  selection: Array<{ rule: string; params: DiagnosisParams }>;
  runId: string | null;
  forks: number;
}

export interface RunSummary {
  id: string;
  jobId: string | null;
  host: string;
  action: string;
  profile: string | null;
  rules: string[];
  status: string;
  message: string | null;
  revertsRun: string | null;
  revertedBy: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

export interface RunDetail extends RunSummary {
  plan: TunePlan | null;
  diff: string | null;
}

export interface MatrixView {
  rules: Array<{ id: string; title: string; category: string }>;
  hosts: Array<{ host: string; results: Record<string, { status: string; current: string; expected: string; detail: string | null; fixable: boolean; checkedAt: string }> }>;
}

const BACKUP_ROOT = '/var/lib/osdeck/tune';
const PROBE_TIMEOUT_MS = 90_000;
const TX_TIMEOUT_MS = 120_000;

function ruleView(r: (typeof RULES)[number]): RuleView {
  return { id: r.id, title: r.title, category: r.category, rationale: r.rationale, risk: r.risk, families: r.families, params: r.params, remediation: r.remediation, automaticFix: !!r.fix, needsReboot: !!r.needsReboot };
}

function runSummary(r: Omit<TuneRunRow, 'plan_json' | 'diff_text'>): RunSummary {
  return {
    id: r.id, jobId: r.job_id, host: r.host, action: r.action, profile: r.profile, rules: JSON.parse(r.rules_json) as string[], status: r.status, message: r.message,
    revertsRun: r.reverts_run, revertedBy: r.reverted_by, createdBy: r.created_by, createdAt: r.created_at, finishedAt: r.finished_at,
  };
}

class TxFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly rolledBack: boolean,
  ) {
    super(message);
  }
}

/** Post-migration tuning: check rules, apply fixes as one transaction per host, revert exactly. */
export class TuneService {
  constructor(
    private readonly hosts: HostService,
    private readonly jobs: JobService,
    private readonly repo: TuningRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  rules(): RuleView[] {
    return RULES.map(ruleView);
  }

  // -------------------------------------------------------------------------------------------
  // profiles

  private async userProfiles(): Promise<Profile[]> {
    return (await this.repo.profiles()).map((row) => this.parseProfile(row.yaml, row.name));
  }

  private parseProfile(text: string, nameHint?: string): Profile {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      throw new OsdeckError('INVALID_PROFILE', `the profile is not valid YAML: ${e.message.split('\n')[0]}`, 400, { line: e.linePos?.[0]?.line ?? null, col: e.linePos?.[0]?.col ?? null });
    }
    return profileFromDocument(doc.toJS({ maxAliasCount: 50 }), nameHint);
  }

  async profiles(): Promise<ProfileView[]> {
    const rows = await this.repo.profiles();
    const user = rows.map((row): ProfileView => {
      const p = this.parseProfile(row.yaml, row.name);
      return { name: p.name, description: p.description, extends: p.extends, builtIn: false, rules: p.rules, yaml: row.yaml };
    });
    return [...BUILTIN_PROFILES.map((p): ProfileView => ({ name: p.name, description: p.description, extends: p.extends, builtIn: true, rules: p.rules, yaml: null })), ...user];
  }

  async profile(name: string): Promise<ProfileView> {
    const found = (await this.profiles()).find((p) => p.name === name);
    if (!found) throw new OsdeckError('UNKNOWN_PROFILE', `no profile named ${JSON.stringify(name.slice(0, 60))}`, 404);
    return found;
  }

  /** Saves an operator profile from YAML after checking it completely (rules, parameters, what it extends). */
  async saveProfile(actor: Actor, yamlText: string, name?: string): Promise<ProfileView> {
    if (Buffer.byteLength(yamlText) > 256 * 1024) throw new OsdeckError('TOO_LARGE', 'a profile is at most 256 KiB of YAML', 413);
    const p = this.parseProfile(yamlText, name);
    if (name && p.name !== name) throw new OsdeckError('INVALID_PROFILE', `the YAML names profile ${p.name}, not ${name}`, 400);
    const all = new Map<string, Profile>([...BUILTIN_PROFILES, ...(await this.userProfiles())].map((x) => [x.name, x]));
    all.set(p.name, p);
    resolveProfile(p.name, (n) => all.get(n)); // unknown parents and cycles are refused here
    const now = iso(this.clock);
    await this.repo.saveProfile({ name: p.name, description: p.description, yaml: yamlText, created_by: actor.name, created_at: now, updated_at: now });
    await this.audit.record(actor, { action: 'tune.profile_saved', result: 'ok', target: `tune-profile:${p.name}`, detail: { rules: p.rules.map((r) => r.rule) } });
    return this.profile(p.name);
  }

  async deleteProfile(actor: Actor, name: string): Promise<void> {
    if (BUILTIN_PROFILES.some((p) => p.name === name)) throw new OsdeckError('BUILTIN_PROFILE', `${name} is built in and cannot be deleted`, 400);
    const users = await this.userProfiles();
    const child = users.find((p) => p.extends === name);
    if (child) throw new OsdeckError('PROFILE_IN_USE', `profile ${child.name} extends ${name}; delete or change it first`, 409);
    if (!(await this.repo.deleteProfile(name))) throw new OsdeckError('UNKNOWN_PROFILE', `no profile named ${JSON.stringify(name.slice(0, 60))}`, 404);
    await this.audit.record(actor, { action: 'tune.profile_deleted', result: 'ok', target: `tune-profile:${name}` });
  }

  /** The rules a request selects: a profile (default baseline) or named rules, with parameters. */
  async select(input: TuneInput): Promise<{ profile: string | null; selection: RuleSelection[] }> {
    const params = input.params ?? {};
    if (input.rules?.length) {
      if (input.profile) throw new OsdeckError('INVALID_INPUT', 'give a profile or rules, not both', 400);
      return { profile: null, selection: selectRules(input.rules, {}, params) };
    }
    const name = input.profile || 'baseline';
    const all = new Map<string, Profile>([...BUILTIN_PROFILES, ...(await this.userProfiles())].map((x) => [x.name, x]));
    return { profile: name, selection: resolveProfile(name, (n) => all.get(n), params) };
  }

  // -------------------------------------------------------------------------------------------
  // jobs

  async start(actor: Actor, action: TuneJobParams['action'], selector: string, input: TuneInput): Promise<JobView> {
    const dryRun = action === 'apply' && input.dryRun === true;
    const permission = action === 'check' || dryRun ? 'tune.check' : 'tune.apply';
    if (!roleGrants(actor.role, permission)) {
      await this.audit.record(actor, { action: `tune.${action}`, result: 'denied', target: `selector:${selector}` });
      throw new OsdeckError('FORBIDDEN', `tune ${action}${dryRun ? ' --dry-run' : ''} needs the ${permission} permission${permission === 'tune.apply' ? ' (operator or admin)' : ''}`, 403);
    }
    let profile: string | null = null;
    let selection: RuleSelection[] = [];
    if (action !== 'revert') ({ profile, selection } = await this.select(input));
    if (action === 'revert' && input.runId) {
      const run = await this.repo.run(input.runId);
      if (!run || run.action !== 'apply') throw new OsdeckError('NOT_FOUND', `no applied tuning run ${JSON.stringify(input.runId.slice(0, 60))}`, 404);
      selector = run.host;
    }
    const params: TuneJobParams = {
      action, dryRun, profile, runId: input.runId ?? null, forks: Math.min(Math.max(input.forks ?? 20, 1), 100),
      selection: selection.map((s) => ({ rule: s.rule.id, params: s.params })),
    };
    return this.jobs.create(actor, action === 'check' ? 'tune-check' : action === 'revert' ? 'tune-revert' : 'tune-apply', selector, params as unknown as Record<string, unknown>);
  }

  private selectionOf(p: TuneJobParams): RuleSelection[] {
    return p.selection.map((s) => {
      const rule = findRule(s.rule);
      if (!rule) throw new OsdeckError('UNKNOWN_RULE', `rule ${s.rule} no longer exists in this osdeck version`, 400);
      return { rule, params: s.params };
    });
  }

  private ctxOf(h: HostView): TuneContext {
    return { host: h.name, address: h.address, user: h.user, authType: h.authType, port: h.port };
  }

  /** One read-only round trip: the facts every selected rule needs (plus files and values to read back). */
  private async probe(t: Transport, sels: RuleSelection[], extra: { files: string[]; values: string[] } = { files: [], values: [] }, signal?: AbortSignal): Promise<TuneFacts> {
    const union = (pick: (r: RuleSelection) => string[] | undefined) => [...new Set(sels.flatMap((s) => pick(s) ?? []))];
    const files = [...new Set([...union((s) => s.rule.reads.files), ...extra.files])];
    const globs = union((s) => s.rule.reads.globs);
    const mark = newSectionMark();
    const script = assembleProbe(
      {
        file: 'tune-facts.sh',
        env: {
          OSDECK_FILES: files.join('\n'),
          OSDECK_GLOBS: globs.join('\n'),
          OSDECK_VALUES: extra.values.join('\n'),
          OSDECK_SYSCTLS: union((s) => s.rule.reads.sysctls).join(' '),
          OSDECK_COMMANDS: union((s) => s.rule.reads.commands).join(' '),
          OSDECK_SERVICES: union((s) => s.rule.reads.services).join(' '),
        },
        timeoutSec: PROBE_TIMEOUT_MS / 1000,
      },
      mark,
    );
    const r = await t.runScript(script, { timeoutMs: PROBE_TIMEOUT_MS, maxOutputBytes: 64 * 1024 * 1024, signal });
    if (r.truncated) throw new OsdeckError('PROBE_TOO_LARGE', `${t.host}: the tuning probe printed more than 64 MiB`, 502);
    try {
      return parseTuneFacts(r.stdout.toString('utf8'), mark, globs);
    } catch (e) {
      throw new OsdeckError('PROBE_UNREADABLE', `${t.host}: ${(e as Error).message}; stderr: ${r.stderr.toString('utf8').slice(0, 300)}`, 502);
    }
  }

  private async saveResults(host: string, jobId: string, profile: string | null, results: RuleResult[]): Promise<void> {
    const now = iso(this.clock);
    await this.repo.saveResults(
      host,
      results.map((r) => ({
        host, rule_id: r.rule, status: r.status, current_text: r.current.slice(0, 2000), expected_text: r.expected.slice(0, 500), detail: r.detail?.slice(0, 2000) ?? null,
        fixable: r.fixable ? 1 : 0, profile, job_id: jobId, checked_at: now,
      })),
    );
  }

  private summarize(results: RuleResult[]): string {
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const lines = [`${count('pass')} pass, ${count('fail')} fail, ${count('n/a')} not applicable, ${count('error')} error`];
    for (const r of results.filter((x) => x.status === 'fail' || x.status === 'error')) lines.push(`${r.status.toUpperCase()} ${r.rule}: ${r.current} (expected ${r.expected})${r.fixable ? '' : ' [manual]'}`);
    return lines.join('\n');
  }

  /** One host's step of a tuning job. */
  async runOnHost(job: JobRow, p: TuneJobParams, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const actor: Actor = { type: 'user', name: job.created_by, role: 'operator', userId: null };
    const started = this.clock.now().getTime();
    const took = () => this.clock.now().getTime() - started;
    try {
      const view = await this.hosts.get(host);
      const t = await this.hosts.transportByName(host);
      if (p.action === 'revert') return await this.revertOnHost(job, p, view, t, actor, started, signal);
      const sels = this.selectionOf(p);
      const facts = await this.probe(t, sels, undefined, signal);
      await this.hosts.noteSuccess(host);
      const ctx = this.ctxOf(view);
      if (p.action === 'check') {
        const results = checkAll(sels, facts, ctx);
        await this.saveResults(host, job.id, p.profile, results);
        await this.audit.record(actor, { action: 'host.tune_check', result: 'ok', host, jobId: job.id, durationMs: took(), detail: { profile: p.profile, fail: results.filter((r) => r.status === 'fail').map((r) => r.rule) } });
        return { status: 'ok', stdout: this.summarize(results), durationMs: took() };
      }
      if (facts.uid !== 0 && !p.dryRun) return { status: 'failed', errorCode: 'NOT_ROOT', error: `tuning changes need root; osdeck logs in to ${host} as uid ${facts.uid}`, durationMs: took() };
      let planned;
      try {
        planned = planFixes(sels, facts, ctx);
      } catch (e) {
        if (!(e instanceof TuneRefusal)) throw e;
        await this.audit.record(actor, { action: 'host.tune_apply', result: 'error', host, jobId: job.id, detail: { error: 'PLAN_REFUSED', message: e.message } });
        return { status: 'failed', errorCode: 'PLAN_REFUSED', error: e.message, durationMs: took() };
      }
      const { plan, results } = planned;
      const diff = renderPlan(plan);
      const runId = newId();
      const base: TuneRunRow = {
        id: runId, job_id: job.id, host, action: p.dryRun ? 'dry-run' : 'apply', profile: p.profile, rules_json: JSON.stringify(sels.map((s) => s.rule.id)), status: 'planned',
        plan_json: JSON.stringify(plan), diff_text: diff, message: null, reverts_run: null, reverted_by: null, created_by: job.created_by, created_at: iso(this.clock), finished_at: null,
      };
      const manual = results.filter((r) => r.status === 'fail' && !r.fixable).map((r) => `MANUAL ${r.rule}: ${r.current}${r.detail ? ` — ${r.detail}` : ''}`);
      if (p.dryRun) {
        await this.repo.insertRun({ ...base, status: planIsEmpty(plan) ? 'nothing' : 'planned', finished_at: iso(this.clock) });
        await this.saveResults(host, job.id, p.profile, results);
        return { status: 'ok', stdout: [planIsEmpty(plan) ? 'nothing to change' : diff, ...manual, `run ${runId}`].join('\n'), durationMs: took() };
      }
      if (planIsEmpty(plan)) {
        await this.repo.insertRun({ ...base, status: 'nothing', finished_at: iso(this.clock) });
        await this.saveResults(host, job.id, p.profile, results);
        return { status: 'ok', stdout: ['nothing to change', ...manual].join('\n'), durationMs: took() };
      }
      // recorded before anything changes: if osdeck stops half-way, the run (and its plan) is there to revert
      await this.repo.insertRun({ ...base, status: 'applying' });
      try {
        await this.execute(actor, view, t, plan, runId, signal);
      } catch (e) {
        const failure = e instanceof TxFailure ? e : null;
        await this.repo.updateRun(runId, { status: failure?.rolledBack ? 'rolled-back' : 'failed', message: (e as Error).message.slice(0, 2000), finished_at: iso(this.clock) });
        await this.audit.record(actor, { action: 'host.tune_apply', result: 'error', host, jobId: job.id, durationMs: took(), detail: { run: runId, error: failure?.code ?? 'INTERNAL', message: (e as Error).message.slice(0, 500), rolledBack: failure?.rolledBack ?? false } });
        return { status: 'failed', errorCode: failure?.code ?? 'APPLY_FAILED', error: `${(e as Error).message}${failure?.rolledBack ? ' (everything was put back)' : ''}`, stdout: diff, durationMs: took() };
      }
      // prove it: read back every touched file and value, and check the rules again
      const t2 = await this.hosts.transportByName(host);
      const after = await this.probe(t2, sels, planReads(plan), signal);
      const mismatches = planMismatches(plan, after);
      const recheck = checkAll(sels, after, this.ctxOf(await this.hosts.get(host)));
      await this.saveResults(host, job.id, p.profile, recheck);
      const stillFailing = recheck.filter((r) => r.status === 'fail' && planned.plan.rules.some((x) => x.rule === r.rule));
      const message = mismatches.length ? `applied, but the host differs from the plan: ${mismatches.join('; ')}` : stillFailing.length ? `applied; still failing: ${stillFailing.map((r) => r.rule).join(', ')}` : null;
      await this.repo.updateRun(runId, { status: 'applied', message, finished_at: iso(this.clock) });
      await this.audit.record(actor, { action: 'host.tune_apply', result: 'ok', host, jobId: job.id, durationMs: took(), detail: { run: runId, profile: p.profile, rules: plan.rules.map((r) => r.rule), files: plan.files.map((f) => f.path), values: plan.values.map((v) => v.label) } });
      return {
        status: mismatches.length ? 'failed' : 'ok', errorCode: mismatches.length ? 'VERIFY_FAILED' : null, error: message,
        stdout: [diff, ...manual, this.summarize(recheck), `run ${runId}`].join('\n'), durationMs: took(),
      };
    } catch (e) {
      const outcome = stepFromError(e, took());
      if (!(e instanceof OsdeckError)) await this.hosts.noteFailure(host, e);
      await this.audit.record(actor, { action: `host.tune_${p.action}`, result: 'error', host, jobId: job.id, durationMs: outcome.durationMs, detail: { error: outcome.errorCode, message: outcome.error } });
      return outcome;
    }
  }

  /** Runs one plan transaction on the host; throws TxFailure. */
  private async tx(t: Transport, plan: TunePlan, runId: string, reloadSshd: boolean, signal?: AbortSignal): Promise<void> {
    const script = transactionScript(plan, { backupDir: `${BACKUP_ROOT}/${runId}`, reloadSshd });
    const r = await t.runScript(script, { timeoutMs: TX_TIMEOUT_MS, maxOutputBytes: 1024 * 1024, signal });
    const res = parseTransactionOutput(r.stdout.toString('utf8'));
    if (!res.ok) throw new TxFailure(res.code ?? 'APPLY_FAILED', `${t.host}: ${res.error}${r.stderr.length ? `; stderr: ${r.stderr.toString('utf8').slice(0, 300)}` : ''}`, res.rolledBack);
  }

  /**
   * Applies a plan. A plan that moves sshd to another port goes in two steps: first sshd listens on
   * both the old and the new port; osdeck logs in on the new one; only then is the old port
   * dropped and the host's record changed. If the login fails, everything is put back.
   */
  private async execute(actor: Actor, host: HostView, t: Transport, plan: TunePlan, runId: string, signal?: AbortSignal): Promise<void> {
    const before = plan.sshd.portsBefore;
    const after = plan.sshd.portsAfter;
    const moves = before.join(',') !== after.join(',');
    const sshdOp = plan.files.find((op) => op.names.includes(SSHD_CONFIG));
    if (!moves || !sshdOp || host.transport !== 'ssh') {
      await this.tx(t, plan, runId, plan.sshd.reload, signal);
      return;
    }
    const both = [...new Set([...before, ...after])];
    const bridge = sshdSetPorts(sshdOp.after.content ?? '', both);
    const first: TunePlan = { ...plan, files: plan.files.map((op) => (op === sshdOp ? { ...op, after: { ...op.after, content: bridge } } : op)) };
    await this.tx(t, first, `${runId}-1`, true, signal);
    const target = after.find((p) => !before.includes(p)) ?? after[0]!;
    const login = await this.hosts.canLoginOnPort(host.name, target, signal);
    if (!login.ok) {
      await this.tx(t, invertPlan(first), `${runId}-undo`, true).catch((e: Error) => {
        throw new TxFailure('SSH_PORT_ROLLBACK_FAILED', `osdeck could not log in on port ${target} (${login.error}) and putting things back failed too: ${e.message}`, false);
      });
      await this.audit.record(actor, { action: 'host.tune_port', result: 'error', host: host.name, detail: { run: runId, from: before, to: after, error: login.error } });
      throw new TxFailure('SSH_PORT_UNREACHABLE', `osdeck could not log in on the new SSH port ${target} (${login.error}); nothing was changed and sshd listens on port ${before.join(', ')} as before. Check the firewall, SELinux (semanage port -a -t ssh_port_t -p tcp ${target}) and any security group.`, true);
    }
    const second: TunePlan = {
      files: [{ ...sshdOp, before: { ...sshdOp.after, content: bridge }, after: sshdOp.after }],
      values: [], modes: [], services: [], rules: [], sshd: { reload: true, portsBefore: both, portsAfter: after }, needsReboot: [],
    };
    try {
      await this.tx(t, second, `${runId}-2`, true, signal);
    } catch (e) {
      await this.tx(t, invertPlan(first), `${runId}-undo`, true);
      throw new TxFailure((e as TxFailure).code ?? 'APPLY_FAILED', `dropping the old SSH port failed, everything was put back: ${(e as Error).message}`, true);
    }
    if (host.port !== target && before.includes(host.port ?? 22)) await this.hosts.setPort(actor, host.name, target);
    const check = await this.hosts.canLoginOnPort(host.name, target);
    if (!check.ok) throw new TxFailure('SSH_PORT_LOST', `sshd moved to port ${target} but a new login failed: ${check.error}`, false);
  }

  private async revertOnHost(job: JobRow, p: TuneJobParams, view: HostView, t: Transport, actor: Actor, started: number, signal: AbortSignal): Promise<StepOutcome> {
    const took = () => this.clock.now().getTime() - started;
    const run = p.runId ? await this.repo.run(p.runId) : await this.repo.lastRevertible(view.name);
    if (!run) return { status: 'ok', stdout: 'no applied tuning run to revert on this host', durationMs: took() };
    if (run.host !== view.name) throw new OsdeckError('WRONG_HOST', `run ${run.id} was on ${run.host}, not ${view.name}`, 400);
    if (run.reverted_by) return { status: 'ok', stdout: `run ${run.id} was already reverted (by ${run.reverted_by})`, durationMs: took() };
    if (!run.plan_json) throw new OsdeckError('NO_PLAN', `run ${run.id} has no recorded plan`, 400);
    const plan = invertPlan(JSON.parse(run.plan_json) as TunePlan);
    const id = newId();
    await this.repo.insertRun({
      id, job_id: job.id, host: view.name, action: 'revert', profile: run.profile, rules_json: run.rules_json, status: 'applying', plan_json: JSON.stringify(plan),
      diff_text: renderPlan(plan), message: null, reverts_run: run.id, reverted_by: null, created_by: job.created_by, created_at: iso(this.clock), finished_at: null,
    });
    try {
      await this.execute(actor, view, t, plan, id, signal);
    } catch (e) {
      const failure = e instanceof TxFailure ? e : null;
      await this.repo.updateRun(id, { status: failure?.rolledBack ? 'rolled-back' : 'failed', message: (e as Error).message.slice(0, 2000), finished_at: iso(this.clock) });
      await this.audit.record(actor, { action: 'host.tune_revert', result: 'error', host: view.name, jobId: job.id, durationMs: took(), detail: { run: run.id, error: failure?.code ?? 'INTERNAL', message: (e as Error).message.slice(0, 500) } });
      return { status: 'failed', errorCode: failure?.code ?? 'REVERT_FAILED', error: (e as Error).message, durationMs: took() };
    }
    const t2 = await this.hosts.transportByName(view.name);
    const after = await this.probe(t2, [], planReads(plan), signal);
    const mismatches = planMismatches(plan, after);
    const message = mismatches.length ? `reverted, but the host differs: ${mismatches.join('; ')}` : `verified: ${plan.files.length} files byte-identical to before, ${plan.values.length} values and ${plan.modes.length} modes restored`;
    await this.repo.updateRun(id, { status: mismatches.length ? 'failed' : 'applied', message, finished_at: iso(this.clock) });
    await this.repo.updateRun(run.id, { reverted_by: id });
    await this.audit.record(actor, { action: 'host.tune_revert', result: mismatches.length ? 'error' : 'ok', host: view.name, jobId: job.id, durationMs: took(), detail: { run: run.id, revert: id, files: plan.files.map((f) => f.path) } });
    return { status: mismatches.length ? 'failed' : 'ok', errorCode: mismatches.length ? 'VERIFY_FAILED' : null, error: mismatches.length ? message : null, stdout: [renderPlan(plan), message, `revert ${id} of run ${run.id}`].join('\n'), durationMs: took() };
  }

  // -------------------------------------------------------------------------------------------
  // reading results

  async matrix(selector?: string): Promise<MatrixView> {
    const hosts = selector ? (await this.hosts.select(selector)).map((h) => h.name) : undefined;
    const rows = await this.repo.results(hosts);
    const byHost = new Map<string, MatrixView['hosts'][number]>();
    for (const h of hosts ?? (await this.hosts.list()).map((x) => x.name)) byHost.set(h, { host: h, results: {} });
    for (const r of rows) {
      const entry = byHost.get(r.host);
      if (!entry) continue;
      entry.results[r.rule_id] = { status: r.status, current: r.current_text, expected: r.expected_text, detail: r.detail, fixable: r.fixable === 1, checkedAt: r.checked_at };
    }
    const used = new Set(rows.map((r) => r.rule_id));
    return { rules: RULES.filter((r) => used.has(r.id)).map((r) => ({ id: r.id, title: r.title, category: r.category })), hosts: [...byHost.values()] };
  }

  async runs(f: { host?: string; jobId?: string; limit?: number }): Promise<RunSummary[]> {
    return (await this.repo.runs({ ...f, limit: Math.min(Math.max(f.limit ?? 50, 1), 500) })).map(runSummary);
  }

  async run(id: string): Promise<RunDetail> {
    const row = await this.repo.run(id);
    if (!row) throw new OsdeckError('NOT_FOUND', `no tuning run ${JSON.stringify(id.slice(0, 60))}`, 404);
    return { ...runSummary(row), plan: row.plan_json ? (JSON.parse(row.plan_json) as TunePlan) : null, diff: row.diff_text };
  }
}
