/**
 * TCP connect timings printed by the net-jitter probe's helper (perl, or bash 5 with EPOCHREALTIME):
 *   "tool perl" | "tool bash", "address 10.0.0.2" (perl), then one line per attempt:
 *   "seq=N ok ms=1.234", "seq=N refused ms=0.8", "seq=N timeout", "seq=N error …" (perl) or
 *   "seq=N ok <start> <end>", "seq=N fail <start> <end>", "seq=N timeout" (bash, epoch seconds).
 * A refused connect still measured a round trip (the peer answered with a RST); a timeout is a loss;
 * other errors (no route) are neither.
 */
import { kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface TcpConnectResult {
  tool: string | null;
  attempts: number;
  replies: Array<{ seq: number; ms: number; refused: boolean }>;
  timeouts: number;
  errors: number;
  problem: string | null;
}

export function parseTcpConnectTimes(text: string): TcpConnectResult {
  const r: TcpConnectResult = { tool: null, attempts: 0, replies: [], timeouts: 0, errors: 0, problem: null };
  for (const line of lines(text)) {
    const t = line.trim();
    const tool = /^tool (perl|bash)$/.exec(t);
    if (tool) {
      r.tool = tool[1]!;
      continue;
    }
    const a = /^seq=(\d{1,6}) (ok|refused|fail|timeout|error)(?: ms=(\S+)| (\S+) (\S+))?/.exec(t);
    if (!a) {
      if (/^(osdeck:|resolve failed)/.test(t) && !r.problem) r.problem = printable(t.replace(/^osdeck: /, ''), 200);
      continue;
    }
    r.attempts++;
    const seq = Number(a[1]);
    let ms: number | null = null;
    if (a[3] !== undefined) ms = kernelNumber(a[3]);
    else if (a[4] !== undefined && a[5] !== undefined) {
      const s = kernelNumber(a[4]);
      const e = kernelNumber(a[5]);
      ms = s !== null && e !== null && e >= s ? Math.round((e - s) * 1e6) / 1e3 : null;
    }
    if (a[2] === 'timeout') r.timeouts++;
    else if ((a[2] === 'ok' || a[2] === 'refused') && ms !== null) r.replies.push({ seq, ms, refused: a[2] === 'refused' });
    else r.errors++;
  }
  return r;
}
