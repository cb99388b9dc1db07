import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { MigrationAssessment, MigrationFinding } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { ago, dateTime } from '../../format';
import { useSession } from '../../session';
import { useResource } from '../../use-resource';
import { SEVERITIES, evidenceOf, findingsOf, rowsOf, tableOf } from './assessment-data';
import { migrationApi } from './migration-api';
import { CopyButton } from '../../components/CopyButton';
import { FindingCounts, ReadinessBadge } from './migration-ui';

const SEVERITY_HEAD: Record<string, { title: string; help: string; tone: string }> = {
  inhibitor: { title: 'Inhibitors', help: 'the migration does not start until each is fixed or explicitly overridden', tone: 'bad' },
  high: { title: 'High', help: 'likely to break something after the migration: fix or accept knowingly', tone: 'bad' },
  medium: { title: 'Medium', help: 'worth a look before migrating', tone: 'warn' },
  low: { title: 'Low', help: 'minor', tone: 'busy' },
  info: { title: 'Information', help: 'what the migration will do on this host', tone: 'muted' },
};

const FATE_HELP: Record<string, string> = {
  upgrade: 'replaced by a newer build from the target',
  same: 'the same version from the target',
  downgrade: 'the target has an older version: distro-sync downgrades it',
  replaced: 'another target package obsoletes or provides it',
  release: 'the release package, swapped',
  'third-party': 'not from the source distribution: left as it is',
  missing: 'from the source distribution but not in the target: stays behind',
};

const PAGE_ROWS = 200;

function FindingCard({ f }: { f: MigrationFinding }) {
  const commands = f.remediation.commands ?? [];
  return (
    <article className={`mig-finding mig-finding-${f.severity}`} data-testid="finding" data-severity={f.severity} data-key={f.key}>
      <div className="mig-finding-head">
        <strong className="mig-finding-title">{f.title}</strong>
        <span className="mono small muted" title="the key an override names">
          {f.key}
        </span>
        {f.source === 'leapp' && <span className="badge badge-muted">leapp</span>}
      </div>
      <div className="mig-finding-summary">{f.summary}</div>
      {f.remediation.hint && (
        <div className="mig-finding-fix">
          <span className="mig-fix-label">Fix:</span> {f.remediation.hint}
        </div>
      )}
      {commands.length > 0 && (
        <div className="command-block">
          <pre className="mono">{commands.join('\n')}</pre>
          <CopyButton text={commands.join('\n')} />
        </div>
      )}
      {f.related && f.related.length > 0 && (
        <details className="small">
          <summary>
            {f.related.length} related item{f.related.length === 1 ? '' : 's'}
          </summary>
          <div className="mono small mig-related">{f.related.join('\n')}</div>
        </details>
      )}
    </article>
  );
}

