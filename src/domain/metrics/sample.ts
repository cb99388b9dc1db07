/** One metric value with node_exporter naming, e.g. node_cpu_seconds_total{cpu="0",mode="idle"}. */
export type Labels = Record<string, string>;

export interface MetricSample {
  name: string;
  labels: Labels;
  value: number;
}

/** Counters only go up (until a reset or wrap); gauges go anywhere. Rates are computed from counters. */
export type MetricKind = 'counter' | 'gauge';

/** A stored point: `ts` in milliseconds since the epoch. */
export interface Point {
  ts: number;
  value: number;
}

/** Canonical text key of a series' labels (sorted), used for identity and storage. */
export function labelsKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}
