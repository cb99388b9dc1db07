/** Shapes of the osdeck API (see /api/v1/openapi.json): the console reads nothing else. */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  name: string;
  role: Role;
  type: string;
  /** from GET /auth/me: the server's own answer; the mirrored role table is only a fallback */
  permissions?: string[];
}

export interface ServerStatus {
  setupRequired: boolean;
  version: string;
  database: string;
  queue: string;
}

export type HostState = 'reachable' | 'unreachable' | 'hostkey-changed' | 'auth-failed' | 'unknown';

export interface HostFacts {
  osId: string | null;
  osVersionId: string | null;
  osPretty: string | null;
  osLike: string | null;
  kernel: string | null;
  arch: string | null;
  hostname: string | null;
  cpus: number | null;
  cpuModel: string | null;
  memTotalBytes: number | null;
  uptimeSeconds: number | null;
  virtualization: string | null;
  machineId: string | null;
}

export interface Host {
  name: string;
  transport: 'local' | 'ssh';
  address: string | null;
  port: number | null;
  user: string | null;
  authType: string | null;
  groups: string[];
  tags: Record<string, string>;
  state: HostState | string;
  lastError: string | null;
  lastSeenAt: string | null;
  hostKeyFingerprint: string | null;
  offeredHostKeyFingerprint: string | null;
  facts: HostFacts | null;
  factsAt: string | null;
  createdAt: string;
}

export interface NewHost {
  name: string;
  ssh: string;
  privateKey?: string;
  password?: string;
  groups?: string[];
  tags?: Record<string, string>;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'unreachable' | 'timeout' | 'cancelled' | 'interrupted';

export interface Job {
  id: string;
  type: string;
  status: JobStatus | string;
  selector: string | null;
  params: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  total: number;
  counts: Partial<Record<StepStatus, number>>;
  error: string | null;
  cancelRequested: boolean;
}

export interface Step {
  host: string;
  status: StepStatus | string;
  exitCode: number | null;
  stdout: string | null;
  stderr: string | null;
  stdoutBytes: number;
  stderrBytes: number;
  truncated: boolean;
  errorCode: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  worker: string | null;
}

export interface JobWithSteps extends Job {
  steps: Step[];
}

export interface ExecRequest {
  selector: string;
  command: string;
  forks?: number;
  timeoutSec?: number;
}

export interface AuditEntry {
  id: number;
  ts: string;
  actor: string;
  actorType: string;
  sourceIp: string | null;
  action: string;
  target: string | null;
  result: string;
  host: string | null;
  command: string | null;
  exitCode: number | null;
  durationMs: number | null;
  bytes: number | null;
  jobId: string | null;
  detail: Record<string, unknown> | null;
}

export interface Problem {
  status: number;
  code: string;
  detail: string;
  title?: string;
  details?: Record<string, unknown>;
}

/** An interrupted job (its runner died) may still be resumed, so it is not final. */
export const JOB_FINAL: readonly string[] = ['succeeded', 'failed', 'cancelled'];
export const STEP_FINAL: readonly string[] = ['ok', 'failed', 'unreachable', 'timeout', 'cancelled', 'interrupted'];

// ---------------------------------------------------------------- monitoring

/** One row of GET /metrics/overview: a host's latest figures; nulls when unknown (down, or not polled yet). */
export interface MetricsOverviewRow {
  host: string;
  state: HostState | string;
  groups: string[];
  /** false: the last metrics poll failed; null: never polled since the server started */
  up: boolean | null;
  /** ms since epoch of the newest stored sample */
  ts: number | null;
  cpuBusyPercent: number | null;
  memUsedPercent: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  load1: number | null;
  cpus: number | null;
  diskMaxUsedPercent: number | null;
  diskMaxUsedMount: string | null;
  diskReadBytesPerSec: number | null;
  diskWriteBytesPerSec: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
}

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  ts?: number;
}

export interface TopProcess {
  pid: number;
  user: string;
  cpuPercent: number;
  rssBytes: number;
  command: string;
}

/** GET /metrics/hosts/:name/latest: counters come as per-second rates. */
export interface MetricsLatest {
  ts: number | null;
  up: boolean | null;
  samples: MetricSample[];
  topByCpu: TopProcess[];
  topByRss: TopProcess[];
  errors: string[];
}

/** One series of a range query: one point per step bucket, null where no sample fell (a gap, never 0). */
export interface MetricSeries {
  labels: Record<string, string>;
  points: [number, number | null][];
}

