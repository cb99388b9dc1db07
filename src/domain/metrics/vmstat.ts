/** /proc/vmstat → node_vmstat_<name> for every field (node_exporter exports a subset by default). */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, metricNamePart, sample } from './proc-tokens';

export function parseVmstat(text: string, issues: string[] = []): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of lines(text)) {
    const [key = '', raw, extra] = line.trim().split(/\s+/);
    const name = metricNamePart(key);
    const value = kernelNumber(raw);
    if (name === null || value === null || extra !== undefined) issues.push(`bad line ${excerpt(line)}`);
    else out.push(sample(`node_vmstat_${name}`, value));
  }
  return out;
}
