/** done/total as a bar split by outcome: green ok, red failures, dark grey stopped; light grey is still open. */
export function ProgressBar({ total, ok, bad, stopped = 0, label, compact }: { total: number; ok: number; bad: number; stopped?: number; label?: string; compact?: boolean }) {
  const pct = (n: number) => (total > 0 ? Math.min(100, (n / total) * 100) : 0);
  const done = ok + bad + stopped;
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
        <div className="progress-stopped" style={{ width: `${pct(stopped)}%` }} />
      </div>
      <span className="progress-text">
        {done}/{total}
      </span>
    </div>
  );
}
