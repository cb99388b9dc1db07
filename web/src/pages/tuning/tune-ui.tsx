import type { Job, TuneCell, TuneProfile } from '../../api-types';
import { dateTime } from '../../format';

/** Result statuses: pass green, fail red, error orange (the check itself failed), n/a grey. */
const CELL_TONE: Record<string, string> = { pass: 'ok', fail: 'bad', error: 'warn', 'n/a': 'muted' };
/** Run statuses (see tune-service): planned, nothing, applying, applied, failed, rolled-back. */
const RUN_TONE: Record<string, string> = { planned: 'busy', nothing: 'muted', applying: 'busy', applied: 'ok', failed: 'bad', 'rolled-back': 'warn' };

export const CELL_SYMBOL: Record<string, string> = { pass: '✓', fail: '✗', error: '!', 'n/a': '–' };
export const STATUS_ORDER: Record<string, number> = { error: 0, fail: 1, pass: 2, 'n/a': 3 };

export function cellTone(status: string): string {
  return CELL_TONE[status] ?? 'muted';
}

/** A failing rule osdeck does not fix itself: a person does, from the remediation. */
export function isManual(c: TuneCell): boolean {
  return (c.status === 'fail' || c.status === 'error') && !c.fixable;
}

export function TuneStatusBadge({ status, manual }: { status: string; manual?: boolean }) {
  return (
    <span className={`badge badge-${cellTone(status)}`} data-status={status}>
      {status}
      {manual ? ' · manual' : ''}
    </span>
  );
}

export function RunStatusBadge({ status, reverted }: { status: string; reverted?: boolean }) {
  return (
    <span className="nowrap">
      <span className={`badge badge-${RUN_TONE[status] ?? 'muted'}`} data-status={status}>
        {status}
      </span>
      {reverted && (
        <>
          {' '}
          <span className="badge badge-muted" data-status="reverted">
            reverted
          </span>
        </>
      )}
    </span>
  );
}

/** The whole result of one rule on one host as text: the matrix cell's tooltip. */
export function cellTooltip(ruleId: string, title: string | undefined, c: TuneCell): string {
  return [
    `${ruleId}${title ? ` — ${title}` : ''}`,
    `status: ${c.status}${isManual(c) ? ' (manual fix)' : ''}`,
    `current: ${c.current}`,
    `expected: ${c.expected}`,
    ...(c.detail ? [`detail: ${c.detail}`] : []),
    `checked: ${dateTime(c.checkedAt)}`,
  ].join('\n');
}

/** "Check", "Dry run", "Apply" or "Revert", from a tuning job. */
export function tuneJobAction(j: Pick<Job, 'type' | 'params'>): string {
  if (j.type === 'tune-check') return 'Check';
  if (j.type === 'tune-revert') return 'Revert';
  if (j.type === 'tune-apply') return j.params.dryRun === true ? 'Dry run' : 'Apply';
  return j.type;
}

/** A run's diff, coloured line by line; always text in a <pre>, never HTML. */
export function DiffView({ text, testId }: { text: string; testId?: string }) {
  const lines = text.split('\n');
  return (
    <pre className="output tune-diff" data-testid={testId}>
      {lines.map((l, i) => (
        <span key={i} className={diffClass(l)}>
          {l}
          {i < lines.length - 1 ? '\n' : ''}
        </span>
      ))}
    </pre>
  );
}

function diffClass(l: string): string | undefined {
  if (l.startsWith('+++') || l.startsWith('---')) return 'diff-file';
  if (l.startsWith('@@')) return 'diff-hunk';
  if (l.startsWith('+')) return 'diff-add';
  if (l.startsWith('-')) return 'diff-del';
  if (l.startsWith('~')) return 'diff-change';
  if (l.startsWith('!') || l.startsWith('MANUAL')) return 'diff-note';
  return undefined;
}

/** Built-in profiles first, then the operators' own, each sorted by name. */
export function sortProfiles(list: TuneProfile[]): TuneProfile[] {
  const builtIn = list.filter((p) => p.builtIn);
  const user = list.filter((p) => !p.builtIn).sort((a, b) => a.name.localeCompare(b.name));
  return [...builtIn, ...user];
}

/** A profile as a <select>: built-in and the operators' own in two groups. */
export function ProfileSelect({ profiles, value, onChange, id }: { profiles: TuneProfile[]; value: string; onChange: (name: string) => void; id?: string }) {
  const builtIn = profiles.filter((p) => p.builtIn);
  const user = profiles.filter((p) => !p.builtIn);
  return (
    <select id={id} name="profile" value={value} onChange={(e) => onChange(e.target.value)} aria-label="profile">
      <optgroup label="Built in">
        {builtIn.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name}
          </option>
        ))}
      </optgroup>
      {user.length > 0 && (
        <optgroup label="Yours">
          {user.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}
