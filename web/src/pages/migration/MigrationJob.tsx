import { useEffect } from 'react';
import { Link } from 'react-router';
import { type Job, type MigrationAssessment, type MigrationRun, type Step } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Loading } from '../../components/PageHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { duration } from '../../format';
import { useSession } from '../../session';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';
import { useToggleSet } from '../../use-toggle-set';
import { StepOutput } from '../job/StepOutput';
import { LiveJobPanel, useWhenJobEnds } from '../job/LiveJobPanel';
import { useJobStream } from '../job/use-job-stream';
import { RunTable } from './RunTable';
import { migrationApi } from './migration-api';
import { FindingCounts, ReadinessBadge, isActiveRun } from './migration-ui';

const JOB_TITLE: Record<string, string> = {
  'migrate-assess': 'Assessment',
  'migrate-run': 'Migration',
  'migrate-backup': 'Backup',
  'migrate-restore': 'Restore',
  'migrate-rollback': 'Roll back',
};

function pathOf(job: Job): string {
  const input = job.params.input as { path?: unknown } | undefined;
  return typeof input?.path === 'string' ? input.path : '';
}

/** The first line a step printed, or its error. */
function firstLine(s: Step): string {
  if (s.error) return `${s.errorCode ?? 'error'}: ${s.error}`;
  return (s.stdout ?? '').split('\n').find((l) => l.trim()) ?? '';
}

/**
 * A migration job followed live: its progress, then per host what it produced — assessments
 * with their readiness and report, migration runs with their state and actions, or the steps of
 * a backup, restore or roll back.
 */
export function MigrationJob({ id, onDone, onClose, onJob, onRetry }: { id: string; onDone: () => void; onClose?: () => void; onJob: (j: Job) => void; onRetry?: (r: MigrationRun) => void }) {
  const { can } = useSession();
  const { job, steps, error, setJob } = useJobStream(id);
  const final = useWhenJobEnds(id, job, onDone);
  const path = job ? pathOf(job) : '';
  return (
    <LiveJobPanel
      id={id}
      job={job}
      error={error}
      setJob={setJob}
      testId="migration-job"
      title={job ? `${JOB_TITLE[job.type] ?? job.type}${path ? ` for ${path}` : ''} on ${job.selector ?? ''}` : 'Migration job'}
      canCancel={can('job.cancel')}
      onClose={onClose}
    >
      {job?.type === 'migrate-assess' ? (
        <AssessResults jobId={id} steps={steps} final={final} />
      ) : job?.type === 'migrate-run' ? (
        <JobRuns jobId={id} final={final} onJob={onJob} onRetry={onRetry} />
      ) : job ? (
        <StepsTable job={job} steps={steps} />
      ) : null}
    </LiveJobPanel>
  );
}

interface AssessRow {
  step: Step;
  assessment?: MigrationAssessment;
}

