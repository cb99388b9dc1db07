import { useState } from 'react';
import { api } from '../../api';
import type { Job } from '../../api-types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useSession } from '../../session';

type Action = 'check' | 'dry-run' | 'apply' | 'revert';

/**
 * The tuning buttons for one selector and profile: Check and Dry run (read-only, tune.check),
 * Apply and Revert last (they change hosts: tune.apply, asked inline first). Each starts a job.
 */
export function TuneActions({ selector, profile, onStarted, showRevert = true }: { selector: string; profile: string; onStarted: (job: Job) => void; showRevert?: boolean }) {
  const { can } = useSession();
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const sel = selector.trim();
  const missing = !sel;

  async function start(action: Action) {
    setBusy(action);
    setError(undefined);
    try {
      const job =
        action === 'check'
          ? await api.tuneCheck({ selector: sel, profile })
          : action === 'revert'
            ? await api.tuneRevert({ selector: sel })
            : await api.tuneApply({ selector: sel, profile, dryRun: action === 'dry-run' });
      onStarted(job);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="stack tune-actions">
      <div className="form-actions">
        {can('tune.check') && (
          <>
            <button type="button" className="btn btn-primary" disabled={missing || busy !== null} onClick={() => void start('check')} title="Read-only: check every rule of the profile">
              {busy === 'check' ? 'Starting…' : 'Check'}
            </button>
            <button type="button" className="btn" disabled={missing || busy !== null} onClick={() => void start('dry-run')} title="Read-only: show the exact changes Apply would make">
              {busy === 'dry-run' ? 'Starting…' : 'Dry run'}
            </button>
          </>
        )}
        {can('tune.apply') && (
          <>
            <ConfirmButton
              label="Apply…"
              className="btn btn-warning"
              question={`Change ${sel || 'the hosts'} to match ${profile}?`}
              confirmLabel="Yes, apply"
              disabled={missing || (busy !== null && busy !== 'apply')}
              busy={busy === 'apply'}
              onConfirm={() => start('apply')}
            />
            {showRevert && (
              <ConfirmButton
                label="Revert last…"
                question={`Put back the latest applied run on every host of ${sel || '…'}?`}
                confirmLabel="Yes, revert"
                disabled={missing || (busy !== null && busy !== 'revert')}
                busy={busy === 'revert'}
                onConfirm={() => start('revert')}
              />
            )}
          </>
        )}
      </div>
      <span className="hint">
        Check and Dry run change nothing. {can('tune.apply') ? 'Apply changes each host in one all-or-nothing transaction; Revert last puts back exactly what the latest apply changed.' : 'Applying and reverting need the operator or admin role.'}
      </span>
      <ErrorBanner error={error} title="Not started" onDismiss={() => setError(undefined)} />
    </div>
  );
}
