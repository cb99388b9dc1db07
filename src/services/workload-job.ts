import type { Actor } from '../domain/actor';
import { parseWorkloadRuns, workloadScript } from '../domain/report/workload-runs';
import type { JobRow } from '../infra/db/jobs-repository';
import type { AuditService } from './audit-service';
import type { HostService } from './host-service';
import { type JobHandler, type StepOutcome, stepFromError } from './job-handler';

export interface WorkloadParams {
  name: string;
  command: string;
  runs: number;
  timeoutSec: number;
  forks: number;
}

/** The workload test of a comparison: a command run N times per host, each run timed on the host. */
export class WorkloadJob implements JobHandler {
  readonly type = 'workload';

  constructor(
    private readonly hosts: HostService,
    private readonly audit: AuditService,
  ) {}

  forks(params: Record<string, unknown>): number {
    return Number((params as unknown as WorkloadParams).forks) || 10;
  }

  async runStep(job: JobRow, raw: Record<string, unknown>, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const p = raw as unknown as WorkloadParams;
    const actor: Actor = { type: 'user', name: job.created_by, role: 'operator', userId: null };
    const started = Date.now();
    try {
      const t = await this.hosts.transportByName(host);
      const r = await t.runScript(workloadScript(p.command, p.runs), { timeoutMs: p.timeoutSec * 1000, maxOutputBytes: 1024 * 1024, signal });
      const text = r.stdout.toString('utf8');
      const { runs, errors } = parseWorkloadRuns(text);
      const failed = runs.filter((x) => x.exitCode !== 0).length;
      await this.audit.record(actor, { action: 'host.workload', result: failed || errors.length ? 'error' : 'ok', host, command: p.command, durationMs: r.durationMs, jobId: job.id, detail: { name: p.name, runs: runs.length } });
      const ok = runs.length === p.runs && failed === 0 && errors.length === 0;
      return {
        status: ok ? 'ok' : 'failed',
        exitCode: r.exitCode,
        stdout: text,
        stderr: r.stderr.toString('utf8'),
        stdoutBytes: r.stdoutBytes,
        stderrBytes: r.stderrBytes,
        errorCode: ok ? null : 'WORKLOAD_FAILED',
        error: ok ? null : `${runs.length}/${p.runs} runs timed, ${failed} failed${errors.length ? `; ${errors[0]}` : ''}`,
        durationMs: Date.now() - started,
      };
    } catch (e) {
      const outcome = stepFromError(e, Date.now() - started);
      await this.hosts.noteFailure(host, e);
      await this.audit.record(actor, { action: 'host.workload', result: 'error', host, command: p.command, durationMs: outcome.durationMs, jobId: job.id, detail: { name: p.name, error: outcome.errorCode, message: outcome.error } });
      return outcome;
    }
  }
}
