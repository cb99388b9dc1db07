import { Link } from 'react-router';
import { api } from '../../api';
import type { AuditEntry } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { StatusBadge } from '../../components/StatusBadge';
import { DASH, ago, duration, shortId } from '../../format';
import { useResource } from '../../use-resource';

const COLUMNS: Column<AuditEntry>[] = [
  { key: 'ts', header: 'When', render: (e) => <span title={e.ts}>{ago(e.ts)}</span> },
  { key: 'actor', header: 'Who', render: (e) => e.actor },
  { key: 'action', header: 'Action', render: (e) => <span className="mono">{e.action}</span> },
  { key: 'result', header: 'Result', render: (e) => <StatusBadge status={e.result} /> },
  { key: 'command', header: 'Command', className: 'cell-command', render: (e) => (e.command ? <span className="mono ellipsis" title={e.command}>{e.command}</span> : DASH) },
  { key: 'exit', header: 'Exit', className: 'num', render: (e) => e.exitCode ?? DASH },
  { key: 'dur', header: 'Duration', className: 'num', render: (e) => duration(e.durationMs) },
  { key: 'job', header: 'Job', render: (e) => (e.jobId ? <Link to={`/jobs/${encodeURIComponent(e.jobId)}`} className="mono">{shortId(e.jobId)}</Link> : DASH) },
];

/** The last things done on this host, from the audit log. */
export function HostActivity({ host, version }: { host: string; version: number }) {
  const entries = useResource(() => api.audit({ host, limit: 10 }), [host, version]);
  return (
    <>
      <ErrorBanner error={entries.error} />
      <DataTable columns={COLUMNS} rows={entries.data ?? []} rowKey={(e) => String(e.id)} empty={entries.loading ? 'Loading…' : 'No activity recorded.'} />
    </>
  );
}
