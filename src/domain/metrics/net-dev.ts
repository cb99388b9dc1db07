/** /proc/net/dev → node_network_{receive,transmit}_<field>_total per interface. */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, printable, sample } from './proc-tokens';

// The column order has been fixed since 2.6 (net/core/net-procfs.c dev_seq_printf_stats).
const RECEIVE = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'];
const TRANSMIT = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'colls', 'carrier', 'compressed'];

export function parseNetDev(text: string, issues: string[] = []): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of lines(text)) {
    // Two header lines ("Inter-|   Receive", " face |bytes ..."), then "  eth0: 123 ...". Old
    // kernels print "eth0:123" with no space; interface names cannot contain ':' (dev_valid_name).
    const colon = line.indexOf(':');
    if (colon < 0 && line.includes('|')) continue;
    const device = printable(line.slice(0, Math.max(colon, 0)).trim());
    const values = line.slice(colon + 1).trim().split(/\s+/).map(kernelNumber);
    if (colon < 0 || device === '' || values.length !== 16 || values.some((v) => v === null)) {
      issues.push(`bad line ${excerpt(line)}`);
      continue;
    }
    RECEIVE.forEach((f, i) => out.push(sample(`node_network_receive_${f}_total`, values[i]!, { device })));
    TRANSMIT.forEach((f, i) => out.push(sample(`node_network_transmit_${f}_total`, values[8 + i]!, { device })));
  }
  return out;
}
