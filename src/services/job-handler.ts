import { HostError, stepStatusForHostError } from '../domain/errors';
import type { StepFinal } from '../domain/job-status';
import { outputText } from '../domain/terminal-text';
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
  /**
   * True when a step can safely run again after osdeck stopped in the middle of it (it picks up
   * the host's own state, like a migration agent's). Other steps cut off by a restart are marked
   * interrupted, never re-run.
   */
  readonly resumable?: boolean;
  runStep(job: JobRow, params: Record<string, unknown>, host: string, signal: AbortSignal): Promise<StepOutcome>;
}

/** A step that could not run to the end: the host error's status, and what it printed before it was stopped. */
export function stepFromError(e: unknown, durationMs: number): StepOutcome {
  const code = e instanceof HostError ? e.code : 'INTERNAL';
  const partial = e instanceof HostError ? e.partial : undefined;
  return {
    status: e instanceof HostError ? stepStatusForHostError(code) : 'failed',
    errorCode: code,
    error: e instanceof Error ? e.message : String(e),
    durationMs,
    ...(partial && {
      stdout: outputText(partial.stdout).text,
      stderr: outputText(partial.stderr).text,
      stdoutBytes: partial.stdoutBytes,
      stderrBytes: partial.stderrBytes,
    }),
  };
}
