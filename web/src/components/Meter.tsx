import type { ReactNode } from 'react';

export const WARN_AT = 80;
export const CRIT_AT = 90;

/** ok below 80 %, warn from 80 %, crit from 90 %. */
export function levelOf(percent: number | null | undefined): 'ok' | 'warn' | 'crit' | 'none' {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return 'none';
  if (percent >= CRIT_AT) return 'crit';
  if (percent >= WARN_AT) return 'warn';
  return 'ok';
}

/**
 * A small inline bar for a percentage (0–100, clamped for the bar only) with its text beside it;
 * the bar turns orange from 80 % and red from 90 %. A missing value shows a dash, never an empty bar.
 */
export function Meter({ percent, text, title, testId }: { percent: number | null | undefined; text: ReactNode; title?: string; testId?: string }) {
  const level = levelOf(percent);
  if (level === 'none') {
    return (
      <span className="meter meter-none" data-testid={testId} title={title}>
        <span className="muted">—</span>
      </span>
    );
  }
  const w = Math.max(0, Math.min(100, percent as number));
  return (
    <span className={`meter meter-${level}`} data-testid={testId} data-level={level} title={title}>
      <span className="meter-track" aria-hidden>
        <span className="meter-fill" style={{ width: `${w}%` }} />
      </span>
      <span className="meter-text">{text}</span>
    </span>
  );
}
