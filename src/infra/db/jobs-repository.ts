import { sql } from 'kysely';
import type { Db } from './database';
import type { JobStepsTable, JobsTable } from './schema';

export type JobRow = JobsTable;
export type StepRow = JobStepsTable;

export class JobsRepository {
  constructor(private readonly db: Db) {}
  private get k() {
    return this.db.kysely;
  }

  create = async (job: JobRow, hosts: string[]) => {
    await this.k.transaction().execute(async (tx) => {
      await tx.insertInto('jobs').values(job).execute();
      // chunked: SQLite limits bound parameters per statement
      for (let i = 0; i < hosts.length; i += 200) {
        const chunk = hosts.slice(i, i + 200).map((host, j) => ({
          job_id: job.id,
          seq: i + j,
          host,
          status: 'pending',
          stdout_bytes: 0,
          stderr_bytes: 0,
          truncated: 0,
        }));
        await tx.insertInto('job_steps').values(chunk).execute();
      }
    });
  };
  byId = (id: string) => this.k.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  list = (limit: number, status?: string) => {
    let q = this.k.selectFrom('jobs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
    if (status) q = q.where('status', '=', status);
    return q.execute();
  };
  /** Jobs of a type created in a time range (ISO strings compare in time order). */
  byTypeBetween = (type: string, fromIso: string, toIso: string) =>
    this.k.selectFrom('jobs').selectAll().where('type', '=', type).where('created_at', '>=', fromIso).where('created_at', '<=', toIso).execute();
  byStatus = (statuses: string[]) => this.k.selectFrom('jobs').selectAll().where('status', 'in', statuses).execute();
  steps = (jobId: string) => this.k.selectFrom('job_steps').selectAll().where('job_id', '=', jobId).orderBy('seq').execute();
  stepCounts = async (jobIds: string[]) => {
    if (jobIds.length === 0) return [];
    return this.k
      .selectFrom('job_steps')
      .select(['job_id', 'status', (eb) => eb.fn.countAll().as('n')])
      .where('job_id', 'in', jobIds)
      .groupBy(['job_id', 'status'])
      .execute();
  };
  update = async (id: string, patch: Partial<JobRow>) => {
    await this.k.updateTable('jobs').set(patch).where('id', '=', id).execute();
  };
  /** Claims a job for a runner unless it already finished. Returns false when there is nothing to run. */
  claim = async (id: string, owner: string, now: string) => {
    const r = await this.k
      .updateTable('jobs')
      .set({ status: 'running', owner, heartbeat_at: now, started_at: sql`coalesce(started_at, ${now})` as any })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running', 'interrupted'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  };
  heartbeat = async (id: string, owner: string, now: string) => {
    await this.k.updateTable('jobs').set({ heartbeat_at: now }).where('id', '=', id).where('owner', '=', owner).execute();
  };
  cancelRequested = async (id: string) =>
    ((await this.k.selectFrom('jobs').select('cancel_requested').where('id', '=', id).executeTakeFirst())?.cancel_requested ?? 0) === 1;
  startStep = async (jobId: string, host: string, now: string, worker: string) => {
    await this.k
      .updateTable('job_steps')
      .set({ status: 'running', started_at: now, worker })
      .where('job_id', '=', jobId)
      .where('host', '=', host)
      .execute();
  };
  finishStep = async (jobId: string, host: string, patch: Partial<StepRow>) => {
    await this.k.updateTable('job_steps').set(patch).where('job_id', '=', jobId).where('host', '=', host).execute();
  };
  /** Steps left "running" by a runner that died: their outcome is unknown, so they are never re-run. */
  interruptRunningSteps = async (jobId: string, now: string, why: string) => {
    await this.k
      .updateTable('job_steps')
      .set({ status: 'interrupted', finished_at: now, error_code: 'INTERRUPTED', error: why })
      .where('job_id', '=', jobId)
      .where('status', '=', 'running')
      .execute();
  };
  /** For handlers whose steps are idempotent: a step cut off by a restart runs again. */
  requeueRunningSteps = async (jobId: string) => {
    await this.k.updateTable('job_steps').set({ status: 'pending', started_at: null }).where('job_id', '=', jobId).where('status', '=', 'running').execute();
  };
  cancelPendingSteps = async (jobId: string, now: string) => {
    await this.k
      .updateTable('job_steps')
      .set({ status: 'cancelled', finished_at: now, error_code: 'CANCELLED', error: 'cancelled before it started' })
      .where('job_id', '=', jobId)
      .where('status', '=', 'pending')
      .execute();
  };
}
