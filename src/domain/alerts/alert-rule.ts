import { badRequest } from '../errors';
import { checkName } from '../names';
import { DERIVED_METRICS } from '../report/derived-metrics';
import { parseSelector } from '../selector';

export type AlertOp = '>' | '<';
export type AlertState = 'firing' | 'resolved';

/** A threshold over an averaged window: "cpu.busy > 90 for 300 s on group:web". */
export interface AlertRule {
  id: string;
  name: string;
  selector: string;
  metric: string;
  op: AlertOp;
  threshold: number;
  forSec: number;
  webhookUrl: string | null;
}

export const MIN_FOR_SEC = 10;
export const MAX_FOR_SEC = 86_400;

export function checkRule(input: Omit<AlertRule, 'id'>): Omit<AlertRule, 'id'> {
  checkName('alert rule', input.name);
  parseSelector(input.selector);
  if (!DERIVED_METRICS.some((m) => m.id === input.metric)) {
    throw badRequest('UNKNOWN_METRIC', `unknown metric '${input.metric}'; one of: ${DERIVED_METRICS.map((m) => m.id).join(', ')}`);
  }
  if (input.op !== '>' && input.op !== '<') throw badRequest('INVALID_OP', "op must be '>' or '<'");
  if (!Number.isFinite(input.threshold)) throw badRequest('INVALID_THRESHOLD', 'threshold must be a number');
  if (!Number.isInteger(input.forSec) || input.forSec < MIN_FOR_SEC || input.forSec > MAX_FOR_SEC) {
    throw badRequest('INVALID_DURATION', `for must be ${MIN_FOR_SEC}..${MAX_FOR_SEC} seconds`);
  }
  if (input.webhookUrl !== null) {
    let u: URL;
    try {
      u = new URL(input.webhookUrl);
    } catch {
      throw badRequest('INVALID_WEBHOOK', `webhook '${input.webhookUrl}' is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest('INVALID_WEBHOOK', 'webhook must be http:// or https://');
  }
  return input;
}

/**
 * The next state from the window's average. No data (null) changes nothing: a host that stops
 * answering neither fires nor resolves a CPU alert; its own "down" state says that.
 */
export function nextAlertState(current: AlertState | null, average: number | null, rule: Pick<AlertRule, 'op' | 'threshold'>): { state: AlertState | null; transition: AlertState | null } {
  if (average === null) return { state: current, transition: null };
  const breached = rule.op === '>' ? average > rule.threshold : average < rule.threshold;
  if (breached && current !== 'firing') return { state: 'firing', transition: 'firing' };
  if (!breached && current === 'firing') return { state: 'resolved', transition: 'resolved' };
  return { state: current, transition: null };
}
