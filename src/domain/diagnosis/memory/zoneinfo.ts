/**
 * /proc/zoneinfo, reduced to what the panorama needs: the per-CPU page lists ("pagesets … count:"),
 * which hold free pages that MemFree does not count, and each zone's watermarks.
 */
import { kernelNumber } from '../../metrics/proc-tokens';

export interface ZoneInfo {
  node: number;
  zone: string;
  freePages: number | null;
  min: number | null;
  low: number | null;
  high: number | null;
  managed: number | null;
  pcpPages: number;
}

export function parseZoneinfo(text: string): { zones: ZoneInfo[]; pcpPages: number } {
  const zones: ZoneInfo[] = [];
  let cur: ZoneInfo | null = null;
  for (const raw of text.split('\n')) {
    const head = /^Node\s+(\d+),\s+zone\s+(\S+)/.exec(raw);
    if (head) {
      cur = { node: Number(head[1]), zone: head[2]!.slice(0, 32), freePages: null, min: null, low: null, high: null, managed: null, pcpPages: 0 };
      zones.push(cur);
      continue;
    }
    if (!cur) continue;
    const count = /^\s+count:\s+(\d+)/.exec(raw);
    if (count) {
      cur.pcpPages += kernelNumber(count[1]) ?? 0;
      continue;
    }
    const free = /^\s+pages free\s+(\d+)/.exec(raw);
    if (free) {
      cur.freePages = kernelNumber(free[1]);
      continue;
    }
    const wm = /^\s+(min|low|high|managed)\s+(\d+)\s*$/.exec(raw);
    if (wm) cur[wm[1] as 'min' | 'low' | 'high' | 'managed'] = kernelNumber(wm[2]);
  }
  return { zones, pcpPages: zones.reduce((a, z) => a + z.pcpPages, 0) };
}
