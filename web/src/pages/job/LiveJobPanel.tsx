import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { JOB_FINAL, type Job } from '../../api-types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { jobProgress } from '../../components/JobCounts';
import { Loading, Panel } from '../../components/PageHeader';
import { ProgressBar } from '../../components/ProgressBar';
import { StatusBadge } from '../../components/StatusBadge';

/** Cancelling a job from the console: the request, its progress and its error. */
export function useCancelJob(id: string, setJob: (j: Job) => void) {
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>(undefined);
  async function cancel() {
    setCancelling(true);
    setCancelError(undefined);
    try {
      setJob(await api.cancelJob(id));
    } catch (err) {
      setCancelError(err);
    } finally {
      setCancelling(false);
    }
  }
  return { cancel, cancelling, cancelError, clearCancelError: () => setCancelError(undefined) };
}

/** Calls `onDone` once when the job reaches a final state (the page reloads what the job changed). */
export function useWhenJobEnds(id: string, job: Job | undefined, onDone: () => void): boolean {
  const final = !!job && JOB_FINAL.includes(job.status);
  const notified = useRef<string | null>(null);
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;
  useEffect(() => {
    if (final && notified.current !== id) {
      notified.current = id;
      onDoneRef.current();
    }
  }, [final, id]);
  return final;
}

/**
 * A job followed live inside a page: title, status, cancel (when allowed), a link to the job page,
 * close once it is over, the hosts-done bar and the job's own error; the caller renders the rest.
 */
export function LiveJobPanel({ id, job, error, setJob, title, testId, canCancel, onClose, children }: {
  id: string;
  job: Job | undefined;
  error: unknown;
  setJob: (j: Job) => void;
  title: string;
  testId: string;
  canCancel: boolean;
  onClose?: () => void;
  children: ReactNode;
}) {
  const { cancel, cancelling, cancelError, clearCancelError } = useCancelJob(id, setJob);
  const final = !!job && JOB_FINAL.includes(job.status);
  const p = job ? jobProgress(job) : null;
  return (
    <section data-testid={testId} data-job={id} data-type={job?.type ?? ''} data-status={job?.status ?? 'loading'}>
      <Panel
        title={title}
        actions={
          <>
            {job && <StatusBadge status={job.status} />}
            {job && !final && canCancel && (
              <button type="button" className="btn btn-small" onClick={() => void cancel()} disabled={cancelling || job.cancelRequested}>
                {job.cancelRequested ? 'Cancelling…' : 'Cancel job'}
              </button>
            )}
            <Link to={`/jobs/${encodeURIComponent(id)}`} className="btn btn-small">
              job details
            </Link>
            {onClose && final && (
              <button type="button" className="btn btn-small" onClick={onClose}>
                Close
              </button>
            )}
          </>
        }
      >
        <ErrorBanner error={error} />
        <ErrorBanner error={cancelError} title="Not cancelled" onDismiss={clearCancelError} />
        {!job && !error && <Loading what="job" />}
        {job && p && (
          <div className="stack">
            <ProgressBar total={job.total} ok={p.ok} bad={p.bad} stopped={p.stopped} label="hosts done" />
            {job.error && (
              <div className="banner banner-error">
                <strong>Job error:</strong> {job.error}
              </div>
            )}
            {children}
          </div>
        )}
      </Panel>
    </section>
  );
}
