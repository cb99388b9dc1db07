/** /proc/meminfo → node_memory_<Field>[_bytes], every field, no derivation (as node_exporter). */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, metricNamePart, sample } from './proc-tokens';

// "Active(anon):  1556 kB": node_exporter turns "(x)" into "_x" and kB into _bytes; fields with no
// unit (HugePages_Total, HugePages_Free, HugePages_Rsvd, HugePages_Surp) are page counts.
const LINE = /^([^:\s]+):\s+(\S+)(?:\s+(kB))?\s*$/;

export function parseMeminfo(text: string, issues: string[] = []): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of lines(text)) {
    const m = LINE.exec(line);
    const key = m ? metricNamePart(m[1]!.replace(/\((\w+)\)/, '_$1')) : null;
    const value = m ? kernelNumber(m[2]) : null;
    if (!m || key === null || value === null) {
      issues.push(`bad line ${excerpt(line)}`);
      continue;
    }
    out.push(m[3] ? sample(`node_memory_${key}_bytes`, value * 1024) : sample(`node_memory_${key}`, value));
  }
  return out;
}
