/**
 * /proc/net/snmp and /proc/net/netstat as one map keyed "Proto.Field" ("Tcp.RetransSegs",
 * "TcpExt.ListenOverflows"). Fields are looked up by their header, never by position (Ip gained
 * OutTransmits in 6.3; TcpExt grows every few releases).
 */
import { parseHeaderValueLines } from '../../metrics/header-value-lines';

export type NetCounters = Map<string, number>;

const PREFIX = 'node_netstat_';

export function parseNetCounters(text: string, issues: string[] = []): NetCounters {
  const out: NetCounters = new Map();
  for (const s of parseHeaderValueLines(text, issues)) {
    const rest = s.name.slice(PREFIX.length);
    const cut = rest.indexOf('_'); // protocol names (Ip, TcpExt, MPTcpExt, UdpLite…) have no '_'
    if (cut > 0 && !out.has(`${rest.slice(0, cut)}.${rest.slice(cut + 1)}`)) out.set(`${rest.slice(0, cut)}.${rest.slice(cut + 1)}`, s.value);
  }
  return out;
}

/** Growth of one counter between two snapshots; null when a snapshot lacks it or it went backwards (reset, netns change). */
export function counterDelta(before: NetCounters, after: NetCounters, key: string): number | null {
  const a = before.get(key);
  const b = after.get(key);
  if (a === undefined || b === undefined || b < a) return null;
  return b - a;
}
