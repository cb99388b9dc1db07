import type { Actor } from '../domain/actor';
import { type AlertRule, type AlertState, checkRule, nextAlertState } from '../domain/alerts/alert-rule';
import { OsdeckError, conflict, notFound } from '../domain/errors';
import { DERIVED_METRICS, type Inputs, deriveSeries } from '../domain/report/derived-metrics';
import { windowStats } from '../domain/report/window-stats';
import { type Clock, iso } from '../infra/clock';
import { newId } from '../infra/crypto/tokens';
import type { AlertRuleRow, AlertsRepository } from '../infra/db/alerts-repository';
import type { MetricsStore } from '../infra/tsdb/metrics-store';
import type { AuditService } from './audit-service';
import type { HostService } from './host-service';

const EVAL_EVERY_MS = 10_000;
const WEBHOOK_TIMEOUT_MS = 5000;
const SYSTEM_ACTOR: Actor = { type: 'system', name: 'system:alerts', role: 'admin', userId: null };

export interface AlertEvent {
  id: number;
  rule: string;
  ruleId: string;
  host: string;
  state: AlertState;
  value: number | null;
  ts: string;
  webhookStatus: string | null;
}

const toRule = (r: AlertRuleRow): AlertRule & { createdBy: string; createdAt: string } => ({
  id: r.id, name: r.name, selector: r.selector, metric: r.metric, op: r.op as AlertRule['op'], threshold: Number(r.threshold),
  forSec: r.for_sec, webhookUrl: r.webhook_url, createdBy: r.created_by, createdAt: r.created_at,
});

/**
 * Threshold alerts over averaged windows. Every 10 s each rule's metric is averaged over its
 * window per selected host; crossing the threshold fires, falling back resolves. Both are stored,
 * audited and sent to the rule's webhook.
 */
export class AlertService {
  private states = new Map<string, { state: AlertState; value: number | null; ts: string }>();
  private timer: NodeJS.Timeout | null = null;
  private evaluating = false;

  constructor(
    private readonly repo: AlertsRepository,
    private readonly hosts: HostService,
    private readonly store: MetricsStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async start(): Promise<void> {
    for (const e of await this.repo.currentStates()) this.states.set(`${e.rule_id}|${e.host}`, { state: e.state as AlertState, value: e.value, ts: e.ts });
    this.timer = setInterval(() => void this.evaluate().catch(() => {}), EVAL_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async rules() {
    return (await this.repo.rules()).map(toRule);
  }

  async addRule(actor: Actor, input: Omit<AlertRule, 'id'>) {
    const rule = checkRule({ ...input, webhookUrl: input.webhookUrl || null });
    if (await this.repo.ruleByName(rule.name)) throw conflict('RULE_EXISTS', `alert rule '${rule.name}' already exists`);
    const row: AlertRuleRow = {
      id: newId(), name: rule.name, selector: rule.selector, metric: rule.metric, op: rule.op, threshold: rule.threshold,
      for_sec: rule.forSec, webhook_url: rule.webhookUrl, created_by: actor.name, created_at: iso(this.clock),
    };
    await this.repo.insertRule(row);
    await this.audit.record(actor, { action: 'alert.rule_add', result: 'ok', target: `alert:${rule.name}`, detail: { ...rule } });
    return toRule(row);
  }

  async removeRule(actor: Actor, idOrName: string) {
    const r = (await this.repo.ruleById(idOrName)) ?? (await this.repo.ruleByName(idOrName));
    if (!r) throw notFound('alert rule', idOrName);
    await this.repo.deleteRule(r.id);
    for (const k of [...this.states.keys()]) if (k.startsWith(`${r.id}|`)) this.states.delete(k);
    await this.audit.record(actor, { action: 'alert.rule_remove', result: 'ok', target: `alert:${r.name}` });
  }

  async events(limit = 100): Promise<AlertEvent[]> {
    return (await this.repo.events(Math.min(Math.max(limit, 1), 1000))).map((e) => ({
      id: Number(e.id), rule: e.rule_name, ruleId: e.rule_id, host: e.host, state: e.state as AlertState, value: e.value, ts: e.ts, webhookStatus: e.webhook_status,
    }));
  }

  /** Alerts firing now. */
  async active() {
    const rules = new Map((await this.repo.rules()).map((r) => [r.id, toRule(r)]));
    return [...this.states.entries()]
      .filter(([k, s]) => s.state === 'firing' && rules.has(k.split('|')[0]!))
      .map(([k, s]) => {
        const [ruleId, host] = k.split('|') as [string, string];
        const r = rules.get(ruleId)!;
        return { rule: r.name, host, metric: r.metric, op: r.op, threshold: r.threshold, forSec: r.forSec, value: s.value, since: s.ts };
      });
  }

  /** One evaluation round (also called by tests). */
  async evaluate(): Promise<void> {
    if (this.evaluating) return;
    this.evaluating = true;
    try {
      const now = this.clock.now().getTime();
      for (const rule of await this.rules()) {
        const metric = DERIVED_METRICS.find((m) => m.id === rule.metric);
        if (!metric) continue;
        let targets: Array<{ name: string }>;
        try {
          targets = await this.hosts.select(rule.selector);
        } catch (e) {
          if (e instanceof OsdeckError) continue; // the selector matches nothing right now
          throw e;
        }
        for (const h of targets) {
          const from = now - rule.forSec * 1000;
          const inputs: Inputs = {};
          for (const name of metric.inputs) {
            const series = await this.store.query({ host: h.name, name, from, to: now, stepMs: 1000 });
            if (series.length) inputs[name] = series.map((s) => ({ labels: s.labels, values: s.points.map((p) => p[1]) }));
          }
          const buckets = Math.max(0, ...Object.values(inputs).flatMap((s) => s.map((x) => x.values.length)));
          const avg = windowStats(deriveSeries(metric, inputs, buckets)).mean;
          const key = `${rule.id}|${h.name}`;
          const { transition } = nextAlertState(this.states.get(key)?.state ?? null, avg, rule);
          if (transition) await this.transition(rule, h.name, transition, avg);
        }
      }
    } finally {
      this.evaluating = false;
    }
  }

  private async transition(rule: AlertRule, host: string, state: AlertState, value: number | null): Promise<void> {
    const ts = iso(this.clock);
    this.states.set(`${rule.id}|${host}`, { state, value, ts });
    let webhookStatus: string | null = null;
    if (rule.webhookUrl) {
      try {
        const r = await fetch(rule.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'osdeck-alerts' },
          body: JSON.stringify({ rule: rule.name, host, state, metric: rule.metric, op: rule.op, threshold: rule.threshold, forSec: rule.forSec, value, ts }),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        webhookStatus = `HTTP ${r.status}`;
      } catch (e) {
        webhookStatus = `failed: ${(e as Error).message}`;
      }
    }
    await this.repo.insertEvent({ rule_id: rule.id, rule_name: rule.name, host, state, value, ts, webhook_status: webhookStatus });
    await this.audit.record(SYSTEM_ACTOR, {
      action: `alert.${state}`, result: state === 'firing' ? 'error' : 'ok', host, target: `alert:${rule.name}`,
      detail: { metric: rule.metric, op: rule.op, threshold: rule.threshold, forSec: rule.forSec, value, webhook: webhookStatus },
    });
  }
}
