import type { Labels, MetricSample } from './sample';

export interface ExposedSeries extends MetricSample {
  kind: 'counter' | 'gauge';
  /** milliseconds since the epoch, optional */
  ts?: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatLabels(labels: Labels): string {
  const parts = Object.keys(labels)
    .filter((k) => LABEL.test(k))
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k]!)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Prometheus text format 0.0.4: one TYPE line per metric family, then its series. */
export function renderExposition(series: ExposedSeries[]): string {
  const families = new Map<string, ExposedSeries[]>();
  for (const s of series) {
    if (!NAME.test(s.name)) continue;
    const f = families.get(s.name);
    if (f) f.push(s);
    else families.set(s.name, [s]);
  }
  const out: string[] = [];
  for (const name of [...families.keys()].sort()) {
    const list = families.get(name)!;
    out.push(`# TYPE ${name} ${list[0]!.kind}`);
    for (const s of list) out.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}${s.ts ? ` ${Math.round(s.ts)}` : ''}`);
  }
  return out.join('\n') + '\n';
}
