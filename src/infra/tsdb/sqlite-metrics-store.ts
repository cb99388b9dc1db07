import type { MetricSample } from '../../domain/metrics/sample';
import type { MetricsStore, PollWrite, StoreRangeQuery, StoreSeries } from './metrics-store';
import { SqliteTsdb } from './sqlite-tsdb';

/** The embedded default: stores gauges and counter rates (Prometheus gets raw counters from /metrics). */
export class SqliteMetricsStore implements MetricsStore {
  readonly kind = 'sqlite' as const;
  readonly tsdb: SqliteTsdb;

  constructor(file: string) {
    this.tsdb = new SqliteTsdb({ file });
  }

  async write(host: string, ts: number, poll: PollWrite): Promise<void> {
    this.tsdb.append(host, ts, poll.values);
  }
  async query(q: StoreRangeQuery): Promise<StoreSeries[]> {
    return this.tsdb.query(q);
  }
  async latest(host: string): Promise<Array<MetricSample & { ts: number }>> {
    return this.tsdb.latest(host);
  }
  async seriesNames(host: string): Promise<string[]> {
    return this.tsdb.seriesNames(host);
  }
  private lastPrune = 0;

  async maintain(now: number): Promise<void> {
    this.tsdb.rollup(now);
    // retention moves slowly; scanning every series for it hourly is enough
    if (now - this.lastPrune >= 3600_000) {
      this.lastPrune = now;
      this.tsdb.prune(now);
    }
  }
  async close(): Promise<void> {
    this.tsdb.close();
  }
}
