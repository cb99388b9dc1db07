/**
 * OS migration: assessment against the target repositories' metadata, verified backups, the
 * migration itself (an agent that runs detached on the host, polled from here), rollback,
 * batches in waves, offline roots, and the before/after evidence.
 */
import { join } from 'node:path';
import type { Actor } from '../domain/actor';
import { HostError, OsdeckError, badRequest } from '../domain/errors';
import { assess, assessmentReport, type Assessment } from '../domain/migration/assessment';
import { parseMigrationFacts, type MigrationFacts } from '../domain/migration/facts';
import type { CheckContext, TargetIndex } from '../domain/migration/findings';
import { expandRepoUrl, renderRepoFile, resolveTargetRepos, type MigrationPath, type RepoChoice, type RepoDef } from '../domain/migration/path';
import { diffReport, parseSnapshot, type Snapshot } from '../domain/migration/snapshot';
import { planWaves, waveVerdict, type WavePolicy } from '../domain/migration/waves';
import type { Report } from '../domain/report/report-shape';
import { renderReportHtml } from '../domain/report/report-html';
import { roleGrants } from '../domain/roles';
import { reportToXlsx } from '../infra/report/report-xlsx';
import { type Clock, iso } from '../infra/clock';
import { newId } from '../infra/crypto/tokens';
import type { JobRow } from '../infra/db/jobs-repository';
import type { BackupRow, MigrationRepository, MigrationRunRow } from '../infra/db/migration-repository';
import { assembleProbe, newSectionMark } from '../infra/diagnosis-probe';
import { agentConfig, cancelScript, launchScript, parseStatus, statusScript, type AgentAction, type AgentStatus } from '../infra/migration/agent';
import { loadMigrationPaths } from '../infra/migration/path-loader';
import { fetchRepoIndex } from '../infra/migration/repodata';
import type { Transport } from '../infra/transport/transport';
import type { AuditService } from './audit-service';
import type { HostService } from './host-service';
import type { StepOutcome } from './job-handler';
import { stepFromError } from './job-handler';
import type { JobService, JobView } from './job-service';
import type { ReportService } from './report-service';

export interface MigrateInput {
  path: string;
  /** an offline root filesystem on the host (a mounted image or chroot); default: the running system */
  root?: string;
  mirror?: string;
  /** repo id → URL */
  repos?: Record<string, string>;
  kernel?: string;
  gpgcheck?: boolean;
  /** where backups live on the host (default /var/lib/osdeck/backups) */
  backupDir?: string;
  /** finding keys the operator overrides (inhibitors that do not apply); audited */
  overrides?: string[];
  /** packages removed before distro-sync (explicit; never --allowerasing) */
  remove?: string[];
  onFailure?: 'rollback' | 'stop';
  /** stop after this step (step by step) */
  stopAfter?: string;
  canary?: number;
  waveSize?: number;
  concurrency?: number;
  /** stop starting new waves when failed/finished exceeds this (0–1) */
  maxFailureRate?: number;
  /** after success, start a dry run of the baseline tuning profile */
  tune?: boolean;
}

export interface MigrateJobParams {
  input: MigrateInput;
  waves: Record<string, number>;
  forks: number;
  /** resume: host → existing run id */
  resume?: Record<string, string>;
  /** rollback / restore jobs: host → run id or backup id */
  runs?: Record<string, string>;
  backups?: Record<string, string>;
}

export const AGENT_STEPS = ['repos', 'release', 'test', 'sync', 'kernel', 'verify'] as const;
const TERMINAL_AGENT = new Set(['done', 'failed', 'rolled-back', 'rollback-failed', 'stopped', 'paused']);
export const TERMINAL_RUN = new Set(['done', 'failed', 'rolled-back', 'rollback-failed', 'stopped', 'paused', 'blocked', 'skipped', 'cancelled']);
const PROBE_TIMEOUT_MS = 300_000;
const POLL_MS = 1_500;
const LOST_CONTACT_MS = 15 * 60_000;
const DEFAULT_BACKUP_DIR = '/var/lib/osdeck/backups';
const SAFE_PATH = /^\/[A-Za-z0-9._+@=:,/-]*$/;
const PKG_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export interface RunView {
  id: string;
  jobId: string | null;
  host: string;
  root: string;
  path: string;
  wave: number;
  state: string;
  step: string | null;
  ponr: boolean;
  backupId: string | null;
  assessmentId: string | null;
  message: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  options?: MigrateInput;
  result?: unknown;
}

function runView(r: Partial<MigrationRunRow> & Pick<MigrationRunRow, 'id' | 'host' | 'root' | 'path' | 'state'>, full = false): RunView {
  return {
    id: r.id,
    jobId: r.job_id ?? null,
    host: r.host,
    root: r.root,
    path: r.path,
    wave: r.wave ?? 0,
    state: r.state,
    step: r.step ?? null,
    ponr: r.ponr === 1,
    backupId: r.backup_id ?? null,
    assessmentId: r.assessment_id ?? null,
    message: r.message ?? null,
    createdBy: r.created_by ?? '',
    createdAt: r.created_at ?? '',
    updatedAt: r.updated_at ?? '',
    finishedAt: r.finished_at ?? null,
    ...(full && r.options_json && { options: JSON.parse(r.options_json) as MigrateInput }),
    ...(full && r.result_json && { result: JSON.parse(r.result_json) as unknown }),
  };
}

