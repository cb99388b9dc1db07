import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../api';
import type { Job, MigrationRun, MigrationRunRequest } from '../../api-types';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { useSession } from '../../session';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';
import { BackupsPanel } from './BackupsPanel';
import { FleetReadiness } from './FleetReadiness';
import { type FormMode, type FormPatch, MigrationForm } from './MigrationForm';
import { MigrationJob } from './MigrationJob';
import { RunTable } from './RunTable';
import { migrationApi } from './migration-api';
import { isActiveRun } from './migration-ui';

const RECENT_RUNS = 30;

function scrollTo(id: string) {
  // after React has drawn the panel
  setTimeout(() => document.getElementById(id)?.scrollIntoView({ block: 'start', behavior: 'smooth' }), 50);
}

/** The way through a migration, in one line, for someone who has not done one with osdeck. */
function HowItWorks() {
  return (
    <ol className="mig-how" aria-label="How a migration goes">
      <li>
        <strong>Assess</strong> <span className="muted">read-only: the host and the target repositories</span>
      </li>
      <li>
        <strong>Fix</strong> <span className="muted">the inhibitors (or override ones that do not apply)</span>
      </li>
      <li>
        <strong>Migrate</strong> <span className="muted">precheck, verified backup, then repos → release → test ┃ sync → kernel → verify</span>
      </li>
      <li>
        <strong>Review</strong> <span className="muted">the before/after diff; roll back from the backup if needed</span>
      </li>
    </ol>
  );
}

/**
 * OS migration: where every host stands (readiness per path, latest run), assess and migrate
 * forms with the job followed live, recent runs with resume / roll back, and the backups.
 */
export function MigrationPage() {
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const paths = useResource(() => migrationApi.paths(), []);
  const fleet = useResource(() => migrationApi.fleet(), []);
  const hosts = useResource(() => api.hosts(), []);
  const recent = useResource(() => migrationApi.runs({ limit: RECENT_RUNS }), []);
  const backups = useResource(() => migrationApi.backups(), []);
  const [patch, setPatch] = useState<FormPatch | null>(null);
  const [retryError, setRetryError] = useState<unknown>(undefined);
  const mayAssess = can('migrate.assess');
  const mayRun = can('migrate.run');
  const jobId = search.get('job');
  const mode: FormMode = (search.get('mode') === 'migrate' && mayRun) || !mayAssess ? 'migrate' : 'assess';
  const [initial] = useState<Partial<MigrationRunRequest>>(() => ({ selector: search.get('selector') ?? 'all', ...(search.get('path') && { path: search.get('path')! }) }));

  const anyActive = (fleet.data ?? []).some((r) => r.run && isActiveRun(r.run)) || (recent.data ?? []).some(isActiveRun);
  usePolling(
    () => {
      void fleet.reload();
      void recent.reload();
    },
    3000,
    anyActive,
  );

  function setParam(changes: Record<string, string | null>) {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setSearch(next, { replace: true });
  }

  function followJob(job: Job) {
    setParam({ job: job.id });
    scrollTo('migration-job');
  }

  function pick(values: Partial<MigrationRunRequest>, m: FormMode, replace = false) {
    setPatch((p) => ({ nonce: (p?.nonce ?? 0) + 1, values, replace }));
    setParam({ mode: m === 'migrate' ? 'migrate' : null });
    scrollTo('migration-form');
  }

  /** Fills the Migrate form with a run's host, path and options (a run that cannot be resumed is started again). */
  async function retry(runId: string) {
    setRetryError(undefined);
    try {
      const d = await migrationApi.runDetail(runId);
      pick({ ...(d.options ?? {}), selector: d.host, path: d.path, ...(d.root !== '/' && { root: d.root }) }, 'migrate', true);
    } catch (err) {
      setRetryError(err);
    }
  }

  // a link from a run's page (?from=RUN) fills the form from that run
  const from = search.get('from');
  useEffect(() => {
    if (!from || !mayRun) return;
    setParam({ from: null });
    void retry(from);
  }, [from]);

  function jobDone() {
    void fleet.reload();
    void recent.reload();
    void backups.reload();
  }

  return (
    <div className="stack mig-page">
      <PageHeader title="Migration" subtitle="Move hosts to another distribution in place (CentOS → Anolis, Rocky, Alma): assess, migrate step by step with a verified backup first, roll back." />
      <HowItWorks />
      <ErrorBanner error={paths.error} title="Could not load the migration paths" />
      {paths.data && paths.data.problems.length > 0 && (
        <Notice kind="warning">
          <strong>Some migration path files were not loaded:</strong>
          <ul className="mig-problems">
            {paths.data.problems.map((p) => (
              <li key={p} className="mono small">
                {p}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {mayAssess || mayRun ? (
        <section id="migration-form">
          <Panel title={mode === 'assess' ? 'Assess hosts' : 'Migrate hosts'} className="form-panel mig-form-panel">
            {paths.data ? (
              <MigrationForm
                mode={mode}
                onMode={(m) => setParam({ mode: m === 'migrate' ? 'migrate' : null })}
                paths={paths.data.paths}
                fleet={fleet.data}
                hosts={hosts.data}
                initial={initial}
                patch={patch}
                onStarted={followJob}
              />
            ) : (
              !paths.error && <Loading what="migration paths" />
            )}
          </Panel>
        </section>
      ) : (
        <Notice>You can read every assessment, run and backup here; assessing and migrating need the operator or admin role.</Notice>
      )}
      <div id="migration-job">
        {jobId && <MigrationJob key={jobId} id={jobId} onDone={jobDone} onClose={() => setParam({ job: null })} onJob={followJob} onRetry={(r: MigrationRun) => void retry(r.id)} />}
      </div>
      <ErrorBanner error={retryError} title="Could not read the run" onDismiss={() => setRetryError(undefined)} />
      <Panel
        title="Fleet readiness"
        actions={
          <button type="button" className="btn btn-small" onClick={() => void fleet.reload()} disabled={fleet.loading}>
            Reload
          </button>
        }
      >
        <ErrorBanner error={fleet.error} title="Could not load the fleet" />
        {fleet.data ? (
          <FleetReadiness fleet={fleet.data} hosts={hosts.data} paths={paths.data?.paths ?? []} onPick={(host, m, path) => pick({ selector: host, ...(path && { path }) }, m)} />
        ) : (
          !fleet.error && <Loading what="hosts" />
        )}
      </Panel>
      <Panel
        title="Recent runs"
        actions={
          <button type="button" className="btn btn-small" onClick={() => void recent.reload()} disabled={recent.loading}>
            Reload
          </button>
        }
      >
        <ErrorBanner error={recent.error} title="Could not load the runs" />
        <RunTable testId="recent-runs" runs={recent.data ?? []} onJob={followJob} onRetry={(r) => void retry(r.id)} showPath empty={recent.loading ? 'Loading…' : 'No migration has run yet.'} />
      </Panel>
      <BackupsPanel backups={backups} onJob={followJob} />
    </div>
  );
}