export interface SeriesQuery {
  name: string;
  from: number;
  to: number;
  step: number;
  agg?: 'avg' | 'min' | 'max';
  /** exact label match, e.g. { mode: 'user' } */
  labels?: Record<string, string>;
}

export interface MetricsIntervals {
  defaultSec: number;
  groups: Record<string, number>;
  hosts: Record<string, number>;
}

// ---------------------------------------------------------------- alerts

export type AlertOp = '>' | '<';

/** GET /alerts/rules: a threshold over a metric averaged over `forSec`, on the hosts of `selector`. */
export interface AlertRule {
  id: string;
  name: string;
  selector: string;
  metric: string;
  op: AlertOp | string;
  threshold: number;
  forSec: number;
  webhookUrl: string | null;
  createdBy: string;
  createdAt: string;
}

export interface NewAlertRule {
  name: string;
  selector: string;
  metric: string;
  op: AlertOp;
  threshold: number;
  forSec: number;
  webhookUrl?: string | null;
}

/** GET /alerts/active: one rule firing on one host now. */
export interface ActiveAlert {
  rule: string;
  host: string;
  metric: string;
  op: AlertOp | string;
  threshold: number;
  forSec: number;
  /** the window's average when it fired */
  value: number | null;
  since: string;
}

/** GET /alerts/events: firing and resolved transitions, newest first. */
export interface AlertEvent {
  id: number;
  rule: string;
  ruleId: string;
  host: string;
  state: 'firing' | 'resolved' | string;
  value: number | null;
  ts: string;
  /** "HTTP 200", "failed: …", or null without a webhook */
  webhookStatus: string | null;
}

// ---------------------------------------------------------------- comparison report

/** ms since epoch */
export interface TimeWindow {
  from: number;
  to: number;
}

export interface CompareRequest {
  selector: string;
  before: TimeWindow;
  after: TimeWindow;
}

export type ReportSeverity = 'ok' | 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface WindowStats {
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
}

export interface MetricChange {
  /** percent change of the mean; null when the before mean is 0 or unknown */
  percent: number | null;
  /** Welch's t statistic */
  t: number | null;
  /** beyond noise */
  changed: boolean;
}

export interface MetricComparison {
  host: string;
  metric: string;
  title: string;
  unit: string;
  before: WindowStats;
  after: WindowStats;
  change: MetricChange;
}

/** One host's derived series: metric id → one value per `stepMs` bucket from the window's start (null = no sample). */
export interface HostWindowSeries {
  host: string;
  stepMs: number;
  before: Record<string, (number | null)[]>;
  after: Record<string, (number | null)[]>;
}

export interface CompareReport {
  kind: string;
  title: string;
  generatedAt: string;
  conclusion: string;
  severity: ReportSeverity | string;
  findings: { severity: ReportSeverity | string; summary: string; detail?: string }[];
  tables: { title: string; columns: string[]; rows: (string | number | null)[][] }[];
  recommendations: { summary: string; commands?: string[] }[];
  evidence: { selector?: string; before?: TimeWindow; after?: TimeWindow; series: HostWindowSeries[] };
  comparisons: MetricComparison[];
}

/* ---------- diagnostic center (src/api/routes/diagnosis-routes.ts) ---------- */

export type Severity = 'ok' | 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface DiagnosisParam {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  default?: string | number | boolean;
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  maxLength?: number;
  enum?: string[];
}

export interface Diagnosis {
  id: string;
  title: string;
  category: string;
  description: string;
  permission: string;
  params: DiagnosisParam[];
  acceptsText: boolean;
}

export interface ReportTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

export interface ReportChart {
  title: string;
  kind: 'stacked-bar';
  unit: 'bytes' | 'count' | 'percent' | 'ms';
  total?: number;
  segments: Array<{ label: string; value: number; note?: string }>;
}

export interface Report {
  kind: string;
  title: string;
  generatedAt: string;
  conclusion: string;
  severity: Severity;
  findings: Array<{ severity: Severity; summary: string; detail?: string }>;
  tables: ReportTable[];
  charts?: ReportChart[];
  recommendations: Array<{ summary: string; commands?: string[] }>;
  evidence: Record<string, unknown>;
}

export interface DiagnosisReportSummary {
  id: string;
  jobId: string | null;
  host: string | null;
  diagnosis: string;
  params: Record<string, unknown>;
  severity: Severity;
  conclusion: string;
  createdBy: string;
  createdAt: string;
}

