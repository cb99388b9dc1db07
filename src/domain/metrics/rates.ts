/**
 * Counter samples → per-second rates between two collections of one host. Pure: both timestamps
 * come from the caller (ms). Best is a clock read on the target with the counters; the probe's
 * /proc/uptime is one (centiseconds, monotonic, and a reboot makes dt negative, so no rates).
 *
 * Policy, for each counter series present in both collections:
 * - cur ≥ prev: rate = (cur - prev) / dt.
 * - cur < prev and prev was near a wrap point: 2^32 or 2^64 in raw kernel units (counter-width.ts)
 *   and (modulus - prev) + cur is within a quarter of the modulus: the counter wrapped once and the
 *   rate is computed through the wrap. A quarter still covers a 32-bit byte counter at ~570 Mbit/s
 *   over 15 s, and keeps a reset of a 64-bit counter that happened to sit between 2^31 and 2^32
 *   from being read as a wrap unless it was in the top quarter.
 * - any other decrease is a reset (reboot, interface re-created, module reloaded, the iowait
 *   counter that old NO_HZ kernels let step back): the series gets NO rate for this interval.
 *   Prometheus would count cur as the increase, but when the reset happened inside dt is unknown,
 *   so that number is a guess; one missing point is honest, a wrong spike is not.
 * - dt ≤ 0, no previous collection, or a gap longer than maxGapMs: no counter rates at all. A gap
 *   must show as a gap, never as zeros or as one long average drawn as a point.
 * Gauges are passed through unchanged in every case. A series' kind comes from `kinds`, or from
 * the naming rule (metric-kinds.ts) when the caller has none for it.
 */
import { counterModuli } from './counter-width';
import { metricKind } from './metric-kinds';
import { labelsKey, type MetricKind, type MetricSample } from './sample';

export interface Collection {
  /** Milliseconds (epoch, or any clock that is the same for prev and cur). */
  ts: number;
  samples: MetricSample[];
}

export interface RateOptions {
  /** Longest interval still turned into rates; default 5 minutes. */
  maxGapMs?: number;
}

export const DEFAULT_MAX_GAP_MS = 5 * 60 * 1000;
const WRAP_WINDOW = 1 / 4;

const seriesKey = (s: MetricSample) => `${s.name}{${labelsKey(s.labels)}}`;

/** The increase from prev to cur, or null when the counter was reset. */
export function counterIncrease(name: string, prev: number, cur: number): number | null {
  if (cur >= prev) return cur - prev;
  for (const modulus of counterModuli(name)) {
    if (prev >= modulus || cur >= modulus) continue;
    const increase = modulus - prev + cur;
    if (increase <= modulus * WRAP_WINDOW) return increase;
  }
  return null;
}

export function computeRates(
  prev: Collection | null,
  cur: Collection,
  kinds: Record<string, MetricKind>,
  options: RateOptions = {},
): MetricSample[] {
  const maxGapMs = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  const dtMs = prev ? cur.ts - prev.ts : NaN;
  const ratesPossible = Number.isFinite(dtMs) && dtMs > 0 && dtMs <= maxGapMs;
  const before = new Map<string, number>();
  if (prev && ratesPossible) for (const s of prev.samples) before.set(seriesKey(s), s.value);

  const out: MetricSample[] = [];
  for (const s of cur.samples) {
    if ((kinds[s.name] ?? metricKind(s.name)) === 'gauge') {
      out.push(s);
      continue;
    }
    const p = before.get(seriesKey(s));
    if (p === undefined || !Number.isFinite(p) || !Number.isFinite(s.value)) continue;
    const increase = counterIncrease(s.name, p, s.value);
    if (increase === null) continue;
    const rate = increase / (dtMs / 1000);
    if (Number.isFinite(rate)) out.push({ name: s.name, labels: s.labels, value: rate });
  }
  return out;
}
