/**
 * sched-jitter: is the CPU scheduler making tasks wait, and is the kernel eating CPU time? Over
 * `interval` seconds: run-queue delay per task (/proc/PID/task/TID/schedstat) and per CPU
 * (/proc/schedstat when the kernel has it), per-second sys / irq / softirq / steal shares per CPU from
 * /proc/stat, PSI cpu and irq, the load average against the CPU count, and lockup / RCU stall /
 * hung-task messages from the kernel log.
 */
import { parsePressure } from '../../metrics/pressure';
import { kernelNumber } from '../../metrics/proc-tokens';
import type { Report, Severity } from '../../report/report-shape';
import type { Diagnosis } from '../diagnosis';
import { parseSections, section } from '../probe-sections';
import { makeReport, severityRank, table, worst } from '../report-kit';
import { cpuTimeSeries, summarizeCpus } from '../sched/cpu-time-samples';
import { parseStallLog } from '../sched/kernel-stall-log';
import { parseLoadavgLine } from '../sched/loadavg-line';
import { parseProcSchedstat, schedstatDeltas } from '../sched/proc-schedstat';
import { delaysByProcess, taskDeltas } from '../sched/run-queue-delay';
import { parseTaskSamples } from '../sched/task-schedstat';

const TOP = 15;
const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

function psiTotal(text: string, resource: 'cpu' | 'irq', kind: 'waiting' | 'stalled'): number | null {
  const v = parsePressure(resource, text).find((x) => x.name === `node_pressure_${resource}_${kind}_seconds_total`);
  return v ? v.value : null;
}

function contentionSeverity(waitingPerCpu: number, avgWaitMs: number): Severity {
  if (waitingPerCpu >= 1 || avgWaitMs >= 20) return 'high';
  if (waitingPerCpu >= 0.25 || avgWaitMs >= 5) return 'medium';
  if (waitingPerCpu >= 0.05 || avgWaitMs >= 1) return 'low';
  return 'ok';
}

function ago(sec: number): string {
  if (sec < 120) return `${Math.round(sec)} s ago`;
  if (sec < 7200) return `${Math.round(sec / 60)} min ago`;
  if (sec < 172800) return `${Math.round(sec / 3600)} h ago`;
  return `${Math.round(sec / 86400)} days ago`;
}

