/**
 * What the IO probes print about each whole disk from /sys/block/<dev>, one fact a line:
 *
 *   vda rotational 1
 *   vda scheduler none [mq-deadline] kyber bfq
 *   vda hwq 2                      (number of /sys/block/vda/mq/* hardware queues; 0 = bio-based)
 *   vda inflight 0 2               (/sys/block/vda/inflight: reads writes)
 *   vda slaves loop0 loop1         (devices this one is stacked on: dm, md)
 *   vda dmname vg-root
 *   loop1 backing /var/tmp/x.img   (loop devices: the file behind them)
 *
 * Only whole disks appear in /sys/block, so this list also tells partitions apart.
 */
import { kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface BlockDevice {
  /** the name /proc/diskstats uses ('!' of sysfs turned back into '/') */
  name: string;
  rotational: boolean | null;
  /** the active scheduler, e.g. 'mq-deadline', 'none' */
  scheduler: string | null;
  /** blk-mq hardware queues; 0 = bio-based (dm, md, zram) */
  hwQueues: number | null;
  inflight: { reads: number; writes: number } | null;
  slaves: string[];
  dmName: string | null;
  backingFile: string | null;
}

const NAME = /^[A-Za-z0-9_.:!+-]{1,64}$/;
const KEYS = new Set(['rotational', 'scheduler', 'hwq', 'inflight', 'slaves', 'dmname', 'backing']);

export function parseBlockDevices(text: string, issues: string[] = []): Map<string, BlockDevice> {
  const out = new Map<string, BlockDevice>();
  const seen = new Set<string>();
  for (const line of lines(text)) {
    const m = /^(\S+) ([a-z]+)(?: (.*))?$/.exec(line);
    if (!m || !NAME.test(m[1]!)) {
      issues.push(`bad device line ${JSON.stringify(printable(line, 40))}`);
      continue;
    }
    const name = m[1]!.replace(/!/g, '/');
    const key = m[2]!;
    if (!KEYS.has(key)) continue; // facts a newer probe adds are ignored by an older analyzer
    const value = (m[3] ?? '').trim();
    // the first copy of a fact wins: a hostile backing-file name cannot add lines that override earlier facts
    if (seen.has(`${name} ${key}`)) continue;
    seen.add(`${name} ${key}`);
    let d = out.get(name);
    if (!d) {
      d = { name, rotational: null, scheduler: null, hwQueues: null, inflight: null, slaves: [], dmName: null, backingFile: null };
      out.set(name, d);
    }
    switch (key) {
      case 'rotational':
        d.rotational = value === '1' ? true : value === '0' ? false : null;
        break;
      case 'scheduler': {
        const active = /\[([^\]]{1,32})\]/.exec(value)?.[1] ?? (/^[a-z0-9-]{1,32}$/.test(value) ? value : null);
        d.scheduler = active ? printable(active, 32) : null;
        break;
      }
      case 'hwq':
        d.hwQueues = kernelNumber(value);
        break;
      case 'inflight': {
        const [r, w] = value.split(/\s+/).map(kernelNumber);
        d.inflight = r != null && w != null ? { reads: r, writes: w } : null;
        break;
      }
      case 'slaves':
        d.slaves = value.split(/\s+/).filter((s) => NAME.test(s)).slice(0, 64).map((s) => s.replace(/!/g, '/'));
        break;
      case 'dmname':
        d.dmName = value ? printable(value, 128) : null;
        break;
      case 'backing':
        d.backingFile = value ? printable(value, 256) : null;
        break;
    }
  }
  return out;
}

/** Memory-backed or file-backed devices whose traffic lands on another device (or on no disk at all). */
/** Partitions by name, for when /sys/block was not readable (their traffic is already in the disk's line). */
export const PARTITION_NAME = /^((h|s|v|xv)d[a-z]+\d+|nvme\d+n\d+p\d+|mmcblk\d+p\d+)$/;

export function isVirtualDevice(name: string): boolean {
  return /^(loop|z?ram|nbd|fd)\d+$/.test(name);
}

/** "NVMe", "rotational", "loop (backing /x.img)" … for the device column. */
export function describeDevice(name: string, d: BlockDevice | undefined): string {
  const parts: string[] = [];
  if (/^nvme/.test(name)) parts.push('NVMe');
  else if (/^loop\d/.test(name)) parts.push('loop');
  else if (/^z?ram\d/.test(name)) parts.push('RAM disk');
  else if (/^dm-\d/.test(name)) parts.push(`device-mapper${d?.dmName ? ` ${d.dmName}` : ''}`);
  else if (/^md\d/.test(name)) parts.push('md RAID');
  else if (d?.rotational === true) parts.push('rotational');
  else if (d?.rotational === false) parts.push('non-rotational');
  if (d?.hwQueues) parts.push(`${d.hwQueues} hw queue${d.hwQueues > 1 ? 's' : ''}`);
  if (d?.scheduler && d.scheduler !== 'none') parts.push(d.scheduler);
  if (d?.backingFile) parts.push(`backing ${d.backingFile}`);
  return parts.join(', ');
}

/**
 * Whether %util near 100 means the device is saturated: true only for a single-queue rotational disk.
 * SSDs, NVMe and multi-queue devices serve many requests at once, so a device busy 100% of the time
 * (io_ticks counts time with at least one request in flight) can still have headroom.
 */
export function utilMeansSaturation(name: string, d: BlockDevice | undefined): boolean {
  if (/^(nvme|loop|z?ram|dm-|md)/.test(name)) return false;
  return d?.rotational === true && (d.hwQueues ?? 1) <= 1;
}

/** The whole disk a partition belongs to ("vda1" → "vda", "nvme0n1p2" → "nvme0n1"), or the name itself. */
export function wholeDiskOf(name: string, disks: Iterable<string>): string {
  let best = '';
  for (const d of disks) if (name.startsWith(d) && d.length > best.length && /^p?\d+$/.test(name.slice(d.length))) best = d;
  return best || name;
}
