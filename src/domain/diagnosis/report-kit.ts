/** Small pure helpers every analyzer uses to build the common report. */
import type { Report, ReportTable, Severity } from '../report/report-shape';

const ORDER: Severity[] = ['ok', 'info', 'low', 'medium', 'high', 'critical'];

export function worst(...s: Severity[]): Severity {
  return s.reduce<Severity>((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'ok');
}

export function severityRank(s: Severity): number {
  return ORDER.indexOf(s);
}

/** "1.5 GiB", "160 KiB": binary units, as free -h prints them. */
export function humanBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${sign}${i === 0 ? v : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}

export function pct(part: number, whole: number, digits = 1): string {
  if (!whole) return '0%';
  return `${((part / whole) * 100).toFixed(digits)}%`;
}

/** Single-quotes a value for a shell command shown to the operator (recommendations are copy-pasted). */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function table(title: string, columns: string[], rows: ReportTable['rows']): ReportTable {
  return { title, columns, rows };
}

/** Builds a report; the overall severity is the worst finding's unless given. */
export function makeReport(r: Omit<Report, 'severity' | 'generatedAt'> & { severity?: Severity; now: number }): Report {
  const { now, ...rest } = r;
  return {
    ...rest,
    severity: r.severity ?? worst(...r.findings.map((f) => f.severity)),
    generatedAt: new Date(now).toISOString(),
  };
}