export const schedJitterDiagnosis: Diagnosis = {
  id: 'sched-jitter',
  title: 'Scheduling latency and jitter',
  category: 'scheduling',
  description: 'Which tasks wait for a CPU and how long (run-queue delay from schedstat), system / irq / softirq / steal time spikes per CPU second by second, CPU and IRQ pressure (PSI), load against CPUs, and soft/hard lockup, RCU stall and hung-task messages.',
  permission: 'diagnose.run',
  params: [{ name: 'interval', type: 'integer', min: 1, max: 120, default: 5, description: 'seconds to watch (one /proc/stat sample per second)' }],
  probe(p) {
    return { file: 'diag-sched-jitter.sh', env: { OSDECK_INTERVAL: String(p.interval) }, timeoutSec: Number(p.interval) + 90, maxOutputBytes: 32 * 1024 * 1024 };
  },
  analyze(raw, ctx): Report {
    const s = parseSections(raw, ctx.mark);
    const issues: string[] = [];
    const up0 = kernelNumber(section(s, 'uptime.0').trim().split(/\s+/)[0]);
    const up1 = kernelNumber(section(s, 'uptime.1').trim().split(/\s+/)[0]);
    const elapsedSec = up0 !== null && up1 !== null && up1 > up0 ? up1 - up0 : Number(ctx.params.interval ?? 5);
    const elapsedMs = elapsedSec * 1000;

    // CPU time, second by second
    const statTexts: string[] = [];
    for (let i = 0; s.has(`stat.${i}`) && i <= 1000; i++) statTexts.push(section(s, `stat.${i}`));
    const series = cpuTimeSeries(statTexts, issues);
    const ncpu = Math.max(1, series.cpus.length);
    const perCpu = summarizeCpus(series);

    // run-queue delay per task / process
    const t0 = parseTaskSamples(section(s, 'tasks.0'), issues);
    const t1 = parseTaskSamples(section(s, 'tasks.1'), issues);
    const deltas = taskDeltas(t0, t1);
    const procs = delaysByProcess(deltas, elapsedMs);
    const totalDelayMs = deltas.reduce((a, d) => a + d.runDelayMs, 0);
    const totalSlices = deltas.reduce((a, d) => a + d.slices, 0);
    const haveTasks = t1.length > 0;
    const avgWaitMs = totalSlices ? totalDelayMs / totalSlices : 0;
    const waitingTasks = elapsedMs > 0 ? totalDelayMs / elapsedMs : 0;
    const waitingPerCpu = waitingTasks / ncpu;
    const runnable = series.steps.map((x) => x.running).filter((x): x is number => x !== null);
    const runnableAvg = runnable.length ? runnable.reduce((a, b) => a + b, 0) / runnable.length : null;
    const waiters = procs.filter((p) => p.runDelayMs > 0);

    // /proc/schedstat, when the kernel has it
    const ss0 = parseProcSchedstat(section(s, 'schedstat.0'), issues);
    const ss1 = parseProcSchedstat(section(s, 'schedstat.1'), []);
    const cpuDelays = schedstatDeltas(ss0, ss1);

    // PSI over the interval
    const psiSome0 = psiTotal(section(s, 'pressure.cpu.0'), 'cpu', 'waiting');
    const psiSome1 = psiTotal(section(s, 'pressure.cpu.1'), 'cpu', 'waiting');
    const psiCpuPct = psiSome0 !== null && psiSome1 !== null && psiSome1 >= psiSome0 ? r1(((psiSome1 - psiSome0) / elapsedSec) * 100) : null;
    const irq0 = psiTotal(section(s, 'pressure.irq.0'), 'irq', 'stalled');
    const irq1 = psiTotal(section(s, 'pressure.irq.1'), 'irq', 'stalled');
    const psiIrqPct = irq0 !== null && irq1 !== null && irq1 >= irq0 ? r1(((irq1 - irq0) / elapsedSec) * 100) : null;

    const load = parseLoadavgLine(section(s, 'loadavg'));
    const hungCount = kernelNumber(section(s, 'hung_task_detect_count').trim());
    const events = parseStallLog(section(s, 'kernel_log'));
    const now = up1 ?? up0;

    const findings: Report['findings'] = [];
    const headlines: Array<{ severity: Severity; text: string }> = [];

    // 1. CPU contention
    const cs = haveTasks ? contentionSeverity(waitingPerCpu, avgWaitMs) : 'info';
    const top = waiters[0];
    if (haveTasks) {
      const text = `tasks waited ${r2(avgWaitMs)} ms on average for a CPU per timeslice (${r2(waitingTasks)} tasks waiting at any moment, ${r2(waitingPerCpu)} per CPU${runnableAvg !== null ? `; ${r1(runnableAvg)} runnable on ${ncpu} CPUs` : ''})`;
      findings.push({ severity: cs, summary: text, detail: top ? `Most waiting: ${top.comm} (pid ${top.pid}) ${r1(top.runDelayMs)} ms in ${r1(elapsedSec)} s, ${r2(top.avgWaitMs)} ms per timeslice.` : undefined });
      if (severityRank(cs) >= severityRank('medium')) {
        const names = waiters.slice(0, 3).map((p) => `${p.comm} (pid ${p.pid}, waited ${Math.round(p.runDelayMs)} ms)`).join(', ');
        headlines.push({ severity: cs, text: `CPU contention on ${ctx.host}: ${text}; top: ${names}` });
      }
    } else {
      findings.push({ severity: 'info', summary: 'no per-task schedstat', detail: 'This kernel has no /proc/PID/schedstat (CONFIG_SCHED_INFO off): run-queue delay per task is unknown; PSI and the load average still tell contention.' });
    }

    // 2. PSI
    if (psiCpuPct !== null) {
      const ps: Severity = psiCpuPct >= 50 ? 'high' : psiCpuPct >= 20 ? 'medium' : psiCpuPct >= 5 ? 'low' : 'ok';
      findings.push({ severity: ps, summary: `CPU pressure (PSI some): ${psiCpuPct}% of the interval some task was waiting for a CPU` });
      if (cs === 'info' && severityRank(ps) >= severityRank('medium')) headlines.push({ severity: ps, text: `CPU contention on ${ctx.host}: some task was waiting for a CPU ${psiCpuPct}% of the time (PSI)` });
    } else findings.push({ severity: 'info', summary: 'PSI not available', detail: 'No /proc/pressure/cpu, or PSI is built in but off (boot with psi=1).' });
    if (psiIrqPct !== null) {
      const is: Severity = psiIrqPct >= 20 ? 'high' : psiIrqPct >= 5 ? 'medium' : 'ok';
      findings.push({ severity: is, summary: `IRQ pressure (PSI irq full): ${psiIrqPct}% of the interval was lost to interrupt handling` });
    }

    // 3. load average
    if (load) {
      const per = load.load1 / ncpu;
      const ls: Severity = per >= 2 ? 'medium' : per >= 1 ? 'low' : 'ok';
      findings.push({ severity: ls, summary: `load average ${load.load1} / ${load.load5} / ${load.load15} on ${ncpu} CPUs (${r2(per)} per CPU over 1 min)`, detail: 'The load counts runnable and uninterruptible (D-state, usually IO) tasks, so it can be high with idle CPUs.' });
    }

    // 4. sys / irq / softirq / steal spikes
    const worstSys = [...perCpu].sort((a, b) => b.max.system - a.max.system)[0];
    if (worstSys && series.steps.length) {
      const sv: Severity = worstSys.max.system >= 80 ? 'high' : worstSys.max.system >= 50 ? 'medium' : worstSys.max.system >= 30 ? 'low' : 'ok';
      findings.push({ severity: sv, summary: worstSys.max.system > 0 ? `system time peaked at ${worstSys.max.system}% on CPU ${worstSys.cpu} (second ${worstSys.maxSystemStep}; average ${worstSys.avg.system}%)` : 'no measurable system time' });
      if (severityRank(sv) >= severityRank('medium')) headlines.push({ severity: sv, text: `CPU ${worstSys.cpu} spent ${worstSys.max.system}% of a second in the kernel (system time)` });
    }
    const worstIrq = [...perCpu].sort((a, b) => b.maxIrqSoftirq - a.maxIrqSoftirq)[0];
    if (worstIrq && series.steps.length) {
      const iv: Severity = worstIrq.maxIrqSoftirq >= 60 ? 'high' : worstIrq.maxIrqSoftirq >= 30 ? 'medium' : worstIrq.maxIrqSoftirq >= 15 ? 'low' : 'ok';
      const vec = series.softirqs.slice(0, 3).map((v) => `${v.vector} ${v.count}`).join(', ');
      findings.push({ severity: iv, summary: worstIrq.maxIrqSoftirq > 0 ? `irq + softirq peaked at ${worstIrq.maxIrqSoftirq}% on CPU ${worstIrq.cpu} (second ${worstIrq.maxIrqSoftirqStep})` : 'no measurable irq or softirq time', detail: vec ? `Busiest softirqs in the interval: ${vec}.` : undefined });
      if (severityRank(iv) >= severityRank('medium')) headlines.push({ severity: iv, text: `CPU ${worstIrq.cpu} spent ${worstIrq.maxIrqSoftirq}% of a second in interrupts (irq + softirq)` });
    }
    const worstSteal = [...perCpu].sort((a, b) => b.avg.steal - a.avg.steal)[0];
    if (worstSteal && (worstSteal.avg.steal >= 5 || worstSteal.max.steal >= 20)) {
      const st: Severity = worstSteal.avg.steal >= 20 ? 'high' : 'medium';
      findings.push({ severity: st, summary: `steal time ${worstSteal.avg.steal}% on CPU ${worstSteal.cpu} (peak ${worstSteal.max.steal}%)`, detail: 'The hypervisor ran something else on this vCPU\'s physical CPU: the host is overcommitted.' });
      headlines.push({ severity: st, text: `the hypervisor took ${worstSteal.avg.steal}% of CPU ${worstSteal.cpu} (steal)` });
    }

    // 5. kernel messages
    const byKind = new Map<string, typeof events>();
    for (const e of events) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
    for (const [kind, es] of byKind) {
      const last = es[es.length - 1]!;
      const age = now !== null && last.at !== null ? now - last.at : null;
      const recent = age === null || age < 3600;
      const sev: Severity = recent ? last.severity : 'low';
      findings.push({ severity: sev, summary: `${es.length} ${kind} message(s) in the kernel log${age !== null ? `, the last ${ago(age)}` : ''}`, detail: last.text });
      if (recent && severityRank(sev) >= severityRank('medium')) headlines.push({ severity: sev, text: `the kernel reported ${es.length} ${kind} message(s)${age !== null ? ` (last ${ago(age)})` : ''}` });
    }
    if (hungCount !== null && hungCount > 0 && !byKind.has('hung task')) findings.push({ severity: 'low', summary: `${hungCount} hung task(s) detected since boot (kernel.hung_task_detect_count)` });
    if (issues.length) findings.push({ severity: 'info', summary: `${issues.length} line(s) could not be parsed`, detail: issues.slice(0, 5).join('; ') });

    headlines.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    const sysMax = series.steps.length ? Math.max(...perCpu.map((c) => c.max.system)) : null;
    const irqMax = series.steps.length ? Math.max(...perCpu.map((c) => c.maxIrqSoftirq)) : null;
    const conclusion = headlines.length
      ? `${headlines[0]!.text.charAt(0).toUpperCase()}${headlines[0]!.text.slice(1)}${headlines.length > 1 ? `; also ${headlines.slice(1, 3).map((h) => h.text.replace(/^CPU contention on [^:]+: /, '')).join('; ')}` : ''}.`
      : `No scheduling trouble in ${Math.round(elapsedSec)} s on ${ctx.host}: ${haveTasks ? `tasks waited ${r2(avgWaitMs)} ms on average for a CPU` : 'no per-task schedstat'}${sysMax !== null ? `, system time ≤ ${sysMax}%, irq+softirq ≤ ${irqMax}% per CPU-second` : ''}${psiCpuPct !== null ? `, CPU pressure ${psiCpuPct}%` : ''}, ${events.length ? `${events.length} old watchdog message(s)` : 'no lockup or stall messages'}.`;

    const recommendations: Report['recommendations'] = [];
    if (severityRank(cs) >= severityRank('medium') && top) {
      recommendations.push({
        summary: `More runnable work than ${ncpu} CPU(s): find what burns the CPU, then limit, move or renice it`,
        commands: [`top -H -p ${waiters.slice(0, 5).map((p) => p.pid).join(',')}`, 'pidstat -u -w 1 5  # sysstat: per-task CPU and context switches', `cat /proc/${top.pid}/sched | head -n 30`, `renice +10 -p ${top.pid}  # or cap it: systemd-run --scope -p CPUQuota=50% …`],
      });
    }
    if (worstSys && worstSys.max.system >= 50) {
      recommendations.push({ summary: 'High system time: see which kernel paths run', commands: ['perf top -g  # if perf is installed', 'cat /proc/softirqs; cat /proc/interrupts', 'vmstat 1 5  # sy, cs and in columns'] });
    }
    if (worstIrq && worstIrq.maxIrqSoftirq >= 30) {
      recommendations.push({ summary: `Interrupt load on CPU ${worstIrq.cpu}: spread IRQs and network queues over more CPUs`, commands: ['watch -d -n1 cat /proc/softirqs', 'grep -v " 0 *0 " /proc/interrupts | head -n 40', 'systemctl status irqbalance', 'osdeck diagnose net-drops ' + ctx.host] });
    }
    if (byKind.has('soft lockup') || byKind.has('hard lockup') || byKind.has('RCU stall')) {
      recommendations.push({ summary: 'Lockup or RCU stall: a CPU ran kernel code without scheduling for seconds; read the stack the kernel printed', commands: ['dmesg -T | grep -B5 -A40 -iE "soft lockup|hard lockup|rcu.*stall" | head -n 200', 'sysctl kernel.watchdog_thresh kernel.softlockup_panic'] });
    }
    if (byKind.has('hung task')) {
      recommendations.push({ summary: 'Hung tasks: something waited in D state for minutes (usually IO)', commands: ['osdeck diagnose io-hang ' + ctx.host, 'dmesg -T | grep -A20 "blocked for more than" | head -n 100'] });
    }

    const all = worst(...findings.map((f) => f.severity));
    return makeReport({
      kind: 'diagnosis:sched-jitter',
      title: `Scheduling latency on ${ctx.host}`,
      now: ctx.now,
      conclusion,
      severity: all,
      findings,
      tables: [
        table('Tasks waiting for a CPU (by run-queue delay)', ['pid', 'command', 'threads', 'waited (ms)', 'waited (% of interval)', 'avg wait per timeslice (ms)', 'ran (ms)', 'timeslices', 'user (ms)', 'system (ms)'],
          waiters.slice(0, TOP).map((p) => [p.pid, p.comm, p.threads, r1(p.runDelayMs), r1(p.waitPct), r2(p.avgWaitMs), r1(p.execMs), p.slices, p.userMs, p.sysMs])),
        table('CPU time per CPU (from per-second samples, %)', ['CPU', 'user avg', 'system avg', 'system max', 'irq avg', 'irq max', 'softirq avg', 'softirq max', 'steal avg', 'steal max', 'iowait avg', 'idle avg'],
          perCpu.map((c) => [c.cpu, r1(c.avg.user + c.avg.nice), c.avg.system, c.max.system, c.avg.irq, c.max.irq, c.avg.softirq, c.max.softirq, c.avg.steal, c.max.steal, c.avg.iowait, c.avg.idle])),
        table('Second by second (all CPUs, %)', ['second', 'runnable tasks', 'blocked tasks', 'context switches', 'user', 'system', 'irq + softirq', 'steal', 'idle', 'busiest CPU system'],
          series.steps.map((x) => [x.step, x.running, x.blocked, x.ctxtSwitches, r1(x.all.user + x.all.nice), x.all.system, r1(x.all.irq + x.all.softirq), x.all.steal, x.all.idle, Math.max(0, ...[...x.perCpu.values()].map((v) => v.system))])),
        table('Kernel (system) time by thread', ['pid', 'tid', 'command', 'system (ms)', 'user (ms)'],
          deltas.filter((d) => (d.sysMs ?? 0) > 0).sort((a, b) => (b.sysMs ?? 0) - (a.sysMs ?? 0)).slice(0, TOP).map((d) => [d.pid, d.tid, d.comm, d.sysMs, d.userMs])),
        table('Softirqs during the interval', ['vector', 'count'], series.softirqs.filter((v) => v.count > 0).map((v) => [v.vector, v.count])),
        ...(cpuDelays.length ? [table('Run-queue delay per CPU (/proc/schedstat)', ['CPU', 'waited (ms)', 'timeslices', 'avg wait per timeslice (ms)'], cpuDelays.map((c) => [c.cpu, r1(c.runDelayMs), c.slices, r2(c.avgWaitMs)]))] : []),
        table('Kernel watchdog and stall messages', ['age', 'kind', 'CPU', 'task', 'message'],
          events.slice(-50).reverse().map((e) => [now !== null && e.at !== null ? ago(now - e.at) : null, e.kind, e.cpu, e.task, e.text])),
      ],
      recommendations,
      evidence: {
        intervalSec: r2(elapsedSec), cpus: ncpu,
        avgWaitPerSliceMs: r2(avgWaitMs), waitingTasks: r2(waitingTasks), waitingPerCpu: r2(waitingPerCpu), runnableAvg: runnableAvg === null ? null : r2(runnableAvg),
        psiCpuSomePct: psiCpuPct, psiIrqFullPct: psiIrqPct, loadavg: load,
        procSchedstat: ss1.version !== null ? { version: ss1.version, cpus: cpuDelays.map((c) => ({ cpu: c.cpu, avgWaitMs: r2(c.avgWaitMs) })) } : null,
        maxSystemPct: sysMax, maxIrqSoftirqPct: irqMax,
        topWaiting: waiters.slice(0, 10).map((p) => ({ pid: p.pid, comm: p.comm, waitedMs: r1(p.runDelayMs), avgWaitMs: r2(p.avgWaitMs) })),
        kernelEvents: [...byKind].map(([k, es]) => ({ kind: k, count: es.length, lastAt: es[es.length - 1]!.at })),
        hungTaskDetectCount: hungCount,
        issues: issues.slice(0, 20),
      },
    });
  },
};
