import { Link, useParams } from 'react-router';
import { api } from '../../api';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Loading, PageHeader } from '../../components/PageHeader';
import { ReportView } from '../../components/ReportView';
import { dateTime } from '../../format';
import { useResource } from '../../use-resource';

/** One stored diagnosis report, with its downloads. */
export function DiagnosisReportPage() {
  const { id = '' } = useParams();
  const r = useResource(() => api.diagnosisReport(id), [id]);
  const d = r.data;
  return (
    <div className="stack">
      <PageHeader
        title={d ? d.report.title : 'Report'}
        crumbs={
          <>
            <Link to="/diagnose">Diagnostic center</Link>
            {d?.host && (
              <>
                {' / '}
                <Link to={`/diagnose?host=${encodeURIComponent(d.host)}`}>{d.host}</Link>
              </>
            )}
          </>
        }
        subtitle={d && `${d.diagnosis} · ${dateTime(d.createdAt)} · by ${d.createdBy}${d.jobId ? ' · ' : ''}`}
        actions={
          d && (
            <>
              <a className="btn btn-small" href={api.diagnosisReportUrl(d.id, 'html')} target="_blank" rel="noreferrer">
                HTML
              </a>
              <a className="btn btn-small" href={api.diagnosisReportUrl(d.id, 'xlsx')} download>
                XLSX
              </a>
              <a className="btn btn-small" href={api.diagnosisReportUrl(d.id, 'json')} download={`${d.diagnosis}-${d.host ?? 'upload'}.json`}>
                JSON
              </a>
              {d.host && (
                <Link className="btn btn-small btn-primary" to={`/diagnose?d=${encodeURIComponent(d.diagnosis)}&host=${encodeURIComponent(d.host)}`}>
                  Run again
                </Link>
              )}
            </>
          )
        }
      />
      <ErrorBanner error={r.error} />
      {r.loading && !d && <Loading what="report" />}
      {d && <ReportView report={d.report} />}
    </div>
  );
}
