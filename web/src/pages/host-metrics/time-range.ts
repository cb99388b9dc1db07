/**
 * The dashboard's time range: a preset relative to now (15 m … 7 d) or a fixed from/to, kept in the
 * URL (?range=1h or ?from=<ms>&to=<ms>), and the query step that goes with it.
 */

export interface Preset {
  key: string;
  label: string;
  ms: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const PRESETS: readonly Preset[] = [
  { key: '15m', label: '15 m', ms: 15 * MIN },
  { key: '1h', label: '1 h', ms: HOUR },
  { key: '6h', label: '6 h', ms: 6 * HOUR },
  { key: '24h', label: '24 h', ms: 24 * HOUR },
  { key: '7d', label: '7 d', ms: 7 * 24 * HOUR },
];

export const DEFAULT_PRESET = '1h';

export type RangeSel = { kind: 'relative'; preset: Preset } | { kind: 'absolute'; from: number; to: number };

/** A custom range shorter than this is widened around its middle. */
export const MIN_RANGE_MS = MIN;

export function parseRange(params: URLSearchParams): RangeSel {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (params.has('from') && params.has('to') && Number.isFinite(from) && Number.isFinite(to) && from < to) return { kind: 'absolute', from, to };
  const preset = PRESETS.find((p) => p.key === params.get('range')) ?? PRESETS.find((p) => p.key === DEFAULT_PRESET)!;
  return { kind: 'relative', preset };
}

/** Stable text for a selection: what the data was fetched for. */
export function rangeKey(sel: RangeSel): string {
  return sel.kind === 'relative' ? sel.preset.key : `${sel.from}-${sel.to}`;
}

export function resolveRange(sel: RangeSel, now: number): { from: number; to: number } {
  return sel.kind === 'relative' ? { from: now - sel.preset.ms, to: now } : { from: sel.from, to: sel.to };
}

export function rangeMs(sel: RangeSel): number {
  return sel.kind === 'relative' ? sel.preset.ms : sel.to - sel.from;
}

/** Custom ranges below a minute become one minute around their middle. */
export function widen(from: number, to: number): { from: number; to: number } {
  if (to - from >= MIN_RANGE_MS) return { from, to };
  const mid = (from + to) / 2;
  return { from: Math.round(mid - MIN_RANGE_MS / 2), to: Math.round(mid + MIN_RANGE_MS / 2) };
}

/** Points per series the charts aim for at most: smooth at 7 days, detailed at 15 minutes. */
export const TARGET_POINTS = 600;

const NICE_STEPS_S = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * The query step (ms): the smallest round step that keeps a series at most TARGET_POINTS long and
 * is at least 1.5 collection intervals. A step as short as the interval would leave some buckets
 * without a sample (polls drift by a tick), and those would draw as false gaps; 1.5 intervals puts
 * one or two polls in every bucket, so a gap on the chart is a poll that really did not happen.
 * Round steps also divide into the store's 1 min / 5 min / 1 h rollups.
 */
export function chooseStep(rangeMillis: number, intervalSec: number): number {
  const min = Math.max(rangeMillis / TARGET_POINTS, 1.5 * intervalSec * 1000, 1000);
  for (const s of NICE_STEPS_S) if (s * 1000 >= min) return s * 1000;
  return Math.ceil(min / 86_400_000) * 86_400_000;
}

/** Relative ranges up to 6 h refresh on their own: about once a step, between 15 s and 60 s. */
export function autoRefreshMs(sel: RangeSel, stepMs: number): number | null {
  if (sel.kind !== 'relative' || sel.preset.ms > 6 * HOUR) return null;
  return Math.min(60_000, Math.max(15_000, stepMs));
}

/** The collection interval of a host: its own, else its first group's that has one, else the default. */
export function intervalFor(cfg: { defaultSec: number; groups: Record<string, number>; hosts: Record<string, number> }, host: string, groups: string[]): number {
  if (cfg.hosts[host]) return cfg.hosts[host]!;
  for (const g of groups) if (cfg.groups[g]) return cfg.groups[g]!;
  return cfg.defaultSec;
}

/** ms → the value of an <input type="datetime-local"> (local time, minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The value of an <input type="datetime-local"> → ms, or null when it is not a date. */
export function fromLocalInput(s: string): number | null {
  if (!s) return null;
  const t = new Date(s).getTime();
  return Number.isFinite(t) ? t : null;
}

/** 10000 → "10 s", 1200000 → "20 min", 3600000 → "1 h". */
export function stepText(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${s / 60} min`;
  if (s < 86400) return `${s / 3600} h`;
  return `${s / 86400} d`;
}
