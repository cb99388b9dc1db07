import type { Db } from './database';
import type { TuneProfilesTable, TuneResultsTable, TuneRunsTable } from './schema';

export type TuneProfileRow = TuneProfilesTable;
export type TuneResultRow = TuneResultsTable;
export type TuneRunRow = TuneRunsTable;

/** Tuning profiles, the latest result of each rule per host, and every tuning run. */
export class TuningRepository {
  constructor(private readonly db: Db) {}
  private get k() {
    return this.db.kysely;
  }

  profiles = () => this.k.selectFrom('tune_profiles').selectAll().orderBy('name').execute();
  profile = (name: string) => this.k.selectFrom('tune_profiles').selectAll().where('name', '=', name).executeTakeFirst();
  saveProfile = async (row: TuneProfileRow) => {
    const existing = await this.profile(row.name);
    if (existing) await this.k.updateTable('tune_profiles').set({ description: row.description, yaml: row.yaml, updated_at: row.updated_at }).where('name', '=', row.name).execute();
    else await this.k.insertInto('tune_profiles').values(row).execute();
  };
  deleteProfile = async (name: string) => Number((await this.k.deleteFrom('tune_profiles').where('name', '=', name).executeTakeFirst()).numDeletedRows);

  /** Replaces the host's results for the given rules (a check of a profile leaves other rules' results alone). */
  saveResults = async (host: string, rows: TuneResultRow[]) => {
    await this.db.kysely.transaction().execute(async (tx) => {
      const ids = rows.map((r) => r.rule_id);
      if (ids.length) await tx.deleteFrom('tune_results').where('host', '=', host).where('rule_id', 'in', ids).execute();
      if (rows.length) await tx.insertInto('tune_results').values(rows).execute();
    });
  };
  results = async (hosts?: string[]): Promise<TuneResultRow[]> => {
    if (hosts && !hosts.length) return [];
    let q = this.k.selectFrom('tune_results').selectAll();
    if (hosts) q = q.where('host', 'in', hosts);
    return q.orderBy('host').orderBy('rule_id').execute();
  };
  deleteResultsOf = async (host: string) => {
    await this.k.deleteFrom('tune_results').where('host', '=', host).execute();
  };

  insertRun = async (row: TuneRunRow) => {
    await this.k.insertInto('tune_runs').values(row).execute();
  };
  updateRun = async (id: string, patch: Partial<TuneRunRow>) => {
    await this.k.updateTable('tune_runs').set(patch).where('id', '=', id).execute();
  };
  run = (id: string) => this.k.selectFrom('tune_runs').selectAll().where('id', '=', id).executeTakeFirst();
  runs = (f: { host?: string; jobId?: string; limit: number }) => {
    let q = this.k.selectFrom('tune_runs').select(['id', 'job_id', 'host', 'action', 'profile', 'rules_json', 'status', 'message', 'reverts_run', 'reverted_by', 'created_by', 'created_at', 'finished_at']);
    if (f.host) q = q.where('host', '=', f.host);
    if (f.jobId) q = q.where('job_id', '=', f.jobId);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  };
  /** The newest apply on the host that changed something and has not been reverted. */
  lastRevertible = (host: string) =>
    this.k.selectFrom('tune_runs').selectAll().where('host', '=', host).where('action', '=', 'apply').where('status', 'in', ['applied', 'unknown']).where('reverted_by', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
}
