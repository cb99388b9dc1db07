import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { JOB_FINAL, STEP_FINAL, type Step } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { JobCounts, jobProgress } from '../../components/JobCounts';
import { KeyValues } from '../../components/KeyValues';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { StatusBadge } from '../../components/StatusBadge';
import { DASH, ago, between, bytes, dateTime, duration, shortId } from '../../format';
import { jobCommand } from '../../job-command';
import { useSession } from '../../session';
import { useToggleSet } from '../../use-toggle-set';
import { StepOutput } from './StepOutput';
import { useCancelJob } from './LiveJobPanel';
import { useJobStream } from './use-job-stream';

/** Ticks once a second while something is running, so elapsed times move. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function firstLine(s: Step): string {
  const text = s.stdout || s.stderr || s.error || '';
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}

export function JobPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const { job, steps, error, state, setJob } = useJobStream(id);
  // a single-host job shows its output at once; with many hosts each row opens on demand
  const { isOpen, toggle, setAll } = useToggleSet(steps.length === 1);
  const [problemsOnly, setProblemsOnly] = useState(false);
  const { cancel, cancelling, cancelError, clearCancelError } = useCancelJob(id, setJob);
  const running = !!job && !JOB_FINAL.includes(job.status);
  const now = useNow(running);

  const crumbs = (
    <>
      <Link to="/jobs">Jobs</Link> /
    </>
  );
  if (!job) {
    return (
      <>
        <PageHeader title={`Job ${shortId(id)}`} crumbs={crumbs} />
        {error ? <ErrorBanner error={error} title="Could not load the job" /> : <Loading what="job" />}
      </>
    );
  }

  const rows = problemsOnly ? steps.filter((s) => s.status !== 'ok') : steps;
  const p = jobProgress(job);

  const columns: Column<Step>[] = [
    {
      key: 'host',
      header: 'Host',
      render: (s) => (
        <Link to={`/hosts/${encodeURIComponent(s.host)}`} className="strong">
          {s.host}
        </Link>
      ),
    },
    { key: 'status', header: 'Status', render: (s) => <StatusBadge status={s.status} title={s.error ?? undefined} /> },
    { key: 'exit', header: 'Exit', className: 'num', render: (s) => (s.exitCode === null ? DASH : <span className={s.exitCode === 0 ? '' : 'bad-text'}>{s.exitCode}</span>) },
    {
      key: 'dur',
      header: 'Duration',
      className: 'num',
      render: (s) => (s.durationMs !== null ? duration(s.durationMs) : s.status === 'running' && s.startedAt ? <span className="busy-text">{duration(now - Date.parse(s.startedAt))}</span> : DASH),
    },
    { key: 'bytes', header: 'Output', className: 'num', render: (s) => bytes(s.stdoutBytes + s.stderrBytes) },
    { key: 'preview', header: 'First line', className: 'cell-command', render: (s) => <span className={`mono ellipsis ${s.stdout ? '' : 'muted'}`}>{firstLine(s)}</span> },
    {
      key: 'toggle',
      header: '',
      className: 'cell-action',
      render: (s) => (
        <button type="button" className="btn btn-small" onClick={() => toggle(s.host)} aria-expanded={isOpen(s.host)}>
          {isOpen(s.host) ? 'Hide output' : 'Show output'}
        </button>
      ),
    },
  ];

  const openSteps = steps.filter((s) => !STEP_FINAL.includes(s.status)).length;
  const elapsed = job.startedAt ? between(job.startedAt, job.finishedAt ?? new Date(now).toISOString()) : null;

  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={
          <>
            Job <span className="mono">{shortId(job.id)}</span> <StatusBadge status={job.status} />
          </>
        }
        subtitle={
          <span className="summary">
            <span>
              {job.type} on <span className="mono">{job.selector ?? DASH}</span>
            </span>
            <span>by {job.createdBy}</span>
            <span title={job.createdAt}>{ago(job.createdAt, now)}</span>
            <span className={state === 'live' ? 'live' : 'muted'} data-testid="stream-state">
              {state === 'live' ? '● live' : state === 'polling' ? 'polling' : state === 'loading' ? 'connecting…' : ''}
            </span>
          </span>
        }
        actions={
          running &&
          can('job.cancel') && (
            <button type="button" className="btn btn-danger" onClick={() => void cancel()} disabled={cancelling || job.cancelRequested}>
              {job.cancelRequested ? 'Cancelling…' : cancelling ? 'Cancelling…' : 'Cancel job'}
            </button>
          )
        }
      />
      <ErrorBanner error={error} />
      <ErrorBanner error={cancelError} title="Cancel failed" onDismiss={clearCancelError} />
      {job.error && (
        <div className="banner banner-error">
          <strong>Job error:</strong> {job.error}
        </div>
      )}
      <div className="grid-2 grid-job">
        <Panel title="Command">
          <pre className="output command-text">{jobCommand(job)}</pre>
          <KeyValues
            items={[
              ['Forks', typeof job.params.forks === 'number' ? job.params.forks : null],
              ['Timeout', typeof job.params.timeoutSec === 'number' ? `${job.params.timeoutSec} s` : null],
              ['Created', dateTime(job.createdAt)],
              ['Finished', job.finishedAt ? dateTime(job.finishedAt) : null],
              ['Job id', <span className="mono small">{job.id}</span>],
            ]}
          />
        </Panel>
        <Panel title="Progress">
          <ProgressBar total={job.total} ok={p.ok} bad={p.bad} stopped={p.stopped} label="hosts done" />
          <div className="progress-facts">
            <span>
              <b>{p.done}</b> of <b>{job.total}</b> hosts done{openSteps > 0 && running ? `, ${openSteps} open` : ''}
            </span>
            <span className="muted">elapsed {duration(elapsed)}</span>
          </div>
          <JobCounts counts={job.counts} />
        </Panel>
      </div>
      <Panel
        title={`Hosts (${steps.length})`}
        actions={
          <>
            <label className="check">
              <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} /> only problems
            </label>
            <button type="button" className="btn btn-small" onClick={() => setAll(true, steps.map((s) => s.host))}>
              Expand all
            </button>
            <button type="button" className="btn btn-small" onClick={() => setAll(false, steps.map((s) => s.host))}>
              Collapse all
            </button>
          </>
        }
      >
        <DataTable
          testId="steps-table"
          columns={columns}
          rows={rows}
          rowKey={(s) => s.host}
          rowClassName={(s) => (s.status === 'ok' || s.status === 'pending' || s.status === 'running' ? undefined : 'row-bad')}
          detail={(s) => (isOpen(s.host) ? <StepOutput step={s} /> : null)}
          empty={problemsOnly ? 'No host has a problem.' : 'No hosts matched the selector.'}
        />
      </Panel>
    </>
  );
}
