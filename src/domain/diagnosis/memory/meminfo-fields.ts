/** /proc/meminfo by key (never by position): kB fields in bytes, unit-less fields (HugePages_*) as counts. */
import { kernelNumber, lines } from '../../metrics/proc-tokens';

export type MeminfoFields = Map<string, number>;

export function parseMeminfoFields(text: string, issues: string[] = []): MeminfoFields {
  const out: MeminfoFields = new Map();
  for (const line of lines(text)) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d{1,20})(\s+kB)?\s*$/.exec(line);
    const v = m ? kernelNumber(m[2]) : null;
    if (!m || v === null) {
      issues.push(`meminfo: unreadable line ${JSON.stringify(line.slice(0, 40))}`);
      continue;
    }
    out.set(m[1]!, m[3] ? v * 1024 : v);
  }
  return out;
}
