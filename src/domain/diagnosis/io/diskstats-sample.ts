/**
 * /proc/diskstats as full per-device records (Documentation/admin-guide/iostats.rst), for the IO
 * diagnoses, which need every field of every device (loop, partitions, dm) and the in-flight count
 * that the node_exporter-shaped parser in metrics/diskstats.ts leaves out.
 *
 *   major minor name  rd_ios rd_merges rd_sectors rd_ticks  wr_ios wr_merges wr_sectors wr_ticks
 *                     in_flight io_ticks time_in_queue  [dc_ios dc_merges dc_sectors dc_ticks (4.18+)]
 *                     [fl_ios fl_ticks (5.5+)]
 *
 * Sectors are always 512 bytes here whatever the device's block size; times are milliseconds.
 */
import { excerpt, kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface DiskCounters {
  rdIos: number;
  rdMerges: number;
  rdSectors: number;
  rdTicks: number;
  wrIos: number;
  wrMerges: number;
  wrSectors: number;
  wrTicks: number;
  inFlight: number;
  ioTicks: number;
  timeInQueue: number;
  dcIos: number;
  dcMerges: number;
  dcSectors: number;
  dcTicks: number;
  flIos: number;
  flTicks: number;
}

export interface DiskRecord extends DiskCounters {
  major: number;
  minor: number;
  name: string;
  /** how many counter fields the kernel printed: 11 (<4.18), 15 (4.18–5.4) or 17 (5.5+) */
  fields: number;
}

export const COUNTER_KEYS: ReadonlyArray<keyof DiskCounters> = [
  'rdIos', 'rdMerges', 'rdSectors', 'rdTicks', 'wrIos', 'wrMerges', 'wrSectors', 'wrTicks',
  'inFlight', 'ioTicks', 'timeInQueue', 'dcIos', 'dcMerges', 'dcSectors', 'dcTicks', 'flIos', 'flTicks',
];

// cciss/c0d0 keeps its slash here (sysfs spells it cciss!c0d0)
const DEVICE_NAME = /^[A-Za-z0-9_.:!+/-]{1,64}$/;

/** Every device line with at least the 11 classic fields; partition lines of 2.6.x kernels (4 fields) are skipped. */
export function parseDiskstatsRecords(text: string, issues: string[] = []): DiskRecord[] {
  const out: DiskRecord[] = [];
  const seen = new Set<string>();
  for (const line of lines(text)) {
    const [major, minor, rawName = '', ...rest] = line.trim().split(/\s+/);
    const maj = kernelNumber(major);
    const min = kernelNumber(minor);
    const values = rest.map(kernelNumber);
    if (maj === null || min === null || !DEVICE_NAME.test(rawName) || values.some((v) => v === null || v < 0) || rest.length > 20) {
      issues.push(`bad diskstats line ${excerpt(line)}`);
      continue;
    }
    if (values.length === 4) continue; // 2.6.x partition line: reads, sectors read, writes, sectors written
    if (values.length < 11) {
      issues.push(`short diskstats line ${excerpt(line)}`);
      continue;
    }
    const name = printable(rawName, 64);
    if (seen.has(name)) continue;
    seen.add(name);
    const rec = { major: maj, minor: min, name, fields: values.length } as DiskRecord;
    COUNTER_KEYS.forEach((k, i) => {
      rec[k] = values[i] ?? 0;
    });
    out.push(rec);
  }
  return out;
}

/** Total completed requests (reads, writes, discards, flushes). */
export function completedIos(c: DiskCounters): number {
  return c.rdIos + c.wrIos + c.dcIos + c.flIos;
}

/** Devices that have never done IO since boot. */
export function neverUsed(c: DiskCounters): boolean {
  return completedIos(c) === 0 && c.inFlight === 0 && c.ioTicks === 0;
}
