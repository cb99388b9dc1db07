import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../api';
import type { Job, TuneProfile } from '../../api-types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { HostDatalist } from '../../components/HostDatalist';
import { Loading, PageHeader, Panel } from '../../components/PageHeader';
import { useResource } from '../../use-resource';
import { ComplianceMatrix } from './ComplianceMatrix';
import { ProfilesPanel } from './ProfilesPanel';
import { RulesCatalog } from './RulesCatalog';
import { TuneActions } from './TuneActions';
import { TuneJobProgress } from './TuneJobProgress';
import { sortProfiles } from './tune-ui';

/**
 * Post-migration tuning: pick a profile and hosts, check them (read-only), see the exact changes
 * (dry run), apply them or put the latest apply back; the compliance matrix shows every host's
 * latest result per rule.
 */
export function TuningPage() {
  const [search, setSearch] = useSearchParams();
  const profiles = useResource(() => api.tuneProfiles(), []);
  const rules = useResource(() => api.tuneRules(), []);
  const hostFilter = search.get('hosts') ?? '';
  const matrix = useResource(() => api.tuneMatrix(hostFilter || undefined), [hostFilter]);
  const [selector, setSelector] = useState(search.get('selector') ?? search.get('host') ?? '');
  const [filterText, setFilterText] = useState(hostFilter);
  const jobId = search.get('job');
  const list = sortProfiles(profiles.data ?? []);
  const profileName = search.get('profile') ?? 'baseline';
  const chosen = list.find((p) => p.name === profileName);

  function setParam(changes: Record<string, string | null>) {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    setSearch(next, { replace: true });
  }

  function started(job: Job) {
    setParam({ job: job.id, selector: selector.trim() });
  }

  function filter(e: FormEvent) {
    e.preventDefault();
    setParam({ hosts: filterText.trim() });
  }

  async function saved(p: TuneProfile) {
    await profiles.reload();
    setParam({ profile: p.name });
  }

  function deleted(name: string) {
    void profiles.reload();
    if (profileName === name) setParam({ profile: null });
  }

  return (
    <div className="stack">
      <PageHeader title="Tuning" subtitle="Baseline checks after a migration or on fresh hosts: check, see the exact diff, apply as one transaction per host, revert exactly." />
      <ErrorBanner error={profiles.error} title="Could not load the profiles" />
      <Panel title="Profile">
        {profiles.loading && !profiles.data && <Loading what="profiles" />}
        <div className="diag-cards tune-profile-cards" role="radiogroup" aria-label="profile">
          {list.map((p) => (
            <button
              key={p.name}
              type="button"
              role="radio"
              aria-checked={p.name === profileName}
              className={`diag-card ${p.name === profileName ? 'on' : ''}`}
              onClick={() => setParam({ profile: p.name })}
              data-testid={`profile-${p.name}`}
            >
              <span className="label-row">
                <strong className="mono">{p.name}</strong>
                {p.builtIn ? <span className="badge badge-muted">built in</span> : <span className="badge badge-busy">yours</span>}
              </span>
              <span className="muted tune-profile-text">{p.description || 'no description'}</span>
              <span className="small muted">
                {p.extends ? `extends ${p.extends}, ` : ''}
                {p.rules.length} {p.extends ? 'more ' : ''}rule{p.rules.length === 1 ? '' : 's'}
              </span>
            </button>
          ))}
        </div>
        {profiles.data && !profiles.loading && !chosen && <ErrorBanner error={new Error(`there is no profile named ${profileName}`)} />}
      </Panel>
      <Panel title={`Run ${chosen?.name ?? profileName}`} className="form-panel">
        <div className="stack">
          <label className="field">
            <span>Hosts (selector) *</span>
            <input name="selector" value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="web1, group:web, tag:env=prod, all" list="tune-hosts" autoComplete="off" />
            <HostDatalist id="tune-hosts" />
          </label>
          <TuneActions selector={selector} profile={chosen?.name ?? profileName} onStarted={started} />
        </div>
      </Panel>
      {jobId && (
        <TuneJobProgress
          key={jobId}
          id={jobId}
          onDone={() => {
            void matrix.reload();
          }}
          onClose={() => setParam({ job: null })}
        />
      )}
      <Panel
        title="Compliance"
        actions={
          <form onSubmit={filter} className="tune-filter" aria-label="filter hosts">
            <input type="search" value={filterText} onChange={(e) => setFilterText(e.target.value)} placeholder="all hosts (or a selector)" list="tune-hosts" aria-label="hosts shown" />
            <button type="submit" className="btn btn-small">
              Show
            </button>
            <button type="button" className="btn btn-small" onClick={() => void matrix.reload()} disabled={matrix.loading}>
              Reload
            </button>
          </form>
        }
      >
        <ErrorBanner error={matrix.error} title="Could not load the matrix" />
        {matrix.loading && !matrix.data && <Loading what="results" />}
        {matrix.data && <ComplianceMatrix matrix={matrix.data} catalog={rules.data} />}
      </Panel>
      <ErrorBanner error={rules.error} title="Could not load the rules" />
      {rules.data && <RulesCatalog rules={rules.data} profiles={list} />}
      {profiles.data && <ProfilesPanel profiles={list} onSaved={(p) => void saved(p)} onDeleted={deleted} />}
    </div>
  );
}
