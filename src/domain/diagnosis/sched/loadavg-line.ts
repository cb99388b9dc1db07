/** /proc/loadavg: "0.13 1.06 1.70 1/87 6659" → the three averages and the runnable / total task counts. */
import { kernelNumber } from '../../metrics/proc-tokens';

export interface LoadavgLine {
  load1: number;
  load5: number;
  load15: number;
  runnable: number | null;
  tasks: number | null;
}

export function parseLoadavgLine(text: string): LoadavgLine | null {
  const t = text.trim().split(/\s+/);
  const [l1, l5, l15] = t.slice(0, 3).map(kernelNumber);
  if (l1 === null || l5 === null || l15 === null || l1 === undefined || l5 === undefined || l15 === undefined) return null;
  const rt = /^(\d{1,10})\/(\d{1,10})$/.exec(t[3] ?? '');
  return { load1: l1, load5: l5, load15: l15, runnable: rt ? Number(rt[1]) : null, tasks: rt ? Number(rt[2]) : null };
}
