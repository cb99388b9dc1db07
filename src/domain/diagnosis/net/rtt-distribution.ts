/** Summary and histogram of round-trip times (ms) from repeated probes. */
export interface RttStats {
  n: number;
  min: number;
  avg: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** population standard deviation: the spread of the RTT ("jitter" in most tools) */
  stddev: number;
  /** mean absolute difference of consecutive RTTs (RFC 3550-style inter-packet delay variation) */
  ipdv: number;
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function rttStats(rtts: number[]): RttStats | null {
  const v = rtts.filter((x) => Number.isFinite(x) && x >= 0);
  if (!v.length) return null;
  const sorted = [...v].sort((a, b) => a - b);
  const avg = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - avg) ** 2, 0) / v.length;
  let ipdv = 0;
  for (let i = 1; i < v.length; i++) ipdv += Math.abs(v[i]! - v[i - 1]!);
  return {
    n: v.length,
    min: r3(sorted[0]!),
    avg: r3(avg),
    p50: r3(percentile(sorted, 50)),
    p90: r3(percentile(sorted, 90)),
    p99: r3(percentile(sorted, 99)),
    max: r3(sorted[sorted.length - 1]!),
    stddev: r3(Math.sqrt(variance)),
    ipdv: v.length > 1 ? r3(ipdv / (v.length - 1)) : 0,
  };
}

// Bucket edges in ms, roughly 1-2-5 steps: fine enough for a LAN (sub-ms) and a WAN (hundreds of ms).
const EDGES = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000];

export interface HistogramBucket {
  range: string;
  from: number;
  to: number | null;
  count: number;
}

/** Buckets from the first to the last non-empty one (empty ones in between are kept, so gaps show). */
export function rttHistogram(rtts: number[]): HistogramBucket[] {
  const buckets: HistogramBucket[] = [];
  let lo = 0;
  for (const hi of [...EDGES, null]) {
    buckets.push({ range: hi === null ? `≥ ${lo}` : `${lo} – ${hi}`, from: lo, to: hi, count: 0 });
    if (hi !== null) lo = hi;
  }
  for (const x of rtts) {
    if (!Number.isFinite(x) || x < 0) continue;
    const b = buckets.find((k) => k.to === null || x < k.to)!;
    b.count++;
  }
  const first = buckets.findIndex((b) => b.count > 0);
  if (first < 0) return [];
  let last = buckets.length - 1;
  while (buckets[last]!.count === 0) last--;
  return buckets.slice(first, last + 1);
}
