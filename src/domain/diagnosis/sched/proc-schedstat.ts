/**
 * /proc/schedstat (CONFIG_SCHEDSTATS; absent on many kernels, so its absence is normal): "version N",
 * "timestamp J", then per CPU "cpuN yld_count 0 sched_count sched_goidle ttwu_count ttwu_local
 * rq_cpu_time run_delay pcount" (versions 10–17 keep these nine fields in this order; 17 adds names to
 * the domain lines, which are skipped here).
 */
import { excerpt, kernelNumber, lines } from '../../metrics/proc-tokens';

export interface CpuSchedstat {
  cpu: number;
  rqCpuTimeNs: number;
  runDelayNs: number;
  pcount: number;
}

export interface ProcSchedstat {
  version: number | null;
  cpus: CpuSchedstat[];
}

export function parseProcSchedstat(text: string, issues: string[] = []): ProcSchedstat {
  const out: ProcSchedstat = { version: null, cpus: [] };
  for (const line of lines(text)) {
    const t = line.trim().split(/\s+/);
    if (t[0] === 'version') out.version = kernelNumber(t[1]);
    else if (/^cpu\d{1,5}$/.test(t[0]!)) {
      const f = t.slice(1, 10).map(kernelNumber);
      if (f.length < 9 || f.some((x) => x === null)) {
        issues.push(`schedstat: bad cpu line ${excerpt(line)}`);
        continue;
      }
      out.cpus.push({ cpu: Number(t[0]!.slice(3)), rqCpuTimeNs: f[6]!, runDelayNs: f[7]!, pcount: f[8]! });
    }
  }
  return out;
}

export interface CpuRunDelay {
  cpu: number;
  runDelayMs: number;
  slices: number;
  avgWaitMs: number;
}

export function schedstatDeltas(before: ProcSchedstat, after: ProcSchedstat): CpuRunDelay[] {
  const prev = new Map(before.cpus.map((c) => [c.cpu, c]));
  return after.cpus.flatMap((c) => {
    const p = prev.get(c.cpu);
    if (!p || c.runDelayNs < p.runDelayNs || c.pcount < p.pcount) return [];
    const runDelayMs = (c.runDelayNs - p.runDelayNs) / 1e6;
    const slices = c.pcount - p.pcount;
    return [{ cpu: c.cpu, runDelayMs, slices, avgWaitMs: slices ? runDelayMs / slices : 0 }];
  });
}
