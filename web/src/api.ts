import type {
  ActiveAlert,
  AlertEvent,
  AlertRule,
  AuditEntry,
  CompareReport,
  CompareRequest,
  Diagnosis,
  DiagnosisReport,
  DiagnosisReportSummary,
  ExecRequest,
  Host,
  Job,
  JobWithSteps,
  Me,
  MetricSeries,
  MetricsIntervals,
  MetricsLatest,
  MetricsOverviewRow,
  NewAlertRule,
  NewHost,
  Problem,
  Role,
  SeriesQuery,
  ServerStatus,
  TuneApplyRequest,
  TuneMatrix,
  TuneProfile,
  TuneRequest,
  TuneRevertRequest,
  TuneRule,
  TuneRun,
  TuneRunDetail,
} from './api-types';

/** An API failure, carrying the server's problem+json `code` and `detail`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly details?: Record<string, unknown>;
  constructor(p: Problem) {
    super(p.detail);
    this.name = 'ApiError';
    this.status = p.status;
    this.code = p.code;
    this.detail = p.detail;
    this.details = p.details;
  }
}

const BASE = '/api/v1';

/**
 * What happens when the server says the session is gone (401) or that no admin exists yet.
 * The session provider installs router-aware handlers; these defaults work without one.
 */
const handlers = {
  unauthorized: () => {
    if (location.pathname !== '/login') location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  },
  setupRequired: () => {
    if (location.pathname !== '/setup') location.assign('/setup');
  },
};

export function setAuthHandlers(h: Partial<typeof handlers>): void {
  Object.assign(handlers, h);
}

// Calls where a 401 is an answer for the page itself, not a reason to leave it.
const AUTH_PATHS = ['/auth/login', '/auth/logout', '/auth/me', '/setup'];

async function request<T>(method: string, path: string, body?: unknown, opts: { signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // The server refuses cookie-authenticated writes without this header (CSRF protection).
  if (method !== 'GET' && method !== 'HEAD') headers['x-osdeck-csrf'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'NETWORK', detail: `cannot reach the osdeck server (${(err as Error).message})` });
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as Partial<Problem>;
    const err = new ApiError({
      status: res.status,
      code: typeof p.code === 'string' ? p.code : `HTTP_${res.status}`,
      detail: typeof p.detail === 'string' ? p.detail : `${res.status} ${res.statusText || 'error'}`,
      details: p.details,
    });
    if (res.status === 401 && !AUTH_PATHS.includes(path)) handlers.unauthorized();
    throw err;
  }
  return parsed as T;
}

/** The problem+json of a failed response as an ApiError (the body is read here). */
async function problemOf(res: Response): Promise<ApiError> {
  let p: Partial<Problem> = {};
  try {
    p = JSON.parse(await res.text()) as Partial<Problem>;
  } catch {
    /* not JSON */
  }
  return new ApiError({
    status: res.status,
    code: typeof p.code === 'string' ? p.code : `HTTP_${res.status}`,
    detail: typeof p.detail === 'string' ? p.detail : `${res.status} ${res.statusText || 'error'}`,
    details: p.details,
  });
}

/**
 * A POST whose answer is a document (HTML, XLSX) rather than JSON: the body comes back as a Blob,
 * with the file name the server suggests (content-disposition), if any.
 */
async function postForBlob(path: string, body: unknown): Promise<{ blob: Blob; filename: string | null }> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-osdeck-csrf': '1' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new ApiError({ status: 0, code: 'NETWORK', detail: `cannot reach the osdeck server (${(err as Error).message})` });
  }
  if (!res.ok) {
    const err = await problemOf(res);
    if (res.status === 401) handlers.unauthorized();
    throw err;
  }
  const cd = res.headers.get('content-disposition') ?? '';
  const m = /filename="?([^";]+)"?/i.exec(cd);
  return { blob: await res.blob(), filename: m?.[1] ?? null };
}

