import { useState } from 'react';
import { Link } from 'react-router';
import { MIGRATION_STEPS, type Job, type MigrationRun, type MigrationStep } from '../../api-types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { shortId } from '../../format';
import { useSession } from '../../session';
import { migrationApi } from './migration-api';
import { canResume, canRetry, canRollback } from './migration-ui';

/** Resume from the last completed step: to the end, or only up to a chosen step (step by step). */
function ResumeButton({ run, onJob, onError }: { run: MigrationRun; onJob: (j: Job) => void; onError: (e: unknown) => void }) {
  const [asking, setAsking] = useState(false);
  const [until, setUntil] = useState<'' | MigrationStep>('');
  const [busy, setBusy] = useState(false);
  const at = run.step ? (MIGRATION_STEPS as readonly string[]).indexOf(run.step) : -1;
  // a paused or stopped run finished its step; a failed one does it again
  const from = run.state === 'paused' || run.state === 'stopped' ? at + 1 : Math.max(at, 0);
  const next = MIGRATION_STEPS.slice(from);
  if (!asking) {
    return (
      <button type="button" className="btn btn-small btn-primary" onClick={() => setAsking(true)}>
        Resume…
      </button>
    );
  }
  return (
    <span className="confirm mig-resume">
      <span className="confirm-q">Resume {run.host}{next[0] ? ` at ${next[0]}` : ''}:</span>
      <select value={until} onChange={(e) => setUntil(e.target.value as '' | MigrationStep)} aria-label="resume until">
        <option value="">to the end</option>
        {next.slice(0, -1).map((s) => (
          <option key={s} value={s}>
            pause after {s}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn-small btn-danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            onJob(await migrationApi.resume(run.id, until || undefined));
            setAsking(false);
          } catch (err) {
            onError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Starting…' : 'Yes, resume'}
      </button>
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/**
 * What can be done with one run, as far as its state and the user's role allow: details, resume,
 * roll back (from its verified backup), start again (a run that stopped before its backup),
 * the before/after diff and the monitoring comparison of a finished run.
 */
export function RunActions({ run, onJob, onRetry, details = true }: { run: MigrationRun; onJob: (j: Job) => void; onRetry?: (r: MigrationRun) => void; details?: boolean }) {
  const { can } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const mayRun = can('migrate.run');

  async function rollback() {
    setBusy(true);
    setError(undefined);
    try {
      onJob(await migrationApi.rollback([run.id]));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <span className="mig-row-actions">
        {details && (
          <Link to={`/migration/runs/${encodeURIComponent(run.id)}`} className="btn btn-small">
            Details
          </Link>
        )}
        {mayRun && canResume(run) && <ResumeButton run={run} onJob={onJob} onError={setError} />}
        {mayRun && onRetry && canRetry(run) && (
          <button type="button" className="btn btn-small" onClick={() => onRetry(run)} title="Fill the Migrate form with this run's host, path and options">
            Migrate again…
          </button>
        )}
        {mayRun && canRollback(run) && (
          <ConfirmButton
            label="Roll back…"
            className="btn btn-small btn-danger"
            question={`Restore ${run.host} from backup ${shortId(run.backupId!)}?${run.state === 'done' ? ' The migration is undone.' : ''}`}
            confirmLabel="Yes, roll back"
            busy={busy}
            onConfirm={rollback}
          />
        )}
        {run.state === 'done' && (
          <>
            <a className="btn btn-small" href={migrationApi.diffUrl(run.id, 'html')} target="_blank" rel="noreferrer" title="Packages, services, ports, mounts, sysctl, modules and boot entries before and after">
              Before/after
            </a>
            <Link className="btn btn-small" to={`/migration/runs/${encodeURIComponent(run.id)}?compare=1#comparison`} title="Monitoring: the hour before the run against the time since">
              Comparison
            </Link>
          </>
        )}
      </span>
      {error !== undefined && (
        <div className="mig-row-error">
          <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
        </div>
      )}
    </>
  );
}
