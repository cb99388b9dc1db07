/** Per-process memory (from /proc/PID/status, kB) joined with each process' memory cgroup. */
import { kernelNumber, printable } from '../../metrics/proc-tokens';

export interface ProcessMemory {
  pid: number;
  name: string;
  rss: number;
  anon: number;
  file: number;
  shmem: number;
  memcg: string | null;
}

/** status lines: "PID VmRSS RssAnon RssFile RssShmem NAME" (kB); cgroup lines: "PID v1|v2 PATH". */
export function parseProcessMemory(status: string, cgroups: string): ProcessMemory[] {
  const cg = new Map<number, string>();
  for (const l of cgroups.split('\n')) {
    const m = /^(\d{1,10}) (v1|v2) (.*)$/.exec(l);
    if (m && !(m[2] === 'v2' && cg.has(Number(m[1])))) cg.set(Number(m[1]), printable(m[3]!, 256));
  }
  const out: ProcessMemory[] = [];
  for (const l of status.split('\n')) {
    const m = /^(\d{1,10}) (\d{1,20}) (\d{1,20}) (\d{1,20}) (\d{1,20}) ?(.*)$/.exec(l);
    if (!m) continue;
    const kb = (i: number) => (kernelNumber(m[i]) ?? 0) * 1024;
    const pid = Number(m[1]);
    out.push({ pid, name: printable(m[6] ?? '', 64), rss: kb(2), anon: kb(3), file: kb(4), shmem: kb(5), memcg: cg.get(pid) ?? null });
  }
  return out;
}

export function topProcesses(procs: ProcessMemory[], n: number): ProcessMemory[] {
  return procs.slice().sort((a, b) => b.rss - a.rss).slice(0, n);
}
