import { DASH, byteRate, bytes, num, percent, perSecond, siNumber } from './format';

/**
 * The host-level metrics that alert rules and comparison reports use, copied from the server
 * (src/domain/report/derived-metrics.ts; the console never imports server code). The server
 * decides: a metric missing here is still shown by its id, an id unknown there is refused.
 */
export type MetricUnit = '%' | 'bytes' | 'bytes/s' | '/s' | '' | 's/s';

export interface MetricInfo {
  id: string;
  title: string;
  unit: MetricUnit;
}

export const METRICS: readonly MetricInfo[] = [
  { id: 'cpu.busy', title: 'CPU busy', unit: '%' },
  { id: 'cpu.user', title: 'CPU user', unit: '%' },
  { id: 'cpu.system', title: 'CPU system', unit: '%' },
  { id: 'cpu.iowait', title: 'CPU iowait', unit: '%' },
  { id: 'cpu.steal', title: 'CPU steal', unit: '%' },
  { id: 'load.1', title: 'Load (1 min)', unit: '' },
  { id: 'mem.used', title: 'Memory used', unit: '%' },
  { id: 'mem.available', title: 'Memory available', unit: 'bytes' },
  { id: 'mem.cached', title: 'Page cache', unit: 'bytes' },
  { id: 'disk.used', title: 'Fullest filesystem', unit: '%' },
  { id: 'swap.out', title: 'Swap-out pages', unit: '/s' },
  { id: 'disk.read', title: 'Disk read', unit: 'bytes/s' },
  { id: 'disk.write', title: 'Disk write', unit: 'bytes/s' },
  { id: 'disk.busy', title: 'Disk busy (max device)', unit: '%' },
  { id: 'net.rx', title: 'Network received', unit: 'bytes/s' },
  { id: 'net.tx', title: 'Network sent', unit: 'bytes/s' },
  { id: 'net.drops', title: 'Network drops', unit: '/s' },
  { id: 'tcp.retrans', title: 'TCP retransmits', unit: '/s' },
  { id: 'psi.cpu', title: 'CPU pressure (some)', unit: '%' },
  { id: 'psi.memory', title: 'Memory pressure (some)', unit: '%' },
  { id: 'psi.io', title: 'IO pressure (some)', unit: '%' },
];

export function metricInfo(id: string): MetricInfo {
  return METRICS.find((m) => m.id === id) ?? { id, title: id, unit: '' };
}

/** The unit as a reader says it: "%", "bytes/s", "per second"; '' for a plain number. */
export function unitText(unit: string): string {
  if (unit === '/s') return 'per second';
  return unit;
}

/** A metric's value with its unit: 37.46 % → "37.5 %", bytes → "1.2 GiB", '' → "0.42". */
export function formatMetric(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  switch (unit) {
    case '%':
      return percent(v, v !== 0 && Math.abs(v) < 1 ? 2 : 1);
    case 'bytes':
      return bytes(v);
    case 'bytes/s':
      return byteRate(v);
    case '/s':
      return perSecond(v);
    case 's/s':
      return `${num(v, 3)} s/s`;
    default:
      return Math.abs(v) >= 1000 ? siNumber(v) : num(v, 2);
  }
}

/** A threshold as typed, with its unit: 90 → "90 %", 1073741824 (bytes) → "1.0 GiB", 0.5 → "0.5". */
export function thresholdText(v: number, unit: string): string {
  if (unit === 'bytes' || unit === 'bytes/s') return formatMetric(v, unit);
  const n = num(v, 4);
  if (unit === '%') return `${n} %`;
  if (unit === '/s') return `${n}/s`;
  return unit ? `${n} ${unit}` : n;
}

/** "cpu.busy > 90 % over 5 min". */
export function conditionText(r: { metric: string; op: string; threshold: number; forSec: number }): string {
  return `${r.metric} ${r.op} ${thresholdText(r.threshold, metricInfo(r.metric).unit)} over ${windowText(r.forSec)}`;
}

/** 45 → "45 s", 300 → "5 min", 5400 → "90 min", 7200 → "2 h". */
export function windowText(sec: number): string {
  if (sec < 60 || sec % 60 !== 0) return `${sec} s`;
  if (sec < 7200 || sec % 3600 !== 0) return `${sec / 60} min`;
  return `${sec / 3600} h`;
}
