/**
 * Tasks in uninterruptible sleep (state D) as the io-hang probe lists them: "TGID <the thread's
 * /proc/PID/task/TID/stat line>", and each one's details section (task:TID):
 *
 *   tgid 4242
 *   wchan submit_bio_wait
 *   stack [<0>] submit_bio_wait+0x74/0xc0        (/proc/PID/task/TID/stack: root only)
 *   fd /dev/loop1                                (targets of /proc/PID/fd/*)
 */
import { excerpt, kernelNumber, lines, printable } from '../../metrics/proc-tokens';
import { parseStatHead } from './process-details';

export interface DTask {
  tid: number;
  tgid: number;
  comm: string;
  ppid: number | null;
  /** field 22, clock ticks after boot: tells a reused tid apart */
  startTime: number | null;
  /** field 42 delayacct_blkio_ticks (needs kernel.task_delayacct=1, else 0) */
  blkioTicks: number | null;
}

export function parseDStateList(text: string, issues: string[] = []): Map<number, DTask> {
  const out = new Map<number, DTask>();
  for (const line of lines(text)) {
    const sp = line.indexOf(' ');
    const tgid = kernelNumber(line.slice(0, sp));
    const st = sp > 0 ? parseStatHead(line.slice(sp + 1)) : null;
    if (tgid === null || !st) {
      issues.push(`bad D-state line ${excerpt(line)}`);
      continue;
    }
    // the probe's filter is a cheap superset (a comm holding ") D " matches it): the real state decides
    if (st.state !== 'D' || out.has(st.pid)) continue;
    out.set(st.pid, { tid: st.pid, tgid, comm: st.comm, ppid: st.ppid, startTime: kernelNumber(st.rest[19]), blkioTicks: kernelNumber(st.rest[39]) });
  }
  return out;
}

export interface TaskDetail {
  tgid: number | null;
  wchan: string | null;
  /** function names, innermost first */
  stack: string[];
  /** whether the probe could read the stack (it needs root) */
  stackRead: boolean;
  fds: string[];
}

const FRAME = /^(?:\[<[0-9a-fx]+>\]\s*)?(?:\? )?([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+/;

/** The function of one stack line ("[<0>] submit_bio_wait+0x74/0xc0" → "submit_bio_wait"), null for other lines. */
export function frameFunction(line: string): string | null {
  const m = FRAME.exec(line.trim());
  // compiler clones: lo_rw_aio.isra.0, foo.constprop.0.isra.0, bar.cold
  return m ? m[1]!.replace(/\.(isra|constprop|part|cold|llvm)\b.*$/, '') : null;
}

export function parseTaskDetail(text: string): TaskDetail {
  const d: TaskDetail = { tgid: null, wchan: null, stack: [], stackRead: false, fds: [] };
  for (const line of lines(text)) {
    const sp = line.indexOf(' ');
    const key = sp > 0 ? line.slice(0, sp) : line;
    const value = sp > 0 ? line.slice(sp + 1) : '';
    if (key === 'tgid') d.tgid = d.tgid ?? kernelNumber(value.trim());
    else if (key === 'wchan') d.wchan = d.wchan ?? (/^[A-Za-z_][\w.]{0,127}$/.test(value.trim()) && value.trim() !== '0' ? value.trim() : null);
    else if (key === 'stack' && d.stack.length < 64) {
      d.stackRead = true;
      const f = frameFunction(value);
      if (f) d.stack.push(f);
    } else if (key === 'fd' && d.fds.length < 64) d.fds.push(printable(value, 256));
  }
  return d;
}
