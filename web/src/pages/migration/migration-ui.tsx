import { MIGRATION_STEPS, type Host, type MigrationCounts, type MigrationRun } from '../../api-types';

/** What each agent step does, in the words the console uses everywhere. */
export const STEP_TEXT: Record<string, string> = {
  repos: 'switch the package repositories to the target',
  release: 'swap the release package',
  test: 'test the whole package transaction (downloads, changes nothing)',
  sync: 'distro-sync every package to the target — the point of no return',
  kernel: 'install the chosen kernel and boot loader entry',
  verify: 'verify os-release, packages and services',
};

/** Runs still moving: the page polls while one is shown. */
export const ACTIVE_RUN: readonly string[] = ['queued', 'prechecking', 'backing-up', 'migrating', 'rolling-back'];

const RUN_TONE: Record<string, string> = {
  queued: 'muted',
  prechecking: 'busy',
  'backing-up': 'busy',
  migrating: 'busy',
  'rolling-back': 'busy',
  paused: 'warn',
  done: 'ok',
  failed: 'bad',
  stopped: 'warn',
  'rolled-back': 'warn',
  'rollback-failed': 'bad',
  skipped: 'muted',
  blocked: 'bad',
  cancelled: 'muted',
};

const RUN_HELP: Record<string, string> = {
  queued: 'waiting for its wave',
  prechecking: 'assessing the host again just before migrating',
  'backing-up': 'archiving the root file system and verifying the archive',
  migrating: 'the agent on the host is working through the steps',
  'rolling-back': 'restoring the verified backup',
  paused: 'stopped after the step asked for; resume to go on',
  done: 'migrated and verified',
  failed: 'a step failed; resume after fixing the cause, or roll back',
  stopped: 'cancelled after the point of no return; resume or roll back',
  'rolled-back': 'undone: the host matches its backup again',
  'rollback-failed': 'the undo did not complete: restore the backup',
  skipped: 'not started: earlier waves failed too often',
  blocked: 'inhibitors found by the precheck; nothing was changed',
  cancelled: 'cancelled before anything changed',
};

