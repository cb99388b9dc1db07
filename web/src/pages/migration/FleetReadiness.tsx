import { useState } from 'react';
import { Link } from 'react-router';
import type { Host, MigrationFleetRow, MigrationPath } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ago, dateTime } from '../../format';
import { useSession } from '../../session';
import type { FormMode } from './MigrationForm';
import { FindingCounts, ReadinessBadge, RunStateBadge, StepTrack } from './migration-ui';

type Assessment = MigrationFleetRow['assessments'][number];

const READINESS_FILTERS = [
  ['', 'any readiness'],
  ['blocked', 'blocked'],
  ['ready-with-warnings', 'ready with warnings'],
  ['ready', 'ready'],
  ['none', 'not assessed'],
] as const;

/** The assessment a row stands for: of the chosen path, else the newest of any path. */
function headline(row: MigrationFleetRow, path: string): Assessment | undefined {
  const list = path ? row.assessments.filter((a) => a.path === path) : row.assessments;
  return [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/**
 * Every host with its latest assessment per path (readiness, counts, report) and its latest run
 * (state, step track): where the fleet stands, and where to start.
 */
export function FleetReadiness({ fleet, hosts, paths, onPick }: { fleet: MigrationFleetRow[]; hosts: Host[] | undefined; paths: MigrationPath[]; onPick: (host: string, mode: FormMode, path?: string) => void }) {
  const { can } = useSession();
  const [path, setPath] = useState('');
  const [readiness, setReadiness] = useState('');
  const [text, setText] = useState('');
  const os = (h: string) => hosts?.find((x) => x.name === h)?.facts?.osPretty ?? null;

  const counts = { ready: 0, 'ready-with-warnings': 0, blocked: 0, none: 0 } as Record<string, number>;
  for (const r of fleet) {
    const a = headline(r, path);
    counts[a ? a.readiness : 'none'] = (counts[a ? a.readiness : 'none'] ?? 0) + 1;
  }
  const shown = fleet.filter((r) => {
    if (text.trim() && !r.host.toLowerCase().includes(text.trim().toLowerCase())) return false;
    const a = headline(r, path);
    if (readiness === 'none') return !a;
    return !readiness || a?.readiness === readiness;
  });

  const columns: Column<MigrationFleetRow>[] = [
    {
      key: 'host',
      header: 'Host',
      render: (r) => (
        <>
          <Link to={`/hosts/${encodeURIComponent(r.host)}`} className="strong">
            {r.host}
          </Link>
          {os(r.host) && <div className="small muted">{os(r.host)}</div>}
        </>
      ),
    },
    {
      key: 'assessments',
      header: 'Latest assessment per path',
      render: (r) => {
        const list = path ? r.assessments.filter((a) => a.path === path) : r.assessments;
        if (list.length === 0) return <span className="muted">not assessed{path ? ` for ${path}` : ''}</span>;
        return (
          <div className="mig-assess-lines">
            {list.map((a) => (
              <div key={a.id} className="mig-assess-line" data-path={a.path}>
                <span className="mono mig-path">{a.path}</span>
                <ReadinessBadge readiness={a.readiness} />
                <FindingCounts counts={a.counts} />
                <Link to={`/migration/assessments/${encodeURIComponent(a.id)}`} className="nowrap" data-testid="report-link">
                  report
                </Link>
                <span className="small muted nowrap" title={dateTime(a.createdAt)}>
                  {ago(a.createdAt)}
                  {a.root !== '/' ? ` · ${a.root}` : ''}
                </span>
              </div>
            ))}
          </div>
        );
      },
    },
    {
      key: 'run',
      header: 'Latest run',
      className: 'mig-run-cell',
      render: (r) =>
        r.run ? (
          <div className="mig-run-summary">
            <span className="mig-run-head">
              <RunStateBadge state={r.run.state} />
              <StepTrack run={r.run} />
              <Link to={`/migration/runs/${encodeURIComponent(r.run.id)}`} className="small nowrap">
                {r.run.path} · {ago(r.run.updatedAt)}
              </Link>
            </span>
            {r.run.message && (
              <span className="small muted tune-clamp" title={r.run.message}>
                {r.run.message}
              </span>
            )}
          </div>
        ) : (
          <span className="muted">never migrated</span>
        ),
    },
    {
      key: 'actions',
      header: '',
      className: 'cell-action',
      render: (r) => {
        const a = headline(r, path);
        return (
          <span className="mig-row-actions">
            {can('migrate.assess') && (
              <button type="button" className="btn btn-small" aria-label={`Assess ${r.host}`} onClick={() => onPick(r.host, 'assess', a?.path ?? (path || undefined))}>
                assess
              </button>
            )}
            {can('migrate.run') && a && (
              <button type="button" className="btn btn-small" aria-label={`Migrate ${r.host}`} onClick={() => onPick(r.host, 'migrate', a.path)}>
                migrate
              </button>
            )}
          </span>
        );
      },
    },
  ];

  return (
    <div className="stack">
      <div className="toolbar mig-fleet-toolbar">
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="filter hosts" aria-label="filter hosts" className="mig-filter" />
        <select value={path} onChange={(e) => setPath(e.target.value)} aria-label="path shown" className="mig-filter">
          <option value="">every path</option>
          {paths.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id} — {p.target.name}
            </option>
          ))}
        </select>
        <select value={readiness} onChange={(e) => setReadiness(e.target.value)} aria-label="readiness shown" className="mig-filter">
          {READINESS_FILTERS.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
              {v ? ` (${counts[v] ?? 0})` : ''}
            </option>
          ))}
        </select>
        <span className="counts" data-testid="fleet-counts">
          <span className="count count-muted">
            <b>{fleet.length}</b> host{fleet.length === 1 ? '' : 's'}
          </span>
          <span className="count count-ok">
            <b>{counts.ready}</b> ready
          </span>
          <span className="count count-warn">
            <b>{counts['ready-with-warnings']}</b> with warnings
          </span>
          <span className="count count-bad">
            <b>{counts.blocked}</b> blocked
          </span>
          <span className="count count-muted">
            <b>{counts.none}</b> not assessed
          </span>
        </span>
      </div>
      <DataTable
        testId="migration-fleet"
        columns={columns}
        rows={shown}
        rowKey={(r) => r.host}
        rowClassName={(r) => (headline(r, path)?.readiness === 'blocked' || ['failed', 'rollback-failed'].includes(r.run?.state ?? '') ? 'row-bad' : undefined)}
        empty={fleet.length === 0 ? 'No hosts yet: add one first.' : 'No host matches the filter.'}
      />
    </div>
  );
}
