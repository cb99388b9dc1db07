/** done/total as a bar split by outcome: green ok, red failures, grey the rest still open. */
export function ProgressBar({ total, ok, bad, label, compact }: { total: number; ok: number; bad: number; label?: string; compact?: boolean }) {
  const pct = (n: number) => (total > 0 ? Math.min(100, (n / total) * 100) : 0);
  const done = ok + bad;
  return (
    <div className={compact ? 'progress progress-compact' : 'progress'}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-label={label ?? 'progress'}
      >
        <div className="progress-ok" style={{ width: `${pct(ok)}%` }} />
        <div className="progress-bad" style={{ width: `${pct(bad)}%` }} />
      </div>
      <span className="progress-text">
        {done}/{total}
      </span>
    </div>
  );
}