/** The package plan: every installed package and what distro-sync does with it, filterable by fate. */
function PackagesTable({ rows }: { rows: Array<Record<string, string | number | null>> }) {
  const [fate, setFate] = useState('');
  const [text, setText] = useState('');
  const [all, setAll] = useState(false);
  const fates = new Map<string, number>();
  for (const r of rows) fates.set(String(r.fate ?? ''), (fates.get(String(r.fate ?? '')) ?? 0) + 1);
  const q = text.trim().toLowerCase();
  const shown = rows.filter((r) => (!fate || r.fate === fate) && (!q || String(r.package ?? '').toLowerCase().includes(q)));
  const page = all ? shown : shown.slice(0, PAGE_ROWS);
  type Row = (typeof rows)[number];
  const columns: Column<Row>[] = [
    { key: 'package', header: 'Package', render: (r) => <span className="mono">{r.package}</span> },
    { key: 'installed', header: 'Installed', render: (r) => <span className="mono small">{r.installed}</span> },
    { key: 'fate', header: 'Fate', render: (r) => <span className={`badge badge-${r.fate === 'missing' || r.fate === 'downgrade' ? 'warn' : r.fate === 'third-party' ? 'muted' : 'ok'}`} title={FATE_HELP[String(r.fate)]}>{r.fate}</span> },
    { key: 'target', header: 'From the target', render: (r) => (r.target ? <span className="mono small">{r.target}</span> : <span className="muted">—</span>) },
  ];
  return (
    <Panel
      title={`Packages (${rows.length})`}
      actions={
        <span className="mig-panel-tools">
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="package name" aria-label="filter packages" className="mig-filter" />
          <select value={fate} onChange={(e) => setFate(e.target.value)} aria-label="fate">
            <option value="">every fate</option>
            {[...fates.entries()].sort((a, b) => b[1] - a[1]).map(([f, n]) => (
              <option key={f} value={f}>
                {f} ({n})
              </option>
            ))}
          </select>
        </span>
      }
    >
      <div className="stack">
        {fate && FATE_HELP[fate] && <span className="hint">{fate}: {FATE_HELP[fate]}</span>}
        <DataTable testId="packages" columns={columns} rows={page} rowKey={(r) => `${r.package}|${r.installed}`} empty={rows.length === 0 ? 'No rpm packages were read (not an rpm system, or the probe could not read them).' : 'No package matches.'} />
        {shown.length > PAGE_ROWS && (
          <button type="button" className="btn btn-small mig-more" onClick={() => setAll(!all)}>
            {all ? `first ${PAGE_ROWS}` : `all ${shown.length} packages`}
          </button>
        )}
      </div>
    </Panel>
  );
}

