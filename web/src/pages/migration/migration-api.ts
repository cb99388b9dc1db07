import { get, post } from '../../api';
import type {
  CompareReport,
  Job,
  MigrationAssessRequest,
  MigrationAssessment,
  MigrationBackup,
  MigrationFleetRow,
  MigrationPaths,
  MigrationRun,
  MigrationRunDetail,
  MigrationRunRequest,
  MigrationStep,
  Report,
} from '../../api-types';

const BASE = '/api/v1';
const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The migration API (/api/v1/migrate/...), typed. */
export const migrationApi = {
  paths: () => get<MigrationPaths>('/migrate/paths'),
  fleet: () => get<MigrationFleetRow[]>('/migrate/fleet'),

  assess: (r: MigrationAssessRequest) => post<Job>('/migrate/assess', r),
  assessments: (f: { host?: string; job?: string; limit?: number }) => get<MigrationAssessment[]>(`/migrate/assessments${query(f)}`),
  assessment: (id: string) => get<Report>(`/migrate/assessments/${enc(id)}`),
  assessmentUrl: (id: string, format: 'html' | 'xlsx') => `${BASE}/migrate/assessments/${enc(id)}?format=${format}`,

  backup: (r: { selector: string; root?: string; backupDir?: string }) => post<Job>('/migrate/backup', r),
  backups: (host?: string) => get<MigrationBackup[]>(`/migrate/backups${query({ host })}`),
  restore: (host: string, backupId: string) => post<Job>('/migrate/restore', { host, backupId }),

  run: (r: MigrationRunRequest) => post<Job>('/migrate/run', r),
  runs: (f: { host?: string; job?: string; limit?: number }) => get<MigrationRun[]>(`/migrate/runs${query(f)}`),
  runDetail: (id: string) => get<MigrationRunDetail>(`/migrate/runs/${enc(id)}`),
  /** Without `stopAfter` the run goes on to the end. */
  resume: (id: string, stopAfter?: MigrationStep) => post<Job>(`/migrate/runs/${enc(id)}/resume`, stopAfter ? { stopAfter } : {}),
  rollback: (runs: string[]) => post<Job>('/migrate/rollback', { runs }),
  diffUrl: (id: string, format: 'html' | 'xlsx') => `${BASE}/migrate/runs/${enc(id)}/diff?format=${format}`,
  compare: (id: string) => get<CompareReport>(`/migrate/runs/${enc(id)}/compare`),
  compareUrl: (id: string) => `${BASE}/migrate/runs/${enc(id)}/compare?format=html`,
};
