import type { Job } from '../api-types';
import { toneOf } from './StatusBadge';

const ORDER = ['ok', 'failed', 'unreachable', 'timeout', 'cancelled', 'interrupted', 'running', 'pending'] as const;

/** done = every step no longer pending or running; split into ok, failures and stopped (cancelled, interrupted). */
export function jobProgress(job: Pick<Job, 'counts' | 'total'>): { done: number; ok: number; bad: number; stopped: number } {
  const c = job.counts ?? {};
  const open = (c.pending ?? 0) + (c.running ?? 0);
  const ok = c.ok ?? 0;
  const stopped = (c.cancelled ?? 0) + (c.interrupted ?? 0);
  const done = Math.max(0, job.total - open);
  return { done, ok, stopped, bad: Math.max(0, done - ok - stopped) };
}

/** Step counts per status, non-zero ones only, in a fixed order. */
export function JobCounts({ counts, showZero }: { counts: Job['counts']; showZero?: boolean }) {
  const items = ORDER.filter((s) => showZero || (counts[s] ?? 0) > 0);
  if (items.length === 0) return <span className="muted">—</span>;
  return (
    <span className="counts">
      {items.map((s) => (
        <span key={s} className={`count count-${toneOf(s)}`} data-count={s}>
          <b>{counts[s] ?? 0}</b> {s}
        </span>
      ))}
    </span>
  );
}
