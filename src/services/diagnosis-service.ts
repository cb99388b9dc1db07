import type { Actor } from '../domain/actor';
import type { Diagnosis, DiagnosisParams, ParamSpec, PastRun } from '../domain/diagnosis/diagnosis';
import { validateParams } from '../domain/diagnosis/params';
import { DIAGNOSES, findDiagnosis } from '../domain/diagnosis/registry';
import { OsdeckError } from '../domain/errors';
import { renderReportHtml } from '../domain/report/report-html';
import type { Report } from '../domain/report/report-shape';
import { roleGrants } from '../domain/roles';
import { type Clock, iso } from '../infra/clock';
import { newId } from '../infra/crypto/tokens';
import type { DiagnosisReportRow, DiagnosisReportsRepository, DiagnosisReportSummaryRow } from '../infra/db/diagnosis-reports-repository';
import type { JobRow } from '../infra/db/jobs-repository';
import { assembleProbe, newSectionMark, type ProbePreamble } from '../infra/diagnosis-probe';
import { reportToXlsx } from '../infra/report/report-xlsx';
import type { AuditService } from './audit-service';
import type { HostService } from './host-service';
import type { StepOutcome } from './job-handler';
import { stepFromError } from './job-handler';
import type { JobService, JobView } from './job-service';

export interface DiagnosisView {
  id: string;
  title: string;
  category: string;
  description: string;
  permission: string;
  params: ParamSpec[];
  /** it can also read an uploaded log */
  acceptsText: boolean;
}

export interface ReportSummary {
  id: string;
  jobId: string | null;
  host: string | null;
  diagnosis: string;
  params: DiagnosisParams;
  severity: string;
  conclusion: string;
  createdBy: string;
  createdAt: string;
}

export interface StoredReport extends ReportSummary {
  report: Report;
}

export interface DiagnoseJobParams {
  diagnosis: string;
  params: DiagnosisParams;
  forks: number;
}

const MAX_TEXT = 32 * 1024 * 1024;

function view(d: Diagnosis): DiagnosisView {
  return { id: d.id, title: d.title, category: d.category, description: d.description, permission: d.permission, params: d.params, acceptsText: !!d.analyzeText };
}

function summary(r: DiagnosisReportSummaryRow): ReportSummary {
  return { id: r.id, jobId: r.job_id, host: r.host, diagnosis: r.diagnosis, params: JSON.parse(r.params_json) as DiagnosisParams, severity: r.severity, conclusion: r.conclusion, createdBy: r.created_by, createdAt: r.created_at };
}

function need(id: string): Diagnosis {
  const d = findDiagnosis(id);
  if (!d) throw new OsdeckError('UNKNOWN_DIAGNOSIS', `no diagnosis named ${JSON.stringify(id.slice(0, 60))}; known: ${DIAGNOSES.map((x) => x.id).join(', ')}`, 404);
  return d;
}

/** The diagnostic center: run a diagnosis on hosts as a job, keep every report, read them back. */
export class DiagnosisService {
  constructor(
    private readonly hosts: HostService,
    private readonly jobs: JobService,
    private readonly repo: DiagnosisReportsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly preamble: ProbePreamble,
  ) {}

  catalog(): DiagnosisView[] {
    return DIAGNOSES.map(view);
  }

  /** Checks everything that can be checked before any host is touched, then queues the job. */
  async start(actor: Actor, id: string, selector: string, input: Record<string, unknown>, forks = 20): Promise<JobView> {
    const d = need(id);
    if (!roleGrants(actor.role, d.permission)) {
      await this.audit.record(actor, { action: 'diagnose.run', result: 'denied', target: `diagnosis:${id}`, detail: { selector } });
      throw new OsdeckError('FORBIDDEN', `the ${id} diagnosis needs the ${d.permission} permission (operator or admin)`, 403);
    }
    const params = validateParams(d, await this.resolveHostAddresses(d, input));
    try {
      d.probe(params); // a diagnosis may refuse its parameters here (the command deny list)
    } catch (e) {
      if (e instanceof OsdeckError) await this.audit.record(actor, { action: 'diagnose.run', result: 'denied', target: `diagnosis:${id}`, command: id === 'command' ? String(params.command) : null, detail: { selector, code: e.code } });
      throw e;
    }
    return this.jobs.create(actor, 'diagnose', selector, { diagnosis: id, params, forks: Math.min(Math.max(forks, 1), 100) } satisfies DiagnoseJobParams);
  }

  /** "host:NAME" in a parameter that takes an address becomes that host's address (the local host: 127.0.0.1). */
  private async resolveHostAddresses(d: Diagnosis, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out = { ...input };
    for (const p of d.params) {
      const v = out[p.name];
      if (!p.hostAddress || typeof v !== 'string' || !v.startsWith('host:')) continue;
      const h = await this.hosts.get(v.slice(5));
      out[p.name] = h.transport === 'local' ? '127.0.0.1' : h.address;
    }
    return out;
  }

