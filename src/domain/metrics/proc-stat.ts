/** /proc/stat → node_exporter's cpu and stat collectors (fs/proc/stat.c). */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, sample } from './proc-tokens';

// Times in /proc/stat are clock_t at USER_HZ, which the ABI fixes at 100 whatever CONFIG_HZ is.
const USER_HZ = 100;
// Column order of a cpuN line; kernels before 2.6.11/2.6.24/2.6.33 stop after idle..softirq, steal, guest.
const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
// guest and guest_nice are already included in user and nice; node_exporter reports them apart.
const GUEST_MODES = ['user', 'nice'] as const;
// The order of the softirq line (include/linux/interrupt.h); BLOCK_IOPOLL is IRQ_POLL since 4.5.
const SOFTIRQ_VECTORS = ['hi', 'timer', 'net_tx', 'net_rx', 'block', 'block_iopoll', 'tasklet', 'sched', 'hrtimer', 'rcu'];
const SCALARS: Record<string, string> = {
  intr: 'node_intr_total',
  ctxt: 'node_context_switches_total',
  btime: 'node_boot_time_seconds',
  processes: 'node_forks_total',
  procs_running: 'node_procs_running',
  procs_blocked: 'node_procs_blocked',
};

export function parseProcStat(text: string, issues: string[] = []): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of lines(text)) {
    const [key = '', ...rest] = line.trim().split(/\s+/);
    const cpu = /^cpu(\d{1,5})$/.exec(key);
    if (cpu) {
      const ticks = rest.map(kernelNumber);
      if (ticks.length < 4 || ticks.some((t) => t === null)) {
        issues.push(`bad cpu line ${excerpt(line)}`);
        continue;
      }
      const labels = (mode: string) => ({ cpu: cpu[1]!, mode });
      CPU_MODES.forEach((mode, i) => {
        if (i < ticks.length) out.push(sample('node_cpu_seconds_total', ticks[i]! / USER_HZ, labels(mode)));
      });
      GUEST_MODES.forEach((mode, i) => {
        const t = ticks[CPU_MODES.length + i];
        if (t !== undefined && t !== null) out.push(sample('node_cpu_guest_seconds_total', t / USER_HZ, labels(mode)));
      });
    } else if (key === 'softirq') {
      const counts = rest.slice(1).map(kernelNumber);
      if (counts.length >= SOFTIRQ_VECTORS.length && counts.every((c) => c !== null)) {
        SOFTIRQ_VECTORS.forEach((vector, i) => out.push(sample('node_softirqs_total', counts[i]!, { vector })));
      } else issues.push(`bad softirq line ${excerpt(line)}`);
    } else if (key in SCALARS) {
      // intr is followed by one count per IRQ (the probe drops them); its first number is the total.
      const v = kernelNumber(rest[0]);
      if (v === null) issues.push(`bad ${key} line ${excerpt(line)}`);
      else out.push(sample(SCALARS[key]!, v));
    }
    // The aggregate "cpu" line is left out, as node_exporter does: it is the sum of the cpuN lines.
  }
  return out;
}
