/**
 * Output of `ping` as the net-jitter probe relays it: iputils ("64 bytes from 10.0.0.2: icmp_seq=1
 * ttl=64 time=0.045 ms", summary "N packets transmitted, M received, +E errors, X% packet loss",
 * "rtt min/avg/max/mdev = …") and busybox ("seq=0 ttl=64 time=0.077 ms", "M packets received",
 * "round-trip min/avg/max = …"). Duplicates are not replies; "From … Destination Host Unreachable"
 * lines are errors.
 */
import { kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface PingResult {
  /** from the summary line; null when ping printed none (killed, refused to run) */
  transmitted: number | null;
  received: number;
  replies: Array<{ seq: number; ms: number }>;
  duplicates: number;
  errors: number;
  /** iputils' own mdev, when it printed one */
  mdev: number | null;
  /** a line explaining why ping did not run (permission, unknown host), if any */
  problem: string | null;
  /** sequence number of the first probe: 1 for iputils (icmp_seq=), 0 for busybox (seq=) */
  firstSeq: 0 | 1;
}

export function parsePing(text: string): PingResult {
  const r: PingResult = { transmitted: null, received: 0, replies: [], duplicates: 0, errors: 0, mdev: null, problem: null, firstSeq: 1 };
  const seen = new Set<number>();
  let summaryReceived: number | null = null;
  for (const line of lines(text)) {
    const reply = /bytes from .*?(?:icmp_seq|seq)=(\d+).*?time[=<]\s*(\d+(?:\.\d+)?)\s*ms/.exec(line);
    if (reply) {
      if (!/icmp_seq=/.test(line)) r.firstSeq = 0;
      const seq = Number(reply[1]);
      const ms = kernelNumber(reply[2]);
      if (/DUP!/.test(line) || seen.has(seq)) {
        r.duplicates++;
        continue;
      }
      if (ms !== null && r.replies.length < 100_000) {
        seen.add(seq);
        r.replies.push({ seq, ms });
      }
      continue;
    }
    const sum = /(\d+) packets transmitted, (\d+)(?: packets)? received(?:, \+(\d+) duplicates)?(?:, \+(\d+) errors)?/.exec(line);
    if (sum) {
      r.transmitted = Number(sum[1]);
      summaryReceived = Number(sum[2]);
      if (sum[4]) r.errors = Math.max(r.errors, Number(sum[4]));
      continue;
    }
    const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = [\d.]+\/[\d.]+\/[\d.]+(?:\/([\d.]+))?/.exec(line);
    if (rtt) {
      r.mdev = rtt[1] !== undefined ? kernelNumber(rtt[1]) : null;
      continue;
    }
    if (/^From .*(Unreachable|Time to live exceeded|Redirect)/i.test(line)) {
      r.errors++;
      continue;
    }
    if (!r.problem && /(unknown host|Name or service not known|not permitted|Permission denied|Network is unreachable|invalid|usage|bad address|cannot resolve|Temporary failure)/i.test(line)) {
      r.problem = printable(line.trim(), 200);
    }
  }
  r.received = summaryReceived ?? r.replies.length;
  return r;
}
