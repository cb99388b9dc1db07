import { Link } from 'react-router';
import type { Job, MigrationRun } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ago, dateTime } from '../../format';
import { RunActions } from './RunActions';
import { RunStateBadge, StepTrack } from './migration-ui';

/** Migration runs, one row per host: live state, where the agent is, its last message and what can be done next. */
export function RunTable({ runs, onJob, onRetry, testId, empty, showPath }: { runs: MigrationRun[]; onJob: (j: Job) => void; onRetry?: (r: MigrationRun) => void; testId?: string; empty?: string; showPath?: boolean }) {
  const waves = new Set(runs.map((r) => r.wave)).size > 1;
  const columns: Column<MigrationRun>[] = [
    {
      key: 'host',
      header: 'Host',
      render: (r) => (
        <>
          <Link to={`/migration/runs/${encodeURIComponent(r.id)}`} className="strong">
            {r.host}
          </Link>
          {r.root !== '/' && <div className="small muted mono">{r.root}</div>}
        </>
      ),
    },
    ...(showPath ? [{ key: 'path', header: 'Path', render: (r: MigrationRun) => <span className="mono">{r.path}</span> }] : []),
    ...(waves ? [{ key: 'wave', header: 'Wave', className: 'num', render: (r: MigrationRun) => r.wave }] : []),
    { key: 'state', header: 'State', render: (r) => <RunStateBadge state={r.state} /> },
    { key: 'steps', header: 'Steps', render: (r) => <StepTrack run={r} /> },
    {
      key: 'message',
      header: 'Message',
      className: 'mig-message',
      render: (r) => (r.message ? <span className={`tune-clamp ${['failed', 'blocked', 'rollback-failed'].includes(r.state) ? 'bad-text' : ''}`} title={r.message}>{r.message}</span> : <span className="muted">—</span>),
    },
    { key: 'updated', header: 'Updated', render: (r) => <span className="nowrap" title={`started ${dateTime(r.createdAt)} by ${r.createdBy}`}>{ago(r.updatedAt)}</span> },
    { key: 'actions', header: '', className: 'cell-action', render: (r) => <RunActions run={r} onJob={onJob} onRetry={onRetry} /> },
  ];
  return (
    <DataTable
      testId={testId}
      columns={columns}
      rows={runs}
      rowKey={(r) => r.id}
      rowClassName={(r) => (['failed', 'blocked', 'rollback-failed'].includes(r.state) ? 'row-bad' : undefined)}
      empty={empty ?? 'No runs.'}
    />
  );
}
