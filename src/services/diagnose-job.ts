import type { JobRow } from '../infra/db/jobs-repository';
import type { DiagnoseJobParams, DiagnosisService } from './diagnosis-service';
import type { JobHandler, StepOutcome } from './job-handler';

/** A diagnosis run on each selected host; each host's report is stored on its own. */
export class DiagnoseJob implements JobHandler {
  readonly type = 'diagnose';
  constructor(private readonly diagnoses: DiagnosisService) {}
  forks(params: Record<string, unknown>): number {
    return Number((params as unknown as DiagnoseJobParams).forks) || 20;
  }
  runStep(job: JobRow, params: Record<string, unknown>, host: string, signal: AbortSignal): Promise<StepOutcome> {
    return this.diagnoses.runOnHost(job, params as unknown as DiagnoseJobParams, host, signal);
  }
}
