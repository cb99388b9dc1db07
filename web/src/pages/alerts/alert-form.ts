import { ApiError } from '../../api';
import type { AlertOp, NewAlertRule } from '../../api-types';
import { type MetricUnit, metricInfo } from '../../metric-catalog';

/** What the "Add rule" form holds: text as typed, turned into a rule only on submit. */
export interface RuleForm {
  name: string;
  selector: string;
  metric: string;
  op: AlertOp;
  threshold: string;
  /** multiplier of the threshold for byte metrics (1, 1024, 1024², 1024³) */
  scale: number;
  window: string;
  windowUnit: 'sec' | 'min';
  webhookUrl: string;
}

export type RuleField = 'name' | 'selector' | 'metric' | 'threshold' | 'window' | 'webhookUrl';

export const EMPTY_FORM: RuleForm = {
  name: '',
  selector: 'all',
  metric: 'cpu.busy',
  op: '>',
  threshold: '',
  scale: 1,
  window: '5',
  windowUnit: 'min',
  webhookUrl: '',
};

/** Threshold multipliers offered for byte metrics. */
export function scalesFor(unit: MetricUnit): { label: string; factor: number }[] | null {
  const suffix = unit === 'bytes/s' ? '/s' : '';
  if (unit !== 'bytes' && unit !== 'bytes/s') return null;
  return ['B', 'KiB', 'MiB', 'GiB'].map((u, i) => ({ label: u + suffix, factor: 1024 ** i }));
}

/** A number as typed: "90", "0.5", "1e3", with a comma allowed as the decimal mark. */
function parseNumber(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/**
 * The rule to send, or what is wrong with the form. Only what the form itself can tell is checked
 * here (empty fields, numbers); names, selectors, window bounds and URLs are the server's to judge.
 */
export function buildRule(f: RuleForm): { rule: NewAlertRule; problems: null } | { rule: null; problems: Partial<Record<RuleField, string>> } {
  const problems: Partial<Record<RuleField, string>> = {};
  if (!f.name.trim()) problems.name = 'give the rule a name';
  if (!f.selector.trim()) problems.selector = 'which hosts: all, a host name, group:G or tag:k=v';
  const threshold = parseNumber(f.threshold);
  if (threshold === null) problems.threshold = 'enter a number';
  const w = parseNumber(f.window);
  if (w === null || w <= 0) problems.window = 'enter a duration';
  if (Object.keys(problems).length) return { rule: null, problems };
  const unit = metricInfo(f.metric).unit;
  const scale = unit === 'bytes' || unit === 'bytes/s' ? f.scale : 1;
  const rule: NewAlertRule = {
    name: f.name.trim(),
    selector: f.selector.trim(),
    metric: f.metric,
    op: f.op,
    threshold: threshold! * scale,
    forSec: Math.round(w! * (f.windowUnit === 'min' ? 60 : 1)),
  };
  if (f.webhookUrl.trim()) rule.webhookUrl = f.webhookUrl.trim();
  return { rule, problems: null };
}

/** The form field a server error is about, so it is shown under that field; null: the form as a whole. */
export function fieldOfError(err: unknown): RuleField | null {
  if (!(err instanceof ApiError)) return null;
  switch (err.code) {
    case 'RULE_EXISTS':
      return 'name';
    case 'INVALID_NAME':
      // the rule's own name, or a group name inside the selector
      return /alert rule name/.test(err.detail) ? 'name' : 'selector';
    case 'INVALID_SELECTOR':
    case 'INVALID_TAG':
    case 'UNKNOWN_HOST':
    case 'EMPTY_SELECTION':
      return 'selector';
    case 'UNKNOWN_METRIC':
      return 'metric';
    case 'INVALID_OP':
    case 'INVALID_THRESHOLD':
      return 'threshold';
    case 'INVALID_DURATION':
      return 'window';
    case 'INVALID_WEBHOOK':
      return 'webhookUrl';
    default:
      return null;
  }
}
