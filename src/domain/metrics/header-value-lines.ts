/**
 * /proc/net/snmp and /proc/net/netstat share one layout: for each protocol a line of field names
 * and then a line of values, both starting with "Proto:". Fields differ between kernels (Ip gained
 * OutTransmits in 6.3), so values are always looked up by their header, never by position.
 */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, metricNamePart, sample } from './proc-tokens';

/** → node_netstat_<Proto>_<Field>, as node_exporter's netstat collector names them. */
export function parseHeaderValueLines(text: string, issues: string[] = []): MetricSample[] {
  const out: MetricSample[] = [];
  const all = lines(text);
  for (let i = 0; i < all.length; i += 2) {
    const header = all[i]!.trim().split(/\s+/);
    const values = (all[i + 1] ?? '').trim().split(/\s+/);
    const proto = header[0]?.endsWith(':') ? metricNamePart(header[0].slice(0, -1)) : null;
    if (proto === null || values[0] !== header[0] || values.length !== header.length) {
      issues.push(`header and value lines do not pair at ${excerpt(all[i]!)}`);
      // Resynchronise on the next header line instead of misreading every pair after this one.
      i -= 1;
      continue;
    }
    for (let k = 1; k < header.length; k++) {
      const field = metricNamePart(header[k]!);
      const value = kernelNumber(values[k]);
      if (field === null || value === null) issues.push(`bad ${proto} field ${excerpt(`${header[k]}=${values[k]}`)}`);
      else out.push(sample(`node_netstat_${proto}_${field}`, value));
    }
  }
  return out;
}
