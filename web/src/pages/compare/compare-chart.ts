import type { CompareReport, MetricComparison } from '../../api-types';

/** At most this many points per chart line. */
const MAX_POINTS = 600;

export interface OverlaySeries {
  /** ms since each window's start, one per point */
  offsets: number[];
  before: (number | null)[];
  after: (number | null)[];
  /** the chart's bucket, ms (a multiple of the report's step) */
  stepMs: number;
  reportStepMs: number;
}

/** The usual distance between samples, in buckets: the median gap between non-null values (1 when dense). */
export function typicalGap(values: readonly (number | null)[]): number {
  const gaps: number[] = [];
  let last = -1;
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    if (last >= 0) gaps.push(i - last);
    last = i;
  });
  if (!gaps.length) return 1;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/** Averages every `k` buckets into one, ignoring gaps; a group without any value stays a gap. */
export function rebucket(values: readonly (number | null)[], k: number, length: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let g = 0; g < length; g++) {
    let sum = 0;
    let n = 0;
    for (let i = g * k; i < Math.min((g + 1) * k, values.length); i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      sum += v;
      n++;
    }
    out.push(n ? sum / n : null);
  }
  return out;
}

/**
 * Both windows of one metric of one host on a shared axis: time since each window's start. The
 * report's buckets are as fine as a second, finer than the polls, so most are empty; the chart
 * averages groups of them, so that a group holds about 1.5 polls (as the host dashboard does) and a
 * gap on the chart is a poll that really did not happen, and so that a line has at most ~600 points.
 */
export function overlayOf(report: CompareReport, c: Pick<MetricComparison, 'host' | 'metric'>): OverlaySeries | null {
  const h = report.evidence.series.find((s) => s.host === c.host);
  if (!h) return null;
  const before = h.before[c.metric] ?? [];
  const after = h.after[c.metric] ?? [];
  const len = Math.max(before.length, after.length);
  if (len === 0) return null;
  // the denser window decides: a window polled less often (another interval then) shows its polls
  // as the separate points they were, rather than blurring the denser one
  const gaps = [before, after].filter((v) => v.filter((x) => x !== null && x !== undefined).length >= 2).map(typicalGap);
  const gap = gaps.length ? Math.min(...gaps) : 1;
  const k = Math.max(1, gap > 1 ? Math.ceil(1.5 * gap) : 1, Math.ceil(len / MAX_POINTS));
  const n = Math.ceil(len / k);
  const stepMs = k * h.stepMs;
  return {
    offsets: Array.from({ length: n }, (_, i) => i * stepMs),
    before: rebucket(before, k, n),
    after: rebucket(after, k, n),
    stepMs,
    reportStepMs: h.stepMs,
  };
}
