import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api';
import type { Diagnosis, DiagnosisReportSummary } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { HostDatalist } from '../../components/HostDatalist';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { SeverityBadge } from '../../components/SeverityBadge';
import { ago, dateTime } from '../../format';
import { useSession } from '../../session';
import { useResource } from '../../use-resource';
import { CATEGORY_TITLES, initialValues, paramPayload } from './param-values';
import { ParamFields } from './ParamFields';

const HISTORY = 50;

/** The diagnostic center: pick a diagnosis, run it on hosts (a job), or analyze an uploaded log; recent reports below. */
export function DiagnosePage() {
  const { can } = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const catalog = useResource(() => api.diagnoses(), []);
  const hostFilter = search.get('host') ?? '';
  const history = useResource(() => api.diagnosisReports({ host: hostFilter || undefined, limit: HISTORY }), [hostFilter]);
  const visible = useMemo(() => (catalog.data ?? []).filter((d) => d.permission !== 'host.exec' || can('host.exec')), [catalog.data, can]);
  const chosenId = search.get('d') ?? visible[0]?.id ?? '';
  const chosen = visible.find((d) => d.id === chosenId);
  const [selector, setSelector] = useState(hostFilter);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [logText, setLogText] = useState('');
  const [logName, setLogName] = useState('');

  useEffect(() => {
    if (chosen) setValues(initialValues(chosen.params));
    setError(undefined);
  }, [chosen?.id]);

  function pick(d: Diagnosis) {
    const next = new URLSearchParams(search);
    next.set('d', d.id);
    setSearch(next, { replace: true });
  }

  async function run(e: FormEvent) {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    try {
      const job = await api.runDiagnosis(chosen.id, selector.trim(), paramPayload(chosen.params, values));
      navigate(`/diagnose/jobs/${encodeURIComponent(job.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  async function analyze() {
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.analyzeText(chosen.id, logText, logName || 'pasted text');
      navigate(`/diagnose/reports/${encodeURIComponent(r.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const columns: Column<DiagnosisReportSummary>[] = [
    { key: 'when', header: 'When', render: (r) => <span title={dateTime(r.createdAt)} className="nowrap">{ago(r.createdAt)}</span> },
    { key: 'host', header: 'Host', render: (r) => (r.host ? <Link to={`/hosts/${encodeURIComponent(r.host)}`}>{r.host}</Link> : <span className="muted">upload: {String(r.params.source ?? '')}</span>) },
    { key: 'diagnosis', header: 'Diagnosis', render: (r) => <span className="mono">{r.diagnosis}</span> },
    { key: 'sev', header: 'Severity', render: (r) => <SeverityBadge severity={r.severity} /> },
    { key: 'conclusion', header: 'Conclusion', render: (r) => <Link to={`/diagnose/reports/${encodeURIComponent(r.id)}`}>{r.conclusion}</Link> },
  ];

  const byCategory = new Map<string, Diagnosis[]>();
  for (const d of visible) byCategory.set(d.category, [...(byCategory.get(d.category) ?? []), d]);

  return (
    <div className="stack">
      <PageHeader title="Diagnostic center" subtitle="Memory panorama, OOM, IO, network and scheduling diagnoses, run on any host as a job; every report is kept." />
      <ErrorBanner error={catalog.error} title="Could not load the diagnoses" />
      {catalog.loading && !catalog.data && <Loading what="diagnoses" />}
      {catalog.data && (
        <Panel title="Choose a diagnosis">
          <div className="stack">
            {[...byCategory].map(([cat, list]) => (
              <div key={cat}>
                <div className="nav-section" style={{ paddingLeft: 0 }}>
                  {CATEGORY_TITLES[cat] ?? cat}
                </div>
                <div className="diag-cards">
                  {list.map((d) => (
                    <button key={d.id} type="button" className={`diag-card ${d.id === chosen?.id ? 'on' : ''}`} onClick={() => pick(d)} data-testid={`diag-${d.id}`}>
                      <strong>{d.title}</strong>
                      <span className="mono small">{d.id}</span>
                      <span className="muted">{d.description}</span>
                    </button>
                  ))}
                </div>
              </div>
            ))}
          </div>
        </Panel>
      )}
      {chosen && (
        <Panel title={`Run: ${chosen.title}`} className="form-panel">
          <form onSubmit={run} aria-label={`Run ${chosen.id}`}>
            <div className="form-grid">
              <label className="field field-wide">
                <span>Hosts (selector) *</span>
                <input name="selector" value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="web1, group:web, tag:env=prod, all" list="diag-hosts" required autoComplete="off" />
                <HostDatalist id="diag-hosts" />
              </label>
              <ParamFields specs={chosen.params} values={values} onChange={(k, v) => setValues({ ...values, [k]: v })} />
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || !can('diagnose.run')}>
                {busy ? 'Starting…' : 'Run diagnosis'}
              </button>
              {chosen.permission === 'host.exec' && <span className="hint">Runs your command on every selected host; audited. Destructive commands need “confirm”.</span>}
            </div>
          </form>
          {chosen.acceptsText && (
            <div className="stack" style={{ marginTop: 16 }}>
              <div className="label-row">
                <strong>…or analyze a log from a host osdeck cannot reach</strong>
                <label className="btn btn-small file-btn">
                  Open file…
                  <input
                    type="file"
                    onChange={async (e) => {
                      const f = e.target.files?.[0];
                      if (!f) return;
                      setLogName(f.name);
                      setLogText(await f.text());
                    }}
                  />
                </label>
              </div>
              <textarea className="mono" rows={6} value={logText} onChange={(e) => setLogText(e.target.value)} placeholder="paste dmesg, journalctl -k or /var/log/messages text here" aria-label="log text" />
              <div className="form-actions">
                <button type="button" className="btn" disabled={busy || !logText.trim()} onClick={() => void analyze()}>
                  Analyze text{logName ? ` (${logName})` : ''}
                </button>
              </div>
            </div>
          )}
          <ErrorBanner error={error} title="Not started" />
        </Panel>
      )}
      <Panel
        title={hostFilter ? `Reports for ${hostFilter}` : 'Recent reports'}
        actions={
          hostFilter && (
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setSearch(new URLSearchParams(chosen ? { d: chosen.id } : {}))}>
              all hosts
            </button>
          )
        }
      >
        <ErrorBanner error={history.error} />
        <DataTable columns={columns} rows={history.data ?? []} rowKey={(r) => r.id} empty="No reports yet: run a diagnosis above." testId="diagnosis-history" />
      </Panel>
    </div>
  );
}