/** Who a job step acts for: the job's creator (the job was permission-checked when it was created). */
const jobActor = (job: JobRow): Actor => ({ type: job.created_by.startsWith('token:') ? 'token' : 'user', name: job.created_by, role: 'operator', userId: null });

/** Read-only or idempotent host calls survive a dropped connection: a few tries, 2 s apart. */
async function retrying<T>(fn: () => Promise<T>, signal?: AbortSignal, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof HostError) || e.code === 'HOST_KEY_MISMATCH' || e.code === 'AUTH_FAILED' || i >= tries || signal?.aborted) throw e;
      await sleep(2000, signal);
    }
  }
}

export class MigrationService {
  private readonly indexCache = new Map<string, { at: number; index: Promise<TargetIndex> }>();
  private ms(): number {
    return this.clock.now().getTime();
  }

  constructor(
    private readonly hosts: HostService,
    private readonly jobs: JobService,
    private readonly repo: MigrationRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly dataDir: string,
    private readonly reports: ReportService | null,
    private readonly tuneHook?: (actor: Actor, host: string) => Promise<JobView>,
  ) {}

  // ---- paths ----------------------------------------------------------------------------------

  paths(): { paths: MigrationPath[]; problems: string[] } {
    const l = loadMigrationPaths(this.dataDir);
    return { paths: [...l.paths.values()], problems: l.problems };
  }

  path(id: string): MigrationPath {
    const l = loadMigrationPaths(this.dataDir);
    const p = l.paths.get(id);
    if (!p) throw new OsdeckError('UNKNOWN_PATH', `no migration path ${JSON.stringify(id)}; known: ${[...l.paths.keys()].join(', ')}${l.problems.length ? ` (problems: ${l.problems.join('; ')})` : ''}`, 400);
    return p;
  }

  /** Validates the operator's input once, before any job exists. */
  normalize(input: MigrateInput): { input: MigrateInput; path: MigrationPath; repos: RepoDef[] } {
    const path = this.path(input.path);
    this.checkRootAndDir(input);
    for (const p of input.remove ?? []) if (!PKG_NAME.test(p)) throw badRequest('BAD_PACKAGE', `--remove ${JSON.stringify(p)} is not a package name`);
    if (input.stopAfter !== undefined && !(AGENT_STEPS as readonly string[]).includes(input.stopAfter)) throw badRequest('BAD_STEP', `--stop-after must be one of ${AGENT_STEPS.join(', ')}`);
    if (input.maxFailureRate !== undefined && !(input.maxFailureRate >= 0 && input.maxFailureRate <= 1)) throw badRequest('BAD_RATE', '--max-failure-rate must be between 0 and 1');
    let repos: RepoDef[];
    try {
      repos = resolveTargetRepos(path, { mirror: input.mirror, repoUrls: input.repos, kernel: input.kernel } satisfies RepoChoice);
    } catch (e) {
      throw badRequest('BAD_REPO', (e as Error).message);
    }
    return { input: { ...input, kernel: input.kernel ?? path.kernel.default }, path, repos };
  }

  // ---- target metadata ------------------------------------------------------------------------

  /** The target repositories' packages (primary + kernel file lists), cached for 10 minutes. */
  async targetIndex(path: MigrationPath, repos: RepoDef[], arch: string, signal?: AbortSignal): Promise<TargetIndex> {
    const key = JSON.stringify([repos.map((r) => r.baseurl), arch, path.target.releasever]);
    const hit = this.indexCache.get(key);
    if (hit && this.ms() - hit.at < 600_000) return hit.index;
    const index = (async (): Promise<TargetIndex> => {
      const out: TargetIndex = { repos: [], packages: [] };
      for (const r of repos) {
        const url = expandRepoUrl(r.baseurl, arch, path.target.releasever);
        try {
          const idx = await fetchRepoIndex(url, { signal, cacheDir: join(this.dataDir, 'repodata-cache'), keepFiles: (name, file) => /^kernel/.test(name) && file.startsWith('/lib/modules/') });
          out.repos.push({ id: r.id, url, ok: true, packages: idx.packages.length, ...(r.optional && { optional: true }) });
          out.packages.push(...idx.packages);
        } catch (e) {
          out.repos.push({ id: r.id, url, ok: false, error: (e as Error).message, packages: 0, ...(r.optional && { optional: true }) });
        }
      }
      return out;
    })();
    this.indexCache.set(key, { at: this.ms(), index });
    index.then((i) => i.repos.some((r) => !r.ok) && this.indexCache.delete(key), () => this.indexCache.delete(key));
    return index;
  }

  // ---- assessment -----------------------------------------------------------------------------

  private async transport(host: string): Promise<Transport> {
    return this.hosts.transportByName(host);
  }

  private async facts(t: Transport, input: MigrateInput, repos: RepoDef[], path: MigrationPath, signal?: AbortSignal): Promise<MigrationFacts> {
    const mark = newSectionMark();
    const script = assembleProbe(
      { file: 'migrate-facts.sh', env: { OSDECK_ROOT: input.root ?? '', OSDECK_TARGET_REPO: renderRepoFile(path, repos, input.gpgcheck !== false), OSDECK_RELEASEVER: path.target.releasever }, timeoutSec: PROBE_TIMEOUT_MS / 1000 },
      mark,
    );
    const r = await t.runScript(script, { timeoutMs: PROBE_TIMEOUT_MS, maxOutputBytes: 64 * 1024 * 1024, signal });
    if (r.truncated) throw new OsdeckError('PROBE_TOO_LARGE', `${t.host}: the migration probe printed more than 64 MiB`, 502);
    return parseMigrationFacts(r.stdout.toString('utf8'), mark);
  }

