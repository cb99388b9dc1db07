/**
 * The hung-task detector's reports in the kernel log (kernel/hung_task.c), from dmesg or the journal:
 *
 *   [ 9248.983175] INFO: task dd:13121 blocked for more than 120 seconds.
 *   [ 9248.984050]       Not tainted 6.18.44 #1
 *   [ 9248.987901] task:dd              state:D stack:0     pid:13121 tgid:13121 ppid:1 …   (5.14+;
 *                  older: "dd              D    0 13121      1 0x00000000")
 *   [ 9248.985543] Workqueue: loop1 loop_rootcg_workfn                            (kworkers)
 *   [ 9248.987905] Call Trace:
 *   [ 9248.987910]  __schedule+0x3cc/0xf50   …   ? other+0x…   …   </TASK>
 *   [ …] INFO: task X:PID is blocked on a mutex likely owned by task Y:PID.   (6.15+, blocker detection)
 *
 * journalctl -o short-monotonic prefixes "[ 9248.983175] host kernel: ".
 */
import { kernelNumber, lines, printable } from '../../metrics/proc-tokens';
import { frameFunction } from './d-state-tasks';

export interface HungTaskEvent {
  /** seconds after boot (the log's timestamp), null when the line had none */
  at: number | null;
  comm: string;
  pid: number;
  blockedSeconds: number;
  workqueue: string | null;
  /** frames without the "?" (unreliable) ones, innermost first */
  frames: string[];
  blockedOn: { kind: string; comm: string; pid: number } | null;
}

const PREFIX = /^\s*(?:<\d+>)?(?:\[\s*(\d+\.\d+)\])?\s*(?:\S+ kernel: )?/;
const BLOCKED = /^INFO: task (.{1,64}):(\d{1,10}) blocked for more than (\d{1,10}) seconds\./;
const BLOCKER = /^INFO: task (.{1,64}):(\d{1,10}) is blocked on an? ([\w -]{1,32}?)(?: likely owned by task (.{1,64}):(\d{1,10}))?\.?$/;

export function parseHungTaskLog(text: string, maxEvents = 500): HungTaskEvent[] {
  const out: HungTaskEvent[] = [];
  let cur: HungTaskEvent | null = null;
  let inTrace = false;
  for (const raw of lines(text)) {
    const pm = PREFIX.exec(raw)!;
    const at = pm[1] !== undefined ? kernelNumber(pm[1]) : null;
    const body = raw.slice(pm[0].length);
    const b = BLOCKED.exec(body);
    if (b) {
      cur = { at, comm: printable(b[1]!, 64), pid: Number(b[2]), blockedSeconds: Number(b[3]), workqueue: null, frames: [], blockedOn: null };
      out.push(cur);
      inTrace = false;
      if (out.length > maxEvents) out.shift();
      continue;
    }
    const o = BLOCKER.exec(body);
    if (o) {
      // belongs to the report of the same task just above it
      const target = cur && cur.pid === Number(o[2]) ? cur : null;
      if (target && o[4] && o[5]) target.blockedOn = { kind: o[3]!.trim(), comm: printable(o[4], 64), pid: Number(o[5]) };
      continue;
    }
    if (!cur) continue;
    const wq = /^Workqueue: (\S{1,64})/.exec(body);
    if (wq) {
      cur.workqueue = printable(wq[1]!, 64);
      continue;
    }
    if (/^Call Trace:/.test(body)) {
      inTrace = true;
      continue;
    }
    if (/^<\/TASK>/.test(body.trim()) || body.trim() === '--') {
      inTrace = false;
      continue;
    }
    if (inTrace && !/^\s*\?/.test(body) && cur.frames.length < 64) {
      const f = frameFunction(body);
      if (f) cur.frames.push(f);
    }
  }
  return out;
}
