import type { StepFinal } from '../domain/job-status';
import type { JobRow } from '../infra/db/jobs-repository';

export interface StepOutcome {
  status: StepFinal;
  exitCode?: number | null;
  stdout?: string | null;
  stderr?: string | null;
  stdoutBytes?: number;
  stderrBytes?: number;
  truncated?: boolean;
  errorCode?: string | null;
  error?: string | null;
  durationMs: number;
}

/** One kind of job: what to do on each target. Adding a job type is adding one handler file. */
export interface JobHandler {
  readonly type: string;
  /** Hosts this job works on at once, from its params. */
  forks(params: Record<string, unknown>): number;
  runStep(job: JobRow, params: Record<string, unknown>, host: string, signal: AbortSignal): Promise<StepOutcome>;
}
