import type { Actor } from '../domain/actor';
import { badRequest, conflict, notFound } from '../domain/errors';
import { JOB_FINAL, type JobStatus, type StepCounts } from '../domain/job-status';
import { type Clock, iso } from '../infra/clock';
import { newId } from '../infra/crypto/tokens';
import type { JobRow, JobsRepository, StepRow } from '../infra/db/jobs-repository';
import type { JobQueue } from '../infra/queue/job-queue';
import type { AuditService } from './audit-service';
import type { HostService } from './host-service';

export interface JobView {
  id: string;
  type: string;
  status: JobStatus;
  selector: string | null;
  params: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  total: number;
  counts: StepCounts;
  error: string | null;
  cancelRequested: boolean;
}

export interface StepView {
  host: string;
  status: string;
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

export type JobEvent =
  | { type: 'job'; job: JobView }
  | { type: 'step'; step: StepView }
  | { type: 'end'; job: JobView };

const STALE_HEARTBEAT_MS = 60_000;

/** Creating, listing, cancelling, watching and recovering durable jobs. */
export class JobService {
  constructor(
    private readonly repo: JobsRepository,
    private readonly queue: JobQueue,
    private readonly hosts: HostService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Creates a job over the hosts a selector picks and queues it. */
  async create(actor: Actor, type: string, selector: string, params: Record<string, unknown>): Promise<JobView> {
    const targets = await this.hosts.select(selector);
    const job: JobRow = {
      id: newId(), type, params_json: JSON.stringify(params), selector, status: 'queued', created_by: actor.name,
      created_at: iso(this.clock), started_at: null, finished_at: null, total: targets.length, owner: null,
      heartbeat_at: null, cancel_requested: 0, error: null,
    };
    await this.repo.create(job, targets.map((h) => h.name));
    await this.audit.record(actor, { action: `job.create`, result: 'ok', target: `job:${job.id}`, jobId: job.id, detail: { type, selector, hosts: targets.length } });
    await this.queue.enqueue(job.id);
    return this.get(job.id);
  }

  async get(id: string): Promise<JobView> {
    const row = await this.repo.byId(id);
    if (!row) throw notFound('job', id);
    const [v] = await this.views([row]);
    return v!;
  }

  async steps(id: string): Promise<StepView[]> {
    await this.get(id);
    return (await this.repo.steps(id)).map(stepView);
  }

  async list(limit = 50, status?: string): Promise<JobView[]> {
    return this.views(await this.repo.list(Math.min(Math.max(limit, 1), 500), status));
  }

  async cancel(actor: Actor, id: string): Promise<JobView> {
    const job = await this.get(id);
    if (JOB_FINAL.includes(job.status)) throw conflict('JOB_FINISHED', `job ${id} already ${job.status}`);
    await this.repo.update(id, { cancel_requested: 1 });
    if (job.status === 'queued' || job.status === 'interrupted') {
      // nobody is running it: finish it here
      await this.repo.cancelPendingSteps(id, iso(this.clock));
      await this.repo.update(id, { status: 'cancelled', finished_at: iso(this.clock) });
    }
    await this.audit.record(actor, { action: 'job.cancel', result: 'ok', target: `job:${id}`, jobId: id });
    return this.get(id);
  }

  /**
   * After a crash or restart: every job that was not finished is re-queued. The runner marks
   * steps whose outcome is unknown as interrupted and resumes the ones that never started.
   * With `onlyStale`, jobs still heart-beating (run by a live worker) are left alone.
   */
  async recover(onlyStale: boolean): Promise<string[]> {
    const now = this.clock.now().getTime();
    const resumed: string[] = [];
    for (const job of await this.repo.byStatus(['queued', 'running', 'interrupted'])) {
      if (onlyStale) {
        const beat = job.heartbeat_at ? Date.parse(job.heartbeat_at) : 0;
        const live = job.status === 'running' && now - beat < STALE_HEARTBEAT_MS;
        const waiting = job.status === 'queued' && now - Date.parse(job.created_at) < STALE_HEARTBEAT_MS;
        if (live || waiting) continue;
      }
      await this.queue.enqueue(job.id, `recover-${now}`);
      resumed.push(job.id);
    }
    return resumed;
  }

  /** Progress as events: a snapshot first, then each step as it finishes, then the end. Works across processes (it reads the store). */
  async *watch(id: string, signal: AbortSignal, pollMs = 250): AsyncGenerator<JobEvent> {
    let job = await this.get(id);
    yield { type: 'job', job };
    const seen = new Map<string, string>();
    let lastJob = '';
    for (;;) {
      const steps = await this.repo.steps(id);
      for (const s of steps) {
        const key = `${s.status}|${s.finished_at ?? ''}`;
        if (seen.get(s.host) !== key) {
          seen.set(s.host, key);
          if (s.status !== 'pending') yield { type: 'step', step: stepView(s) };
        }
      }
      job = await this.get(id);
      const jobKey = `${job.status}|${JSON.stringify(job.counts)}`;
      if (jobKey !== lastJob) {
        lastJob = jobKey;
        yield { type: 'job', job };
      }
      if (JOB_FINAL.includes(job.status)) {
        yield { type: 'end', job };
        return;
      }
      if (signal.aborted) return;
      await new Promise((r) => setTimeout(r, pollMs));
      if (signal.aborted) return;
    }
  }

  private async views(rows: JobRow[]): Promise<JobView[]> {
    const counts = await this.repo.stepCounts(rows.map((r) => r.id));
    return rows.map((r) => {
      const c: StepCounts = {};
      for (const x of counts) if (x.job_id === r.id) c[x.status as keyof StepCounts] = Number(x.n);
      return {
        id: r.id, type: r.type, status: r.status as JobStatus, selector: r.selector,
        params: JSON.parse(r.params_json) as Record<string, unknown>, createdBy: r.created_by, createdAt: r.created_at,
        startedAt: r.started_at, finishedAt: r.finished_at, total: r.total, counts: c, error: r.error,
        cancelRequested: r.cancel_requested === 1,
      };
    });
  }
}

export function stepView(s: StepRow): StepView {
  return {
    host: s.host, status: s.status, exitCode: s.exit_code, stdout: s.stdout, stderr: s.stderr,
    stdoutBytes: Number(s.stdout_bytes), stderrBytes: Number(s.stderr_bytes), truncated: s.truncated === 1,
    errorCode: s.error_code, error: s.error, startedAt: s.started_at, finishedAt: s.finished_at,
    durationMs: s.duration_ms, worker: s.worker,
  };
}

export function checkExecInput(input: { command: string; forks?: number; timeoutSec?: number }): void {
  if (!input.command.trim()) throw badRequest('EMPTY_COMMAND', 'the command is empty');
  if (input.command.length > 64 * 1024) throw badRequest('COMMAND_TOO_LONG', 'the command is longer than 64 KiB');
}
