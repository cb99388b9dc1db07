import type { MetricComparison, WindowStats } from '../../api-types';
import { DASH, num, siNumber } from '../../format';
import { METRICS } from '../../metric-catalog';

export const STATS = ['mean', 'p50', 'p95', 'p99', 'min', 'max', 'stddev'] as const;
export type Stat = (typeof STATS)[number];

/** A sortable column: host, metric, one statistic of one window, or the change. */
export type SortKey = 'host' | 'metric' | 'change' | `before.${Stat}` | `after.${Stat}`;
export type SortDir = 'asc' | 'desc';

export function isSortKey(s: string | null): s is SortKey {
  if (s === 'host' || s === 'metric' || s === 'change') return true;
  const m = /^(before|after)\.(\w+)$/.exec(s ?? '');
  return !!m && (STATS as readonly string[]).includes(m[2]!);
}

/** Text columns sort A→Z first, figures largest first. */
export function firstDir(k: SortKey): SortDir {
  return k === 'host' || k === 'metric' ? 'asc' : 'desc';
}

const catalogOrder = (id: string) => {
  const i = METRICS.findIndex((m) => m.id === id);
  return i < 0 ? METRICS.length : i;
};

function valueOf(c: MetricComparison, k: SortKey): string | number | null {
  if (k === 'host') return c.host;
  if (k === 'metric') return c.title;
  if (k === 'change') return c.change.percent;
  const [w, stat] = k.split('.') as ['before' | 'after', Stat];
  return (c[w] as WindowStats)[stat];
}

/**
 * The table's rows in order. No sort key: what changed first (largest |t| first), then the rest in
 * the metric list's order, host by host. A key: by that column, missing values always last, ties in
 * the default order.
 */
export function sortComparisons(rows: readonly MetricComparison[], key: SortKey | null, dir: SortDir): MetricComparison[] {
  const base = (a: MetricComparison, b: MetricComparison) => {
    if (a.change.changed !== b.change.changed) return a.change.changed ? -1 : 1;
    if (a.change.changed) {
      const d = Math.abs(b.change.t ?? Infinity) - Math.abs(a.change.t ?? Infinity);
      if (d !== 0 && Number.isFinite(d)) return d;
    }
    return a.host.localeCompare(b.host) || catalogOrder(a.metric) - catalogOrder(b.metric);
  };
  const out = [...rows];
  if (key === null) return out.sort(base);
  const sign = dir === 'asc' ? 1 : -1;
  return out.sort((a, b) => {
    const va = valueOf(a, key);
    const vb = valueOf(b, key);
    if (va === null || vb === null) return va === vb ? base(a, b) : va === null ? 1 : -1;
    const d = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number);
    return d !== 0 ? sign * d : base(a, b);
  });
}

/**
 * One scale for a whole row, so its cells are short bare numbers and the unit is said once, beside
 * the metric: bytes in the binary unit of the row's largest value (22.3 with "GiB"), the rest as is.
 */
export function rowScale(unit: string, values: readonly (number | null)[]): { factor: number; label: string } {
  if (unit === 'bytes' || unit === 'bytes/s') {
    const max = Math.max(0, ...values.filter((v): v is number => v !== null && Number.isFinite(v)).map(Math.abs));
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let k = 0;
    while (k < units.length - 1 && max >= 1024 ** (k + 1)) k++;
    return { factor: 1024 ** k, label: units[k] + (unit === 'bytes/s' ? '/s' : '') };
  }
  return { factor: 1, label: unit };
}

/** A cell: three significant digits or so, no unit (the row has one). */
export function cellText(v: number | null, factor: number): string {
  if (v === null || !Number.isFinite(v)) return DASH;
  const x = v / factor;
  const a = Math.abs(x);
  if (a >= 10_000) return siNumber(x);
  return num(x, a >= 100 ? 0 : a >= 10 ? 1 : 2);
}
