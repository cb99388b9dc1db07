/**
 * Per-thread scheduler statistics as the sched-jitter probe prints them, one line per thread:
 *   "PID/task/TID <sum_exec_runtime ns> <run_delay ns> <timeslices> <the thread's /proc/.../stat line>"
 * /proc/PID/task/TID/schedstat (CONFIG_SCHED_INFO) gives time on CPU, time waiting on a run queue and
 * the number of timeslices; the stat line gives the command, the state and utime/stime (fields 14/15,
 * clock ticks at USER_HZ = 100). The command sits in parentheses and may itself contain ") ", so the
 * fields after it are found from the LAST ')'.
 */
import { excerpt, kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface TaskSample {
  pid: number;
  tid: number;
  execNs: number;
  runDelayNs: number;
  slices: number;
  comm: string;
  state: string;
  utimeTicks: number | null;
  stimeTicks: number | null;
}

const HEAD = /^(\d{1,10})\/task\/(\d{1,10}) (\d{1,20}) (\d{1,20}) (\d{1,20}) (.*)$/;

export function parseTaskSamples(text: string, issues: string[] = []): TaskSample[] {
  const out: TaskSample[] = [];
  let bad = 0;
  for (const line of lines(text)) {
    const m = HEAD.exec(line.trim());
    const stat = m?.[6] ?? '';
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const nums = m ? [m[3], m[4], m[5]].map(kernelNumber) : [];
    if (!m || open < 0 || close < open || nums.some((n) => n === null)) {
      if (bad++ < 5) issues.push(`task line ${excerpt(line)}`);
      continue;
    }
    const after = stat.slice(close + 1).trim().split(/\s+/);
    out.push({
      pid: Number(m[1]),
      tid: Number(m[2]),
      execNs: nums[0]!,
      runDelayNs: nums[1]!,
      slices: nums[2]!,
      comm: printable(stat.slice(open + 1, close), 64),
      state: printable(after[0] ?? '?', 2),
      // after[0] is field 3 (state), so field 14 (utime) is after[11] and field 15 (stime) after[12]
      utimeTicks: kernelNumber(after[11]),
      stimeTicks: kernelNumber(after[12]),
    });
  }
  if (bad > 5) issues.push(`${bad - 5} more bad task lines`);
  return out;
}