export function RunStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge-${RUN_TONE[state] ?? 'muted'}`} data-state={state} title={RUN_HELP[state]}>
      {state}
    </span>
  );
}

export const isActiveRun = (r: Pick<MigrationRun, 'state'>) => ACTIVE_RUN.includes(r.state);

/**
 * Resume continues from the last completed step, which needs the verified backup taken before
 * the first step: a run that stopped earlier (blocked by the precheck, failed in the backup) is
 * started again instead (the server would fail it with "no verified backup").
 */
export const canResume = (r: Pick<MigrationRun, 'state' | 'backupId'>) => ['failed', 'stopped', 'paused', 'blocked'].includes(r.state) && !!r.backupId;
export const canRetry = (r: Pick<MigrationRun, 'state' | 'backupId'>) => ['failed', 'blocked', 'skipped', 'cancelled', 'rolled-back'].includes(r.state) && !canResume(r);
/** Roll back: put the verified backup back; not while something runs on the host, not twice. */
export const canRollback = (r: Pick<MigrationRun, 'state' | 'backupId'>) => !!r.backupId && !ACTIVE_RUN.includes(r.state) && r.state !== 'rolled-back';

const READINESS_TONE: Record<string, string> = { ready: 'ok', 'ready-with-warnings': 'warn', blocked: 'bad' };
const READINESS_LABEL: Record<string, string> = { ready: 'ready', 'ready-with-warnings': 'ready with warnings', blocked: 'blocked' };

export function ReadinessBadge({ readiness }: { readiness: string }) {
  return (
    <span className={`badge badge-${READINESS_TONE[readiness] ?? 'muted'}`} data-readiness={readiness}>
      {READINESS_LABEL[readiness] ?? readiness}
    </span>
  );
}

/** Finding counts the way an operator reads them: inhibitors, high, medium (low and info in the tooltip). */
export function FindingCounts({ counts }: { counts: MigrationCounts }) {
  const n = (k: keyof MigrationCounts) => counts[k] ?? 0;
  const title = `${n('inhibitor')} inhibitor, ${n('high')} high, ${n('medium')} medium, ${n('low')} low, ${n('info')} info`;
  const item = (k: keyof MigrationCounts, tone: string) => (
    <span className={`count count-${n(k) > 0 ? tone : 'muted'}`} data-count={k}>
      <b>{n(k)}</b> {k}
    </span>
  );
  return (
    <span className="counts" title={title}>
      {item('inhibitor', 'bad')}
      {item('high', 'bad')}
      {item('medium', 'warn')}
    </span>
  );
}

type StepState = 'done' | 'active' | 'failed' | 'undone' | 'pending';

/** Where each agent step stands, from the run's state and its current (or last) step. */
export function stepStates(run: Pick<MigrationRun, 'state' | 'step'>): StepState[] {
  const at = run.step ? (MIGRATION_STEPS as readonly string[]).indexOf(run.step) : -1;
  return MIGRATION_STEPS.map((_, i): StepState => {
    if (run.state === 'done') return 'done';
    if (at < 0 || i > at) return 'pending';
    if (run.state === 'rolled-back') return i === at ? 'failed' : 'undone';
    if (i < at) return 'done';
    if (run.state === 'migrating') return 'active';
    if (run.state === 'paused' || run.state === 'stopped' || run.state === 'rolling-back') return 'done';
    return 'failed';
  });
}

const STATE_WORD: Record<StepState, string> = { done: 'done', active: 'running', failed: 'failed', undone: 'undone', pending: 'not started' };

/**
 * The six agent steps as a small track (repos → … → verify) with the point of no return between
 * test and sync, filled once the run has passed it.
 */
export function StepTrack({ run }: { run: Pick<MigrationRun, 'state' | 'step' | 'ponr'> }) {
  const states = stepStates(run);
  const at = run.step ? (MIGRATION_STEPS as readonly string[]).indexOf(run.step) : -1;
  const summary = at < 0 ? 'no step started' : `step ${at + 1} of ${MIGRATION_STEPS.length}: ${run.step} (${STATE_WORD[states[at]!]})`;
  return (
    <ol className="mig-track" aria-label={summary} title={summary} data-testid="step-track">
      {MIGRATION_STEPS.map((s, i) => (
        <li key={s} className={`mig-track-step mig-${states[i]}`} title={`${s}: ${STATE_WORD[states[i]!]} — ${STEP_TEXT[s]}`} data-step={s} data-step-state={states[i]}>
          <span className="mig-track-dot" aria-hidden />
          {s === 'test' && (
            <span className={`mig-ponr ${run.ponr ? 'mig-ponr-passed' : ''}`} title={run.ponr ? 'point of no return passed: undo means restoring the backup' : 'point of no return (before sync): until here every change is undone exactly'} aria-label="point of no return" />
          )}
        </li>
      ))}
    </ol>
  );
}

/** The hosts a selector names (all, NAME, group:G, tag:k=v, comma lists), as the server resolves it; unknown terms match nothing. */
export function selectHosts(selector: string, hosts: Pick<Host, 'name' | 'groups' | 'tags'>[]): string[] {
  const terms = selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const chosen = new Set<string>();
  for (const t of terms) {
    for (const h of hosts) {
      const hit =
        t === 'all' ||
        (t.startsWith('group:') && h.groups.includes(t.slice(6))) ||
        (t.startsWith('tag:') && t.includes('=') && h.tags[t.slice(4, t.indexOf('='))] === t.slice(t.indexOf('=') + 1)) ||
        h.name === t;
      if (hit) chosen.add(h.name);
    }
  }
  return hosts.filter((h) => chosen.has(h.name)).map((h) => h.name);
}
