/**
 * /proc/pressure/{cpu,memory,io,irq} (PSI) → node_exporter's pressure counters plus the kernel's
 * own averages as gauges.
 *
 * Counters (node_exporter names; total= is microseconds):
 *   some → node_pressure_<res>_waiting_seconds_total, full → node_pressure_<res>_stalled_seconds_total.
 *   The system-wide cpu "full" line (5.13+) is always 0, so node_exporter skips it and so do we.
 * Gauges (osdeck naming, node_exporter has none): node_pressure_<res>_<some|full>_avg10|avg60|avg300,
 *   the percentage of time stalled over the last 10 s / 60 s / 300 s as the kernel computed it, so a
 *   host page can show pressure before two samples exist to rate the counters.
 */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, sample } from './proc-tokens';

export type PressureResource = 'cpu' | 'memory' | 'io' | 'irq';

const LINE = /^(some|full) avg10=(\S+) avg60=(\S+) avg300=(\S+) total=(\S+)$/;
const COUNTER = { some: 'waiting', full: 'stalled' } as const;

export function parsePressure(resource: PressureResource, text: string, issues: string[] = []): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of lines(text)) {
    const m = LINE.exec(line.trim());
    const nums = m ? m.slice(2).map(kernelNumber) : [];
    if (!m || nums.some((n) => n === null || n < 0)) {
      issues.push(`bad line ${excerpt(line)}`);
      continue;
    }
    const kind = m[1] as 'some' | 'full';
    const [avg10, avg60, avg300, totalUs] = nums as [number, number, number, number];
    out.push(
      sample(`node_pressure_${resource}_${kind}_avg10`, avg10),
      sample(`node_pressure_${resource}_${kind}_avg60`, avg60),
      sample(`node_pressure_${resource}_${kind}_avg300`, avg300),
    );
    if (!(resource === 'cpu' && kind === 'full')) {
      out.push(sample(`node_pressure_${resource}_${COUNTER[kind]}_seconds_total`, totalUs / 1e6));
    }
  }
  return out;
}
