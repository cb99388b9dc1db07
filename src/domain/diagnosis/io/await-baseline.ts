/**
 * A device's own latency baseline: the median await of past io-latency runs on the same host (their
 * evidence.devices[dev].await), else the since-boot average. Comparing a disk with itself is what
 * makes "12 ms" alarming on an NVMe drive and normal on a SATA disk.
 */
import type { PastRun } from '../diagnosis';

/** Past samples with fewer completed requests than this are too noisy to be a baseline. */
export const MIN_BASELINE_IOS = 5;
/** Past runs needed before their median replaces the since-boot average. */
export const MIN_HISTORY_RUNS = 3;

export interface DeviceLatencyEvidence {
  await: number | null;
  rAwait: number | null;
  wAwait: number | null;
  util: number;
  ios: number;
  bootAwait: number | null;
}

/** The await values (ms) past runs measured for one device, newest first; malformed evidence is skipped. */
export function pastAwaits(history: PastRun[], device: string): number[] {
  const out: number[] = [];
  for (const run of history) {
    const devices = run.evidence?.devices;
    if (!devices || typeof devices !== 'object' || Array.isArray(devices)) continue;
    const d = (devices as Record<string, unknown>)[device];
    if (!d || typeof d !== 'object') continue;
    const { await: aw, ios } = d as Record<string, unknown>;
    if (typeof aw === 'number' && Number.isFinite(aw) && aw >= 0 && typeof ios === 'number' && ios >= MIN_BASELINE_IOS) out.push(aw);
  }
  return out;
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Baseline {
  /** ms */
  value: number;
  source: 'history' | 'boot';
  historyMedian: number | null;
  historyRuns: number;
  bootAwait: number | null;
}

export function awaitBaseline(history: PastRun[], device: string, bootAwait: number | null): Baseline | null {
  const past = pastAwaits(history, device);
  const historyMedian = median(past);
  if (historyMedian !== null && past.length >= MIN_HISTORY_RUNS) {
    return { value: historyMedian, source: 'history', historyMedian, historyRuns: past.length, bootAwait };
  }
  if (bootAwait !== null) return { value: bootAwait, source: 'boot', historyMedian, historyRuns: past.length, bootAwait };
  if (historyMedian !== null) return { value: historyMedian, source: 'history', historyMedian, historyRuns: past.length, bootAwait };
  return null;
}

/** Deviation factor; a baseline under FLOOR_MS (RAM-backed devices, idle disks) is raised to it so the ratio stays meaningful. */
export const BASELINE_FLOOR_MS = 0.5;
export function deviation(awaitMs: number, baseline: Baseline): number {
  const f = awaitMs / Math.max(baseline.value, BASELINE_FLOOR_MS);
  return f >= 1 ? Math.round(f * 10) / 10 : Math.round(f * 100) / 100;
}
