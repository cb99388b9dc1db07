import { type ReactNode, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, api } from '../../api';
import type { Job, TuneCell, TuneRun } from '../../api-types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { type Column, DataTable } from '../../components/DataTable';
import { ErrorBanner } from '../../components/ErrorBanner';
import { HostTabs } from '../../components/HostTabs';
import { KeyValues } from '../../components/KeyValues';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { ago, dateTime, shortId } from '../../format';
import { useSession } from '../../session';
import { useResource } from '../../use-resource';
import { TuneActions } from '../tuning/TuneActions';
import { TuneJobProgress } from '../tuning/TuneJobProgress';
import { DiffView, ProfileSelect, RunStatusBadge, STATUS_ORDER, TuneStatusBadge, isManual, sortProfiles } from '../tuning/tune-ui';

interface ResultRow {
  rule: string;
  title: string;
  category: string;
  cell: TuneCell;
}

const RUNS = 50;

/** One host's tuning: its latest result per rule, its runs (dry runs, applies, reverts) with their diffs. */
export function HostTuningPage() {
  const { name = '' } = useParams();
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const host = useResource(() => api.host(name), [name]);
  const matrix = useResource(() => api.tuneMatrix(name), [name]);
  const runs = useResource(() => api.tuneRuns({ host: name, limit: RUNS }), [name]);
  const profiles = useResource(() => api.tuneProfiles(), []);
  const rules = useResource(() => api.tuneRules(), []);
  const [profile, setProfile] = useState('baseline');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const [openRuns, setOpenRuns] = useState<Set<string>>(new Set());
  const [openResults, setOpenResults] = useState<Set<string>>(new Set());
  const [reverting, setReverting] = useState<string | null>(null);
  const [revertError, setRevertError] = useState<unknown>(undefined);
  const jobId = search.get('job');
  const profileList = sortProfiles(profiles.data ?? []);
  const chosen = profileList.find((p) => p.name === profile);

  const results = useMemo<ResultRow[]>(() => {
    const m = matrix.data;
    const h = m?.hosts.find((x) => x.host === name);
    if (!m || !h) return [];
    return m.rules
      .filter((r) => h.results[r.id])
      .map((r) => ({ rule: r.id, title: r.title, category: r.category, cell: h.results[r.id]! }))
      .sort((a, b) => (STATUS_ORDER[a.cell.status] ?? 9) - (STATUS_ORDER[b.cell.status] ?? 9));
  }, [matrix.data, name]);
  const shown = problemsOnly ? results.filter((r) => r.cell.status === 'fail' || r.cell.status === 'error') : results;
  const remediation = (id: string) => rules.data?.find((r) => r.id === id)?.remediation;

  // the apply a "revert last" would put back: the newest applied, not yet reverted
  const revertible = (runs.data ?? []).find((r) => r.action === 'apply' && r.status === 'applied' && !r.revertedBy);

  function setJob(id: string | null) {
    const next = new URLSearchParams(search);
    if (id) next.set('job', id);
    else next.delete('job');
    setSearch(next, { replace: true });
  }

  async function revert(run: TuneRun) {
    setReverting(run.id);
    setRevertError(undefined);
    try {
      setJob((await api.tuneRevert({ runId: run.id })).id);
    } catch (err) {
      setRevertError(err);
    } finally {
      setReverting(null);
    }
  }

  const toggle = (set: (f: (s: Set<string>) => Set<string>) => void, id: string) =>
    set((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const toggleRun = (id: string) => toggle(setOpenRuns, id);

  const resultColumns: Column<ResultRow>[] = [
    {
      key: 'rule',
      header: 'Rule',
      className: 'tune-result-rule',
      render: (r) => (
        <>
          <button type="button" className="tune-link mono strong" onClick={() => toggle(setOpenResults, r.rule)} aria-expanded={openResults.has(r.rule)} title="show the whole result">
            {openResults.has(r.rule) ? '▾' : '▸'} {r.rule}
          </button>
          <div className="small muted">{r.title}</div>
        </>
      ),
    },
    { key: 'status', header: 'Status', render: (r) => <TuneStatusBadge status={r.cell.status} /> },
    { key: 'current', header: 'Current', className: 'tune-long', render: (r) => <span className="mono tune-clamp" title={r.cell.current}>{r.cell.current}</span> },
    { key: 'expected', header: 'Expected', className: 'tune-expected', render: (r) => <span className="mono tune-clamp" title={r.cell.expected}>{r.cell.expected}</span> },
    { key: 'detail', header: 'Detail', className: 'tune-long', render: (r) => (r.cell.detail ? <span className="tune-clamp" title={r.cell.detail}>{r.cell.detail}</span> : <span className="muted">—</span>) },
    {
      key: 'fix',
      header: 'Fix',
      render: (r) =>
        r.cell.status === 'pass' || r.cell.status === 'n/a' ? (
          <span className="muted">—</span>
        ) : isManual(r.cell) ? (
          <span className="badge badge-muted" title={remediation(r.rule) ?? 'fix it by hand'}>
            manual
          </span>
        ) : (
          <span className="badge badge-ok">automatic</span>
        ),
    },
    { key: 'checked', header: 'Checked', render: (r) => <span className="nowrap" title={dateTime(r.cell.checkedAt)}>{ago(r.cell.checkedAt)}</span> },
  ];

  const runColumns: Column<TuneRun>[] = [
    { key: 'when', header: 'When', render: (r) => <span className="nowrap" title={dateTime(r.createdAt)}>{ago(r.createdAt)}</span> },
    { key: 'action', header: 'Action', render: (r) => <span className="mono strong">{r.action}</span> },
    { key: 'profile', header: 'Profile', render: (r) => (r.profile ? <span className="mono">{r.profile}</span> : <span className="muted">{r.rules.length} rules</span>) },
    { key: 'status', header: 'Status', render: (r) => <RunStatusBadge status={r.status} reverted={!!r.revertedBy} /> },
    {
      key: 'message',
      header: 'Message',
      className: 'tune-long',
      render: (r) => {
        const text = r.message ?? (r.revertsRun ? `reverts run ${shortId(r.revertsRun)}` : r.status === 'nothing' ? 'nothing to change' : '');
        return text ? <span className="tune-clamp" title={text}>{text}</span> : <span className="muted">—</span>;
      },
    },
    { key: 'by', header: 'By', render: (r) => <span className="nowrap">{r.createdBy}</span> },
    {
      key: 'actions',
      header: '',
      className: 'cell-action',
      render: (r) => (
        <span className="nowrap tune-row-actions">
          {r.jobId && (
            <Link to={`/jobs/${encodeURIComponent(r.jobId)}`} className="btn btn-small">
              job
            </Link>
          )}
          <button type="button" className="btn btn-small" onClick={() => toggleRun(r.id)} aria-expanded={openRuns.has(r.id)}>
            {openRuns.has(r.id) ? 'Hide diff' : 'Show diff'}
          </button>
          {can('tune.apply') && revertible?.id === r.id && (
            <ConfirmButton
              label="Revert"
              className="btn btn-small btn-danger"
              question={`Put back everything this run changed on ${name}?`}
              confirmLabel="Yes, revert"
              busy={reverting === r.id}
              onConfirm={() => revert(r)}
            />
          )}
        </span>
      ),
    },
  ];

  const crumbs = (
    <>
      <Link to="/hosts">Hosts</Link> / <Link to={`/hosts/${encodeURIComponent(name)}`}>{name}</Link> /
    </>
  );

  if (host.error instanceof ApiError && host.error.status === 404) {
    return (
      <>
        <PageHeader title={`${name} tuning`} crumbs={crumbs} />
        <ErrorBanner error={host.error} />
      </>
    );
  }

  return (
    <>
      <PageHeader
        crumbs={crumbs}
        title={
          <>
            {name} <span className="title-suffix">tuning</span>
          </>
        }
        subtitle={host.data?.facts?.osPretty ?? undefined}
        actions={
          <Link to={`/tuning?selector=${encodeURIComponent(name)}`} className="btn">
            Tuning overview
          </Link>
        }
      />
      <HostTabs host={name} />
      <ErrorBanner error={host.error} title="Could not load the host" />
      <Panel title="Check or fix this host" className="form-panel">
        <div className="stack">
          <label className="field tune-profile-field">
            <span>Profile</span>
            <ProfileSelect profiles={profileList} value={profile} onChange={setProfile} />
            {chosen && <span className="hint">{chosen.description}</span>}
          </label>
          <TuneActions selector={name} profile={profile} onStarted={(job: Job) => setJob(job.id)} showRevert={false} />
        </div>
      </Panel>
      {jobId && (
        <TuneJobProgress
          key={jobId}
          id={jobId}
          onDone={() => {
            void matrix.reload();
            void runs.reload();
          }}
          onClose={() => setJob(null)}
        />
      )}
      <Panel
        title="Results"
        actions={
          <label className="check">
            <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} /> only problems
          </label>
        }
      >
        <ErrorBanner error={matrix.error} title="Could not load the results" />
        {matrix.loading && !matrix.data ? (
          <Loading what="results" />
        ) : (
          <DataTable
            columns={resultColumns}
            rows={shown}
            rowKey={(r) => r.rule}
            rowClassName={(r) => (r.cell.status === 'fail' || r.cell.status === 'error' ? 'row-bad' : undefined)}
            testId="host-tune-results"
            detail={(r) => (openResults.has(r.rule) ? <ResultDetail row={r} remediation={remediation(r.rule)} /> : null)}
            empty={results.length ? 'No problems.' : 'Not checked yet: choose a profile and press Check.'}
          />
        )}
      </Panel>
      <Panel title="Runs">
        <ErrorBanner error={revertError} title="Revert not started" onDismiss={() => setRevertError(undefined)} />
        <ErrorBanner error={runs.error} title="Could not load the runs" />
        <DataTable
          columns={runColumns}
          rows={runs.data ?? []}
          rowKey={(r) => r.id}
          testId="host-tune-runs"
          detail={(r) => (openRuns.has(r.id) ? <RunDiff id={r.id} /> : null)}
          empty={runs.loading ? 'Loading…' : 'No dry runs, applies or reverts on this host yet.'}
        />
      </Panel>
    </>
  );
}

/** The whole result of one rule, with how to fix it by hand when osdeck does not. */
function ResultDetail({ row, remediation }: { row: ResultRow; remediation?: string }) {
  const c = row.cell;
  return (
    <KeyValues
      items={[
        ['Current', <span className="mono">{c.current}</span>],
        ['Expected', <span className="mono">{c.expected}</span>],
        ['Detail', c.detail],
        ...(remediation && c.status !== 'pass' && c.status !== 'n/a' ? ([['Remediation', <span className="mono">{remediation}</span>]] as [string, ReactNode][]) : []),
        ['Checked', dateTime(c.checkedAt)],
      ]}
    />
  );
}

/** One run's plan as a diff, loaded when opened. */
function RunDiff({ id }: { id: string }) {
  const run = useResource(() => api.tuneRun(id), [id]);
  if (run.error) return <ErrorBanner error={run.error} title="Could not load the run" />;
  if (!run.data) return <Loading what="diff" />;
  const r = run.data;
  return (
    <div className="stack tune-run-detail" data-testid={`run-${id}`}>
      {r.message && <div className={r.status === 'failed' || r.status === 'rolled-back' ? 'output-error' : 'muted'}>{r.message}</div>}
      {r.diff ? <DiffView text={r.diff} testId="run-diff" /> : <div className="muted">No changes: the host already matched.</div>}
      <div className="small muted">
        run <span className="mono">{r.id}</span> · rules {r.rules.join(', ')}
        {r.revertedBy && (
          <>
            {' '}
            · reverted by run <span className="mono">{shortId(r.revertedBy)}</span>
          </>
        )}
      </div>
    </div>
  );
}
