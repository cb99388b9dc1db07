/**
 * Watchdog and stall messages from the kernel log (dmesg or `journalctl -k -o short-monotonic`):
 *   "watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [kworker/3:1:123]"
 *   "NMI watchdog: Watchdog detected hard LOCKUP on cpu 5"
 *   "rcu: INFO: rcu_sched self-detected stall on CPU" / "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
 *   "INFO: task jbd2/sda1-8:312 blocked for more than 120 seconds."
 *   "sched: RT throttling activated"
 * The "[ seconds.micro]" prefix is time since boot, so with the uptime the age of each message is known.
 */
import type { Severity } from '../../report/report-shape';
import { lines, printable } from '../../metrics/proc-tokens';

export type StallKind = 'hard lockup' | 'soft lockup' | 'RCU stall' | 'hung task' | 'RT throttling';

export interface StallEvent {
  kind: StallKind;
  severity: Severity;
  /** seconds since boot when the kernel printed it */
  at: number | null;
  cpu: number | null;
  task: string | null;
  text: string;
}

const RULES: Array<[RegExp, StallKind, Severity]> = [
  [/hard LOCKUP/i, 'hard lockup', 'critical'],
  [/soft lockup/i, 'soft lockup', 'high'],
  [/rcu.{0,40}(self-detected stall|detected stalls?)/i, 'RCU stall', 'high'],
  [/blocked for more than \d+ seconds/i, 'hung task', 'medium'],
  [/RT throttling activated/i, 'RT throttling', 'medium'],
];

export function parseStallLog(text: string, max = 200): StallEvent[] {
  const out: StallEvent[] = [];
  for (const raw of lines(text)) {
    const line = printable(raw, 400);
    const rule = RULES.find(([re]) => re.test(line));
    if (!rule) continue;
    const ts = /^\s*\[\s*(\d{1,10}\.\d{1,9})\]/.exec(line);
    const cpu = /CPU#(\d{1,5})|on cpu (\d{1,5})/i.exec(line);
    const task = rule[1] === 'soft lockup' ? /\[([^\]]{1,64})\]\s*$/.exec(line)?.[1] : rule[1] === 'hung task' ? /task (.{1,64}?) blocked for/.exec(line)?.[1] : undefined;
    out.push({
      kind: rule[1],
      severity: rule[2],
      at: ts ? Number(ts[1]) : null,
      cpu: cpu ? Number(cpu[1] ?? cpu[2]) : null,
      task: task ?? null,
      text: line.replace(/^\s*\[\s*\d+\.\d+\]\s*/, '').slice(0, 300),
    });
  }
  return out.slice(-max);
}
