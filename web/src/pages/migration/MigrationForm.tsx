import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { MIGRATION_STEPS, type Host, type Job, type MigrationAssessRequest, type MigrationFleetRow, type MigrationPath, type MigrationRunRequest, type MigrationStep } from '../../api-types';
import { ErrorBanner, Notice } from '../../components/ErrorBanner';
import { HostDatalist } from '../../components/HostDatalist';
import { useSession } from '../../session';
import { InhibitorPicker } from './InhibitorPicker';
import { migrationApi } from './migration-api';
import { STEP_TEXT, selectHosts } from './migration-ui';

export type FormMode = 'assess' | 'migrate';

/** Values put into the form from outside (a fleet row, a run to start again); `replace` resets every other field. */
export interface FormPatch {
  nonce: number;
  values: Partial<MigrationRunRequest>;
  replace: boolean;
}

interface FormState {
  selector: string;
  path: string;
  mirror: string;
  repos: Record<string, string>;
  kernel: string;
  skipGpg: boolean;
  root: string;
  backupDir: string;
  concurrency: string;
  overrides: string[];
  extraOverrides: string;
  remove: string;
  onFailure: 'rollback' | 'stop';
  stopAfter: '' | MigrationStep;
  canary: string;
  waveSize: string;
  maxFailurePct: string;
  tune: boolean;
}

const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);
const intOf = (s: string) => (s.trim() === '' ? undefined : Number(s));

function initialState(init: Partial<MigrationRunRequest>): FormState {
  return {
    selector: init.selector ?? 'all',
    path: init.path ?? '',
    mirror: init.mirror ?? '',
    repos: { ...(init.repos ?? {}) },
    kernel: init.kernel ?? '',
    skipGpg: init.gpgcheck === false,
    root: init.root ?? '',
    backupDir: init.backupDir ?? '',
    concurrency: init.concurrency ? String(init.concurrency) : '',
    overrides: init.overrides ?? [],
    extraOverrides: '',
    remove: (init.remove ?? []).join(' '),
    onFailure: init.onFailure ?? 'rollback',
    stopAfter: init.stopAfter ?? '',
    canary: init.canary !== undefined ? String(init.canary) : '',
    waveSize: init.waveSize !== undefined ? String(init.waveSize) : '',
    maxFailurePct: init.maxFailureRate !== undefined ? String(Math.round(init.maxFailureRate * 100)) : '',
    tune: init.tune ?? false,
  };
}

/** The repositories a run uses: the target's, plus the chosen kernel's own. */
export function reposOf(path: MigrationPath | undefined, kernel: string) {
  if (!path) return [];
  const k = path.kernel.choices[kernel || path.kernel.default];
  return [...path.target.repos, ...(k?.repo ? [k.repo] : [])];
}

/** Checks what the browser can check; the server checks everything again. */
function problemsOf(s: FormState, mode: FormMode): Record<string, string> {
  const p: Record<string, string> = {};
  if (!s.selector.trim()) p.selector = 'name the hosts (a host, group:G, tag:k=v or all)';
  if (!s.path) p.path = 'choose a migration path';
  if (s.root.trim() && (!s.root.trim().startsWith('/') || s.root.trim() === '/')) p.root = 'an absolute path other than /';
  if (mode === 'migrate') {
    const c = intOf(s.canary);
    if (c !== undefined && !(Number.isInteger(c) && c >= 0)) p.canary = 'a whole number ≥ 0';
    const w = intOf(s.waveSize);
    if (w !== undefined && !(Number.isInteger(w) && w >= 1)) p.waveSize = 'a whole number ≥ 1';
    const r = intOf(s.maxFailurePct);
    if (r !== undefined && !(r >= 0 && r <= 100)) p.maxFailurePct = '0 to 100';
  }
  return p;
}

