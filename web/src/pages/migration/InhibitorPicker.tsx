import { Link } from 'react-router';
import type { Host, MigrationFleetRow, MigrationPath } from '../../api-types';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useResource } from '../../use-resource';
import { findingsOf } from './assessment-data';
import { migrationApi } from './migration-api';
import { selectHosts } from './migration-ui';

/** How many reports are read for the picker; a larger selection shows the first ones' inhibitors. */
const MAX_REPORTS = 20;

interface Inhibitor {
  key: string;
  title: string;
  summary: string;
  hosts: string[];
}

/**
 * The inhibitors of the latest assessments (this path, this root) of the selected hosts, each
 * with an explicit checkbox: a checked one is overridden (and audited) when the precheck finds it
 * again. Nothing is preselected.
 */
export function InhibitorPicker(props: { selector: string; path: MigrationPath; root: string; fleet: MigrationFleetRow[] | undefined; hosts: Host[] | undefined; value: string[]; onChange: (keys: string[]) => void }) {
  const { selector, path, root, fleet, hosts, value, onChange } = props;
  const names = selectHosts(selector, hosts ?? []);
  const latest = names.map((h) => ({ host: h, a: fleet?.find((f) => f.host === h)?.assessments.find((a) => a.path === path.id && a.root === root) }));
  const notAssessed = latest.filter((x) => !x.a).map((x) => x.host);
  const blocked = latest.filter((x) => x.a && (x.a.counts.inhibitor ?? 0) > 0).slice(0, MAX_REPORTS);
  const ids = blocked.map((x) => `${x.host}=${x.a!.id}`).join(',');
  const reports = useResource(
    () => Promise.all(blocked.map(async (x) => ({ host: x.host, report: await migrationApi.assessment(x.a!.id) }))),
    [ids],
  );

  const inhibitors = new Map<string, Inhibitor>();
  for (const { host, report } of reports.data ?? []) {
    for (const f of findingsOf(report)) {
      if (f.severity !== 'inhibitor') continue;
      const i = inhibitors.get(f.key) ?? { key: f.key, title: f.title, summary: f.summary, hosts: [] };
      i.hosts.push(host);
      inhibitors.set(f.key, i);
    }
  }
  const list = [...inhibitors.values()];

  function toggle(key: string, on: boolean) {
    onChange(on ? [...new Set([...value, key])] : value.filter((k) => k !== key));
  }

  return (
    <fieldset className="field mig-overrides" data-testid="inhibitor-picker">
      <legend>Override inhibitors (only ones that do not apply)</legend>
      {names.length === 0 && <span className="hint">Name the hosts first: their latest assessments' inhibitors are listed here.</span>}
      <ErrorBanner error={reports.error} title="Could not read the assessments" />
      {ids && reports.loading && !reports.data && <span className="hint">Reading the latest assessments…</span>}
      {list.length > 0 && (
        <ul className="mig-override-list">
          {list.map((i) => (
            <li key={i.key}>
              <label className="check">
                <input type="checkbox" checked={value.includes(i.key)} onChange={(e) => toggle(i.key, e.target.checked)} data-key={i.key} />
                <span>
                  <strong>{i.title}</strong> <span className="mono small muted">{i.key}</span>
                  <span className="small muted">
                    {' '}
                    · {i.hosts.length === names.length && names.length > 1 ? 'every selected host' : i.hosts.join(', ')}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {names.length > 0 && !reports.loading && list.length === 0 && blocked.length === 0 && notAssessed.length < names.length && <span className="hint">No inhibitors in the latest assessments: nothing to override.</span>}
      {latest.filter((x) => x.a && (x.a.counts.inhibitor ?? 0) > 0).length > MAX_REPORTS && <span className="hint">Showing the inhibitors of the first {MAX_REPORTS} blocked hosts; add other keys below.</span>}
      {notAssessed.length > 0 && (
        <span className="hint">
          Not assessed for {path.id}
          {root !== '/' ? ` at ${root}` : ''} yet: {notAssessed.slice(0, 10).join(', ')}
          {notAssessed.length > 10 ? ` and ${notAssessed.length - 10} more` : ''}. The precheck assesses every host anyway; assess first to see and override its inhibitors.
        </span>
      )}
      {value.length > 0 && <span className="hint warn-text">{value.length} override{value.length === 1 ? '' : 's'}: recorded in the audit log with your name.</span>}
      {blocked.length > 0 && (
        <span className="hint">
          From:{' '}
          {blocked.slice(0, 5).map((x, n) => (
            <span key={x.host}>
              {n > 0 && ', '}
              <Link to={`/migration/assessments/${encodeURIComponent(x.a!.id)}`}>{x.host}'s report</Link>
            </span>
          ))}
          {blocked.length > 5 ? ', …' : ''}
        </span>
      )}
    </fieldset>
  );
}
