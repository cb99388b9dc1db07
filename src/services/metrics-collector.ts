import type { Actor } from '../domain/actor';
import { HostError } from '../domain/errors';
import { DEFAULT_POLL_INTERVALS, type PollIntervals, intervalFor } from '../domain/metrics/poll-intervals';
import { parseMetricsProbe } from '../domain/metrics/metrics-snapshot';
import { computeRates } from '../domain/metrics/rates';
import type { MetricSample } from '../domain/metrics/sample';
import type { Clock } from '../infra/clock';
import type { SettingsRepository } from '../infra/db/settings-repository';
import { probeScript } from '../infra/probe-scripts';
import type { MetricsStore } from '../infra/tsdb/metrics-store';
import type { AuditService } from './audit-service';
import type { HostService, HostView } from './host-service';

const INTERVALS_KEY = 'metrics.intervals';
const TICK_MS = 1000;
const INVENTORY_REFRESH_MS = 15_000;
// rollups block the event loop for a moment (one page write per series and tier): every 5 min is the measured sweet spot
const ROLLUP_EVERY_MS = 5 * 60_000;

export interface HostSnapshot {
  ts: number;
  samples: MetricSample[];
  kinds: Record<string, 'counter' | 'gauge'>;
  top: ReturnType<typeof parseMetricsProbe>['top'];
  errors: string[];
  durationMs: number;
}

interface HostState {
  nextDue: number;
  inFlight: boolean;
  /** the previous raw poll: rates come from the difference */
  prev: { ts: number; samples: MetricSample[] } | null;
  last: HostSnapshot | null;
  up: boolean | null;
}

const SYSTEM_ACTOR: Actor = { type: 'system', name: 'system:metrics', role: 'admin', userId: null };

/**
 * Polls every host with one probe script per interval, turns counters into rates, and stores
 * the result. A host that does not answer gets no samples (a gap, never zeros) and a state change.
 * Routine polls are not audited one by one (a fixed read-only probe, 4 per minute per host);
 * a host going down or coming back is.
 */
export class MetricsCollector {
  private states = new Map<string, HostState>();
  private hosts: HostView[] = [];
  private hostsAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  private lastRollup = 0;
  private intervals: PollIntervals = DEFAULT_POLL_INTERVALS;
  private stopped = false;

  constructor(
    private readonly hostService: HostService,
    private readonly store: MetricsStore,
    private readonly settings: SettingsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly concurrency = 32,
  ) {}

  async start(): Promise<void> {
    this.intervals = await this.loadIntervals();
    this.timer = setInterval(() => void this.tick().catch(() => {}), TICK_MS);
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running > 0) await new Promise((r) => setTimeout(r, 50));
  }

  snapshot(host: string): HostSnapshot | null {
    return this.states.get(host)?.last ?? null;
  }

  isUp(host: string): boolean | null {
    return this.states.get(host)?.up ?? null;
  }

  async getIntervals(): Promise<PollIntervals> {
    return this.loadIntervals();
  }

  async setIntervals(actor: Actor, cfg: PollIntervals): Promise<PollIntervals> {
    await this.settings.set(INTERVALS_KEY, JSON.stringify(cfg));
    this.intervals = cfg;
    await this.audit.record(actor, { action: 'metrics.intervals', result: 'ok', detail: cfg as unknown as Record<string, unknown> });
    return cfg;
  }

  /** Polls one host now (also used by tests and `osdeck metrics --now`). */
  async pollNow(name: string): Promise<HostSnapshot | null> {
    const state = this.state(name);
    if (state.inFlight) return state.last;
    await this.poll(name, state);
    return state.last;
  }

  private async loadIntervals(): Promise<PollIntervals> {
    const raw = await this.settings.get(INTERVALS_KEY);
    if (!raw) return DEFAULT_POLL_INTERVALS;
    try {
      return { ...DEFAULT_POLL_INTERVALS, ...(JSON.parse(raw) as Partial<PollIntervals>) };
    } catch {
      return DEFAULT_POLL_INTERVALS;
    }
  }

  private state(name: string): HostState {
    let s = this.states.get(name);
    if (!s) {
      // spread first polls over the interval so a big fleet does not poll in one burst
      s = { nextDue: this.clock.now().getTime() + Math.floor(Math.random() * 2000), inFlight: false, prev: null, last: null, up: null };
      this.states.set(name, s);
    }
    return s;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = this.clock.now().getTime();
    if (now - this.hostsAt > INVENTORY_REFRESH_MS) {
      this.hosts = await this.hostService.list();
      this.hostsAt = now;
      const names = new Set(this.hosts.map((h) => h.name));
      for (const n of this.states.keys()) if (!names.has(n)) this.states.delete(n);
    }
    for (const h of this.hosts) {
      const st = this.state(h.name);
      if (st.inFlight || now < st.nextDue || this.running >= this.concurrency) continue;
      st.nextDue = now + intervalFor(this.intervals, h) * 1000;
      void this.poll(h.name, st);
    }
    if (now - this.lastRollup > ROLLUP_EVERY_MS) {
      this.lastRollup = now;
      await this.store.maintain(now);
    }
  }

  private async poll(name: string, st: HostState): Promise<void> {
    st.inFlight = true;
    this.running++;
    const started = this.clock.now().getTime();
    try {
      const t = await this.hostService.transportByName(name);
      const r = await t.runScript(probeScript('metrics.sh'), { timeoutMs: 10_000, maxOutputBytes: 4 * 1024 * 1024 });
      const finished = this.clock.now().getTime();
      // the sample time is the middle of the round trip: both ends of a rate use the same rule
      const ts = Math.round((started + finished) / 2);
      const parsed = parseMetricsProbe(r.stdout.toString('utf8'));
      const cur = { ts, samples: parsed.samples };
      const values = computeRates(st.prev, cur, parsed.kinds);
      st.prev = cur;
      const own = [
        { name: 'osdeck_up', labels: {}, value: 1 },
        { name: 'osdeck_poll_duration_seconds', labels: {}, value: (finished - started) / 1000 },
      ];
      await this.store.write(name, ts, { values: [...values, ...own], raw: [...parsed.samples, ...own], kinds: parsed.kinds });
      st.last = { ts, samples: parsed.samples, kinds: parsed.kinds, top: parsed.top, errors: parsed.errors, durationMs: finished - started };
      if (st.up === false) await this.audit.record(SYSTEM_ACTOR, { action: 'metrics.host_up', result: 'ok', host: name, target: `host:${name}` });
      st.up = true;
      await this.hostService.noteSuccess(name);
    } catch (e) {
      // no samples: the chart shows a gap. The rate base is dropped so the next poll does not span the gap.
      st.prev = null;
      if (st.up !== false) {
        await this.audit.record(SYSTEM_ACTOR, { action: 'metrics.host_down', result: 'error', host: name, target: `host:${name}`, detail: { error: (e as Error).message } });
      }
      st.up = false;
      if (e instanceof HostError) await this.hostService.noteFailure(name, e);
    } finally {
      st.inFlight = false;
      this.running--;
    }
  }
}