function requestOf(s: FormState, mode: FormMode, path: MigrationPath | undefined): MigrationRunRequest {
  const r: MigrationAssessRequest & MigrationRunRequest = { selector: s.selector.trim(), path: s.path };
  if (s.root.trim()) r.root = s.root.trim();
  if (s.mirror.trim()) r.mirror = s.mirror.trim();
  const ids = reposOf(path, s.kernel).map((x) => x.id);
  const repos = Object.fromEntries(Object.entries(s.repos).filter(([id, url]) => ids.includes(id) && url.trim() !== '').map(([id, url]) => [id, url.trim()]));
  if (Object.keys(repos).length > 0) r.repos = repos;
  if (s.kernel) r.kernel = s.kernel;
  if (s.skipGpg) r.gpgcheck = false;
  if (s.concurrency.trim()) r.concurrency = Number(s.concurrency);
  if (mode === 'assess') return r;
  if (s.backupDir.trim()) r.backupDir = s.backupDir.trim();
  const overrides = [...new Set([...s.overrides, ...words(s.extraOverrides)])];
  if (overrides.length > 0) r.overrides = overrides;
  const remove = words(s.remove);
  if (remove.length > 0) r.remove = remove;
  r.onFailure = s.onFailure;
  if (s.stopAfter) r.stopAfter = s.stopAfter;
  if (s.canary.trim()) r.canary = Number(s.canary);
  if (s.waveSize.trim()) r.waveSize = Number(s.waveSize);
  if (s.maxFailurePct.trim()) r.maxFailureRate = Number(s.maxFailurePct) / 100;
  if (s.tune) r.tune = true;
  return r;
}

/**
 * Assess and Migrate share one form (the same hosts, path, mirror and kernel): assessing is
 * read-only; migrating adds overrides, removals, failure handling, step-by-step and waves, and
 * asks first, saying what happens before anything changes.
 */
