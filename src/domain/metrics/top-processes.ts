/**
 * The probe's top_cpu / top_rss sections → the top processes. Not metrics: node_exporter refuses
 * per-process series (#197, #1137), and a pid-labelled series per process would explode storage.
 *
 * Lines are "pid user pcpu rss_kib command". pcpu is ps's: CPU time over the process's lifetime
 * divided by its age, not the last interval. user is "?" when the probe fell back to /proc/PID/stat.
 */
import { excerpt, kernelNumber, lines, printable } from './proc-tokens';

export interface Proc {
  pid: number;
  user: string;
  cpuPercent: number;
  rssBytes: number;
  /** The kernel's comm (15 bytes) as ps printed it; any process can set it, so it is cleaned. */
  command: string;
}

export interface TopProcesses {
  byCpu: Proc[];
  byRss: Proc[];
}

const LINE = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s(.*))?$/;
const MAX = 20;

export function parseProcessList(text: string, issues: string[] = []): Proc[] {
  const procs: Proc[] = [];
  for (const line of lines(text)) {
    const m = LINE.exec(line);
    const pid = kernelNumber(m?.[1]);
    const cpu = kernelNumber(m?.[3]);
    const rssKib = kernelNumber(m?.[4]);
    if (!m || pid === null || cpu === null || rssKib === null || cpu < 0 || rssKib < 0) {
      issues.push(`bad process line ${excerpt(line)}`);
      continue;
    }
    procs.push({ pid, user: printable(m[2]!, 32), cpuPercent: cpu, rssBytes: rssKib * 1024, command: printable((m[5] ?? '').trim(), 128) });
  }
  return procs.slice(0, MAX);
}

export function parseTopProcesses(byCpuText: string, byRssText: string, issues: string[] = []): TopProcesses {
  // The probe already sorted; sorting again (stable) keeps the contract if it ever did not.
  return {
    byCpu: parseProcessList(byCpuText, issues).sort((a, b) => b.cpuPercent - a.cpuPercent),
    byRss: parseProcessList(byRssText, issues).sort((a, b) => b.rssBytes - a.rssBytes),
  };
}
