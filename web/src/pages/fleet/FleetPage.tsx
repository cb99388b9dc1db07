import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api';
import type { Host } from '../../api-types';
import { Chips } from '../../components/Chips';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Loading, PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { DASH, ago, bytes, uptime } from '../../format';
import { useSession } from '../../session';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';
import { hostAddress } from '../../host-address';
import { isProblem, matchesFilter, problemsFirst } from './host-order';

const COLUMNS: Column<Host>[] = [
  {
    key: 'name',
    header: 'Name',
    render: (h) => (
      <Link to={`/hosts/${encodeURIComponent(h.name)}`} className="strong">
        {h.name}
      </Link>
    ),
  },
  {
    key: 'address',
    header: 'Address',
    className: 'cell-address',
    render: (h) => (h.transport === 'local' ? <span className="muted">this server</span> : <span className="mono ellipsis" title={hostAddress(h)}>{hostAddress(h)}</span>),
  },
  { key: 'state', header: 'State', render: (h) => <StatusBadge status={h.state} title={h.lastError ?? undefined} /> },
  { key: 'os', header: 'OS', className: 'cell-os', render: (h) => <span className="ellipsis" title={h.facts?.osPretty ?? undefined}>{h.facts?.osPretty ?? DASH}</span> },
  { key: 'kernel', header: 'Kernel', className: 'nowrap', render: (h) => <span className="mono">{h.facts?.kernel ?? DASH}</span> },
  { key: 'cpus', header: 'CPUs', className: 'num', render: (h) => h.facts?.cpus ?? DASH },
  { key: 'mem', header: 'Memory', className: 'num', render: (h) => bytes(h.facts?.memTotalBytes) },
  { key: 'uptime', header: 'Uptime', title: 'when the facts were gathered', className: 'num', render: (h) => uptime(h.facts?.uptimeSeconds) },
  { key: 'labels', header: 'Groups / tags', className: 'cell-labels', render: (h) => <Chips groups={h.groups} tags={h.tags} /> },
  {
    key: 'seen',
    header: 'Seen',
    className: 'nowrap',
    render: (h) => (
      <span title={h.lastSeenAt ?? undefined} className="muted">
        {ago(h.lastSeenAt)}
      </span>
    ),
  },
];

export function FleetPage() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const filter = params.get('q') ?? '';
  const hosts = useResource(() => api.hosts(), []);
  usePolling(() => void hosts.reload(), 30_000);

  const rows = useMemo(() => (hosts.data ?? []).filter((h) => matchesFilter(h, filter)).sort(problemsFirst), [hosts.data, filter]);
  const all = hosts.data ?? [];
  const problems = all.filter(isProblem).length;

  return (
    <>
      <PageHeader
        title="Hosts"
        subtitle={
          hosts.data && (
            <span className="summary">
              <span>{all.length} hosts</span>
              <span className="ok-text">{all.length - problems} reachable</span>
              {problems > 0 && <span className="bad-text">{problems} need attention</span>}
            </span>
          )
        }
        actions={
          <>
            <button type="button" className="btn" onClick={() => void hosts.reload()} disabled={hosts.loading}>
              {hosts.loading && hosts.data ? 'Refreshing…' : 'Refresh'}
            </button>
            {can('host.write') && (
              <Link to="/hosts/new" className="btn btn-primary">
                Add host
              </Link>
            )}
          </>
        }
      />
      <div className="toolbar">
        <input
          type="search"
          className="filter"
          placeholder="Filter: name, address, OS, kernel, group, tag=value, state…"
          aria-label="Filter hosts"
          value={filter}
          onChange={(e) => setParams(e.target.value ? { q: e.target.value } : {}, { replace: true })}
        />
        {filter && (
          <span className="muted">
            {rows.length} of {all.length} shown
          </span>
        )}
      </div>
      <ErrorBanner error={hosts.error} title="Could not load hosts" />
      {!hosts.data && !hosts.error ? (
        <Loading what="hosts" />
      ) : (
        <DataTable
          testId="fleet-table"
          columns={COLUMNS}
          rows={rows}
          rowKey={(h) => h.name}
          rowClassName={(h) => (isProblem(h) ? `row-${h.state}` : undefined)}
          empty={filter ? 'No host matches the filter.' : 'No hosts yet.'}
        />
      )}
    </>
  );
}