  /** Assesses one host (or offline root) and stores the report. */
  async assessHost(host: string, input: MigrateInput, jobId: string | null, signal?: AbortSignal): Promise<{ id: string; assessment: Assessment; report: Report }> {
    const { path, repos, input: norm } = this.normalize(input);
    const t = await this.transport(host);
    const facts = await this.facts(t, norm, repos, path, signal);
    const target = await this.targetIndex(path, repos, facts.arch, signal);
    const ctx: CheckContext = { facts, path, repos, target, kernelChoice: norm.kernel ?? path.kernel.default };
    const a = assess(host, ctx);
    const report = assessmentReport(a, ctx, iso(this.clock));
    const id = newId();
    await this.repo.insertAssessment({ id, job_id: jobId, host, root: norm.root ?? '/', path: path.id, readiness: a.readiness, counts_json: JSON.stringify(a.counts), report_json: JSON.stringify(report), created_at: iso(this.clock) });
    return { id, assessment: a, report };
  }

  private async requirePermission(actor: Actor, permission: 'migrate.assess' | 'migrate.run', action: string, target: string): Promise<void> {
    if (roleGrants(actor.role, permission)) return;
    await this.audit.record(actor, { action, result: 'denied', target });
    throw new OsdeckError('FORBIDDEN', `${action} needs the ${permission} permission${permission === 'migrate.run' ? ' (operator or admin)' : ''}`, 403);
  }

  async startAssess(actor: Actor, selector: string, input: MigrateInput): Promise<JobView> {
    await this.requirePermission(actor, 'migrate.assess', 'migrate.assess', `selector:${selector}`);
    const { input: norm } = this.normalize(input);
    const params: MigrateJobParams = { input: norm, waves: {}, forks: Math.min(Math.max(input.concurrency ?? 20, 1), 100) };
    return this.jobs.create(actor, 'migrate-assess', selector, params as unknown as Record<string, unknown>);
  }

  async runAssessStep(job: JobRow, p: MigrateJobParams, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const started = this.ms();
    try {
      const { id, assessment: a } = await this.assessHost(host, p.input, job.id, signal);
      const lines = [`${a.readiness}: ${a.counts.inhibitor} inhibitor, ${a.counts.high} high, ${a.counts.medium} medium, ${a.counts.low} low, ${a.counts.info} info (assessment ${id})`, ...a.findings.map((f) => `[${f.severity}] ${f.title}`)];
      return { status: 'ok', exitCode: a.readiness === 'blocked' ? 2 : 0, stdout: `${lines.join('\n')}\n`, durationMs: this.ms() - started };
    } catch (e) {
      return stepFromError(e, this.ms() - started);
    }
  }

  async assessments(host?: string, jobId?: string, limit = 100) {
    return (await this.repo.assessments({ host, jobId, limit: Math.min(Math.max(limit, 1), 1000) })).map((r) => ({ id: r.id, jobId: r.job_id, host: r.host, root: r.root, path: r.path, readiness: r.readiness, counts: JSON.parse(r.counts_json) as Record<string, number>, createdAt: r.created_at }));
  }