export interface DiagnosisReport extends DiagnosisReportSummary {
  report: Report;
}

/* ---------- tuning (src/api/routes/tune-routes.ts) ---------- */

/** GET /tune/rules: one baseline check, why it matters and how it is fixed. */
export interface TuneRule {
  id: string;
  title: string;
  category: string;
  rationale: string;
  /** low, medium or high */
  risk: string;
  /** OS families the rule applies to (el, debian); elsewhere it is n/a */
  families: string[];
  params: DiagnosisParam[];
  remediation: string;
  /** false: osdeck only reports it, a person fixes it ("manual") */
  automaticFix: boolean;
  needsReboot: boolean;
}

/** GET /tune/profiles: a named set of rules; built-in ones have no YAML. */
export interface TuneProfile {
  name: string;
  description: string;
  extends: string | null;
  builtIn: boolean;
  rules: Array<{ rule: string; params: Record<string, unknown> }>;
  yaml: string | null;
}

/** What to check or fix: a profile (default baseline) or named rules, with per-rule parameters. */
export interface TuneRequest {
  selector: string;
  profile?: string;
  rules?: string[];
  params?: Record<string, Record<string, string | number | boolean>>;
  forks?: number;
}

export interface TuneApplyRequest extends TuneRequest {
  /** show the exact diff and change nothing */
  dryRun?: boolean;
}

/** The latest applied run on each host of `selector`, or one run by id. */
export interface TuneRevertRequest {
  selector?: string;
  runId?: string;
}

export type TuneStatus = 'pass' | 'fail' | 'n/a' | 'error';

/** One rule's latest result on one host. */
export interface TuneCell {
  status: TuneStatus | string;
  current: string;
  expected: string;
  detail: string | null;
  /** a failing rule osdeck can fix; false: manual */
  fixable: boolean;
  checkedAt: string;
}

/** GET /tune/matrix: every checked rule (columns) on every host (rows). */
export interface TuneMatrix {
  rules: Array<{ id: string; title: string; category: string }>;
  hosts: Array<{ host: string; results: Record<string, TuneCell> }>;
}

export type TuneRunAction = 'dry-run' | 'apply' | 'revert';

