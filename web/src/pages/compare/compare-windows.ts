import type { TimeWindow } from '../../api-types';

/**
 * The two windows of a comparison: a preset relative to now (resolved when the report is run, so
 * "last hour" means the hour before the click) or four local date-times typed by hand.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface WindowPreset {
  key: string;
  label: string;
  /** what the two windows are, in words */
  title: string;
  resolve(now: number): { before: TimeWindow; after: TimeWindow };
}

/** After = the last `ms`; before = the same length, `back` earlier than after (adjacent when back = ms). */
function relative(key: string, label: string, title: string, ms: number, back: number): WindowPreset {
  return { key, label, title, resolve: (now) => ({ before: { from: now - back - ms, to: now - back }, after: { from: now - ms, to: now } }) };
}

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  relative('15m', '15 min', 'before: the 15 minutes before · after: the last 15 minutes', 15 * MIN, 15 * MIN),
  relative('1h', '1 h', 'before: the previous hour · after: the last hour', HOUR, HOUR),
  relative('6h', '6 h', 'before: the 6 hours before · after: the last 6 hours', 6 * HOUR, 6 * HOUR),
  relative('24h', '24 h', 'before: the 24 hours before · after: the last 24 hours', DAY, DAY),
  relative('1h-1d', '1 h vs yesterday', 'before: the same hour yesterday · after: the last hour', HOUR, DAY),
  relative('24h-7d', '24 h vs last week', 'before: the same 24 hours a week ago · after: the last 24 hours', DAY, 7 * DAY),
];

export const DEFAULT_PRESET = '1h';

export function presetByKey(key: string | null | undefined): WindowPreset | undefined {
  return WINDOW_PRESETS.find((p) => p.key === key);
}

/** The four inputs of the custom form: <input type="datetime-local" step="1"> values. */
export interface WindowInputs {
  beforeFrom: string;
  beforeTo: string;
  afterFrom: string;
  afterTo: string;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** ms → "2025-01-02T13:04:05" (local time, seconds). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** An <input type="datetime-local"> value (local time, with or without seconds) → ms; null when not a date. */
export function fromLocalInput(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s.trim())) return null;
  const t = new Date(s.trim()).getTime();
  return Number.isFinite(t) ? t : null;
}

export function inputsOf(w: { before: TimeWindow; after: TimeWindow }): WindowInputs {
  return { beforeFrom: toLocalInput(w.before.from), beforeTo: toLocalInput(w.before.to), afterFrom: toLocalInput(w.after.from), afterTo: toLocalInput(w.after.to) };
}

export type WindowField = keyof WindowInputs;

/**
 * The windows the inputs describe, or what is wrong with them: every date given, from before to
 * in each window, and the after window not entirely in the future (there would be nothing to compare).
 * Overlapping windows are allowed (the server compares them anyway) but reported as a warning.
 */
export function parseWindows(
  inp: WindowInputs,
  now: number,
): { windows: { before: TimeWindow; after: TimeWindow }; warning: string | null; problems: null } | { windows: null; warning: null; problems: Partial<Record<WindowField | 'before' | 'after', string>> } {
  const problems: Partial<Record<WindowField | 'before' | 'after', string>> = {};
  const v = {} as Record<WindowField, number | null>;
  for (const k of ['beforeFrom', 'beforeTo', 'afterFrom', 'afterTo'] as const) {
    v[k] = fromLocalInput(inp[k]);
    if (v[k] === null) problems[k] = inp[k] ? 'not a date and time' : 'required';
  }
  if (v.beforeFrom !== null && v.beforeTo !== null && v.beforeFrom >= v.beforeTo) problems.before = 'the before window must start before it ends';
  if (v.afterFrom !== null && v.afterTo !== null && v.afterFrom >= v.afterTo) problems.after = 'the after window must start before it ends';
  for (const w of ['before', 'after'] as const) {
    const from = v[`${w}From`];
    if (!problems[w] && from !== null && from > now) problems[w] = `the ${w} window starts in the future: there is no data yet`;
  }
  if (Object.keys(problems).length) return { windows: null, warning: null, problems };
  const before = { from: v.beforeFrom!, to: v.beforeTo! };
  const after = { from: v.afterFrom!, to: v.afterTo! };
  const overlap = before.from < after.to && after.from < before.to;
  const lenB = before.to - before.from;
  const lenA = after.to - after.from;
  const warning = overlap
    ? 'The two windows overlap: samples in both count twice and hide a change.'
    : Math.max(lenA, lenB) > 4 * Math.min(lenA, lenB)
      ? 'The windows differ a lot in length: a short window has few samples, so small changes stay within noise.'
      : null;
  return { windows: { before, after }, warning, problems: null };
}

/** 5400000 → "1 h 30 min", 45000 → "45 s". */
export function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = [d && `${d} d`, h && `${h} h`, m && `${m} min`, sec && `${sec} s`].filter(Boolean);
  return parts.length ? parts.slice(0, 2).join(' ') : '0 s';
}
