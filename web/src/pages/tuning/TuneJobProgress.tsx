import { Link } from 'react-router';
import type { Step } from '../../api-types';
import { type Column, DataTable } from '../../components/DataTable';
import { StatusBadge } from '../../components/StatusBadge';
import { duration } from '../../format';
import { useToggleSet } from '../../use-toggle-set';
import { LiveJobPanel, useWhenJobEnds } from '../job/LiveJobPanel';
import { useJobStream } from '../job/use-job-stream';
import { DiffView, tuneJobAction } from './tune-ui';

/** One line per host: the check's counts, what a dry run or apply changes, or the error. */
function summary(s: Step): string {
  if (s.error) return `${s.errorCode ?? 'error'}: ${s.error}`;
  const lines = (s.stdout ?? '').split('\n');
  const files = lines.filter((l) => l.startsWith('+++ ')).length;
  const values = lines.filter((l) => l.startsWith('~ ')).length;
  const manual = lines.filter((l) => l.startsWith('MANUAL ')).length;
  const counts = lines.find((l) => /^\d+ pass, /.test(l));
  const run = lines.find((l) => /^(run|revert) \S+/.test(l));
  let line: string;
  if (files || values) {
    line = [files && `${files} file${files === 1 ? '' : 's'}`, values && `${values} other change${values === 1 ? '' : 's'}`].filter(Boolean).join(', ');
    line += manual ? `; ${manual} to fix by hand` : '';
    if (counts) line += ` · after: ${counts}`;
  } else line = counts ?? lines.find((l) => l.trim()) ?? '';
  if (run && !line.startsWith(run)) line += ` · ${run}`;
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

/**
 * A tuning job followed live (the job event stream): progress, one row per host with its summary
 * or diff. `onDone` is called once when the job ends, so the page can reload the matrix and runs.
 */
export function TuneJobProgress({ id, onDone, onClose }: { id: string; onDone: () => void; onClose?: () => void }) {
  const { job, steps, error, setJob } = useJobStream(id);
  useWhenJobEnds(id, job, onDone);

  const { isOpen, toggle } = useToggleSet(steps.length === 1);

  const columns: Column<Step>[] = [
    { key: 'host', header: 'Host', render: (s) => <Link to={`/hosts/${encodeURIComponent(s.host)}/tuning`} className="strong">{s.host}</Link> },
    { key: 'status', header: 'Status', render: (s) => <StatusBadge status={s.status} title={s.error ?? undefined} /> },
    { key: 'dur', header: 'Duration', className: 'num', render: (s) => duration(s.durationMs) },
    { key: 'summary', header: 'Summary', className: 'cell-command tune-step-summary', render: (s) => <span className={`ellipsis ${s.error ? 'bad-text' : ''}`} title={summary(s)}>{summary(s)}</span> },
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

  return (
    <LiveJobPanel
      id={id}
      job={job}
      error={error}
      setJob={setJob}
      testId="tune-job"
      title={job ? `${tuneJobAction(job)}${typeof job.params.profile === 'string' ? ` ${job.params.profile}` : ''} on ${job.selector ?? ''}` : 'Tuning job'}
      canCancel={false}
      onClose={onClose}
    >
      <DataTable
        testId="tune-job-steps"
        columns={columns}
        rows={steps}
        rowKey={(s) => s.host}
        rowClassName={(s) => (s.status === 'ok' || s.status === 'pending' || s.status === 'running' ? undefined : 'row-bad')}
        detail={(s) => (isOpen(s.host) ? <TuneStepOutput step={s} /> : null)}
        empty="No hosts matched the selector."
      />
    </LiveJobPanel>
  );
}

/** A tuning step's output: its summary, or for a dry run / apply the diff, coloured. */
function TuneStepOutput({ step }: { step: Step }) {
  const empty = !step.stdout && !step.stderr && !step.error;
  return (
    <div className="step-output" data-testid={`tune-output-${step.host}`}>
      {step.error && (
        <div className="output-error">
          {step.errorCode && <span className="mono">{step.errorCode}: </span>}
          {step.error}
        </div>
      )}
      {step.stdout && <DiffView text={step.stdout} />}
      {step.stderr && <pre className="output output-err">{step.stderr}</pre>}
      {empty && <div className="muted small">{step.status === 'pending' || step.status === 'running' ? 'No output yet.' : 'No output.'}</div>}
    </div>
  );
}
