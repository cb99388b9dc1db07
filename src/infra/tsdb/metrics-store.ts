import type { Labels, MetricSample } from '../../domain/metrics/sample';

export interface StoreRangeQuery {
  host: string;
  name: string;
  labels?: Partial<Labels>;
  from: number;
  to: number;
  stepMs: number;
  agg?: 'avg' | 'min' | 'max';
}

export interface StoreSeries {
  labels: Labels;
  points: Array<[number, number | null]>;
}

/** One poll as the collector hands it over: values (gauges and counter rates) and the raw counters. */
export interface PollWrite {
  values: MetricSample[];
  raw: MetricSample[];
  kinds: Record<string, 'counter' | 'gauge'>;
}

/**
 * Where metrics live: the embedded SQLite store by default, or a Prometheus-compatible server
 * (VictoriaMetrics) with OSDECK_METRICS_URL. Reads always answer with counters as per-second rates.
 */
export interface MetricsStore {
  readonly kind: 'sqlite' | 'victoria-metrics';
  write(host: string, ts: number, poll: PollWrite): Promise<void>;
  query(q: StoreRangeQuery): Promise<StoreSeries[]>;
  latest(host: string): Promise<Array<MetricSample & { ts: number }>>;
  seriesNames(host: string): Promise<string[]>;
  /** Rollups and retention (the embedded store); a no-op where the server does it. */
  maintain(now: number): Promise<void>;
  close(): Promise<void>;
}
