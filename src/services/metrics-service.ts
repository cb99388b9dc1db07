import type { Actor } from '../domain/actor';
import { badRequest } from '../domain/errors';
import { type ExposedSeries, renderExposition } from '../domain/metrics/exposition';
import { hostOverview } from '../domain/metrics/host-overview';
import type { PollIntervals } from '../domain/metrics/poll-intervals';
import type { Labels } from '../domain/metrics/sample';
import type { Clock } from '../infra/clock';
import type { MetricsStore } from '../infra/tsdb/metrics-store';
import type { HostService } from './host-service';
import type { MetricsCollector } from './metrics-collector';

const MAX_POINTS = 5000;

/** Read side of monitoring: overview, latest values, range queries, Prometheus exposition. */
export class MetricsService {
  constructor(
    private readonly hosts: HostService,
    readonly store: MetricsStore,
    readonly collector: MetricsCollector,
    private readonly clock: Clock,
  ) {}

  async overview() {
    const hosts = await this.hosts.list();
    const latestAll = await Promise.all(hosts.map((h) => this.store.latest(h.name).catch(() => [])));
    const rows = hosts.map((h, i) => {
      const latest = latestAll[i]!;
      const up = this.collector.isUp(h.name);
      const ts = latest.length ? Math.max(...latest.map((s) => s.ts)) : null;
      return { host: h.name, state: h.state, groups: h.groups, up, ts, ...hostOverview(up === false ? [] : latest) };
    });
    // problem hosts first: down, then the fullest disk / busiest CPU / most memory
    const score = (r: (typeof rows)[number]) =>
      (r.up === false || r.state !== 'reachable' ? 1000 : 0) + Math.max(r.diskMaxUsedPercent ?? 0, r.cpuBusyPercent ?? 0, r.memUsedPercent ?? 0);
    return rows.sort((a, b) => score(b) - score(a) || a.host.localeCompare(b.host));
  }

  async latest(host: string) {
    await this.hosts.get(host);
    const snap = this.collector.snapshot(host);
    const samples = await this.store.latest(host);
    return {
      ts: samples.length ? Math.max(...samples.map((s) => s.ts)) : null,
      up: this.collector.isUp(host),
      samples,
      topByCpu: snap?.top.byCpu ?? [],
      topByRss: snap?.top.byRss ?? [],
      errors: snap?.errors ?? [],
    };
  }

  async names(host: string): Promise<string[]> {
    await this.hosts.get(host);
    return this.store.seriesNames(host);
  }

  async series(host: string, q: { name: string; from?: number; to?: number; step?: number; agg?: 'avg' | 'min' | 'max'; labels?: string }) {
    await this.hosts.get(host);
    const to = q.to ?? this.clock.now().getTime();
    const from = q.from ?? to - 3600_000;
    if (!(from < to)) throw badRequest('INVALID_RANGE', 'from must be before to');
    const step = q.step ?? Math.max(1000, Math.ceil((to - from) / 300 / 1000) * 1000);
    if ((to - from) / step > MAX_POINTS) throw badRequest('TOO_MANY_POINTS', `range/step gives more than ${MAX_POINTS} points; use a larger step`);
    return this.store.query({ host, name: q.name, labels: parseLabels(q.labels), from, to, stepMs: step, agg: q.agg });
  }

  intervals(): Promise<PollIntervals> {
    return this.collector.getIntervals();
  }

  setIntervals(actor: Actor, cfg: PollIntervals): Promise<PollIntervals> {
    return this.collector.setIntervals(actor, cfg);
  }

  /** Raw counters (not rates): Prometheus computes rates itself. */
  async exposition(): Promise<string> {
    const series: ExposedSeries[] = [];
    for (const h of await this.hosts.list()) {
      const base = { host: h.name, group: h.groups[0] ?? '' };
      const up = this.collector.isUp(h.name);
      series.push({ name: 'osdeck_up', labels: base, value: up ? 1 : 0, kind: 'gauge' });
      const snap = this.collector.snapshot(h.name);
      if (!snap || up === false) continue;
      // the poll's own time: Prometheus then places the value where it was measured, not where it was scraped
      for (const s of snap.samples) series.push({ name: s.name, labels: { ...s.labels, ...base }, value: s.value, kind: snap.kinds[s.name] ?? 'gauge', ts: snap.ts });
    }
    return renderExposition(series);
  }
}

function parseLabels(text?: string): Partial<Labels> | undefined {
  if (!text) return undefined;
  const out: Labels = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw badRequest('INVALID_LABELS', `labels must be k=v pairs, got '${pair}'`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
