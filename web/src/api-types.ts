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
