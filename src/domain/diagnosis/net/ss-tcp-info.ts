/**
 * `ss -tinp[H]` (iproute2): one line per TCP socket (state, Recv-Q, Send-Q, local, peer, users:…) and
 * an indented line of tcp_info fields. The fields differ a lot between iproute2 versions (3.10 on
 * CentOS 7 prints "send 92.7Mbps", 6.x "send 9039537572bps"; bytes_retrans, lost, delivery_rate and
 * retrans:cur/total appeared over the years), so every field is optional and unknown ones are ignored.
 */
import { excerpt, kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface SsTcpSocket {
  state: string;
  recvQ: number;
  sendQ: number;
  local: string;
  peer: string;
  peerHost: string;
  peerPort: string;
  /** "name(pid)" of the first owner when ss was run with -p and allowed to see it */
  process: string | null;
  congestion: string | null;
  rttMs: number | null;
  rttVarMs: number | null;
  minRttMs: number | null;
  rtoMs: number | null;
  cwnd: number | null;
  unacked: number | null;
  lost: number | null;
  /** retransmissions of the segment at the head of the queue right now (tcpi_retransmits) */
  retransCur: number | null;
  /** retransmitted segments over the socket's life (tcpi_total_retrans) */
  retransTotal: number | null;
  bytesRetrans: number | null;
  bytesSent: number | null;
  segsOut: number | null;
  dataSegsOut: number | null;
  deliveryRateBps: number | null;
  sendBps: number | null;
}

const RATE = /^(\d{1,20}(?:\.\d{1,9})?)([KMGT]?)bps$/;
const SCALE: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

export function parseRate(token: string | undefined): number | null {
  const m = token ? RATE.exec(token) : null;
  if (!m) return null;
  const v = Number(m[1]) * SCALE[m[2]!]!;
  return Number.isFinite(v) ? v : null;
}

/** "node(13649)" from `users:(("node",pid=13649,fd=21))`, or null. */
export function processOfSsLine(line: string): string | null {
  const m = /users:\(\("(.{0,64}?)",pid=(\d{1,10})/.exec(line);
  return m ? `${printable(m[1]!, 32)}(${m[2]})` : null;
}

/** "[::1]:22" → ["::1", "22"]; "10.0.0.1:5001" → ["10.0.0.1", "5001"]; "::ffff:10.0.0.1:22" (old ss) likewise. */
export function splitAddress(addr: string): [string, string] {
  const cut = addr.lastIndexOf(':');
  if (cut <= 0) return [addr, ''];
  let host = addr.slice(0, cut);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, addr.slice(cut + 1)];
}

function emptySocket(state: string, recvQ: number, sendQ: number, local: string, peer: string, proc: string | null): SsTcpSocket {
  const [peerHost, peerPort] = splitAddress(peer);
  return {
    state, recvQ, sendQ, local, peer, peerHost, peerPort, process: proc, congestion: null,
    rttMs: null, rttVarMs: null, minRttMs: null, rtoMs: null, cwnd: null, unacked: null, lost: null,
    retransCur: null, retransTotal: null, bytesRetrans: null, bytesSent: null, segsOut: null, dataSegsOut: null,
    deliveryRateBps: null, sendBps: null,
  };
}

const CONGESTION = /^(cubic|reno|bbr|bbr2|bbr3|dctcp|htcp|vegas|westwood|illinois|bic|highspeed|hybla|scalable|yeah|lp|veno|nv|cdg)$/;

function applyInfo(s: SsTcpSocket, tokens: string[]): void {
  const num = (v: string | undefined) => kernelNumber(v);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (CONGESTION.test(t)) {
      s.congestion = t;
      continue;
    }
    if (t === 'send' || t === 'delivery_rate' || t === 'pacing_rate') {
      const r = parseRate(tokens[i + 1]);
      if (r !== null) {
        if (t === 'send') s.sendBps = r;
        else if (t === 'delivery_rate') s.deliveryRateBps = r;
        i++;
      }
      continue;
    }
    const colon = t.indexOf(':');
    if (colon <= 0) continue;
    const key = t.slice(0, colon);
    const val = t.slice(colon + 1);
    switch (key) {
      case 'rtt': {
        const [a, b] = val.split('/');
        s.rttMs = num(a);
        s.rttVarMs = num(b);
        break;
      }
      case 'retrans': {
        const [a, b] = val.split('/');
        s.retransCur = num(a);
        s.retransTotal = num(b);
        break;
      }
      case 'minrtt': s.minRttMs = num(val); break;
      case 'rto': s.rtoMs = num(val); break;
      case 'cwnd': s.cwnd = num(val); break;
      case 'unacked': s.unacked = num(val); break;
      case 'lost': s.lost = num(val); break;
      case 'bytes_retrans': s.bytesRetrans = num(val); break;
      case 'bytes_sent': s.bytesSent = num(val); break;
      case 'segs_out': s.segsOut = num(val); break;
      case 'data_segs_out': s.dataSegsOut = num(val); break;
      case 'delivery_rate': s.deliveryRateBps = parseRate(val); break;
      default: break;
    }
  }
}

export function parseSsTcpInfo(text: string, issues: string[] = []): SsTcpSocket[] {
  const out: SsTcpSocket[] = [];
  let cur: SsTcpSocket | null = null;
  for (const line of lines(text)) {
    if (/^\s/.test(line)) {
      if (cur) applyInfo(cur, line.trim().split(/\s+/));
      continue;
    }
    const t = line.trim().split(/\s+/);
    if (/^(State|Recv-Q|Netid)$/.test(t[0]!)) continue; // header of an ss without -H
    const off = kernelNumber(t[0]) === null ? 1 : 0; // 1: a state column first; 0: none (one state filtered)
    const recvQ = kernelNumber(t[off]);
    const sendQ = kernelNumber(t[off + 1]);
    const local = t[off + 2];
    const peer = t[off + 3];
    if (recvQ === null || sendQ === null || !local || !peer || !local.includes(':') || !peer.includes(':')) {
      issues.push(`ss: bad socket line ${excerpt(line)}`);
      cur = null;
      continue;
    }
    cur = emptySocket(off ? printable(t[0]!, 16) : '?', recvQ, sendQ, printable(local, 80), printable(peer, 80), processOfSsLine(line));
    // Some versions (and --oneline) put tcp_info on the same line, after the addresses.
    applyInfo(cur, t.slice(off + 4).filter((x) => !x.startsWith('users:')));
    out.push(cur);
  }
  return out;
}

/** Same connection in two snapshots. */
export function socketKey(s: Pick<SsTcpSocket, 'local' | 'peer'>): string {
  return `${s.local} ${s.peer}`;
}
