/** /proc/loadavg → node_load1, node_load5, node_load15. */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, sample } from './proc-tokens';

export function parseLoadavg(text: string, issues: string[] = []): MetricSample[] {
  // "0.52 0.58 0.59 1/139 15093": the run-queue and last-pid fields are not load averages.
  const fields = text.trim().split(/\s+/);
  const loads = fields.slice(0, 3).map(kernelNumber);
  if (loads.length < 3 || loads.some((l) => l === null || l < 0)) {
    issues.push(`bad loadavg ${excerpt(text.trim())}`);
    return [];
  }
  return [sample('node_load1', loads[0]!), sample('node_load5', loads[1]!), sample('node_load15', loads[2]!)];
}
