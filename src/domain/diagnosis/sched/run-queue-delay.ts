/**
 * Run-queue delay over an interval: for each thread Δrun_delay (time runnable but waiting for a CPU),
 * Δsum_exec_runtime and Δtimeslices between two samples; per process the threads are summed.
 * Average wait per timeslice = Δrun_delay / Δtimeslices (the kernel's sched-stats.rst definition).
 */
import type { TaskSample } from './task-schedstat';

const USER_HZ_MS = 10; // /proc stat times are in USER_HZ (100) ticks

export interface TaskDelta {
  pid: number;
  tid: number;
  comm: string;
  runDelayMs: number;
  execMs: number;
  slices: number;
  userMs: number | null;
  sysMs: number | null;
  isNew: boolean;
}

export function taskDeltas(before: TaskSample[], after: TaskSample[]): TaskDelta[] {
  const prev = new Map(before.map((t) => [t.tid, t]));
  const out: TaskDelta[] = [];
  for (const t of after) {
    let p = prev.get(t.tid);
    // A recycled TID (another thread, another process) is not the same task.
    if (p && (p.pid !== t.pid || p.execNs > t.execNs || p.runDelayNs > t.runDelayNs)) p = undefined;
    const d = (a: number | null, b: number | null | undefined) => (a === null ? null : Math.max(0, a - (b ?? 0)));
    out.push({
      pid: t.pid,
      tid: t.tid,
      comm: t.comm,
      runDelayMs: (t.runDelayNs - (p?.runDelayNs ?? 0)) / 1e6,
      execMs: (t.execNs - (p?.execNs ?? 0)) / 1e6,
      slices: Math.max(0, t.slices - (p?.slices ?? 0)),
      userMs: p ? (d(t.utimeTicks, p.utimeTicks) ?? 0) * USER_HZ_MS : null,
      sysMs: p ? (d(t.stimeTicks, p.stimeTicks) ?? 0) * USER_HZ_MS : null,
      isNew: !p,
    });
  }
  return out;
}

export interface ProcessDelay {
  pid: number;
  comm: string;
  threads: number;
  runDelayMs: number;
  execMs: number;
  slices: number;
  /** Δrun_delay / Δtimeslices */
  avgWaitMs: number;
  /** share of the interval the process' threads spent waiting for a CPU (can exceed 100 with threads) */
  waitPct: number;
  userMs: number;
  sysMs: number;
}

export function delaysByProcess(deltas: TaskDelta[], elapsedMs: number): ProcessDelay[] {
  const groups = new Map<number, TaskDelta[]>();
  for (const d of deltas) groups.set(d.pid, [...(groups.get(d.pid) ?? []), d]);
  const out: ProcessDelay[] = [];
  for (const [pid, ts] of groups) {
    const sum = (f: (t: TaskDelta) => number | null) => ts.reduce((a, t) => a + (f(t) ?? 0), 0);
    const runDelayMs = sum((t) => t.runDelayMs);
    const slices = sum((t) => t.slices);
    out.push({
      pid,
      comm: (ts.find((t) => t.tid === pid) ?? ts[0]!).comm,
      threads: ts.length,
      runDelayMs,
      execMs: sum((t) => t.execMs),
      slices,
      avgWaitMs: slices ? runDelayMs / slices : 0,
      waitPct: elapsedMs > 0 ? (runDelayMs / elapsedMs) * 100 : 0,
      userMs: sum((t) => t.userMs),
      sysMs: sum((t) => t.sysMs),
    });
  }
  return out.sort((a, b) => b.runDelayMs - a.runDelayMs);
}