  /** One host's step of a diagnose job: probe, analyze, store, audit. */
  async runOnHost(job: JobRow, p: DiagnoseJobParams, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const actor: Actor = { type: 'user', name: job.created_by, role: 'operator', userId: null };
    const started = this.clock.now().getTime();
    const d = need(p.diagnosis);
    const command = d.id === 'command' ? String(p.params.command) : null;
    let raw = '';
    try {
      const spec = d.probe(p.params);
      const mark = newSectionMark();
      const script = assembleProbe(spec, mark, await this.preamble(spec));
      const t = await this.hosts.transportByName(host);
      const r = await t.runScript(script, { timeoutMs: spec.timeoutSec * 1000, maxOutputBytes: spec.maxOutputBytes ?? 8 * 1024 * 1024, signal });
      await this.hosts.noteSuccess(host);
      raw = r.stdout.toString('utf8');
      const history: PastRun[] = d.historyRuns
        ? (await this.repo.recent(host, d.id, d.historyRuns)).map((row) => ({ at: Date.parse(row.created_at), evidence: (JSON.parse(row.report_json) as Report).evidence }))
        : [];
      let report: Report;
      try {
        report = d.analyze(raw, { host, now: this.clock.now().getTime(), params: p.params, mark, history });
      } catch (e) {
        const msg = `the ${d.id} probe's output could not be analyzed: ${(e as Error).message}`;
        await this.audit.record(actor, { action: 'host.diagnose', result: 'error', host, command, jobId: job.id, durationMs: this.clock.now().getTime() - started, detail: { diagnosis: d.id, error: 'ANALYSIS_FAILED', message: msg } });
        return { status: 'failed', exitCode: r.exitCode, stdout: raw.slice(0, 64 * 1024), stderr: r.stderr.toString('utf8').slice(0, 64 * 1024), errorCode: 'ANALYSIS_FAILED', error: msg, durationMs: this.clock.now().getTime() - started };
      }
      const id = newId();
      await this.repo.insert({
        id, job_id: job.id, host, diagnosis: d.id, params_json: JSON.stringify(p.params), severity: report.severity, conclusion: report.conclusion,
        report_json: JSON.stringify(report), created_by: job.created_by, created_at: iso(this.clock),
      });
      await this.audit.record(actor, {
        action: 'host.diagnose', result: 'ok', host, command, jobId: job.id, exitCode: r.exitCode, durationMs: this.clock.now().getTime() - started, bytes: r.stdoutBytes,
        detail: { diagnosis: d.id, report: id, severity: report.severity, ...(p.params.confirm === true ? { confirmed: true } : {}) },
      });
      return {
        status: 'ok', exitCode: r.exitCode, stdout: `${report.severity}: ${report.conclusion}\nreport ${id}`, stderr: r.stderr.toString('utf8').slice(0, 16 * 1024),
        stdoutBytes: r.stdoutBytes, stderrBytes: r.stderrBytes, truncated: r.truncated, durationMs: this.clock.now().getTime() - started,
      };
    } catch (e) {
      const outcome = stepFromError(e, this.clock.now().getTime() - started);
      if (!(e instanceof OsdeckError)) await this.hosts.noteFailure(host, e);
      await this.audit.record(actor, { action: 'host.diagnose', result: 'error', host, command, jobId: job.id, durationMs: outcome.durationMs, detail: { diagnosis: d.id, error: outcome.errorCode, message: outcome.error } });
      return outcome;
    }
  }

  /** An uploaded log (e.g. a kernel log with OOM kills from a host osdeck cannot reach), analyzed and stored. */
  async analyzeText(actor: Actor, id: string, text: string, input: Record<string, unknown> = {}, source = 'upload'): Promise<StoredReport> {
    const d = need(id);
    if (!d.analyzeText) throw new OsdeckError('NO_TEXT_ANALYSIS', `the ${id} diagnosis reads hosts only; it does not analyze uploaded text`, 400);
    if (text.length > MAX_TEXT) throw new OsdeckError('TOO_LARGE', `the uploaded text is larger than ${MAX_TEXT / 1024 / 1024} MiB`, 413);
    const params = validateParams(d, input);
    const report = d.analyzeText(text, { host: source.slice(0, 200), now: this.clock.now().getTime(), params });
    const row: DiagnosisReportRow = {
      id: newId(), job_id: null, host: null, diagnosis: d.id, params_json: JSON.stringify({ ...params, source: source.slice(0, 200) }), severity: report.severity,
      conclusion: report.conclusion, report_json: JSON.stringify(report), created_by: actor.name, created_at: iso(this.clock),
    };
    await this.repo.insert(row);
    await this.audit.record(actor, { action: 'diagnose.upload', result: 'ok', target: `diagnosis:${id}`, bytes: Buffer.byteLength(text), detail: { report: row.id, source: source.slice(0, 200), severity: report.severity } });
    return { ...summary(row), report };
  }

  async reports(f: { host?: string; diagnosis?: string; jobId?: string; limit?: number; before?: string }): Promise<ReportSummary[]> {
    return (await this.repo.list({ ...f, limit: Math.min(Math.max(f.limit ?? 50, 1), 500) })).map(summary);
  }

  async report(id: string): Promise<StoredReport> {
    const row = await this.repo.byId(id);
    if (!row) throw new OsdeckError('NOT_FOUND', `no diagnosis report ${JSON.stringify(id.slice(0, 60))}`, 404);
    return { ...summary(row), report: JSON.parse(row.report_json) as Report };
  }

  async render(r: StoredReport, format: 'html' | 'xlsx'): Promise<{ contentType: string; body: string | Buffer; filename: string }> {
    const base = `osdeck-${r.diagnosis}-${r.host ?? 'upload'}-${r.createdAt.replace(/[:.]/g, '').slice(0, 15)}`.replace(/[^A-Za-z0-9._-]/g, '_');
    if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: renderReportHtml(r.report), filename: `${base}.html` };
    return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await reportToXlsx(r.report), filename: `${base}.xlsx` };
  }
}
