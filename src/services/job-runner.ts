import { finalJobStatus, type StepCounts } from '../domain/job-status';
import { type Clock, iso } from '../infra/clock';
import type { JobsRepository } from '../infra/db/jobs-repository';
import type { JobHandler, StepOutcome } from './job-handler';

const HEARTBEAT_MS = 5_000;
const CANCEL_POLL_MS = 500;

export interface RunnerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Runs one job to the end: claims it, runs its pending steps with the job's concurrency, writes
 * each step's result the moment it is known (so a crash loses nothing recorded), honours cancel
 * requests made from any process, and on resume never re-runs a step whose outcome is unknown.
 */
export class JobRunner {
  constructor(
    private readonly repo: JobsRepository,
    private readonly handlers: Map<string, JobHandler>,
    private readonly clock: Clock,
    private readonly owner: string,
    private readonly log: RunnerLog,
  ) {}

  async run(jobId: string, shutdown: AbortSignal): Promise<void> {
    const job = await this.repo.byId(jobId);
    if (!job) return;
    if (!(await this.repo.claim(jobId, this.owner, iso(this.clock)))) return;
    const handler = this.handlers.get(job.type);
    if (!handler) {
      await this.repo.update(jobId, { status: 'failed', error: `no handler for job type '${job.type}'`, finished_at: iso(this.clock), owner: null });
      return;
    }
    if (handler.resumable) await this.repo.requeueRunningSteps(jobId);
    else await this.repo.interruptRunningSteps(jobId, iso(this.clock), 'the runner stopped while this step was running; its outcome is unknown');
    const params = JSON.parse(job.params_json) as Record<string, unknown>;
    const cancel = new AbortController();
    const signal = AbortSignal.any([cancel.signal, shutdown]);
    const heartbeat = setInterval(() => void this.repo.heartbeat(jobId, this.owner, iso(this.clock)).catch(() => {}), HEARTBEAT_MS);
    const cancelPoll = setInterval(() => {
      void this.repo.cancelRequested(jobId).then((c) => c && cancel.abort(new Error('cancelled')), () => {});
    }, CANCEL_POLL_MS);
    try {
      if (await this.repo.cancelRequested(jobId)) cancel.abort(new Error('cancelled'));
      const pending = (await this.repo.steps(jobId)).filter((s) => s.status === 'pending').map((s) => s.host);
      let next = 0;
      const lane = async () => {
        while (!signal.aborted && next < pending.length) {
          const host = pending[next++]!;
          await this.repo.startStep(jobId, host, iso(this.clock), this.owner);
          let outcome: StepOutcome;
          try {
            outcome = await handler.runStep(job, params, host, signal);
          } catch (e) {
            outcome = { status: 'failed', errorCode: 'INTERNAL', error: (e as Error).message, durationMs: 0 };
          }
          // a resumable step cut off by shutdown stays 'running': the next start runs it again
          if (shutdown.aborted && handler.resumable && !cancel.signal.aborted) continue;
          if (shutdown.aborted && outcome.status === 'cancelled') {
            outcome = { ...outcome, status: 'interrupted', errorCode: 'INTERRUPTED', error: 'osdeck shut down while this step was running' };
          }
          await this.repo.finishStep(jobId, host, {
            status: outcome.status,
            exit_code: outcome.exitCode ?? null,
            stdout: outcome.stdout ?? null,
            stderr: outcome.stderr ?? null,
            // handlers that build their output (summaries, diffs) leave the sizes to us
            stdout_bytes: outcome.stdoutBytes ?? Buffer.byteLength(outcome.stdout ?? ''),
            stderr_bytes: outcome.stderrBytes ?? Buffer.byteLength(outcome.stderr ?? ''),
            truncated: outcome.truncated ? 1 : 0,
            error_code: outcome.errorCode ?? null,
            error: outcome.error ?? null,
            finished_at: iso(this.clock),
            duration_ms: outcome.durationMs,
          });
        }
      };
      const forks = Math.max(1, Math.min(handler.forks(params), pending.length || 1));
      await Promise.all(Array.from({ length: forks }, lane));

      if (shutdown.aborted && !cancel.signal.aborted) {
        // not finished: leave it for the next runner (server restart or another worker) to resume
        await this.repo.update(jobId, { status: 'interrupted', owner: null });
        this.log.info({ jobId }, 'job interrupted by shutdown; it resumes at next start');
        return;
      }
      const cancelled = cancel.signal.aborted || (await this.repo.cancelRequested(jobId));
      if (cancelled) await this.repo.cancelPendingSteps(jobId, iso(this.clock));
      const counts: StepCounts = {};
      for (const s of await this.repo.steps(jobId)) counts[s.status as keyof StepCounts] = (counts[s.status as keyof StepCounts] ?? 0) + 1;
      await this.repo.update(jobId, { status: finalJobStatus(counts, cancelled), finished_at: iso(this.clock), owner: null });
    } catch (e) {
      this.log.error({ jobId, err: (e as Error).message }, 'job runner failed');
      await this.repo.update(jobId, { status: 'interrupted', owner: null, error: (e as Error).message }).catch(() => {});
    } finally {
      clearInterval(heartbeat);
      clearInterval(cancelPoll);
    }
  }
}
