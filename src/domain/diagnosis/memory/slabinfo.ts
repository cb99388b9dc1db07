/** /proc/slabinfo 2.x: memory per slab cache = num_slabs × pagesperslab × page size. */
import { kernelNumber } from '../../metrics/proc-tokens';
import { printable } from '../../metrics/proc-tokens';

export interface SlabCache {
  name: string;
  activeObjs: number;
  numObjs: number;
  objSize: number;
  bytes: number;
}

export function parseSlabinfo(text: string, pageSize: number): SlabCache[] {
  const out: SlabCache[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('slabinfo') || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*:\s*tunables\s+\d+\s+\d+\s+\d+\s*:\s*slabdata\s+(\d+)\s+(\d+)/.exec(line);
    if (!m) continue;
    const [activeObjs, numObjs, objSize, , pagesPerSlab, , numSlabs] = m.slice(2).map((x) => kernelNumber(x) ?? 0);
    out.push({ name: printable(m[1]!, 64), activeObjs: activeObjs!, numObjs: numObjs!, objSize: objSize!, bytes: numSlabs! * pagesPerSlab! * pageSize });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}
