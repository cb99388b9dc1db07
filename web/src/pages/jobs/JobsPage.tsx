import { useMemo } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import type { Host, Job } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { JobCounts, jobProgress } from '../../components/JobCounts';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { RunCommandForm } from '../../components/RunCommandForm';
import { StatusBadge } from '../../components/StatusBadge';
import { DASH, ago, between, duration, shortId } from '../../format';
import { jobCommand } from '../../job-command';
import { useSession } from '../../session';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';

const COLUMNS: Column<Job>[] = [
  {
    key: 'id',
    header: 'Job',
    render: (j) => (
      <Link to={`/jobs/${encodeURIComponent(j.id)}`} className="mono strong" title={j.id}>
        {shortId(j.id)}
      </Link>
    ),
  },
  { key: 'status', header: 'Status', render: (j) => <StatusBadge status={j.status} title={j.error ?? undefined} /> },
  {
    key: 'command',
    header: 'Command',
    className: 'cell-command',
    render: (j) => (
      <Link to={`/jobs/${encodeURIComponent(j.id)}`} className="mono ellipsis plain-link" title={jobCommand(j)}>
        {jobCommand(j)}
      </Link>
    ),
  },
  { key: 'selector', header: 'Hosts', render: (j) => <span className="mono">{j.selector ?? DASH}</span> },
  {
    key: 'progress',
    header: 'Progress',
    render: (j) => {
      const p = jobProgress(j);
      return <ProgressBar compact total={j.total} ok={p.ok} bad={p.bad} stopped={p.stopped} />;
    },
  },
  { key: 'counts', header: 'Results', render: (j) => <JobCounts counts={j.counts} /> },
  { key: 'by', header: 'By', render: (j) => j.createdBy },
  { key: 'created', header: 'Started', render: (j) => <span title={j.createdAt}>{ago(j.createdAt)}</span> },
  { key: 'dur', header: 'Duration', className: 'num', render: (j) => duration(between(j.startedAt, j.finishedAt)) },
];

/** Everything a selector can name, for the selector box's suggestions. */
function selectorSuggestions(hosts: Host[]): string[] {
  const s = new Set<string>(['all']);
  for (const h of hosts) {
    s.add(h.name);
    for (const g of h.groups) s.add(`group:${g}`);
    for (const [k, v] of Object.entries(h.tags)) s.add(`tag:${k}=${v}`);
  }
  return [...s];
}

export function JobsPage() {
  const { can } = useSession();
  const jobs = useResource(() => api.jobs(100), []);
  usePolling(() => void jobs.reload(), 5_000);
  const hosts = useResource(() => (can('host.exec') ? api.hosts() : Promise.resolve([] as Host[])), []);
  const suggestions = useMemo(() => selectorSuggestions(hosts.data ?? []), [hosts.data]);
  const active = (jobs.data ?? []).filter((j) => j.status === 'running' || j.status === 'queued').length;

  return (
    <>
      <PageHeader
        title="Jobs"
        subtitle={jobs.data && <span className="summary">{active > 0 ? <span className="busy-text">{active} running</span> : <span>none running</span>}<span className="muted">refreshes every 5 s</span></span>}
        actions={
          <button type="button" className="btn" onClick={() => void jobs.reload()}>
            Refresh
          </button>
        }
      />
      {can('host.exec') && (
        <Panel title="Run command">
          <RunCommandForm selectorSuggestions={suggestions} />
        </Panel>
      )}
      <ErrorBanner error={jobs.error} title="Could not load jobs" />
      {!jobs.data && !jobs.error ? (
        <Loading what="jobs" />
      ) : (
        <DataTable testId="jobs-table" columns={COLUMNS} rows={jobs.data ?? []} rowKey={(j) => j.id} empty="No jobs yet." />
      )}
    </>
  );
}
