/** /proc/net/snmp (Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite) → node_netstat_<Proto>_<Field>. */
import type { MetricSample } from './sample';
import { parseHeaderValueLines } from './header-value-lines';

export function parseNetSnmp(text: string, issues: string[] = []): MetricSample[] {
  return parseHeaderValueLines(text, issues);
}