export const get = <T>(path: string, opts?: { signal?: AbortSignal }) => request<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {});
export const del = <T>(path: string) => request<T>('DELETE', path);
export const put = <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {});

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Typed calls, one per API operation the console uses. */
export const api = {
  status: () => get<ServerStatus>('/status'),
  setup: (token: string, user: string, password: string) => post<{ user: Me }>('/setup', { token, user, password }),
  login: (user: string, password: string) => post<Me>('/auth/login', { user, password }),
  logout: () => post<{ ok: boolean }>('/auth/logout'),
  me: () => get<Me>('/auth/me'),

  hosts: () => get<Host[]>('/hosts'),
  host: (name: string) => get<Host>(`/hosts/${enc(name)}`),
  addHost: (h: NewHost) => post<Host>('/hosts', h),
  removeHost: (name: string) => del<{ ok: boolean }>(`/hosts/${enc(name)}`),
  trustHost: (name: string, fingerprint?: string) => post<Host>(`/hosts/${enc(name)}/trust`, fingerprint ? { fingerprint } : {}),
  refreshHost: (name: string) => post<Host>(`/hosts/${enc(name)}/refresh`),

  exec: (r: ExecRequest) => post<Job>('/exec', r),
  jobs: (limit = 50) => get<Job[]>(`/jobs${query({ limit })}`),
  job: (id: string) => get<JobWithSteps>(`/jobs/${enc(id)}`),
  cancelJob: (id: string) => post<Job>(`/jobs/${enc(id)}/cancel`),
  jobEventsUrl: (id: string) => `${BASE}/jobs/${enc(id)}/events`,

  audit: (f: { limit?: number; before?: number; action?: string; host?: string; actor?: string }) => get<AuditEntry[]>(`/audit${query(f)}`),

  addUser: (name: string, password: string, role: Role) => post<{ name: string; role: Role }>('/users', { name, password, role }),

  metricsOverview: () => get<MetricsOverviewRow[]>('/metrics/overview'),
  metricsLatest: (host: string) => get<MetricsLatest>(`/metrics/hosts/${enc(host)}/latest`),
  metricNames: (host: string) => get<string[]>(`/metrics/hosts/${enc(host)}/names`),
  metricSeries: (host: string, q: SeriesQuery, opts?: { signal?: AbortSignal }) =>
    get<MetricSeries[]>(
      `/metrics/hosts/${enc(host)}/series${query({
        name: q.name,
        from: Math.round(q.from),
        to: Math.round(q.to),
        step: q.step,
        agg: q.agg,
        labels: q.labels ? Object.entries(q.labels).map(([k, v]) => `${k}=${v}`).join(',') : undefined,
      })}`,
      opts,
    ),
  metricsIntervals: () => get<MetricsIntervals>('/metrics/intervals'),

  diagnoses: () => get<Diagnosis[]>('/diagnoses'),
  runDiagnosis: (id: string, selector: string, params: Record<string, string | number | boolean>) => post<Job>(`/diagnoses/${enc(id)}/run`, { selector, params }),
  analyzeText: (id: string, text: string, source: string) => post<DiagnosisReport>(`/diagnoses/${enc(id)}/analyze`, { text, source }),
  diagnosisReports: (f: { host?: string; diagnosis?: string; job?: string; limit?: number }) => get<DiagnosisReportSummary[]>(`/diagnosis-reports${query(f)}`),
  diagnosisReport: (id: string) => get<DiagnosisReport>(`/diagnosis-reports/${enc(id)}`),
  diagnosisReportUrl: (id: string, format: 'html' | 'xlsx' | 'json') => `${BASE}/diagnosis-reports/${enc(id)}${format === 'json' ? '' : `?format=${format}`}`,

  alertRules: () => get<AlertRule[]>('/alerts/rules'),
  addAlertRule: (r: NewAlertRule) => post<AlertRule>('/alerts/rules', r),
  removeAlertRule: (idOrName: string) => del<{ ok: boolean }>(`/alerts/rules/${enc(idOrName)}`),
  activeAlerts: () => get<ActiveAlert[]>('/alerts/active'),
  alertEvents: (limit = 100) => get<AlertEvent[]>(`/alerts/events${query({ limit })}`),

  compare: (r: CompareRequest) => post<CompareReport>('/reports/compare', { ...r, format: 'json' }),
  /** The same comparison as a self-contained HTML page or an XLSX workbook. */
  compareDocument: (r: CompareRequest, format: 'html' | 'xlsx') => postForBlob('/reports/compare', { ...r, format }),

  tuneRules: () => get<TuneRule[]>('/tune/rules'),
  tuneProfiles: () => get<TuneProfile[]>('/tune/profiles'),
  /** Saves a new operator profile from YAML (the server checks it completely: YAML, rules, parameters, what it extends). */
  saveTuneProfile: (yaml: string) => post<TuneProfile>('/tune/profiles', { yaml }),
  updateTuneProfile: (name: string, yaml: string) => put<TuneProfile>(`/tune/profiles/${enc(name)}`, { yaml }),
  deleteTuneProfile: (name: string) => del<void>(`/tune/profiles/${enc(name)}`),
  /** Read-only: a tune-check job. */
  tuneCheck: (r: TuneRequest) => post<Job>('/tune/check', r),
  /** A tune-apply job; with dryRun it only plans (and records) the diff. */
  tuneApply: (r: TuneApplyRequest) => post<Job>('/tune/apply', r),
  tuneRevert: (r: TuneRevertRequest) => post<Job>('/tune/revert', r),
  tuneMatrix: (selector?: string) => get<TuneMatrix>(`/tune/matrix${query({ selector })}`),
  tuneRuns: (f: { host?: string; job?: string; limit?: number }) => get<TuneRun[]>(`/tune/runs${query(f)}`),
  tuneRun: (id: string) => get<TuneRunDetail>(`/tune/runs/${enc(id)}`),
};

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  if (err instanceof Error) return err.message;
  return String(err);
}
