import { type ReactNode, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api';
import type { MetricsOverviewRow } from '../../api-types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { CRIT_AT, Meter, WARN_AT, levelOf } from '../../components/Meter';
import { Loading, PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { DASH, ago, byteRate, bytes, dateTimeMs, num, percent } from '../../format';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';
import { SORT_KEYS, type SortDir, type SortKey, conditionOf, downReason, isProblem, loadPercent, matchesFilter, sortRows } from './overview-order';

const REFRESH_MS = 15_000;

interface Col {
  key: SortKey;
  label: string;
  title: string;
  className?: string;
  /** first click sorts this way */
  firstDir: SortDir;
}

const COLS: Col[] = [
  { key: 'host', label: 'Host', title: 'host name; opens its metrics dashboard', firstDir: 'asc' },
  { key: 'state', label: 'State', title: 'problem hosts first', firstDir: 'asc' },
  { key: 'cpu', label: 'CPU', title: 'busy CPU time (not idle, not iowait), all CPUs', className: 'col-meter', firstDir: 'desc' },
  { key: 'mem', label: 'Memory', title: 'used = total − available', className: 'col-meter', firstDir: 'desc' },
  { key: 'load', label: 'Load', title: '1-minute load average; the bar is load per CPU (1.0 per CPU = full)', className: 'col-meter', firstDir: 'desc' },
  { key: 'disk', label: 'Fullest disk', title: 'the most used filesystem: (size − available) / size', className: 'col-meter', firstDir: 'desc' },
  { key: 'net', label: 'Network', title: 'receive / transmit, physical interfaces', className: 'col-rate', firstDir: 'desc' },
  { key: 'io', label: 'Disk I/O', title: 'read / write, all disks', className: 'col-rate', firstDir: 'desc' },
  { key: 'updated', label: 'Updated', title: 'newest sample', className: 'col-updated', firstDir: 'desc' },
];

const METRIC_COLS = 6; // cpu … io: replaced by one DOWN cell when the host is down

function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function Sub({ children }: { children: ReactNode }) {
  return <span className="cell-sub">{children}</span>;
}

function MetricCells({ r }: { r: MetricsOverviewRow }) {
  const memUsed = r.memTotalBytes !== null && r.memAvailableBytes !== null ? r.memTotalBytes - r.memAvailableBytes : null;
  const lp = loadPercent(r);
  return (
    <>
      <td className="col-meter" data-col="cpu">
        <Meter percent={r.cpuBusyPercent} text={percent(r.cpuBusyPercent)} testId="cpu" />
      </td>
      <td className="col-meter" data-col="mem">
        <Meter percent={r.memUsedPercent} text={percent(r.memUsedPercent)} testId="mem" title={memUsed !== null ? `${bytes(memUsed)} used of ${bytes(r.memTotalBytes)}` : undefined} />
        {memUsed !== null && (
          <Sub>
            {bytes(memUsed)} / {bytes(r.memTotalBytes)}
          </Sub>
        )}
      </td>
      <td className="col-meter" data-col="load">
        <Meter percent={lp} text={num(r.load1)} testId="load" title={lp !== null ? `${num(lp / 100)} per CPU` : undefined} />
        {r.load1 !== null && r.cpus ? (
          <Sub>
            {num(r.load1 / r.cpus)} per CPU · {r.cpus} CPU{r.cpus === 1 ? '' : 's'}
          </Sub>
        ) : null}
      </td>
      <td className="col-meter" data-col="disk">
        <Meter percent={r.diskMaxUsedPercent} text={percent(r.diskMaxUsedPercent)} testId="disk" />
        {r.diskMaxUsedMount && (
          <Sub>
            <span className="mono ellipsis" title={r.diskMaxUsedMount}>
              {r.diskMaxUsedMount}
            </span>
          </Sub>
        )}
      </td>
      <td className="col-rate" data-col="net">
        <span className="rate-line" title="receive">
          <span className="rate-dir">↓</span>
          {byteRate(r.netRxBytesPerSec)}
        </span>
        <span className="rate-line" title="transmit">
          <span className="rate-dir">↑</span>
          {byteRate(r.netTxBytesPerSec)}
        </span>
      </td>
      <td className="col-rate" data-col="io">
        <span className="rate-line" title="read">
          <span className="rate-dir">R</span>
          {byteRate(r.diskReadBytesPerSec)}
        </span>
        <span className="rate-line" title="write">
          <span className="rate-dir">W</span>
          {byteRate(r.diskWriteBytesPerSec)}
        </span>
      </td>
    </>
  );
}

function worstLevel(r: MetricsOverviewRow): 'ok' | 'warn' | 'crit' | 'none' {
  if (conditionOf(r) !== 'up') return 'none';
  const levels = [r.cpuBusyPercent, r.memUsedPercent, r.diskMaxUsedPercent].map(levelOf);
  return levels.includes('crit') ? 'crit' : levels.includes('warn') ? 'warn' : 'ok';
}

export function MonitoringPage() {
  const [params, setParams] = useSearchParams();
  const filter = params.get('q') ?? '';
  const sortParam = params.get('sort');
  const sortKey = SORT_KEYS.includes(sortParam as SortKey) ? (sortParam as SortKey) : null;
  const dir: SortDir = params.get('dir') === 'asc' ? 'asc' : 'desc';
  const overview = useResource(() => api.metricsOverview(), []);
  usePolling(() => void overview.reload(), REFRESH_MS);

  const all = overview.data ?? [];
  const rows = useMemo(() => sortRows((overview.data ?? []).filter((r) => matchesFilter(r, filter)), sortKey, dir), [overview.data, filter, sortKey, dir]);
  const down = all.filter((r) => conditionOf(r) === 'down').length;
  const crit = all.filter((r) => worstLevel(r) === 'crit').length;
  const warn = all.filter((r) => worstLevel(r) === 'warn').length;

  const setParam = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const sortBy = (c: Col) => {
    if (sortKey === c.key) setParam({ dir: dir === 'asc' ? 'desc' : 'asc' });
    else setParam({ sort: c.key, dir: c.firstDir });
  };

  return (
    <>
      <PageHeader
        title="Monitoring"
        subtitle={
          overview.data && (
            <span className="summary">
              <span>{all.length} hosts</span>
              {down > 0 ? <span className="bad-text">{down} down</span> : <span className="ok-text">none down</span>}
              {crit > 0 && <span className="bad-text">{crit} critical (≥ {CRIT_AT} %)</span>}
              {warn > 0 && <span className="warn-text">{warn} warning (≥ {WARN_AT} %)</span>}
              <span className="muted">refreshes every {REFRESH_MS / 1000} s</span>
            </span>
          )
        }
        actions={
          <button type="button" className="btn" onClick={() => void overview.reload()} disabled={overview.loading}>
            {overview.loading && overview.data ? 'Refreshing…' : 'Refresh'}
          </button>
        }
      />
      <div className="toolbar">
        <input
          type="search"
          className="filter"
          placeholder="Filter: host, group, state, down…"
          aria-label="Filter hosts"
          value={filter}
          onChange={(e) => setParam({ q: e.target.value })}
        />
        {sortKey !== null && (
          <button type="button" className="btn btn-small" onClick={() => setParam({ sort: null, dir: null })}>
            Problems first
          </button>
        )}
        {filter && (
          <span className="muted">
            {rows.length} of {all.length} shown
          </span>
        )}
      </div>
      <ErrorBanner error={overview.error} title="Could not load the overview" />
      {!overview.data && !overview.error ? (
        <Loading what="metrics" />
      ) : (
        <div className="table-wrap">
          <table className="table monitor-table" data-testid="monitor-table">
            <thead>
              <tr>
                {COLS.map((c) => {
                  const active = sortKey === c.key;
                  return (
                    <th key={c.key} className={c.className} title={c.title} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                      <button type="button" className={active ? 'sort-button active' : 'sort-button'} onClick={() => sortBy(c)} data-sort={c.key}>
                        {c.label}
                        <span className="sort-mark" aria-hidden>
                          {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td className="table-empty" colSpan={COLS.length}>
                    {filter ? 'No host matches the filter.' : 'No hosts yet.'}
                  </td>
                </tr>
              )}
              {rows.map((r) => {
                const cond = conditionOf(r);
                const rowClass = cond === 'down' ? 'row-bad' : r.state !== 'reachable' ? `row-${r.state}` : undefined;
                return (
                  <tr key={r.host} data-row={r.host} data-condition={cond} className={rowClass}>
                    <td className="col-host">
                      <Link to={`/hosts/${encodeURIComponent(r.host)}/metrics`} className="strong" title="metrics dashboard">
                        {r.host}
                      </Link>
                      {r.groups.length > 0 && <Sub>{r.groups.join(', ')}</Sub>}
                    </td>
                    <td>
                      {cond === 'down' ? (
                        <span className="badge badge-bad down-badge" data-status="down" title={downReason(r)}>
                          DOWN
                        </span>
                      ) : (
                        <StatusBadge status={isProblem(r) ? r.state : 'up'} />
                      )}
                    </td>
                    {cond === 'down' ? (
                      <td colSpan={METRIC_COLS} className="cell-down" data-col="down">
                        <strong>DOWN</strong> — {downReason(r)}
                        {r.ts !== null && <span className="muted"> · last data {ago(toIso(r.ts))}</span>}
                      </td>
                    ) : cond === 'waiting' ? (
                      <td colSpan={METRIC_COLS} className="cell-waiting muted" data-col="waiting">
                        waiting for the first metrics poll…
                      </td>
                    ) : (
                      <MetricCells r={r} />
                    )}
                    <td className="col-updated muted" title={r.ts !== null ? dateTimeMs(r.ts) : undefined}>
                      {r.ts !== null ? ago(toIso(r.ts)) : DASH}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
