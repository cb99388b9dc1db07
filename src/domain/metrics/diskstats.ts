/** /proc/diskstats → node_disk_* per device (Documentation/admin-guide/iostats.rst). */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, printable, sample } from './proc-tokens';

// node_exporter's default --collector.diskstats.device-exclude: partitions and virtual devices,
// so whole disks (sda, vda, nvme0n1, dm-0, md0) are counted once.
const EXCLUDED_DEVICE = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

// Field n after "major minor name" (1-based) → name and the factor to node_exporter's unit:
// sectors are always 512 bytes in this file whatever the device's block size; times are ms.
const FIELDS: Array<[field: number, name: string, factor: number]> = [
  [1, 'node_disk_reads_completed_total', 1],
  [2, 'node_disk_reads_merged_total', 1],
  [3, 'node_disk_read_bytes_total', 512],
  [4, 'node_disk_read_time_seconds_total', 0.001],
  [5, 'node_disk_writes_completed_total', 1],
  [6, 'node_disk_writes_merged_total', 1],
  [7, 'node_disk_written_bytes_total', 512],
  [8, 'node_disk_write_time_seconds_total', 0.001],
  [9, 'node_disk_io_now', 1],
  [10, 'node_disk_io_time_seconds_total', 0.001],
  [11, 'node_disk_io_time_weighted_seconds_total', 0.001],
  // 4.18+
  [12, 'node_disk_discards_completed_total', 1],
  [13, 'node_disk_discards_merged_total', 1],
  [14, 'node_disk_discarded_sectors_total', 1],
  [15, 'node_disk_discard_time_seconds_total', 0.001],
  // 5.5+
  [16, 'node_disk_flush_requests_total', 1],
  [17, 'node_disk_flush_requests_time_seconds_total', 0.001],
];

export function parseDiskstats(text: string, issues: string[] = []): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of lines(text)) {
    const [major, minor, rawName = '', ...rest] = line.trim().split(/\s+/);
    const values = rest.map(kernelNumber);
    const device = printable(rawName);
    if (kernelNumber(major) === null || kernelNumber(minor) === null || device === '' || values.some((v) => v === null)) {
      issues.push(`bad line ${excerpt(line)}`);
      continue;
    }
    // Kernels before 2.6.25 print partitions with 4 fields only; those are partitions, so skipped.
    if (values.length < 11 || EXCLUDED_DEVICE.test(device)) continue;
    for (const [field, name, factor] of FIELDS) {
      const v = values[field - 1];
      if (v !== undefined && v !== null) out.push(sample(name, v * factor, { device }));
    }
  }
  return out;
}
