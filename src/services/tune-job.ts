import type { JobRow } from '../infra/db/jobs-repository';
import type { JobHandler, StepOutcome } from './job-handler';
import type { TuneJobParams, TuneService } from './tune-service';

export const TUNE_JOB_TYPES = ['tune-check', 'tune-apply', 'tune-revert'] as const;

/** Tuning on each selected host: check, apply (or dry-run) or revert; each host is its own transaction. */
export class TuneJob implements JobHandler {
  constructor(
    readonly type: (typeof TUNE_JOB_TYPES)[number],
    private readonly tune: TuneService,
  ) {}
  forks(params: Record<string, unknown>): number {
    return Number((params as unknown as TuneJobParams).forks) || 20;
  }
  runStep(job: JobRow, params: Record<string, unknown>, host: string, signal: AbortSignal): Promise<StepOutcome> {
    return this.tune.runOnHost(job, params as unknown as TuneJobParams, host, signal);
  }
}
