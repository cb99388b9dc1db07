/**
 * Per-CPU time shares from /proc/stat read once a second: for each one-second step and each CPU, the
 * share of user / system / irq / softirq / steal / iowait / idle ticks, so a 2-second burst of system or
 * irq time is visible instead of being averaged away. Also the run queue the kernel reports each
 * second (procs_running counts running + runnable tasks) and the softirq vectors' growth.
 */
import { parseProcStat } from '../../metrics/proc-stat';

export const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type Mode = (typeof MODES)[number];

interface StatSnapshot {
  cpus: Map<string, Partial<Record<Mode, number>>>;
  running: number | null;
  blocked: number | null;
  ctxt: number | null;
  softirqs: Map<string, number>;
}

function snapshot(text: string, issues: string[]): StatSnapshot {
  const s: StatSnapshot = { cpus: new Map(), running: null, blocked: null, ctxt: null, softirqs: new Map() };
  for (const x of parseProcStat(text, issues)) {
    if (x.name === 'node_cpu_seconds_total') {
      const rec = s.cpus.get(x.labels.cpu!) ?? {};
      rec[x.labels.mode as Mode] = x.value;
      s.cpus.set(x.labels.cpu!, rec);
    } else if (x.name === 'node_procs_running') s.running = x.value;
    else if (x.name === 'node_procs_blocked') s.blocked = x.value;
    else if (x.name === 'node_context_switches_total') s.ctxt = x.value;
    else if (x.name === 'node_softirqs_total') s.softirqs.set(x.labels.vector!, x.value);
  }
  return s;
}

export interface CpuStep {
  /** 1-based index of the step (second) within the interval */
  step: number;
  /** per CPU id: percentage of that CPU's ticks in each mode during this step */
  perCpu: Map<string, Record<Mode, number>>;
  /** all CPUs together */
  all: Record<Mode, number>;
  running: number | null;
  blocked: number | null;
  ctxtSwitches: number | null;
}

function shares(a: Partial<Record<Mode, number>>, b: Partial<Record<Mode, number>>): { pct: Record<Mode, number>; total: number; d: Record<Mode, number> } {
  const d = {} as Record<Mode, number>;
  let total = 0;
  for (const m of MODES) {
    d[m] = Math.max(0, (b[m] ?? 0) - (a[m] ?? 0));
    total += d[m];
  }
  const pct = {} as Record<Mode, number>;
  for (const m of MODES) pct[m] = total > 0 ? Math.round((d[m] / total) * 1000) / 10 : 0;
  return { pct, total, d };
}

export interface CpuTimeSeries {
  cpus: string[];
  steps: CpuStep[];
  /** softirq vector → count during the whole interval */
  softirqs: Array<{ vector: string; count: number }>;
}

export function cpuTimeSeries(texts: string[], issues: string[] = []): CpuTimeSeries {
  const snaps = texts.map((t) => snapshot(t, issues)).filter((s) => s.cpus.size > 0);
  const steps: CpuStep[] = [];
  for (let i = 1; i < snaps.length; i++) {
    const a = snaps[i - 1]!;
    const b = snaps[i]!;
    const perCpu = new Map<string, Record<Mode, number>>();
    const sumA: Partial<Record<Mode, number>> = {};
    const sumB: Partial<Record<Mode, number>> = {};
    for (const [cpu, rb] of b.cpus) {
      const ra = a.cpus.get(cpu);
      if (!ra) continue;
      perCpu.set(cpu, shares(ra, rb).pct);
      for (const m of MODES) {
        sumA[m] = (sumA[m] ?? 0) + (ra[m] ?? 0);
        sumB[m] = (sumB[m] ?? 0) + (rb[m] ?? 0);
      }
    }
    steps.push({
      step: i,
      perCpu,
      all: shares(sumA, sumB).pct,
      running: b.running,
      blocked: b.blocked,
      ctxtSwitches: a.ctxt !== null && b.ctxt !== null && b.ctxt >= a.ctxt ? b.ctxt - a.ctxt : null,
    });
  }
  const first = snaps[0];
  const last = snaps[snaps.length - 1];
  const softirqs = first && last ? [...last.softirqs].map(([vector, v]) => ({ vector, count: Math.max(0, v - (first.softirqs.get(vector) ?? v)) })).sort((x, y) => y.count - x.count) : [];
  const cpus = last ? [...last.cpus.keys()].sort((x, y) => Number(x) - Number(y)) : [];
  return { cpus, steps, softirqs };
}

export interface CpuModeSummary {
  cpu: string;
  avg: Record<Mode, number>;
  max: Record<Mode, number>;
  /** the step with the largest irq + softirq share, and that share */
  maxIrqSoftirq: number;
  maxIrqSoftirqStep: number;
  maxSystemStep: number;
}

export function summarizeCpus(series: CpuTimeSeries): CpuModeSummary[] {
  return series.cpus.map((cpu) => {
    const rows = series.steps.map((s) => s.perCpu.get(cpu)).filter((r): r is Record<Mode, number> => !!r);
    const avg = {} as Record<Mode, number>;
    const max = {} as Record<Mode, number>;
    for (const m of MODES) {
      avg[m] = rows.length ? Math.round((rows.reduce((a, r) => a + r[m], 0) / rows.length) * 10) / 10 : 0;
      max[m] = rows.length ? Math.max(...rows.map((r) => r[m])) : 0;
    }
    let maxIrqSoftirq = 0;
    let maxIrqSoftirqStep = 0;
    let maxSystemStep = 0;
    series.steps.forEach((s) => {
      const r = s.perCpu.get(cpu);
      if (!r) return;
      if (r.irq + r.softirq > maxIrqSoftirq) {
        maxIrqSoftirq = Math.round((r.irq + r.softirq) * 10) / 10;
        maxIrqSoftirqStep = s.step;
      }
      if (r.system === max.system && !maxSystemStep) maxSystemStep = s.step;
    });
    return { cpu, avg, max, maxIrqSoftirq, maxIrqSoftirqStep, maxSystemStep };
  });
}
