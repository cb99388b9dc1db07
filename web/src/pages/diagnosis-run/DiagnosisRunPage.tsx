import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api';
import type { DiagnosisReportSummary, Step } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { ReportView } from '../../components/ReportView';
import { SeverityBadge } from '../../components/SeverityBadge';
import { StatusBadge } from '../../components/StatusBadge';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** A diagnose job: progress per host, then each host's report (shown in full when there is one host). */
export function DiagnosisRunPage() {
  const { id = '' } = useParams();
  const job = useResource(() => api.job(id), [id]);
  const reports = useResource(() => api.diagnosisReports({ job: id, limit: 500 }), [id]);
  const done = !!job.data && FINAL.includes(job.data.status);
  usePolling(() => {
    void job.reload();
    void reports.reload();
  }, 1000, !done);
  const single = job.data?.total === 1 && reports.data?.length === 1 ? reports.data[0]! : null;
  const full = useResource(() => (single ? api.diagnosisReport(single.id) : Promise.resolve(null)), [single?.id]);
  const byHost = new Map((reports.data ?? []).map((r) => [r.host, r]));
  const j = job.data;
  const counts = j?.counts ?? {};
  const ok = counts.ok ?? 0;
  const bad = (counts.failed ?? 0) + (counts.unreachable ?? 0) + (counts.timeout ?? 0);

  const columns: Column<Step>[] = [
    { key: 'host', header: 'Host', render: (s) => <Link to={`/hosts/${encodeURIComponent(s.host)}`}>{s.host}</Link> },
    { key: 'status', header: 'Status', render: (s) => <StatusBadge status={s.status} /> },
    { key: 'sev', header: 'Severity', render: (s) => (byHost.get(s.host) ? <SeverityBadge severity={byHost.get(s.host)!.severity} /> : null) },
    {
      key: 'result',
      header: 'Conclusion',
      render: (s) => {
        const r: DiagnosisReportSummary | undefined = byHost.get(s.host);
        if (r) return <Link to={`/diagnose/reports/${encodeURIComponent(r.id)}`}>{r.conclusion}</Link>;
        if (s.error) return <span className="bad-text">{s.errorCode}: {s.error}</span>;
        return <span className="muted">{s.status === 'running' ? 'running…' : 'waiting'}</span>;
      },
    },
  ];

  return (
    <div className="stack">
      <PageHeader
        title={j ? `Diagnosis ${String(j.params.diagnosis ?? '')} on ${j.selector ?? ''}` : 'Diagnosis'}
        crumbs={<Link to="/diagnose">Diagnostic center</Link>}
        actions={j && <Link to={`/jobs/${encodeURIComponent(j.id)}`} className="btn btn-small">job details</Link>}
      />
      <ErrorBanner error={job.error} />
      {!j && job.loading && <Loading what="job" />}
      {j && (
        <Panel title="Progress" actions={<StatusBadge status={j.status} />}>
          <ProgressBar total={j.total} ok={ok} bad={bad} stopped={(counts.cancelled ?? 0) + (counts.interrupted ?? 0)} label="hosts diagnosed" />
          <JobSteps id={j.id} columns={columns} done={done} />
        </Panel>
      )}
      {single && full.data && (
        <>
          <div className="toolbar">
            <Link to={`/diagnose/reports/${encodeURIComponent(single.id)}`} className="btn btn-small">open report page</Link>
          </div>
          <ReportView report={full.data.report} />
        </>
      )}
    </div>
  );
}

function JobSteps({ id, columns, done }: { id: string; columns: Column<Step>[]; done: boolean }) {
  const steps = useResource(() => api.job(id).then((j) => j.steps), [id]);
  usePolling(() => void steps.reload(), 1000, !done);
  // one last load when the job ends, so the final step states are shown
  useEffect(() => {
    if (done) void steps.reload();
  }, [done]);
  return <DataTable columns={columns} rows={steps.data ?? []} rowKey={(s) => s.host} testId="diagnosis-steps" />;
}
