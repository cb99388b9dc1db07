import { DERIVED_METRICS, type DerivedMetric } from './derived-metrics';
import type { Report, ReportTable } from './report-shape';
import { type Change, type WindowStats, compareWindows, windowStats } from './window-stats';

export interface Window {
  from: number;
  to: number;
}

/** One host's derived series in both windows (values per bucket, nulls are gaps). */
export interface HostWindows {
  host: string;
  stepMs: number;
  before: Record<string, Array<number | null>>;
  after: Record<string, Array<number | null>>;
}

export interface MetricComparison {
  host: string;
  metric: string;
  title: string;
  unit: string;
  before: WindowStats;
  after: WindowStats;
  change: Change;
}

export interface WorkloadRuns {
  host: string;
  command: string;
  before: number[];
  after: number[];
}

export function compareHost(h: HostWindows, metrics: DerivedMetric[] = DERIVED_METRICS): MetricComparison[] {
  const out: MetricComparison[] = [];
  for (const m of metrics) {
    const b = windowStats(h.before[m.id] ?? []);
    const a = windowStats(h.after[m.id] ?? []);
    if (b.count === 0 && a.count === 0) continue; // the host does not have this metric
    out.push({ host: h.host, metric: m.id, title: m.title, unit: m.unit, before: b, after: a, change: compareWindows(b, a, 0.1, m.minAbsolute) });
  }
  return out;
}

const fmtNum = (v: number | null, unit: string) => {
  if (v === null) return null;
  if (unit === 'bytes' || unit === 'bytes/s') return Math.round(v);
  return Math.round(v * 100) / 100;
};

function describe(c: MetricComparison): string {
  const u = c.unit === '%' ? ' %' : c.unit ? ` ${c.unit}` : '';
  const b = fmtNum(c.before.mean, c.unit);
  const a = fmtNum(c.after.mean, c.unit);
  const dir = (c.after.mean ?? 0) > (c.before.mean ?? 0) ? 'rose' : 'fell';
  const pct = c.change.percent === null ? '' : ` (${c.change.percent > 0 ? '+' : ''}${Math.round(c.change.percent)} %)`;
  return `${c.host}: ${c.title} ${dir} from ${b}${u} to ${a}${u}${pct}`;
}

/** The before/after comparison in the common report shape. */
export function buildCompareReport(input: {
  selector: string;
  before: Window;
  after: Window;
  hosts: HostWindows[];
  workloads?: WorkloadRuns[];
  now: Date;
}): Report & { comparisons: MetricComparison[]; workloadComparisons: Array<{ host: string; command: string; before: WindowStats; after: WindowStats; change: Change }> } {
  const comparisons = input.hosts.flatMap((h) => compareHost(h));
  const changed = comparisons.filter((c) => c.change.changed);
  const workloadComparisons = (input.workloads ?? []).map((w) => {
    const before = windowStats(w.before);
    const after = windowStats(w.after);
    return { host: w.host, command: w.command, before, after, change: compareWindows(before, after, 0.1, 0) };
  });
  const slowerWork = workloadComparisons.filter((w) => w.change.changed && (w.after.mean ?? 0) > (w.before.mean ?? 0));
  const conclusion =
    changed.length === 0 && slowerWork.length === 0
      ? `No metric of ${input.selector} changed beyond noise between the two windows (${comparisons.length} compared).`
      : `${changed.length} of ${comparisons.length} metrics changed beyond noise${changed.length ? `; largest: ${describe(maxBy(changed, (c) => Math.abs(c.change.t ?? 0)))}` : ''}${slowerWork.length ? `; the workload got slower on ${slowerWork.map((w) => w.host).join(', ')}` : ''}.`;
  const header = ['host', 'metric', 'unit', 'before mean', 'before p50', 'before p95', 'before p99', 'before min', 'before max', 'before stddev', 'after mean', 'after p50', 'after p95', 'after p99', 'after min', 'after max', 'after stddev', 'change %', 'changed'];
  const row = (host: string, title: string, unit: string, b: WindowStats, a: WindowStats, c: Change) => [
    host, title, unit,
    ...[b.mean, b.p50, b.p95, b.p99, b.min, b.max, b.stddev].map((v) => fmtNum(v, unit)),
    ...[a.mean, a.p50, a.p95, a.p99, a.min, a.max, a.stddev].map((v) => fmtNum(v, unit)),
    c.percent === null ? null : Math.round(c.percent * 10) / 10,
    c.changed ? 'CHANGED' : '',
  ];
  const tables: ReportTable[] = [{ title: 'Metrics, before vs after', columns: header, rows: comparisons.map((c) => row(c.host, c.title, c.unit, c.before, c.after, c.change)) }];
  if (workloadComparisons.length) {
    tables.push({ title: 'Workload test (seconds per run)', columns: header, rows: workloadComparisons.map((w) => row(w.host, w.command, 's', w.before, w.after, w.change)) });
  }
  return {
    kind: 'compare',
    title: `Before/after comparison of ${input.selector}`,
    generatedAt: input.now.toISOString(),
    conclusion,
    severity: changed.length || slowerWork.length ? 'info' : 'ok',
    findings: [...changed.map((c) => ({ severity: 'info' as const, summary: describe(c), detail: `t = ${c.change.t === null ? 'n/a' : c.change.t.toFixed(1)}, stddev ${fmtNum(c.before.stddev, c.unit)} → ${fmtNum(c.after.stddev, c.unit)}` })),
      ...slowerWork.map((w) => ({ severity: 'medium' as const, summary: `${w.host}: '${w.command}' took ${w.before.mean?.toFixed(3)} s before and ${w.after.mean?.toFixed(3)} s after` }))],
    tables,
    recommendations: changed.length
      ? [{ summary: 'Look at the hosts whose metrics changed, over the after window', commands: [...new Set(changed.map((c) => `osdeck metrics ${c.host} --since 1h`))] }]
      : [],
    evidence: { selector: input.selector, before: input.before, after: input.after, series: input.hosts },
    comparisons,
    workloadComparisons,
  };
}

function maxBy<T>(list: T[], f: (t: T) => number): T {
  return list.reduce((best, x) => (f(x) > f(best) ? x : best));
}
