/**
 * Which connections retransmit: each socket's retransmissions during the interval (tcpi_total_retrans
 * at the second `ss` sample minus the first; a connection opened in between counts from zero), and
 * the same summed per peer so "3 connections to 10.0.0.5:22 account for most" can be said.
 */
import { socketKey, type SsTcpSocket } from './ss-tcp-info';

export interface RetransSocket extends SsTcpSocket {
  /** retransmissions during the interval; for /proc/net/tcp (no total) the current head-of-queue count */
  retransInInterval: number;
  /** the connection did not exist at the first sample */
  isNew: boolean;
}

export function retransSockets(before: SsTcpSocket[], after: SsTcpSocket[]): RetransSocket[] {
  const prev = new Map(before.map((s) => [socketKey(s), s]));
  return after.map((s) => {
    const p = prev.get(socketKey(s));
    let d: number;
    if (s.retransTotal === null) d = s.retransCur ?? 0;
    else if (p?.retransTotal !== null && p?.retransTotal !== undefined) d = Math.max(0, s.retransTotal - p.retransTotal);
    else d = s.retransTotal;
    return { ...s, retransInInterval: d, isNew: !p };
  });
}

export interface PeerRetrans {
  /** "198.19.250.2:5001" when every connection goes to one peer port, "10.0.0.9 (local port 22)" for clients of one local service */
  peer: string;
  /** the peer's address alone */
  host: string;
  connections: number;
  retrans: number;
  /** share of all sockets' retransmissions in the interval, 0..1 */
  share: number;
  processes: string[];
}

export function retransByPeer(sockets: RetransSocket[]): PeerRetrans[] {
  const busy = sockets.filter((s) => s.retransInInterval > 0);
  const all = busy.reduce((a, s) => a + s.retransInInterval, 0);
  const groups = new Map<string, RetransSocket[]>();
  for (const s of busy) groups.set(s.peerHost, [...(groups.get(s.peerHost) ?? []), s]);
  const out: PeerRetrans[] = [];
  for (const [host, ss] of groups) {
    const peerPorts = new Set(ss.map((s) => s.peerPort));
    const localPorts = new Set(ss.map((s) => s.local.slice(s.local.lastIndexOf(':') + 1)));
    const hostText = host.includes(':') ? `[${host}]` : host;
    const peer = peerPorts.size === 1 ? `${hostText}:${[...peerPorts][0]}` : localPorts.size === 1 ? `${host} (local port ${[...localPorts][0]})` : host;
    const retrans = ss.reduce((a, s) => a + s.retransInInterval, 0);
    out.push({ peer, host, connections: ss.length, retrans, share: all ? retrans / all : 0, processes: [...new Set(ss.map((s) => s.process).filter((p): p is string => !!p))].slice(0, 5) });
  }
  return out.sort((a, b) => b.retrans - a.retrans);
}