/** One stored assessment: conclusion, findings by severity with their fixes, the package plan and the target repositories. */
export function AssessmentPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const r = useResource(() => migrationApi.assessment(id), [id]);
  const report = r.data;
  const ev = report ? evidenceOf(report) : null;
  const host = ev?.host ?? '';
  const history = useResource(() => (host ? migrationApi.assessments({ host, limit: 20 }) : Promise.resolve([] as MigrationAssessment[])), [host]);
  const findings = report ? findingsOf(report) : [];
  const repos = report ? rowsOf(tableOf(report, 'Target repositories')) : [];
  const packages = report ? rowsOf(tableOf(report, 'Packages')) : [];
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]));
  const q = (o: Record<string, string>) => new URLSearchParams(o).toString();

  const historyColumns: Column<MigrationAssessment>[] = [
    { key: 'when', header: 'When', render: (a) => <Link to={`/migration/assessments/${encodeURIComponent(a.id)}`} title={dateTime(a.createdAt)}>{ago(a.createdAt)}</Link> },
    { key: 'path', header: 'Path', render: (a) => <span className="mono">{a.path}</span> },
    { key: 'root', header: 'Root', render: (a) => <span className="mono">{a.root}</span> },
    { key: 'readiness', header: 'Readiness', render: (a) => <ReadinessBadge readiness={a.readiness} /> },
    { key: 'counts', header: 'Findings', render: (a) => <FindingCounts counts={a.counts} /> },
    { key: 'this', header: '', className: 'cell-action', render: (a) => (a.id === id ? <span className="badge badge-busy">this one</span> : null) },
  ];

  return (
    <div className="stack mig-page">
      <PageHeader
        title={report ? report.title : 'Assessment'}
        crumbs={
          <>
            <Link to="/migration">Migration</Link>
            {host && (
              <>
                {' / '}
                <Link to={`/hosts/${encodeURIComponent(host)}`}>{host}</Link>
              </>
            )}
            {' /'}
          </>
        }
        subtitle={report && ev && [ev.os && `now ${ev.os}`, `path ${ev.path}`, ev.kernel && `kernel ${ev.kernel}`, ev.mode && ev.mode !== 'online' ? `${ev.mode} root` : '', `assessed ${dateTime(report.generatedAt)}`].filter(Boolean).join(' · ')}
        actions={
          report && (
            <>
              <a className="btn btn-small" href={migrationApi.assessmentUrl(id, 'html')} target="_blank" rel="noreferrer" data-testid="html-link">
                Open HTML
              </a>
              <a className="btn btn-small" href={migrationApi.assessmentUrl(id, 'xlsx')} download data-testid="xlsx-link">
                Download XLSX
              </a>
              {can('migrate.assess') && host && (
                <Link className="btn btn-small" to={`/migration?${q({ selector: host, path: ev?.path ?? '' })}`}>
                  Assess again
                </Link>
              )}
              {can('migrate.run') && host && (
                <Link className="btn btn-small btn-primary" to={`/migration?${q({ mode: 'migrate', selector: host, path: ev?.path ?? '' })}`}>
                  Migrate {host}…
                </Link>
              )}
            </>
          )
        }
      />
      <ErrorBanner error={r.error} title="Could not load the assessment" />
      {r.loading && !report && <Loading what="assessment" />}
      {report && ev && (
        <div className="stack" data-testid="assessment-report">
          <section className={`conclusion conclusion-${report.severity}`} data-testid="conclusion">
            <div className="mig-conclusion-head">
              <ReadinessBadge readiness={ev.readiness} />
              <FindingCounts counts={counts} />
            </div>
            <strong>{report.conclusion}</strong>
          </section>
          {ev.notes.length > 0 && (
            <div className="banner banner-info">
              <div className="banner-body">
                <strong>Notes from the probe:</strong>
                <ul className="mig-problems">
                  {ev.notes.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              </div>
            </div>
          )}
          <Panel title={`Findings (${findings.length})`}>
            {findings.length === 0 && <div className="muted">No findings: nothing stands in the way.</div>}
            <div className="stack">
              {SEVERITIES.filter((s) => counts[s]! > 0).map((s) => (
                <section key={s} className="mig-sev-group" data-testid={`findings-${s}`}>
                  <h3 className="mig-subhead">
                    <span className={`badge badge-${SEVERITY_HEAD[s]!.tone} sev`}>{s}</span> {SEVERITY_HEAD[s]!.title} ({counts[s]}) <span className="muted mig-subhead-help">— {SEVERITY_HEAD[s]!.help}</span>
                  </h3>
                  <div className="mig-finding-list">
                    {findings
                      .filter((f) => f.severity === s)
                      .map((f) => (
                        <FindingCard key={f.key} f={f} />
                      ))}
                  </div>
                </section>
              ))}
            </div>
          </Panel>
          <Panel title="Target repositories">
            <div className="table-wrap">
              <table className="table" data-testid="target-repos">
                <thead>
                  <tr>
                    <th>Repository</th>
                    <th>URL</th>
                    <th className="num">Packages</th>
                    <th>Status</th>
                  </tr>
                </thead>
                <tbody>
                  {repos.map((x) => {
                    const status = String(x.status ?? '');
                    const ok = status === 'ok';
                    return (
                      <tr key={String(x.id)} className={ok ? undefined : 'row-bad'}>
                        <td className="mono strong">{x.id}</td>
                        <td className="mono small mig-url">{x.url}</td>
                        <td className="num">{typeof x.packages === 'number' ? x.packages.toLocaleString('en-US') : x.packages}</td>
                        <td className="mig-message">{ok ? <span className="badge badge-ok">ok</span> : <span className="bad-text">{status.replace(/^error: /, '')}</span>}</td>
                      </tr>
                    );
                  })}
                  {repos.length === 0 && (
                    <tr>
                      <td className="table-empty" colSpan={4}>
                        No repositories in the report.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
          </Panel>
          <PackagesTable rows={packages} />
          <Panel title={`Assessments of ${host}`}>
            <ErrorBanner error={history.error} />
            <DataTable columns={historyColumns} rows={history.data ?? []} rowKey={(a) => a.id} empty={history.loading ? 'Loading…' : 'None.'} />
          </Panel>
        </div>
      )}
    </div>
  );
}
