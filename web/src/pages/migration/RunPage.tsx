import { type ReactNode, useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api';
import { JOB_FINAL, MIGRATION_STEPS, type CompareReport, type Job, type MigrationRunDetail } from '../../api-types';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { KeyValues } from '../../components/KeyValues';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { SeverityBadge } from '../../components/SeverityBadge';
import { ago, dateTime, duration, between, shortId } from '../../format';
import { usePolling } from '../../use-polling';
import { useResource } from '../../use-resource';
import { RunActions } from './RunActions';
import { migrationApi } from './migration-api';
import { RunStateBadge, STEP_TEXT, isActiveRun, stepStates } from './migration-ui';

type PhaseState = 'done' | 'active' | 'failed' | 'undone' | 'pending';

/** The two phases osdeck runs itself before the agent: the precheck (an assessment) and the verified backup. */
function phases(r: MigrationRunDetail): { precheck: PhaseState; backup: PhaseState } {
  const started = r.assessmentId || r.backupId || r.step || !['queued', 'skipped', 'cancelled', 'failed'].includes(r.state);
  const precheck: PhaseState = r.state === 'prechecking' ? 'active' : r.state === 'blocked' ? 'failed' : started ? 'done' : r.state === 'failed' ? 'failed' : 'pending';
  const backup: PhaseState = r.state === 'backing-up' ? 'active' : r.backupId ? 'done' : r.state === 'failed' && r.assessmentId ? 'failed' : 'pending';
  return { precheck, backup };
}

const WORD: Record<PhaseState, string> = { done: 'done', active: 'running', failed: 'failed', undone: 'undone', pending: '' };

function TimelineItem({ name, state, children, id }: { name: string; state: PhaseState; children: ReactNode; id?: string }) {
  return (
    <li className={`mig-tl-item mig-${state}`} data-step={id ?? name} data-step-state={state}>
      <span className="mig-track-dot" aria-hidden />
      <span className="mig-tl-name">{name}</span>
      <span className="mig-tl-text muted">{children}</span>
      {WORD[state] && <span className="mig-tl-state">{WORD[state]}</span>}
    </li>
  );
}

/** The windows the server compares (GET /migrate/runs/:id/compare): the hour before the run, and since it finished. */
function compareLink(r: MigrationRunDetail): string {
  const start = Date.parse(r.createdAt);
  const end = r.finishedAt ? Date.parse(r.finishedAt) : Date.now();
  const q = new URLSearchParams({ selector: r.host, bf: String(start - 3_600_000), bt: String(start), af: String(end), at: String(Math.max(end + 60_000, Date.now())) });
  return `/reports/compare?${q.toString()}`;
}

function Comparison({ run, auto }: { run: MigrationRunDetail; auto: boolean }) {
  const [report, setReport] = useState<CompareReport | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  async function load() {
    setBusy(true);
    setError(undefined);
    try {
      setReport(await migrationApi.compare(run.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    if (auto) void load();
  }, [auto, run.id]);
  return (
    <Panel
      title="Monitoring: before against after"
      actions={
        <>
          <button type="button" className="btn btn-small" onClick={() => void load()} disabled={busy}>
            {busy ? 'Comparing…' : report ? 'Compare again' : 'Compare'}
          </button>
          <a className="btn btn-small" href={migrationApi.compareUrl(run.id)} target="_blank" rel="noreferrer">
            Open HTML
          </a>
          <Link className="btn btn-small" to={compareLink(run)}>
            Open in Compare
          </Link>
        </>
      }
    >
      <div className="stack" id="comparison">
        <span className="hint">The hour before the run started against the time since it finished, from osdeck's own monitoring.</span>
        <ErrorBanner error={error} title="No comparison" />
        {report && (
          <>
            <div className={`conclusion conclusion-${report.severity}`}>
              <SeverityBadge severity={report.severity} /> <strong>{report.conclusion}</strong>
            </div>
            {report.findings.length > 0 && (
              <ul className="findings">
                {report.findings.map((f, i) => (
                  <li key={i}>
                    <SeverityBadge severity={f.severity} /> {f.summary}
                    {f.detail && <div className="muted small">{f.detail}</div>}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </Panel>
  );
}

/** One host's migration run: where it stands step by step, what the agent said, the result and what can be done. */
export function RunPage() {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const run = useResource(() => migrationApi.runDetail(id), [id]);
  const [following, setFollowing] = useState<Job | null>(null);
  const r = run.data;
  const active = !!r && isActiveRun(r);

  usePolling(
    () => {
      void run.reload();
      if (following && !JOB_FINAL.includes(following.status)) {
        api.job(following.id).then(
          (j) => setFollowing(j),
          () => undefined,
        );
      }
    },
    2000,
    active || (!!following && !JOB_FINAL.includes(following.status)),
  );

  if (!r) {
    return (
      <div className="stack">
        <PageHeader title="Migration run" crumbs={<Link to="/migration">Migration</Link>} />
        <ErrorBanner error={run.error} title="Could not load the run" />
        {run.loading && <Loading what="run" />}
      </div>
    );
  }

  const ph = phases(r);
  const steps = stepStates(r);
  const o = r.options ?? {};
  const stateDir = `${r.root === '/' ? '' : r.root}/var/lib/osdeck/migrate/${r.id}`;
  const bad = ['failed', 'blocked', 'rollback-failed'].includes(r.state);

  return (
    <div className="stack mig-page" data-testid="run-detail" data-state={r.state}>
      <PageHeader
        crumbs={
          <>
            <Link to="/migration">Migration</Link> / <Link to={`/hosts/${encodeURIComponent(r.host)}`}>{r.host}</Link> /
          </>
        }
        title={
          <>
            {r.host} <span className="title-suffix">→ {r.path}</span> <RunStateBadge state={r.state} />
          </>
        }
        subtitle={`run ${shortId(r.id)} · started ${dateTime(r.createdAt)} by ${r.createdBy}${r.finishedAt ? ` · took ${duration(between(r.createdAt, r.finishedAt))}` : ` · updated ${ago(r.updatedAt)}`}`}
        actions={
          <>
            <RunActions run={r} details={false} onJob={setFollowing} onRetry={() => navigate(`/migration?from=${encodeURIComponent(r.id)}`)} />
            {r.state === 'done' && (
              <a className="btn btn-small" href={migrationApi.diffUrl(r.id, 'xlsx')} download>
                Diff XLSX
              </a>
            )}
          </>
        }
      />
      {following && (
        <Notice kind={JOB_FINAL.includes(following.status) ? (following.status === 'succeeded' ? 'success' : 'warning') : 'info'}>
          {following.type === 'migrate-rollback' ? 'Roll back' : 'Resume'} job <Link to={`/jobs/${encodeURIComponent(following.id)}`}>{shortId(following.id)}</Link>: {following.status}
        </Notice>
      )}
      <ErrorBanner error={run.error} title="Could not refresh the run" />
      {r.message && (
        <div className={`banner ${bad ? 'banner-error' : r.state === 'done' ? 'banner-success' : 'banner-info'}`} data-testid="run-message">
          <div className="banner-body">{r.message}</div>
        </div>
      )}
      <div className="grid-2 grid-job">
        <Panel title="Steps">
          <ol className="mig-timeline" aria-label="steps">
            <TimelineItem name="precheck" state={ph.precheck}>
              the full assessment again{r.assessmentId && (
                <>
                  {' · '}
                  <Link to={`/migration/assessments/${encodeURIComponent(r.assessmentId)}`}>report</Link>
                </>
              )}
            </TimelineItem>
            <TimelineItem name="backup" state={ph.backup}>
              root file system archived and verified{r.backupId ? ` · ${shortId(r.backupId)}` : ''}
            </TimelineItem>
            {MIGRATION_STEPS.map((s, i) => (
              <TimelineItem key={s} name={s} state={steps[i]!}>
                {STEP_TEXT[s]}
                {s === 'test' && (
                  <span className={`mig-tl-ponr ${r.ponr ? 'mig-ponr-passed' : ''}`}>
                    {r.ponr ? 'point of no return passed: undo now means restoring the backup' : 'point of no return next: until here every change is undone exactly'}
                  </span>
                )}
              </TimelineItem>
            ))}
          </ol>
        </Panel>
        <Panel title="Run">
          <KeyValues
            items={[
              ['Host', <Link to={`/hosts/${encodeURIComponent(r.host)}`}>{r.host}</Link>],
              ['Path', <span className="mono">{r.path}</span>],
              ['Root', <span className="mono">{r.root}</span>],
              ['Wave', r.wave === 0 ? '0 (first)' : String(r.wave)],
              ['Job', r.jobId ? <Link to={`/jobs/${encodeURIComponent(r.jobId)}`}>{shortId(r.jobId)}</Link> : null],
              ['Assessment', r.assessmentId ? <Link to={`/migration/assessments/${encodeURIComponent(r.assessmentId)}`}>{shortId(r.assessmentId)}</Link> : null],
              ['Backup', r.backupId ? <span className="mono">{r.backupId}</span> : null],
              ['Kernel', o.kernel],
              ['Mirror', o.mirror ? <span className="mono">{o.mirror}</span> : 'the path default'],
              ['Repositories', o.repos && Object.keys(o.repos).length ? <span className="mono small mig-pre-line">{Object.entries(o.repos).map(([k, v]) => `${k}=${v}`).join('\n')}</span> : null],
              ['On failure', o.onFailure ?? 'rollback'],
              ['Stop after', o.stopAfter ?? 'no (to the end)'],
              ['Overrides', o.overrides?.length ? <span className="mono small">{o.overrides.join(', ')}</span> : 'none'],
              ['Removes', o.remove?.length ? <span className="mono small">{o.remove.join(' ')}</span> : null],
              ['GPG checks', o.gpgcheck === false ? <span className="warn-text">off (audited)</span> : 'on'],
              ['Started', `${dateTime(r.createdAt)} by ${r.createdBy}`],
              ['Finished', r.finishedAt ? dateTime(r.finishedAt) : null],
            ]}
          />
        </Panel>
      </div>
      {r.result && (
        <Panel title="Result">
          <div className="stack" data-testid="run-result">
            {r.result.checked ? (
              <div>
                <strong>
                  {r.result.fromTarget.toLocaleString('en-US')} of {r.result.total.toLocaleString('en-US')}
                </strong>{' '}
                installed packages are exactly those of the target repositories.
              </div>
            ) : (
              <div className="warn-text">{r.result.total.toLocaleString('en-US')} packages installed; the target metadata could not be read, so none were compared.</div>
            )}
            {r.result.notFromTarget.length > 0 && (
              <details>
                <summary>{r.result.notFromTarget.length} not from the target (third-party or left behind)</summary>
                <pre className="output">{r.result.notFromTarget.join('\n')}</pre>
              </details>
            )}
            {r.result.tuneJob && (
              <div>
                Baseline tuning dry run: <Link to={`/jobs/${encodeURIComponent(r.result.tuneJob)}`}>job {shortId(r.result.tuneJob)}</Link>
              </div>
            )}
          </div>
        </Panel>
      )}
      <Panel title="Agent log">
        {r.log ? (
          <pre className="output" data-testid="agent-log">
            {r.log}
          </pre>
        ) : (
          <div className="muted">{r.state === 'done' ? 'The run is done; its log stays on the host.' : 'No log: the agent has not started on this host, or the host did not answer.'}</div>
        )}
        <div className="small muted mig-log-where">
          on the host: <span className="mono">{stateDir}/log</span>
        </div>
      </Panel>
      {r.state === 'done' && <Comparison run={r} auto={search.get('compare') === '1'} />}
    </div>
  );
}