  async render(r: Report, format: 'html' | 'xlsx', base: string): Promise<{ contentType: string; body: string | Buffer; filename: string }> {
    const name = base.replace(/[^A-Za-z0-9._-]/g, '_');
    if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: renderReportHtml(r), filename: `${name}.html` };
    return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await reportToXlsx(r), filename: `${name}.xlsx` };
  }

  async assessmentReport(id: string): Promise<Report> {
    const r = await this.repo.assessment(id);
    if (!r) throw new OsdeckError('NOT_FOUND', `no assessment ${JSON.stringify(id.slice(0, 60))}`, 404);
    return JSON.parse(r.report_json) as Report;
  }

  /** The fleet view: every host's latest assessment per path and latest run. */
  async fleet() {
    const [assessments, runs, hosts] = await Promise.all([this.repo.latestAssessments(), this.repo.latestRuns(), this.hosts.list()]);
    return hosts.map((h) => ({
      host: h.name,
      assessments: assessments.filter((a) => a.host === h.name).map((a) => ({ id: a.id, root: a.root, path: a.path, readiness: a.readiness, counts: JSON.parse(a.counts_json) as Record<string, number>, createdAt: a.created_at })),
      run: ((r) => (r ? runView(r as MigrationRunRow) : null))(runs.find((r) => r.host === h.name)),
    }));
  }

  // ---- the agent ------------------------------------------------------------------------------

  private stateDir(root: string, id: string): string {
    return `${root === '/' ? '' : root}/var/lib/osdeck/migrate/${id}`;
  }

  private async agentStatus(t: Transport, st: string, signal?: AbortSignal): Promise<AgentStatus> {
    const r = await t.runScript(statusScript(st), { timeoutMs: 30_000, maxOutputBytes: 1024 * 1024, signal });
    return parseStatus(r.stdout.toString('utf8'));
  }

  private async launch(t: Transport, action: AgentAction, st: string, vars: Record<string, string>, fresh: boolean, signal?: AbortSignal): Promise<void> {
    const r = await t.runScript(launchScript(action, st, agentConfig(vars), { fresh }), { timeoutMs: 60_000, signal });
    if (r.exitCode !== 0) throw new OsdeckError('AGENT_START_FAILED', `${t.host}: could not start the migration agent (exit ${r.exitCode}): ${r.stderr.toString('utf8').slice(0, 400)}`, 502);
  }

  /**
   * Polls the agent until it reaches a terminal state. The SSH connection may drop any number of
   * times (the agent runs detached); contact lost for longer than LOST_CONTACT_MS is an error.
   * A dead agent that is not terminal is restarted once per poll round (its steps are idempotent).
   */
  private async follow(host: string, st: string, relaunch: (() => Promise<void>) | null, onChange: (s: AgentStatus) => Promise<void>, signal: AbortSignal): Promise<AgentStatus> {
    let last = '';
    let lostSince: number | null = null;
    let relaunched = 0;
    while (true) {
      if (signal.aborted) throw new OsdeckError('INTERRUPTED', 'stopped following the agent', 499);
      let s: AgentStatus;
      try {
        const t = await this.transport(host);
        s = await this.agentStatus(t, st, signal);
        lostSince = null;
      } catch (e) {
        if (signal.aborted) throw new OsdeckError('INTERRUPTED', 'stopped following the agent', 499);
        lostSince ??= this.ms();
        if (this.ms() - (lostSince ?? 0) > LOST_CONTACT_MS) throw new OsdeckError('LOST_CONTACT', `${host}: no contact with the host for ${Math.round(LOST_CONTACT_MS / 60_000)} min: ${(e as Error).message}; the agent may still be running (osdeck migrate status)`, 504);
        await sleep(POLL_MS * 2, signal);
        continue;
      }
      const sig = `${s.state}|${s.step}|${s.message}|${s.ponr}`;
      if (sig !== last) {
        last = sig;
        await onChange(s);
      }
      if (TERMINAL_AGENT.has(s.state)) return s;
      if (s.alive === false && relaunch && (s.state === 'running' || s.state === 'starting' || s.state === 'none')) {
        if (relaunched >= 3) throw new OsdeckError('AGENT_DIED', `${host}: the migration agent stopped without finishing (${s.message}); resume when the cause is fixed`, 502);
        relaunched++;
        await sleep(POLL_MS, signal);
        const again = await this.agentStatus(await this.transport(host), st, signal).catch(() => null);
        if (again && again.alive === false && !TERMINAL_AGENT.has(again.state)) await relaunch();
      }
      await sleep(POLL_MS, signal);
    }
  }

  // ---- backup and restore ---------------------------------------------------------------------

  private backupDirOf(input: MigrateInput, id: string): string {
    return `${input.backupDir ?? `${input.root ?? ''}${DEFAULT_BACKUP_DIR}`}/${id}`;
  }

  /** Archives the root and verifies the archive; returns the backup row once verified (or throws). */
  async backupHost(actor: string, host: string, input: MigrateInput, jobId: string | null, signal: AbortSignal, existing?: string): Promise<BackupRow> {
    let row = existing ? await this.repo.backup(existing) : undefined;
    if (row?.state === 'verified') return row;
    if (!row) {
      const id = newId();
      row = { id, job_id: jobId, host, root: input.root ?? '/', dir: this.backupDirOf(input, id), state: 'running', sha256: null, bytes: null, files: null, message: null, created_by: actor, created_at: iso(this.clock), finished_at: null };
      await this.repo.insertBackup(row);
    }
    const b = row;
    const st = this.stateDir(b.root, `backup-${b.id}`);
    const vars = { R: input.root ?? '', BK: b.dir, RUN_ID: b.id, EXTRA_EXCLUDES: '' };
    const t = await this.transport(host);
    const now = await this.agentStatus(t, st, signal);
    if (now.state === 'none' || (now.state === 'failed' && !existing)) await this.launch(t, 'backup', st, vars, true, signal);
    const final = await this.follow(host, st, () => this.launch(t, 'backup', st, vars, true, signal), async (s) => this.repo.updateBackup(b.id, { message: s.message }), signal);
    if (final.state !== 'done') {
      await this.repo.updateBackup(b.id, { state: 'failed', message: final.message, finished_at: iso(this.clock) });
      throw new OsdeckError('BACKUP_FAILED', `${host}: backup failed: ${final.message}`, 502);
    }
    const patch = { state: 'verified', sha256: final.raw.sha256 ?? null, bytes: Number(final.raw.bytes) || null, files: Number(final.raw.files) || null, message: final.message, finished_at: iso(this.clock) };
    await this.repo.updateBackup(b.id, patch);
    return { ...b, ...patch };
  }

  async startBackup(actor: Actor, selector: string, input: { root?: string; backupDir?: string }): Promise<JobView> {
    await this.requirePermission(actor, 'migrate.run', 'migrate.backup', `selector:${selector}`);
    this.checkRootAndDir(input);
    const params: MigrateJobParams = { input: { path: '', ...input }, waves: {}, forks: 10 };
    return this.jobs.create(actor, 'migrate-backup', selector, params as unknown as Record<string, unknown>);
  }

  private checkRootAndDir(input: { root?: string; backupDir?: string }): void {
    if (input.root !== undefined && (!SAFE_PATH.test(input.root) || input.root === '/' || input.root.includes('..'))) throw badRequest('BAD_ROOT', `--root must be an absolute path other than / (letters, digits and ._+@=:,/- only): ${JSON.stringify(input.root)}`);
    if (input.backupDir !== undefined && (!SAFE_PATH.test(input.backupDir) || input.backupDir.includes('..'))) throw badRequest('BAD_BACKUP_DIR', `--backup-dir must be an absolute path: ${JSON.stringify(input.backupDir)}`);
  }

  async runBackupStep(job: JobRow, p: MigrateJobParams, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const started = this.ms();
    try {
      const b = await this.backupHost(job.created_by, host, p.input, job.id, signal);
      return { status: 'ok', exitCode: 0, stdout: `backup ${b.id} verified: ${b.files} entries, ${b.bytes} bytes, sha256 ${b.sha256}\n${b.dir}\n`, durationMs: this.ms() - started };
    } catch (e) {
      return stepFromError(e, this.ms() - started);
    }
  }

  async backups(host?: string) {
    return (await this.repo.backups({ host, limit: 500 })).map((b) => ({ id: b.id, host: b.host, root: b.root, dir: b.dir, state: b.state, sha256: b.sha256, bytes: b.bytes, files: b.files, message: b.message, createdBy: b.created_by, createdAt: b.created_at, finishedAt: b.finished_at }));
  }

  /** Restores a verified backup on its host (also the on-demand rollback after the point of no return). */
  private async restoreBackup(host: string, backup: BackupRow, signal: AbortSignal, onChange?: (s: AgentStatus) => Promise<void>): Promise<AgentStatus> {
    if (backup.state !== 'verified') throw new OsdeckError('BACKUP_NOT_VERIFIED', `backup ${backup.id} is ${backup.state}, not verified: it cannot be restored`, 409);
    const st = this.stateDir(backup.root, `restore-${newId()}`);
    const vars = { R: backup.root === '/' ? '' : backup.root, BK: backup.dir, RUN_ID: backup.id, EXTRA_EXCLUDES: '' };
    const t = await this.transport(host);
    await this.launch(t, 'restore', st, vars, true, signal);
    return this.follow(host, st, null, onChange ?? (async () => {}), signal);
  }

  async startRestore(actor: Actor, host: string, backupId: string): Promise<JobView> {
    await this.requirePermission(actor, 'migrate.run', 'migrate.restore', `host:${host}`);
    const b = await this.repo.backup(backupId);
    if (!b || b.host !== host) throw new OsdeckError('NOT_FOUND', `no backup ${JSON.stringify(backupId.slice(0, 60))} of host ${host}`, 404);
    if (b.state !== 'verified') throw new OsdeckError('BACKUP_NOT_VERIFIED', `backup ${b.id} is ${b.state}: only verified backups are restored`, 409);
    const params: MigrateJobParams = { input: { path: '' }, waves: {}, forks: 1, backups: { [host]: b.id } };
    return this.jobs.create(actor, 'migrate-restore', host, params as unknown as Record<string, unknown>);
  }

  async runRestoreStep(job: JobRow, p: MigrateJobParams, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const started = this.ms();
    try {
      const runId = p.runs?.[host];
      const run = runId ? await this.repo.run(runId) : undefined;
      const backupId = p.backups?.[host] ?? run?.backup_id;
      const b = backupId ? await this.repo.backup(backupId) : undefined;
      if (!b) throw new OsdeckError('NO_BACKUP', `${host}: no backup to restore`, 409);
      if (run) await this.repo.updateRun(run.id, { state: 'rolling-back', message: 'restoring the verified backup', updated_at: iso(this.clock) });
      const s = await this.restoreBackup(host, b, signal, async (x) => (run ? this.repo.updateRun(run.id, { message: x.message, updated_at: iso(this.clock) }) : undefined));
      const ok = s.state === 'done';
      if (run) await this.repo.updateRun(run.id, { state: ok ? 'rolled-back' : 'rollback-failed', message: s.message, updated_at: iso(this.clock), finished_at: iso(this.clock) });
      await this.audit.record(jobActor(job), { action: run ? 'migrate.rollback' : 'migrate.restore', result: ok ? 'ok' : 'error', target: `host:${host}`, jobId: job.id, detail: { backup: b.id, run: run?.id, message: s.message } });
      return { status: ok ? 'ok' : 'failed', exitCode: ok ? 0 : 1, stdout: `${s.message}\n${s.log}`, durationMs: this.ms() - started, ...(ok ? {} : { errorCode: 'RESTORE_FAILED', error: s.message }) };
    } catch (e) {
      return stepFromError(e, this.ms() - started);
    }
  }

  // ---- migration runs -------------------------------------------------------------------------

  async startRun(actor: Actor, selector: string, input: MigrateInput): Promise<JobView> {
    await this.requirePermission(actor, 'migrate.run', 'migrate.run', `selector:${selector}`);
    const { input: norm } = this.normalize(input);
    const targets = (await this.hosts.select(selector)).map((h) => h.name);
    if (targets.length === 0) throw badRequest('NO_HOSTS', `selector ${JSON.stringify(selector)} matches no host`);
    const policy: WavePolicy = { canary: norm.canary ?? (targets.length > 1 ? 1 : 0), size: norm.waveSize ?? Math.max(1, targets.length), maxFailureRate: norm.maxFailureRate ?? 1 };
    const waves = planWaves(targets, policy);
    if (norm.overrides?.length) await this.audit.record(actor, { action: 'migrate.override', result: 'ok', target: `selector:${selector}`, detail: { overrides: norm.overrides, path: norm.path } });
    if (norm.gpgcheck === false) await this.audit.record(actor, { action: 'migrate.override', result: 'ok', target: `selector:${selector}`, detail: { gpgcheck: false, path: norm.path } });
    const params: MigrateJobParams = { input: norm, waves, forks: Math.min(Math.max(norm.concurrency ?? 10, 1), 100) };
    return this.jobs.create(actor, 'migrate-run', selector, params as unknown as Record<string, unknown>);
  }

  async resume(actor: Actor, runId: string, patch: { stopAfter?: string | null; overrides?: string[] } = {}): Promise<JobView> {
    await this.requirePermission(actor, 'migrate.run', 'migrate.resume', `run:${runId}`);
    const run = await this.repo.run(runId);
    if (!run) throw new OsdeckError('NOT_FOUND', `no migration run ${JSON.stringify(runId.slice(0, 60))}`, 404);
    if (!['failed', 'stopped', 'paused', 'blocked'].includes(run.state)) throw new OsdeckError('NOT_RESUMABLE', `run ${run.id} is ${run.state}; only failed, stopped, paused or blocked runs resume`, 409);
    const input = JSON.parse(run.options_json) as MigrateInput;
    const next: MigrateInput = { ...input };
    if (patch.stopAfter === null) delete next.stopAfter;
    else if (patch.stopAfter !== undefined) next.stopAfter = patch.stopAfter;
    else delete next.stopAfter;
    if (patch.overrides?.length) {
      next.overrides = [...new Set([...(next.overrides ?? []), ...patch.overrides])];
      await this.audit.record(actor, { action: 'migrate.override', result: 'ok', target: `host:${run.host}`, detail: { run: run.id, overrides: patch.overrides } });
    }
    await this.repo.updateRun(run.id, { options_json: JSON.stringify(next), updated_at: iso(this.clock) });
    const params: MigrateJobParams = { input: next, waves: { [run.host]: 0 }, forks: 1, resume: { [run.host]: run.id } };
    return this.jobs.create(actor, 'migrate-run', run.host, params as unknown as Record<string, unknown>);
  }

  async startRollback(actor: Actor, runIds: string[]): Promise<JobView> {
    await this.requirePermission(actor, 'migrate.run', 'migrate.rollback', `runs:${runIds.join(',')}`);
    const runs: Record<string, string> = {};
    for (const id of runIds) {
      const run = await this.repo.run(id);
      if (!run) throw new OsdeckError('NOT_FOUND', `no migration run ${JSON.stringify(id.slice(0, 60))}`, 404);
      if (!run.backup_id) throw new OsdeckError('NO_BACKUP', `run ${id} on ${run.host} has no backup to roll back to`, 409);
      if (['migrating', 'backing-up', 'prechecking', 'rolling-back'].includes(run.state)) throw new OsdeckError('RUN_ACTIVE', `run ${id} on ${run.host} is ${run.state}; cancel it first`, 409);
      if (runs[run.host]) throw badRequest('DUPLICATE_HOST', `two runs of ${run.host} given`);
      runs[run.host] = run.id;
    }
    const params: MigrateJobParams = { input: { path: '' }, waves: {}, forks: 10, runs };
    return this.jobs.create(actor, 'migrate-rollback', Object.keys(runs).join(','), params as unknown as Record<string, unknown>);
  }

  async runs(host?: string, limit = 100): Promise<RunView[]> {
    return (await this.repo.runs({ host, limit: Math.min(Math.max(limit, 1), 1000) })).map((r) => runView(r as MigrationRunRow));
  }

  async runsOfJob(jobId: string): Promise<RunView[]> {
    return (await this.repo.runsOfJob(jobId)).map((r) => runView(r));
  }

  /** One run; with `log`, the agent's log tail read from the host (10 s at most; absent if the host does not answer). */
  async run(id: string, opts: { log?: boolean } = {}): Promise<RunView & { log?: string }> {
    const r = await this.repo.run(id);
    if (!r) throw new OsdeckError('NOT_FOUND', `no migration run ${JSON.stringify(id.slice(0, 60))}`, 404);
    const view = runView(r, true);
    if (opts.log === false || ['queued', 'skipped'].includes(r.state)) return view;
    try {
      const t = await this.transport(r.host);
      const out = await t.runScript(statusScript(this.stateDir(r.root, r.id), 200), { timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 });
      return { ...view, log: parseStatus(out.stdout.toString('utf8')).log };
    } catch {
      return view;
    }
  }

  /** The #3 comparison report for a run: the hour before it started against the time since it finished. */
  async compareReport(actor: Actor, id: string) {
    if (!this.reports) throw new OsdeckError('NO_METRICS', 'metrics collection is off in this osdeck, so there is nothing to compare', 409);
    const r = await this.repo.run(id);
    if (!r) throw new OsdeckError('NOT_FOUND', `no migration run ${JSON.stringify(id.slice(0, 60))}`, 404);
    const start = Date.parse(r.created_at);
    const end = r.finished_at ? Date.parse(r.finished_at) : this.ms();
    return this.reports.compare(actor, { selector: r.host, before: { from: start - 3_600_000, to: start }, after: { from: end, to: Math.max(end + 60_000, this.ms()) } });
  }

  renderCompare(report: Awaited<ReturnType<ReportService['compare']>>, format: 'html' | 'xlsx') {
    if (!this.reports) throw new OsdeckError('NO_METRICS', 'metrics collection is off in this osdeck', 409);
    return this.reports.render(report, format);
  }

  async diffReport(id: string): Promise<Report> {
    const r = await this.repo.run(id);
    if (!r) throw new OsdeckError('NOT_FOUND', `no migration run ${JSON.stringify(id.slice(0, 60))}`, 404);
    if (!r.before_json || !r.after_json) throw new OsdeckError('NO_DIFF', `run ${id} has no before/after snapshots (state ${r.state})`, 409);
    return diffReport(r.host, JSON.parse(r.before_json) as Snapshot, JSON.parse(r.after_json) as Snapshot, iso(this.clock));
  }

  private async snapshot(host: string, root: string, signal?: AbortSignal): Promise<Snapshot> {
    return retrying(() => this.snapshotOnce(host, root, signal), signal);
  }

  private async snapshotOnce(host: string, root: string, signal?: AbortSignal): Promise<Snapshot> {
    const mark = newSectionMark();
    const t = await this.transport(host);
    const r = await t.runScript(assembleProbe({ file: 'migrate-snapshot.sh', env: { OSDECK_ROOT: root === '/' ? '' : root }, timeoutSec: 120 }, mark), { timeoutMs: 120_000, maxOutputBytes: 32 * 1024 * 1024, signal });
    return parseSnapshot(r.stdout.toString('utf8'), mark);
  }

  /** Drives one host's run to a terminal state; safe to call again after a restart (resumable). */
  async runMigrateStep(job: JobRow, p: MigrateJobParams, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const started = this.ms();
    const actor = jobActor(job);
    let run = p.resume?.[host] ? await this.repo.run(p.resume[host]!) : await this.repo.runByJobHost(job.id, host);
    if (!run) {
      const now = iso(this.clock);
      run = { id: newId(), job_id: job.id, host, root: p.input.root ?? '/', path: p.input.path, wave: p.waves[host] ?? 0, state: 'queued', step: null, ponr: 0, backup_id: null, assessment_id: null, options_json: JSON.stringify(p.input), message: null, before_json: null, after_json: null, result_json: null, created_by: job.created_by, created_at: now, updated_at: now, finished_at: null };
      await this.repo.insertRun(run);
    } else if (p.resume?.[host] && TERMINAL_RUN.has(run.state)) {
      // without a verified backup nothing was changed yet: start again at the precheck
      const verified = run.backup_id ? (await this.repo.backup(run.backup_id))?.state === 'verified' : false;
      const next = verified ? 'migrating' : 'prechecking';
      await this.repo.updateRun(run.id, { state: next, job_id: job.id, message: 'resuming', finished_at: null, updated_at: iso(this.clock) });
      run = { ...run, state: next, job_id: job.id };
    }
    const id = run.id;
    const set = async (patch: Partial<MigrationRunRow>) => {
      await this.repo.updateRun(id, { ...patch, updated_at: iso(this.clock) });
      Object.assign(run!, patch);
    };
    const finish = (state: string, message: string, extra: Partial<StepOutcome> = {}): Promise<StepOutcome> =>
      set({ state, message, finished_at: iso(this.clock) }).then(() => ({
        status: state === 'done' || state === 'paused' ? 'ok' : state === 'skipped' || state === 'cancelled' ? 'cancelled' : 'failed',
        exitCode: state === 'done' || state === 'paused' ? 0 : 1,
        stdout: `${host}: ${state}: ${message}\n`,
        durationMs: this.ms() - started,
        ...(state !== 'done' && state !== 'paused' && { errorCode: `MIGRATION_${state.toUpperCase().replace(/-/g, '_')}`, error: message }),
        ...extra,
      }));
    try {
      if (TERMINAL_RUN.has(run.state)) return await finish(run.state, run.message ?? '');
      // ---- wait for this host's wave; stop when earlier waves failed too often
      if (run.state === 'queued') {
        while (true) {
          if (signal.aborted) return signal.reason?.message === 'cancelled' ? await finish('cancelled', 'cancelled before it started') : { status: 'interrupted', durationMs: 0 };
          const all = await this.repo.runsOfJob(job.id);
          const verdict = waveVerdict(p.waves, run.wave, all.map((r) => ({ host: r.host, wave: r.wave, state: r.state, terminal: TERMINAL_RUN.has(r.state), ok: r.state === 'done' })), p.input.maxFailureRate ?? 1, Object.keys(p.waves).length);
          if (verdict.go) break;
          if (verdict.stop) return await finish('skipped', verdict.reason);
          await sleep(1000, signal);
        }
        await set({ state: 'prechecking', message: 'assessing the host again just before migrating' });
      }
      const input = JSON.parse(run.options_json) as MigrateInput;
      const { path, repos } = this.normalize(input);
      // ---- precheck: the full assessment, inhibitors stop the run unless explicitly overridden
      if (run.state === 'prechecking') {
        const { id: aid, assessment } = await this.assessHost(host, input, job.id, signal);
        const overrides = new Set(input.overrides ?? []);
        const blocking = assessment.findings.filter((f) => f.severity === 'inhibitor' && !overrides.has(f.key));
        const used = assessment.findings.filter((f) => overrides.has(f.key));
        if (used.length) await this.audit.record(actor, { action: 'migrate.override', result: 'ok', target: `host:${host}`, jobId: job.id, detail: { run: id, findings: used.map((f) => ({ key: f.key, severity: f.severity, title: f.title })) } });
        await set({ assessment_id: aid });
        if (blocking.length > 0) return await finish('blocked', `${blocking.length} inhibitor(s): ${blocking.map((f) => `${f.title} [${f.key}]`).join('; ')}`);
        await set({ before_json: JSON.stringify(await this.snapshot(host, run.root, signal)), state: 'backing-up', message: 'backing up the root file system' });
      }
      // ---- verified backup before anything changes
      if (run.state === 'backing-up') {
        const b = await this.backupHost(job.created_by, host, input, job.id, signal, run.backup_id ?? undefined);
        await set({ backup_id: b.id, state: 'migrating', message: `backup ${b.id} verified; starting the agent` });
      }
      const backup = await this.repo.backup(run.backup_id!);
      if (!backup || backup.state !== 'verified') return await finish('failed', 'no verified backup; nothing was changed');
      // ---- the detached agent
      const st = this.stateDir(run.root, id);
      const vars = this.agentVars(input, path, repos, backup, id);
      const t = await this.transport(host);
      const cur = await retrying(() => this.agentStatus(t, st, signal), signal);
      const resuming = Boolean(p.resume?.[host]);
      // a second start while one runs is refused on the host (its lock), so retrying is safe
      if (cur.state === 'none' || (resuming && TERMINAL_AGENT.has(cur.state))) await retrying(() => this.launch(t, 'run', st, vars, false, signal), signal);
      let cancelSent = false;
      const onCancel = () => {
        if (signal.reason?.message !== 'cancelled' || cancelSent) return;
        cancelSent = true;
        void this.transport(host).then((tt) => tt.runScript(cancelScript(st), { timeoutMs: 30_000 })).catch(() => {});
      };
      signal.addEventListener('abort', onCancel, { once: true });
      // after a user cancel we keep following (without the signal) until the agent settles
      const follow = new AbortController();
      const stopFollow = () => signal.reason?.message !== 'cancelled' && follow.abort();
      signal.addEventListener('abort', stopFollow, { once: true });
      if (signal.aborted) stopFollow();
      const final = await this.follow(host, st, () => this.launch(t, 'run', st, vars, false, follow.signal), async (s) => set({ step: s.step, ponr: s.ponr ? 1 : 0, message: s.message, state: s.state === 'running' ? 'migrating' : run!.state }), follow.signal);
      if (final.state !== 'done') {
        const state = final.state === 'rolled-back' && cancelSent ? 'cancelled' : final.state;
        return await finish(state, final.message, { stdout: `${host}: ${final.state}: ${final.message}\n${final.log}` });
      }
      // ---- evidence: before/after, every package from the target
      const after = await this.snapshot(host, run.root, signal);
      const target = await this.targetIndex(path, repos, after.arch, signal).catch(() => null);
      const result = this.verifyResult(after, target);
      let tuneJob: string | null = null;
      if (input.tune && this.tuneHook) tuneJob = await this.tuneHook(actor, host).then((j) => j.id, () => null);
      await set({ after_json: JSON.stringify(after), result_json: JSON.stringify({ ...result, tuneJob }) });
      return await finish('done', `migrated to ${after.os}; ${result.fromTarget} of ${result.total} packages from the target repositories${result.notFromTarget.length ? `, not from it: ${result.notFromTarget.slice(0, 10).join(', ')}` : ''}`, { stdout: `${host}: done: ${after.os}\n${final.log}` });
    } catch (e) {
      if (signal.aborted && signal.reason?.message !== 'cancelled') return { status: 'interrupted', durationMs: this.ms() - started };
      const out = stepFromError(e, this.ms() - started);
      // contact problems leave the run as it is (the agent may still be working); others fail it
      if (!['LOST_CONTACT', 'INTERRUPTED'].includes(out.errorCode ?? '')) await set({ state: 'failed', message: out.error ?? 'failed', finished_at: iso(this.clock) });
      return out;
    }
  }

  private agentVars(input: MigrateInput, path: MigrationPath, repos: RepoDef[], backup: BackupRow, id: string): Record<string, string> {
    return {
      R: input.root ?? '',
      BK: backup.dir,
      RUN_ID: id,
      TARGET_REPO_FILE: renderRepoFile(path, repos, input.gpgcheck !== false),
      SOURCE_RELEASE: path.source.releasePackages.join(' '),
      TARGET_RELEASE: path.target.releasePackages.join(' '),
      SOURCE_REPO_IDS: path.source.repoIds.join(' '),
      SOURCE_VENDORS: path.source.vendors.join('|'),
      TARGET_ID: path.target.id,
      RELEASEVER: path.target.releasever,
      REMOVE: (input.remove ?? []).join(' '),
      ON_FAILURE: input.onFailure ?? 'rollback',
      STOP_AFTER: input.stopAfter ?? '',
      EXTRA_EXCLUDES: '',
    };
  }

  /** Which installed packages are exactly (name, EVR, arch) in the target repositories. */
  verifyResult(after: Snapshot, target: TargetIndex | null): { total: number; fromTarget: number; notFromTarget: string[]; checked: boolean } {
    const keys = Object.entries(after.packages);
    if (!target || target.packages.length === 0) return { total: keys.length, fromTarget: 0, notFromTarget: [], checked: false };
    const have = new Set(target.packages.map((p) => `${p.name}.${p.arch}|${p.epoch}:${p.version}-${p.release}`));
    const not = keys.filter(([k, v]) => !have.has(`${k}|${v.split(' ')[0]}`)).map(([k, v]) => `${k} ${v.split(' ')[0]}`);
    return { total: keys.length, fromTarget: keys.length - not.length, notFromTarget: not, checked: true };
  }
}
