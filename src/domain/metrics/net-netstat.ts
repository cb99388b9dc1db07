/** /proc/net/netstat (TcpExt, IpExt, MPTcpExt, TcpExtUdp…) → node_netstat_<Proto>_<Field>. */
import type { MetricSample } from './sample';
import { parseHeaderValueLines } from './header-value-lines';

export function parseNetNetstat(text: string, issues: string[] = []): MetricSample[] {
  return parseHeaderValueLines(text, issues);
}