/** GET /tune/runs: one host's dry run, apply or revert, newest first. */
export interface TuneRun {
  id: string;
  jobId: string | null;
  host: string;
  action: TuneRunAction | string;
  profile: string | null;
  rules: string[];
  /** planned, nothing, applying, applied, failed, rolled-back */
  status: string;
  message: string | null;
  /** on a revert: the run it put back */
  revertsRun: string | null;
  /** on an apply: the revert run that undid it */
  revertedBy: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

/** GET /tune/runs/:id: the run with its plan and the diff (unified diff plus "~ key: old → new" lines). */
export interface TuneRunDetail extends TuneRun {
  plan: unknown;
  diff: string | null;
}

/* ---------- OS migration (src/api/routes/migrate-routes.ts, src/services/migration-service.ts) ---------- */

/** A repository of a path's target; `baseurl` may hold {mirror}, $basearch and $releasever. */
export interface MigrationRepo {
  id: string;
  name: string;
  baseurl: string;
  /** may be absent on a mirror */
  optional?: boolean;
  gpgkey?: string;
}

export interface MigrationKernelChoice {
  package: string;
  summary: string;
  /** an extra repository this kernel comes from */
  repo?: MigrationRepo;
}

/** GET /migrate/paths: one migration path (a data file): which source it takes, the target, its repositories and kernels. */
export interface MigrationPath {
  id: string;
  name: string;
  method: string;
  source: { ids: string[]; versions: string[]; vendors: string[]; minRelease?: string; releasePackages: string[]; repoIds: string[] };
  target: { id: string; version: string; name: string; releasever: string; mirror: string; releasePackages: string[]; repos: MigrationRepo[]; vendors: string[] };
  kernel: { default: string; choices: Record<string, MigrationKernelChoice> };
  renames: Array<{ from: string; to: string; note?: string }>;
  removals: Array<{ name: string; reason: string }>;
  minimums: { bootMiB: number; varMiB: number; usrMiB: number; rootMiB: number; memoryMiB: number };
  origin?: string;
}

export interface MigrationPaths {
  paths: MigrationPath[];
  /** path files that could not be loaded, with the reason */
  problems: string[];
}

export type MigrationReadiness = 'ready' | 'ready-with-warnings' | 'blocked';
export type MigrationSeverity = 'inhibitor' | 'high' | 'medium' | 'low' | 'info';
export type MigrationCounts = Partial<Record<MigrationSeverity, number>>;

/** GET /migrate/assessments: one stored assessment, newest first. */
export interface MigrationAssessment {
  id: string;
  jobId: string | null;
  host: string;
  /** "/" for the running system, else the offline root */
  root: string;
  path: string;
  readiness: MigrationReadiness | string;
  counts: MigrationCounts;
  createdAt: string;
}

/** GET /migrate/fleet: every host with its latest assessment per path and root, and its latest run. */
export interface MigrationFleetRow {
  host: string;
  assessments: Array<Omit<MigrationAssessment, 'jobId' | 'host'>>;
  run: MigrationRun | null;
}

export const MIGRATION_STEPS = ['repos', 'release', 'test', 'sync', 'kernel', 'verify'] as const;
export type MigrationStep = (typeof MIGRATION_STEPS)[number];

/** What POST /migrate/assess takes (and, with more, POST /migrate/run). */
export interface MigrationAssessRequest {
  selector: string;
  path: string;
  /** an offline root file system on the host (a mounted image or chroot) */
  root?: string;
  /** replaces {mirror} in the path's repository URLs */
  mirror?: string;
  /** repository id → full URL */
  repos?: Record<string, string>;
  kernel?: string;
  /** false installs unsigned packages (audited) */
  gpgcheck?: boolean;
  backupDir?: string;
  concurrency?: number;
}

export interface MigrationRunRequest extends MigrationAssessRequest {
  /** finding keys overridden (audited) */
  overrides?: string[];
  /** packages removed before distro-sync */
  remove?: string[];
  onFailure?: 'rollback' | 'stop';
  stopAfter?: MigrationStep;
  canary?: number;
  waveSize?: number;
  /** 0–1: no new wave starts once failed/finished exceeds this */
  maxFailureRate?: number;
  /** after success, dry-run the baseline tuning profile */
  tune?: boolean;
}

export type MigrationRunState =
  | 'queued'
  | 'prechecking'
  | 'backing-up'
  | 'migrating'
  | 'paused'
  | 'done'
  | 'failed'
  | 'stopped'
  | 'rolled-back'
  | 'rollback-failed'
  | 'rolling-back'
  | 'skipped'
  | 'blocked'
  | 'cancelled';

/** GET /migrate/runs: one host's migration. `ponr`: the point of no return (sync) has been passed. */
export interface MigrationRun {
  id: string;
  jobId: string | null;
  host: string;
  root: string;
  path: string;
  wave: number;
  state: MigrationRunState | string;
  step: MigrationStep | string | null;
  ponr: boolean;
  backupId: string | null;
  assessmentId: string | null;
  message: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** A finished run's evidence: how many installed packages are exactly those of the target repositories. */
export interface MigrationRunResult {
  total: number;
  fromTarget: number;
  notFromTarget: string[];
  /** false: the target metadata could not be read, nothing was compared */
  checked: boolean;
  tuneJob?: string | null;
}

/** GET /migrate/runs/:id: the run with its options, result and the tail of the agent's log (when the host answered). */
export interface MigrationRunDetail extends MigrationRun {
  options?: Partial<MigrationRunRequest>;
  result?: MigrationRunResult;
  log?: string;
}

/** GET /migrate/backups: a root file system archive; only `verified` ones are restored. */
export interface MigrationBackup {
  id: string;
  host: string;
  root: string;
  dir: string;
  state: 'running' | 'verified' | 'failed' | string;
  sha256: string | null;
  bytes: number | null;
  files: number | null;
  message: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

/** One assessment finding as stored in the report's evidence; `key` is what an override names. */
export interface MigrationFinding {
  key: string;
  check: string;
  severity: MigrationSeverity | string;
  title: string;
  summary: string;
  remediation: { hint?: string; commands?: string[] };
  related?: string[];
  source?: 'osdeck' | 'leapp' | string;
}

/** The `evidence` of an assessment report (GET /migrate/assessments/:id). */
export interface MigrationAssessmentEvidence {
  host: string;
  path: string;
  kernel: string;
  readiness: MigrationReadiness | string;
  counts: MigrationCounts;
  findings: MigrationFinding[];
  packageFates: Record<string, number>;
  os: { id: string | null; versionId: string | null; pretty: string | null; idLike?: string[] } | null;
  /** online (the running system) or offline (a root) */
  mode: string;
  notes: string[];
}