/** One row per host: the probe's status, the readiness it found and the link to the report. */
function AssessResults({ jobId, steps, final }: { jobId: string; steps: Step[]; final: boolean }) {
  const list = useResource(() => migrationApi.assessments({ job: jobId, limit: 1000 }), [jobId]);
  const done = steps.filter((s) => s.status === 'ok').length;
  usePolling(() => void list.reload(), 2000, !final);
  useEffect(() => {
    if (final || done > 0) void list.reload();
  }, [final, done]); // each finished host has its report
  const { isOpen, toggle } = useToggleSet(false);
  const rows: AssessRow[] = steps.map((s) => ({ step: s, assessment: list.data?.find((a) => a.host === s.host) }));
  const columns: Column<AssessRow>[] = [
    { key: 'host', header: 'Host', render: (r) => <span className="strong">{r.step.host}</span> },
    { key: 'status', header: 'Probe', render: (r) => <StatusBadge status={r.step.status} title={r.step.error ?? undefined} /> },
    { key: 'readiness', header: 'Readiness', render: (r) => (r.assessment ? <ReadinessBadge readiness={r.assessment.readiness} /> : <span className="muted">—</span>) },
    { key: 'counts', header: 'Findings', render: (r) => (r.assessment ? <FindingCounts counts={r.assessment.counts} /> : r.step.error ? <span className="bad-text tune-clamp" title={firstLine(r.step)}>{firstLine(r.step)}</span> : <span className="muted">—</span>) },
    { key: 'dur', header: 'Took', className: 'num', render: (r) => duration(r.step.durationMs) },
    {
      key: 'actions',
      header: '',
      className: 'cell-action',
      render: (r) => (
        <span className="mig-row-actions">
          {r.assessment && (
            <Link to={`/migration/assessments/${encodeURIComponent(r.assessment.id)}`} className="btn btn-small btn-primary" data-testid={`report-${r.step.host}`}>
              Report
            </Link>
          )}
          <button type="button" className="btn btn-small" onClick={() => toggle(r.step.host)} aria-expanded={isOpen(r.step.host)}>
            {isOpen(r.step.host) ? 'Hide output' : 'Output'}
          </button>
        </span>
      ),
    },
  ];
  return (
    <>
      <ErrorBanner error={list.error} title="Could not load the assessments" />
      <DataTable
        testId="assess-results"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.step.host}
        rowClassName={(r) => (r.assessment?.readiness === 'blocked' || (r.step.status !== 'ok' && r.step.status !== 'pending' && r.step.status !== 'running') ? 'row-bad' : undefined)}
        detail={(r) => (isOpen(r.step.host) ? <StepOutput step={r.step} /> : null)}
        empty="No hosts matched the selector."
      />
    </>
  );
}

/** The job's runs, polled every 2 s while the job or any run is still moving. */
function JobRuns({ jobId, final, onJob, onRetry }: { jobId: string; final: boolean; onJob: (j: Job) => void; onRetry?: (r: MigrationRun) => void }) {
  const runs = useResource(() => migrationApi.runs({ job: jobId }), [jobId]);
  const active = !final || (runs.data ?? []).some(isActiveRun);
  usePolling(() => void runs.reload(), 2000, active);
  useEffect(() => {
    if (final) void runs.reload();
  }, [final]);
  return (
    <>
      <ErrorBanner error={runs.error} title="Could not load the runs" />
      {runs.data ? (
        <RunTable testId="job-runs" runs={runs.data} onJob={onJob} onRetry={onRetry} empty={final ? 'No runs: no host was started.' : 'Starting…'} />
      ) : (
        <Loading what="runs" />
      )}
    </>
  );
}

/** Backup, restore and roll back jobs: the steps as they are, with their output. */
function StepsTable({ job, steps }: { job: Job; steps: Step[] }) {
  const { isOpen, toggle } = useToggleSet(steps.length === 1);
  const runIds = (job.params.runs ?? {}) as Record<string, string>;
  const columns: Column<Step>[] = [
    {
      key: 'host',
      header: 'Host',
      render: (s) =>
        runIds[s.host] ? (
          <Link to={`/migration/runs/${encodeURIComponent(runIds[s.host]!)}`} className="strong">
            {s.host}
          </Link>
        ) : (
          <span className="strong">{s.host}</span>
        ),
    },
    { key: 'status', header: 'Status', render: (s) => <StatusBadge status={s.status} title={s.error ?? undefined} /> },
    { key: 'dur', header: 'Took', className: 'num', render: (s) => duration(s.durationMs) },
    { key: 'summary', header: 'Summary', className: 'mig-message', render: (s) => <span className={`tune-clamp ${s.error ? 'bad-text' : ''}`} title={firstLine(s)}>{firstLine(s)}</span> },
    {
      key: 'toggle',
      header: '',
      className: 'cell-action',
      render: (s) => (
        <button type="button" className="btn btn-small" onClick={() => toggle(s.host)} aria-expanded={isOpen(s.host)}>
          {isOpen(s.host) ? 'Hide output' : 'Output'}
        </button>
      ),
    },
  ];
  return <DataTable testId="job-steps" columns={columns} rows={steps} rowKey={(s) => s.host} rowClassName={(s) => (s.status === 'ok' || s.status === 'pending' || s.status === 'running' ? undefined : 'row-bad')} detail={(s) => (isOpen(s.host) ? <StepOutput step={s} /> : null)} empty="No hosts." />;
}
