/**
 * /proc/net/tcp and /proc/net/tcp6 (net/ipv4/tcp_ipv4.c get_tcp4_sock), the fallback when a host has
 * no `ss` (busybox systems). It has no total retransmit count: "retrnsmt" is icsk_retransmits, the
 * timeouts of the segment at the head of the queue right now. Addresses are the raw __be32 words
 * printed with %08X, i.e. byte-reversed on little-endian hosts (x86, arm64), which is assumed here.
 */
import { excerpt, lines } from '../../metrics/proc-tokens';
import type { SsTcpSocket } from './ss-tcp-info';

const STATES: Record<string, string> = {
  '01': 'ESTAB', '02': 'SYN-SENT', '03': 'SYN-RECV', '04': 'FIN-WAIT-1', '05': 'FIN-WAIT-2', '06': 'TIME-WAIT',
  '07': 'CLOSE', '08': 'CLOSE-WAIT', '09': 'LAST-ACK', '0A': 'LISTEN', '0B': 'CLOSING', '0C': 'NEW-SYN-RECV',
};

function word(hex8: string): number[] {
  // %08X of a little-endian u32: the first address byte is the last pair.
  return [6, 4, 2, 0].map((i) => parseInt(hex8.slice(i, i + 2), 16));
}

export function decodeProcAddress(text: string): [string, string] | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!m) return null;
  const port = String(parseInt(m[2]!, 16));
  const h = m[1]!;
  if (h.length === 8) return [word(h).join('.'), port];
  const bytes = [0, 8, 16, 24].flatMap((i) => word(h.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return [`::ffff:${bytes.slice(12).join('.')}`, port];
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return [groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::'), port];
}

export function parseProcNetTcp(text: string, issues: string[] = []): SsTcpSocket[] {
  const out: SsTcpSocket[] = [];
  for (const line of lines(text)) {
    const t = line.trim().split(/\s+/);
    if (t[0] === 'sl') continue;
    const local = decodeProcAddress(t[1] ?? '');
    const peer = decodeProcAddress(t[2] ?? '');
    const state = STATES[(t[3] ?? '').toUpperCase()];
    const queues = /^([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8})$/.exec(t[4] ?? '');
    const retr = /^[0-9A-Fa-f]{1,8}$/.test(t[6] ?? '') ? parseInt(t[6]!, 16) : null;
    if (!/^\d+:$/.test(t[0] ?? '') || !local || !peer || !state || !queues || retr === null) {
      issues.push(`/proc/net/tcp: bad line ${excerpt(line)}`);
      continue;
    }
    if (state === 'LISTEN') continue;
    const fmt = ([h, p]: [string, string]) => (h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`);
    out.push({
      state, recvQ: parseInt(queues[2]!, 16), sendQ: parseInt(queues[1]!, 16), local: fmt(local), peer: fmt(peer),
      peerHost: peer[0], peerPort: peer[1], process: null, congestion: null, rttMs: null, rttVarMs: null, minRttMs: null,
      rtoMs: null, cwnd: null, unacked: null, lost: null, retransCur: retr, retransTotal: null, bytesRetrans: null,
      bytesSent: null, segsOut: null, dataSegsOut: null, deliveryRateBps: null, sendBps: null,
    });
  }
  return out;
}
