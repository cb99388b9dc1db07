import { badRequest } from './errors';

const REL = /^-(\d+)(s|m|h|d)$/;
const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86400_000 };

/** A point in time: ISO 8601, epoch milliseconds, `now`, or relative like `-30m`, `-2h`, `-7d`. */
export function parseTimePoint(text: string, nowMs: number): number {
  const t = text.trim();
  if (t === 'now') return nowMs;
  const rel = REL.exec(t);
  if (rel) return nowMs - Number(rel[1]) * UNIT[rel[2]!]!;
  if (/^\d{12,14}$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw badRequest('INVALID_TIME', `cannot read time '${t}': use ISO 8601 (2026-11-21T10:00), epoch ms, now, or -30m / -2h / -7d`);
  return ms;
}

/** `FROM..TO` into milliseconds; FROM must be before TO. */
export function parseTimeRange(text: string, nowMs: number): { from: number; to: number } {
  const parts = text.split('..');
  if (parts.length !== 2) throw badRequest('INVALID_RANGE', `time range '${text}' must be FROM..TO (e.g. -2h..-1h)`);
  const from = parseTimePoint(parts[0]!, nowMs);
  const to = parseTimePoint(parts[1]!, nowMs);
  if (!(from < to)) throw badRequest('INVALID_RANGE', `time range '${text}': FROM must be before TO`);
  return { from, to };
}
