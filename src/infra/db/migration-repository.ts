import type { Db } from './database';
import type { MigrationAssessmentsTable, MigrationBackupsTable, MigrationRunsTable } from './schema';

export type AssessmentRow = MigrationAssessmentsTable;
export type BackupRow = MigrationBackupsTable;
export type MigrationRunRow = MigrationRunsTable;

/** Assessments (report per host and path), verified backups, and migration runs. */
export class MigrationRepository {
  constructor(private readonly db: Db) {}
  private get k() {
    return this.db.kysely;
  }

  insertAssessment = async (row: AssessmentRow) => {
    await this.k.insertInto('migration_assessments').values(row).execute();
  };
  assessment = (id: string) => this.k.selectFrom('migration_assessments').selectAll().where('id', '=', id).executeTakeFirst();
  assessments = (f: { host?: string; jobId?: string; limit: number }) => {
    let q = this.k.selectFrom('migration_assessments').select(['id', 'job_id', 'host', 'root', 'path', 'readiness', 'counts_json', 'created_at']);
    if (f.host) q = q.where('host', '=', f.host);
    if (f.jobId) q = q.where('job_id', '=', f.jobId);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  };

  insertBackup = async (row: BackupRow) => {
    await this.k.insertInto('migration_backups').values(row).execute();
  };
  updateBackup = async (id: string, patch: Partial<BackupRow>) => {
    await this.k.updateTable('migration_backups').set(patch).where('id', '=', id).execute();
  };
  backup = (id: string) => this.k.selectFrom('migration_backups').selectAll().where('id', '=', id).executeTakeFirst();
  backups = (f: { host?: string; limit: number }) => {
    let q = this.k.selectFrom('migration_backups').selectAll();
    if (f.host) q = q.where('host', '=', f.host);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  };

  insertRun = async (row: MigrationRunRow) => {
    await this.k.insertInto('migration_runs').values(row).execute();
  };
  updateRun = async (id: string, patch: Partial<MigrationRunRow>) => {
    await this.k.updateTable('migration_runs').set(patch).where('id', '=', id).execute();
  };
  run = (id: string) => this.k.selectFrom('migration_runs').selectAll().where('id', '=', id).executeTakeFirst();
  runByJobHost = (jobId: string, host: string) => this.k.selectFrom('migration_runs').selectAll().where('job_id', '=', jobId).where('host', '=', host).executeTakeFirst();
  runsOfJob = (jobId: string) => this.k.selectFrom('migration_runs').selectAll().where('job_id', '=', jobId).orderBy('wave').orderBy('host').execute();
  runs = (f: { host?: string; limit: number }) => {
    let q = this.k.selectFrom('migration_runs').select(['id', 'job_id', 'host', 'root', 'path', 'wave', 'state', 'step', 'ponr', 'backup_id', 'assessment_id', 'message', 'created_by', 'created_at', 'updated_at', 'finished_at']);
    if (f.host) q = q.where('host', '=', f.host);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  };
  /** The latest run on each host (for the fleet view). */
  latestRuns = async () => {
    const rows = await this.k.selectFrom('migration_runs').select(['id', 'host', 'root', 'path', 'state', 'step', 'message', 'updated_at', 'created_at']).orderBy('created_at', 'desc').limit(5000).execute();
    const seen = new Set<string>();
    return rows.filter((r) => (seen.has(`${r.host}|${r.root}`) ? false : (seen.add(`${r.host}|${r.root}`), true)));
  };
  latestAssessments = async () => {
    const rows = await this.k.selectFrom('migration_assessments').select(['id', 'host', 'root', 'path', 'readiness', 'counts_json', 'created_at']).orderBy('created_at', 'desc').limit(5000).execute();
    const seen = new Set<string>();
    return rows.filter((r) => (seen.has(`${r.host}|${r.root}|${r.path}`) ? false : (seen.add(`${r.host}|${r.root}|${r.path}`), true)));
  };
}
