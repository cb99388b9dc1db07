/**
 * Storage tiers of the SQLite TSDB and the choice of tier for a range query. Pure: no I/O, so the
 * segment plan (which tier answers which part of a range) is tested on its own.
 */

export type TierName = 'raw' | '1m' | '5m' | '1h';

export interface Tier {
  name: TierName;
  /** Bucket width of the tier; 0 for raw samples. */
  ms: number;
  /** Table holding the tier; raw samples live in `raw` plus the `head` staging table. */
  table: 'raw' | 'r1m' | 'r5m' | 'r1h';
}

/** Finest first. Rollup tier i (i ≥ 1) is computed from tier i-1. */
export const TIERS: readonly Tier[] = [
  { name: 'raw', ms: 0, table: 'raw' },
  { name: '1m', ms: 60_000, table: 'r1m' },
  { name: '5m', ms: 300_000, table: 'r5m' },
  { name: '1h', ms: 3_600_000, table: 'r1h' },
];

/**
 * The coarsest tier whose bucket fits a step: step < 1 min → raw, < 5 min → 1m, < 1 h → 5m, else 1h,
 * but only a tier whose bucket width divides the step, so that every rollup bucket falls entirely
 * inside one step bucket (a 90 s step over 1 min buckets would put half a minute in the wrong point).
 */
export function tierForStep(stepMs: number): number {
  for (let i = TIERS.length - 1; i >= 1; i--) {
    const ms = TIERS[i]!.ms;
    if (stepMs >= ms && stepMs % ms === 0) return i;
  }
  return 0;
}

export interface Segment {
  tier: number;
  /** Inclusive start, ms. */
  from: number;
  /** Exclusive end, ms. */
  to: number;
}

/**
 * Splits [from, to) between the chosen tier and finer ones. `coveredUntil[i]` is the exclusive end of
 * what rollup tier i holds correctly (its watermark, lowered where late data made buckets stale;
 * -Infinity when never computed). Each part is served by the coarsest tier, up to the chosen one, that
 * covers it; the most recent part, which no rollup covers yet, comes from raw.
 */
export function planSegments(from: number, to: number, chosen: number, coveredUntil: readonly number[]): Segment[] {
  const segments: Segment[] = [];
  let cursor = from;
  for (let tier = chosen; tier >= 0 && cursor < to; tier--) {
    const end = tier === 0 ? to : Math.min(to, coveredUntil[tier] ?? -Infinity);
    if (end > cursor) {
      segments.push({ tier, from: cursor, to: end });
      cursor = end;
    }
  }
  return segments;
}
