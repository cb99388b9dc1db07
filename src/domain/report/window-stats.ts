/** Descriptive statistics of one window of a metric; nulls (gaps) are ignored. */
export interface WindowStats {
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  min: number | null;
  max: number | null;
  stddev: number | null;
}

export function windowStats(values: Array<number | null>): WindowStats {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, min: null, max: null, stddev: null };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { count: n, mean, p50: quantile(v, 0.5), p95: quantile(v, 0.95), p99: quantile(v, 0.99), min: v[0]!, max: v[n - 1]!, stddev: Math.sqrt(variance) };
}

/** Linear interpolation between closest ranks (the "R-7" definition, as numpy's default). */
export function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Change {
  /** percent change of the mean, null when the before mean is 0 or unknown */
  percent: number | null;
  /** Welch's t statistic of the difference of means */
  t: number | null;
  /** beyond noise: both statistically clear (|t| ≥ 3) and large enough to matter */
  changed: boolean;
}

/**
 * A change is "beyond noise" when the means differ by more than 3 standard errors (Welch) AND by
 * more than `minRelative` of the larger mean AND by more than `minAbsolute`. Samples of a time
 * series are autocorrelated, so the t test alone over-reports; the size floors keep small real
 * but meaningless shifts (memory 0.3 %) from being flagged.
 */
export function compareWindows(before: WindowStats, after: WindowStats, minRelative = 0.1, minAbsolute = 0): Change {
  if (before.mean === null || after.mean === null) return { percent: null, t: null, changed: false };
  const diff = after.mean - before.mean;
  const percent = before.mean === 0 ? null : (100 * diff) / Math.abs(before.mean);
  const se = Math.sqrt((before.stddev ?? 0) ** 2 / Math.max(1, before.count) + (after.stddev ?? 0) ** 2 / Math.max(1, after.count));
  const t = se === 0 ? (diff === 0 ? 0 : Infinity * Math.sign(diff)) : diff / se;
  const scale = Math.max(Math.abs(before.mean), Math.abs(after.mean));
  const changed = Math.abs(t) >= 3 && Math.abs(diff) > minRelative * scale && Math.abs(diff) > minAbsolute;
  return { percent, t: Number.isFinite(t) ? t : null, changed };
}
