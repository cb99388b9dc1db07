import { OsdeckError } from '../../domain/errors';
import { renderExposition } from '../../domain/metrics/exposition';
import type { Labels, MetricSample } from '../../domain/metrics/sample';
import type { MetricsStore, PollWrite, StoreRangeQuery, StoreSeries } from './metrics-store';

const FLUSH_MS = 1000;
const FLUSH_LINES = 50_000;

interface PromMatrix {
  status: string;
  data: { resultType: string; result: Array<{ metric: Record<string, string>; values?: Array<[number, string]>; value?: [number, string] }> };
  error?: string;
}

function selector(name: string | null, host: string, labels: Partial<Labels> = {}): string {
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const parts = [`host="${esc(host)}"`, ...Object.entries(labels).map(([k, v]) => `${k}="${esc(v ?? '')}"`)];
  return `${name ?? ''}{${parts.join(',')}}`;
}

/**
 * Scale mode: samples go to VictoriaMetrics (Prometheus text import, raw counters with their poll
 * timestamps) and reads use PromQL, with rate() for counters so answers match the embedded store.
 */
export class VictoriaMetricsStore implements MetricsStore {
  readonly kind = 'victoria-metrics' as const;
  private buffer: string[] = [];
  private timer: NodeJS.Timeout;
  private kinds = new Map<string, 'counter' | 'gauge'>();
  private flushing: Promise<void> = Promise.resolve();
  private lastError: string | null = null;

  constructor(private readonly url: string) {
    this.url = url.replace(/\/+$/, '');
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
  }

  private isCounter(name: string): boolean {
    return (this.kinds.get(name) ?? (name.endsWith('_total') ? 'counter' : 'gauge')) === 'counter';
  }

  async write(host: string, ts: number, poll: PollWrite): Promise<void> {
    for (const [n, k] of Object.entries(poll.kinds)) this.kinds.set(n, k);
    const gauges = poll.values.filter((s) => !this.isCounter(s.name));
    const counters = poll.raw.filter((s) => this.isCounter(s.name));
    const text = renderExposition(
      [...gauges, ...counters].filter((s) => Number.isFinite(s.value)).map((s) => ({ ...s, labels: { ...s.labels, host }, ts, kind: this.isCounter(s.name) ? ('counter' as const) : ('gauge' as const) })),
    );
    this.buffer.push(...text.split('\n').filter((l) => l && !l.startsWith('#')));
    if (this.buffer.length >= FLUSH_LINES) await this.flush();
  }

  /** Sends buffered lines; on failure they are kept (bounded) and retried on the next flush. */
  async flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.buffer.length === 0) return;
      const lines = this.buffer;
      this.buffer = [];
      try {
        const r = await fetch(`${this.url}/api/v1/import/prometheus`, { method: 'POST', body: lines.join('\n') + '\n' });
        if (!r.ok) throw new Error(`HTTP ${r.status}: ${(await r.text()).slice(0, 200)}`);
        this.lastError = null;
      } catch (e) {
        this.lastError = (e as Error).message;
        this.buffer = [...lines.slice(-FLUSH_LINES * 4), ...this.buffer];
      }
    });
    return this.flushing;
  }

  private async get(path: string, params: Record<string, string>): Promise<PromMatrix> {
    const qs = new URLSearchParams({ ...params, nocache: '1' });
    let r: Response;
    try {
      r = await fetch(`${this.url}${path}?${qs}`);
    } catch (e) {
      throw new OsdeckError('METRICS_STORE_UNREACHABLE', `cannot reach the metrics store at ${this.url}: ${(e as Error).message}`, 502);
    }
    const body = (await r.json().catch(() => null)) as PromMatrix | null;
    if (!r.ok || !body || body.status !== 'success') {
      throw new OsdeckError('METRICS_STORE_ERROR', `metrics store answered ${r.status}: ${body?.error ?? 'unreadable answer'}`, 502);
    }
    return body;
  }

  async query(q: StoreRangeQuery): Promise<StoreSeries[]> {
    await this.flush();
    const stepS = Math.max(1, Math.round(q.stepMs / 1000));
    const first = Math.floor(q.from / q.stepMs) * q.stepMs;
    const last = Math.floor(q.to / q.stepMs) * q.stepMs;
    const sel = selector(q.name, q.host, q.labels);
    const window = `${stepS}s`;
    let expr: string;
    if (this.isCounter(q.name)) expr = `rate(${sel}[${Math.max(stepS, 60)}s])`;
    else expr = `${q.agg === 'min' ? 'min' : q.agg === 'max' ? 'max' : 'avg'}_over_time(${sel}[${window}])`;
    // evaluated at the END of each bucket: the value at b + step covers [b, b + step)
    const body = await this.get('/api/v1/query_range', { query: expr, start: String((first + q.stepMs) / 1000), end: String((last + q.stepMs) / 1000), step: `${stepS}s` });
    return body.data.result.map((r) => {
      const byBucket = new Map<number, number>();
      for (const [t, v] of r.values ?? []) byBucket.set(Math.round(t * 1000) - q.stepMs, Number(v));
      const labels = { ...r.metric };
      delete labels.__name__;
      delete labels.host;
      const points: Array<[number, number | null]> = [];
      for (let b = first; b <= last; b += q.stepMs) points.push([b, byBucket.has(b) ? byBucket.get(b)! : null]);
      return { labels, points };
    });
  }

  async latest(host: string): Promise<Array<MetricSample & { ts: number }>> {
    await this.flush();
    const all = await this.get('/api/v1/query', { query: `last_over_time(${selector(null, host)}[2m])` });
    const counterNames = [...new Set(all.data.result.map((r) => r.metric.__name__ ?? '').filter((n) => n && this.isCounter(n)))];
    const rates = counterNames.length
      ? (await this.get('/api/v1/query', { query: `rate({host="${host.replace(/["\\]/g, '')}",__name__=~"${counterNames.join('|')}"}[1m]) keep_metric_names` })).data.result
      : [];
    const out: Array<MetricSample & { ts: number }> = [];
    const push = (r: PromMatrix['data']['result'][number], name: string) => {
      const labels = { ...r.metric };
      delete labels.__name__;
      delete labels.host;
      if (r.value) out.push({ name, labels, value: Number(r.value[1]), ts: Math.round(r.value[0] * 1000) });
    };
    for (const r of all.data.result) if (r.metric.__name__ && !this.isCounter(r.metric.__name__)) push(r, r.metric.__name__);
    for (const r of rates) if (r.metric.__name__) push(r, r.metric.__name__);
    return out;
  }

  async seriesNames(host: string): Promise<string[]> {
    await this.flush();
    const r = await fetch(`${this.url}/api/v1/label/__name__/values?${new URLSearchParams({ 'match[]': selector(null, host) })}`);
    const body = (await r.json()) as { data?: string[] };
    return (body.data ?? []).sort();
  }

  async maintain(): Promise<void> {
    // retention and downsampling are the store's own business
  }

  get error(): string | null {
    return this.lastError;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
