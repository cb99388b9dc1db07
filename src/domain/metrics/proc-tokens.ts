/**
 * One token of /proc or tool text becomes a number, a metric-name part or a label value here, or is
 * refused. The text comes from a remote host and may be truncated, binary or hostile, so nothing
 * that is not plainly a kernel number may become a sample value (no NaN, no Infinity, ever).
 */
import type { Labels, MetricSample } from './sample';

// Kernel counters are at most u64 (20 digits); a few fields are signed (Tcp MaxConn -1) or decimal
// (loadavg, PSI averages, uptime). Bounding the digits also keeps a hostile 1 MB "number" cheap.
const NUMBER = /^-?\d{1,20}(?:\.\d{1,20})?$/;
const U64_LIMIT = 2 ** 64;

export function kernelNumber(token: string | undefined): number | null {
  if (token === undefined || !NUMBER.test(token)) return null;
  const n = Number(token);
  return Number.isFinite(n) && Math.abs(n) <= U64_LIMIT ? n : null;
}

// Prometheus metric names are [a-zA-Z_:][a-zA-Z0-9_:]*; parts taken from /proc keys must fit that.
const NAME_PART = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

export function metricNamePart(raw: string): string | null {
  return NAME_PART.test(raw) ? raw : null;
}

// C0/C1 controls, DEL, and bidi overrides (which can make a name read backwards in a UI).
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Device names, mount points and commands are chosen by whoever runs the host: printable only, bounded. */
export function printable(raw: string, max = 128): string {
  return raw.replace(UNPRINTABLE, '').slice(0, max);
}

/** A short, safe quotation of bad input for an error message. */
export function excerpt(raw: string): string {
  const s = printable(raw, 40);
  return JSON.stringify(raw.length > 40 ? `${s}…` : s);
}

export function sample(name: string, value: number, labels: Labels = {}): MetricSample {
  return { name, labels, value };
}

/** Lines of a section without the trailing empty one and with CRs (from a PTY) dropped. */
export function lines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim() !== '');
}
