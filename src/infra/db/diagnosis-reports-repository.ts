import type { Db } from './database';
import type { DiagnosisReportsTable } from './schema';

export type DiagnosisReportRow = DiagnosisReportsTable;
export type DiagnosisReportSummaryRow = Omit<DiagnosisReportRow, 'report_json'>;

export interface ReportFilter {
  host?: string;
  diagnosis?: string;
  jobId?: string;
  limit: number;
  /** created_at strictly before (ISO), for paging back */
  before?: string;
}

const SUMMARY = ['id', 'job_id', 'host', 'diagnosis', 'params_json', 'severity', 'conclusion', 'created_by', 'created_at'] as const;

export class DiagnosisReportsRepository {
  constructor(private readonly db: Db) {}
  private get k() {
    return this.db.kysely;
  }
  insert = async (r: DiagnosisReportRow) => {
    await this.k.insertInto('diagnosis_reports').values(r).execute();
  };
  byId = (id: string) => this.k.selectFrom('diagnosis_reports').selectAll().where('id', '=', id).executeTakeFirst();
  list = (f: ReportFilter): Promise<DiagnosisReportSummaryRow[]> => {
    let q = this.k.selectFrom('diagnosis_reports').select(SUMMARY);
    if (f.host) q = q.where('host', '=', f.host);
    if (f.diagnosis) q = q.where('diagnosis', '=', f.diagnosis);
    if (f.jobId) q = q.where('job_id', '=', f.jobId);
    if (f.before) q = q.where('created_at', '<', f.before);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  };
  /** The newest reports of one diagnosis on one host, with their bodies (for analyzers comparing with history). */
  recent = (host: string, diagnosis: string, limit: number) =>
    this.k.selectFrom('diagnosis_reports').selectAll().where('host', '=', host).where('diagnosis', '=', diagnosis).orderBy('created_at', 'desc').limit(limit).execute();
}