export function MigrationForm(props: {
  mode: FormMode;
  onMode: (m: FormMode) => void;
  paths: MigrationPath[];
  fleet: MigrationFleetRow[] | undefined;
  hosts: Host[] | undefined;
  initial: Partial<MigrationRunRequest>;
  patch: FormPatch | null;
  onStarted: (job: Job) => void;
}) {
  const { mode, onMode, paths, fleet, hosts, initial, patch, onStarted } = props;
  const { can } = useSession();
  const [s, setS] = useState<FormState>(() => initialState(initial));
  const [shown, setShown] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const path = paths.find((p) => p.id === s.path);
  const kernel = s.kernel || path?.kernel.default || '';
  const repos = reposOf(path, kernel);
  const mirror = s.mirror.trim() || path?.target.mirror || '';
  const problems = problemsOf(s, mode);
  const visible = shown ? problems : {};
  const matched = useMemo(() => selectHosts(s.selector, hosts ?? []), [s.selector, hosts]);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setS((x) => ({ ...x, [k]: v }));

  useEffect(() => {
    if (!patch) return;
    const v = patch.values;
    setConfirming(false);
    setShown(false);
    if (patch.replace) setS(initialState(v));
    else
      setS((x) => ({
        ...x,
        ...(v.selector !== undefined && { selector: v.selector }),
        ...(v.path !== undefined && v.path !== x.path && { path: v.path, kernel: '', repos: {}, overrides: [] }),
      }));
  }, [patch?.nonce]);

  function choosePath(id: string) {
    setS((x) => ({ ...x, path: id, kernel: '', repos: {}, overrides: [] }));
  }

  async function start() {
    setBusy(true);
    setError(undefined);
    try {
      const req = requestOf(s, mode, path);
      const job = mode === 'assess' ? await migrationApi.assess(req) : await migrationApi.run(req);
      setConfirming(false);
      onStarted(job);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setShown(true);
    if (Object.keys(problems).length > 0) return;
    if (mode === 'assess') void start();
    else setConfirming(true);
  }

  const err = (k: string) => visible[k] && <small className="field-error">{visible[k]}</small>;
  const req = requestOf(s, mode, path);

  return (
    <form className="stack" onSubmit={submit} aria-label={mode === 'assess' ? 'Assess' : 'Migrate'} noValidate>
      <div className="segmented" role="radiogroup" aria-label="action">
        {can('migrate.assess') && (
          <label className={mode === 'assess' ? 'on' : ''}>
            <input type="radio" name="mode" checked={mode === 'assess'} onChange={() => onMode('assess')} /> 1 · Assess (read-only)
          </label>
        )}
        {can('migrate.run') && (
          <label className={mode === 'migrate' ? 'on' : ''}>
            <input type="radio" name="mode" checked={mode === 'migrate'} onChange={() => onMode('migrate')} /> 2 · Migrate
          </label>
        )}
      </div>

      <div className="form-grid">
        <label className="field">
          <span>Hosts (selector) *</span>
          <input name="selector" value={s.selector} onChange={(e) => set('selector', e.target.value)} placeholder="web1, group:web, tag:env=prod, all" list="migrate-hosts" autoComplete="off" aria-invalid={!!visible.selector} />
          <HostDatalist id="migrate-hosts" />
          {err('selector') || (
            <span className="hint">
              {hosts && s.selector.trim() ? (matched.length ? `${matched.length} host${matched.length === 1 ? '' : 's'}: ${matched.slice(0, 8).join(', ')}${matched.length > 8 ? ', …' : ''}` : 'matches no known host') : 'a host name, group:G, tag:k=v, all, or a comma list'}
            </span>
          )}
        </label>
        <label className="field">
          <span>Migration path *</span>
          <select name="path" value={s.path} onChange={(e) => choosePath(e.target.value)} aria-invalid={!!visible.path}>
            <option value="">— choose the source and target —</option>
            {paths.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.id})
              </option>
            ))}
          </select>
          {err('path') || (path && <span className="hint">from {path.source.ids.join('/')} {path.source.versions.join('/')}{path.source.minRelease ? ` (at least ${path.source.minRelease})` : ''} to {path.target.name}, by {path.method}</span>)}
        </label>
      </div>

      {path && (
        <>
          <fieldset className="field mig-kernels">
            <legend>Kernel after the migration</legend>
            {Object.entries(path.kernel.choices).map(([name, k]) => (
              <label key={name} className="check mig-kernel">
                <input type="radio" name="kernel" value={name} checked={kernel === name} onChange={() => set('kernel', name)} />
                <span>
                  <strong className="mono">{name}</strong>
                  {name === path.kernel.default && <span className="badge badge-muted">default</span>} <span className="muted">{k.summary}</span>
                </span>
              </label>
            ))}
          </fieldset>

          <div className="form-grid">
            <label className="field">
              <span>Mirror</span>
              <input name="mirror" value={s.mirror} onChange={(e) => set('mirror', e.target.value)} placeholder={path.target.mirror} autoComplete="off" className="mono" />
              <span className="hint">replaces {'{mirror}'} in the repository URLs; empty: {path.target.mirror}</span>
            </label>
            <label className="field">
              <span>Offline root (optional)</span>
              <input name="root" value={s.root} onChange={(e) => set('root', e.target.value)} placeholder="/mnt/image" autoComplete="off" className="mono" aria-invalid={!!visible.root} />
              {err('root') || <span className="hint">a mounted image or chroot on the host; empty: the running system</span>}
            </label>
          </div>

          <details className="mig-details">
            <summary>Repository URLs ({repos.length}){Object.values(s.repos).some((v) => v.trim()) ? ' · overridden' : ''}</summary>
            <div className="stack mig-repos">
              {repos.map((r) => (
                <label key={r.id} className="field">
                  <span>
                    <span className="mono">{r.id}</span> <span className="muted">{r.name}{r.optional ? ' (optional)' : ''}</span>
                  </span>
                  <input name={`repo-${r.id}`} value={s.repos[r.id] ?? ''} onChange={(e) => set('repos', { ...s.repos, [r.id]: e.target.value })} placeholder={r.baseurl.replace('{mirror}', mirror)} autoComplete="off" className="mono" />
                </label>
              ))}
              <span className="hint">Leave empty to use the mirror. $basearch and $releasever are filled in on the host.</span>
            </div>
          </details>

          <label className="check">
            <input type="checkbox" name="skip-gpg" checked={s.skipGpg} onChange={(e) => set('skipGpg', e.target.checked)} /> Skip GPG signature checks of the target packages
          </label>
          {s.skipGpg && <Notice kind="warning">Unsigned packages would be installed. Only for a mirror you trust; this choice is recorded in the audit log.</Notice>}
        </>
      )}

      {mode === 'migrate' && path && (
        <div className="stack mig-run-options">
          <h3 className="mig-subhead">Migration</h3>
          <InhibitorPicker selector={s.selector} path={path} root={s.root.trim() || '/'} fleet={fleet} hosts={hosts} value={s.overrides} onChange={(v) => set('overrides', v)} />
          <div className="form-grid">
            <label className="field">
              <span>Other finding keys to override</span>
              <input name="overrides" value={s.extraOverrides} onChange={(e) => set('extraOverrides', e.target.value)} placeholder="check:subject, …" autoComplete="off" className="mono" />
              <span className="hint">keys from an assessment report; every override is audited</span>
            </label>
            <label className="field">
              <span>Remove packages first</span>
              <input name="remove" value={s.remove} onChange={(e) => set('remove', e.target.value)} placeholder="pkg1 pkg2" autoComplete="off" className="mono" />
              <span className="hint">named explicitly, removed before distro-sync (never --allowerasing)</span>
            </label>
          </div>
          <div className="form-grid">
            <fieldset className="field">
              <legend>If a step fails after the point of no return</legend>
              <div className="segmented">
                <label className={s.onFailure === 'rollback' ? 'on' : ''}>
                  <input type="radio" name="onFailure" checked={s.onFailure === 'rollback'} onChange={() => set('onFailure', 'rollback')} /> roll back
                </label>
                <label className={s.onFailure === 'stop' ? 'on' : ''}>
                  <input type="radio" name="onFailure" checked={s.onFailure === 'stop'} onChange={() => set('onFailure', 'stop')} /> stop
                </label>
              </div>
              <span className="hint">{s.onFailure === 'rollback' ? 'restore the verified backup at once' : 'leave the host as it is to look at; then resume or roll back'}. Before it, changes are always undone exactly.</span>
            </fieldset>
            <label className="field">
              <span>Step by step</span>
              <select name="stopAfter" value={s.stopAfter} onChange={(e) => set('stopAfter', e.target.value as FormState['stopAfter'])}>
                <option value="">run every step to the end</option>
                {MIGRATION_STEPS.map((st) => (
                  <option key={st} value={st}>
                    pause after {st}
                  </option>
                ))}
              </select>
              <span className="hint">{s.stopAfter ? `${s.stopAfter}: ${STEP_TEXT[s.stopAfter]}; resume from the run table` : 'steps: repos → release → test → sync → kernel → verify'}</span>
            </label>
          </div>
          <fieldset className="field">
            <legend>Batches</legend>
            <div className="mig-inline-fields">
              <label className="field field-inline">
                <span>Canary hosts</span>
                <input type="number" min={0} name="canary" value={s.canary} onChange={(e) => set('canary', e.target.value)} placeholder={matched.length > 1 ? '1' : '0'} className="field-num" aria-invalid={!!visible.canary} />
              </label>
              <label className="field field-inline">
                <span>Wave size</span>
                <input type="number" min={1} name="waveSize" value={s.waveSize} onChange={(e) => set('waveSize', e.target.value)} placeholder="all" className="field-num" aria-invalid={!!visible.waveSize} />
              </label>
              <label className="field field-inline">
                <span>Stop above</span>
                <input type="number" min={0} max={100} name="maxFailurePct" value={s.maxFailurePct} onChange={(e) => set('maxFailurePct', e.target.value)} placeholder="100" className="field-num" aria-invalid={!!visible.maxFailurePct} />
                <span className="muted">% failed</span>
              </label>
            </div>
            {err('canary') || err('waveSize') || err('maxFailurePct') || (
              <span className="hint">The canary hosts go first, alone; then waves of this size. No new wave starts once more than this share of the finished hosts failed.</span>
            )}
          </fieldset>
          <label className="check">
            <input type="checkbox" name="tune" checked={s.tune} onChange={(e) => set('tune', e.target.checked)} /> After success, dry-run the baseline tuning profile (shows what it would change; changes nothing)
          </label>
        </div>
      )}

      {path && (
        <details className="mig-details">
          <summary>Advanced</summary>
          <div className="form-grid">
            <label className="field">
              <span>Hosts at a time</span>
              <input type="number" min={1} max={100} name="concurrency" value={s.concurrency} onChange={(e) => set('concurrency', e.target.value)} placeholder={mode === 'assess' ? '20' : '10'} className="field-num" />
            </label>
            {mode === 'migrate' && (
              <label className="field">
                <span>Backup directory on the host</span>
                <input name="backupDir" value={s.backupDir} onChange={(e) => set('backupDir', e.target.value)} placeholder="/var/lib/osdeck/backups" autoComplete="off" className="mono" />
              </label>
            )}
          </div>
        </details>
      )}

      {confirming ? (
        <div className="mig-confirm" role="alertdialog" aria-label="Confirm the migration" data-testid="migrate-confirm">
          <strong>
            Migrate {matched.length ? `${matched.length} host${matched.length === 1 ? '' : 's'} (${matched.slice(0, 6).join(', ')}${matched.length > 6 ? ', …' : ''})` : s.selector.trim()} to {path?.target.name ?? s.path}?
          </strong>
          <ol className="mig-confirm-list">
            <li>Each host is assessed again; inhibitors stop it there{req.overrides?.length ? ` (except the ${req.overrides.length} overridden, audited)` : ''}.</li>
            <li>
              <strong>A backup of the root file system is taken first and verified</strong>; nothing changes before it is verified.
            </li>
            <li>The agent then runs repos → release → test{req.stopAfter ? ` (pausing after ${req.stopAfter})` : ''}; until here every change is undone exactly.</li>
            <li>From sync on (the point of no return) a failure {req.onFailure === 'stop' ? 'stops the host for you to look at' : 'restores the verified backup'}.</li>
          </ol>
          <div className="small muted">
            kernel {kernel}
            {req.mirror ? ` · mirror ${req.mirror}` : ''}
            {req.remove?.length ? ` · removes ${req.remove.join(', ')}` : ''}
            {req.gpgcheck === false ? ' · GPG checks OFF (audited)' : ''}
            {req.canary !== undefined || req.waveSize !== undefined ? ` · canary ${req.canary ?? (matched.length > 1 ? 1 : 0)}, waves of ${req.waveSize ?? 'all'}` : ''}
          </div>
          <div className="form-actions">
            <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void start()}>
              {busy ? 'Starting…' : 'Yes, back up and migrate'}
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="form-actions">
          {mode === 'assess' ? (
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Starting…' : 'Assess'}
            </button>
          ) : (
            <button type="submit" className="btn btn-warning" disabled={busy}>
              Migrate…
            </button>
          )}
          <span className="hint">{mode === 'assess' ? 'Reads the hosts and the target repositories; changes nothing.' : 'Asks first. A verified backup is taken before anything changes.'}</span>
        </div>
      )}
      <ErrorBanner error={error} title="Not started" onDismiss={() => setError(undefined)} />
    </form>
  );
}
