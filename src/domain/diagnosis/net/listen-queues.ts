/**
 * `ss -lnt[p][H]` listening sockets: for a listener Recv-Q is the accept queue right now and Send-Q its
 * backlog limit (min(listen() backlog, net.core.somaxconn)). A full queue is what ListenOverflows counts.
 */
import { kernelNumber, lines, printable } from '../../metrics/proc-tokens';
import { processOfSsLine } from './ss-tcp-info';

export interface Listener {
  local: string;
  recvQ: number;
  sendQ: number;
  process: string | null;
}

export function parseListenQueues(text: string, issues: string[] = []): Listener[] {
  const out: Listener[] = [];
  for (const line of lines(text)) {
    if (/^\s/.test(line)) continue;
    const t = line.trim().split(/\s+/);
    if (/^(State|Recv-Q|Netid)$/.test(t[0]!)) continue; // header of an ss without -H
    // With a state column: LISTEN recvq sendq local peer; when a single state is filtered ss omits it.
    const off = kernelNumber(t[0]) === null ? 1 : 0;
    const recvQ = kernelNumber(t[off]);
    const sendQ = kernelNumber(t[off + 1]);
    const local = t[off + 2];
    if (recvQ === null || sendQ === null || !local) {
      issues.push(`ss -l: bad line ${JSON.stringify(printable(line, 40))}`);
      continue;
    }
    out.push({ local: printable(local, 80), recvQ, sendQ, process: processOfSsLine(line) });
  }
  return out;
}
