import { type FormEvent, useState } from 'react';
import type { Job, MigrationBackup } from '../../api-types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Panel } from '../../components/PageHeader';
import { ago, bytes, dateTime, shortId } from '../../format';
import { useSession } from '../../session';
import type { Resource } from '../../use-resource';
import { migrationApi } from './migration-api';

const TONE: Record<string, string> = { verified: 'ok', running: 'busy', failed: 'bad' };

/** Root file system backups (every migration takes one first); a verified one can be put back. */
export function BackupsPanel({ backups, onJob }: { backups: Resource<MigrationBackup[]>; onJob: (j: Job) => void }) {
  const { can } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [selector, setSelector] = useState('');
  const [text, setText] = useState('');
  const mayRun = can('migrate.run');

  async function act(key: string, call: () => Promise<Job>) {
    setBusy(key);
    setError(undefined);
    try {
      onJob(await call());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  function backUp(e: FormEvent) {
    e.preventDefault();
    if (selector.trim()) void act('backup', () => migrationApi.backup({ selector: selector.trim() }));
  }

  const rows = (backups.data ?? []).filter((b) => !text.trim() || b.host.toLowerCase().includes(text.trim().toLowerCase()));
  const columns: Column<MigrationBackup>[] = [
    { key: 'host', header: 'Host', render: (b) => <span className="strong">{b.host}</span> },
    { key: 'when', header: 'Taken', render: (b) => <span className="nowrap" title={`${dateTime(b.createdAt)} by ${b.createdBy}`}>{ago(b.createdAt)}</span> },
    {
      key: 'state',
      header: 'State',
      render: (b) => (
        <span className={`badge badge-${TONE[b.state] ?? 'muted'}`} data-state={b.state}>
          {b.state}
        </span>
      ),
    },
    { key: 'size', header: 'Size', className: 'num', render: (b) => <span title={b.files !== null ? `${b.files.toLocaleString('en-US')} entries` : undefined}>{bytes(b.bytes)}</span> },
    {
      key: 'where',
      header: 'Where',
      className: 'mig-message',
      render: (b) => (
        <>
          <span className="mono small tune-clamp" title={b.dir}>
            {b.dir}
          </span>
          {b.root !== '/' && <span className="small muted">root {b.root}</span>}
        </>
      ),
    },
    { key: 'sha', header: 'SHA-256', render: (b) => (b.sha256 ? <span className="mono small" title={b.sha256}>{b.sha256.slice(0, 12)}…</span> : <span className="muted">—</span>) },
    { key: 'message', header: 'Message', className: 'mig-message', render: (b) => (b.message ? <span className={`tune-clamp small ${b.state === 'failed' ? 'bad-text' : ''}`} title={b.message}>{b.message}</span> : <span className="muted">—</span>) },
    {
      key: 'actions',
      header: '',
      className: 'cell-action',
      render: (b) =>
        mayRun && b.state === 'verified' ? (
          <ConfirmButton
            label="Restore…"
            className="btn btn-small btn-danger"
            question={`Put ${b.host}${b.root !== '/' ? ` (${b.root})` : ''} back to backup ${shortId(b.id)} of ${dateTime(b.createdAt)}? Everything changed since is undone.`}
            confirmLabel="Yes, restore"
            busy={busy === b.id}
            disabled={busy !== null && busy !== b.id}
            onConfirm={() => act(b.id, () => migrationApi.restore(b.host, b.id))}
          />
        ) : null,
    },
  ];

  return (
    <Panel
      title="Backups"
      actions={
        <span className="mig-panel-tools">
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="filter hosts" aria-label="filter backups" className="mig-filter" />
          <button type="button" className="btn btn-small" onClick={() => void backups.reload()} disabled={backups.loading}>
            Reload
          </button>
        </span>
      }
    >
      <div className="stack">
        {mayRun && (
          <form className="mig-inline-form" onSubmit={backUp} aria-label="Back up">
            <input value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="hosts to back up now (selector)" list="migrate-hosts" aria-label="hosts to back up" autoComplete="off" />
            <button type="submit" className="btn btn-small" disabled={!selector.trim() || busy !== null}>
              {busy === 'backup' ? 'Starting…' : 'Back up'}
            </button>
            <span className="hint">Archives the root file system and verifies the archive. Every migration takes one by itself first.</span>
          </form>
        )}
        <ErrorBanner error={error} title="Not started" onDismiss={() => setError(undefined)} />
        <ErrorBanner error={backups.error} title="Could not load the backups" />
        <DataTable testId="migration-backups" columns={columns} rows={rows} rowKey={(b) => b.id} rowClassName={(b) => (b.state === 'failed' ? 'row-bad' : undefined)} empty={backups.loading ? 'Loading…' : 'No backups yet.'} />
      </div>
    </Panel>
  );
}
