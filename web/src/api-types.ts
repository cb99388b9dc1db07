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
