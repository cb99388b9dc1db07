/**
 * Bytes that reached the disks between two /proc/diskstats samples, counted once: only whole disks
 * at the bottom of the stack. Partitions repeat their disk's traffic; dm and md devices (those with
 * slaves) pass it down to their members; loop devices pass it to the filesystem of their backing
 * file; zram and RAM disks never reach a disk.
 */
import { type BlockDevice, isVirtualDevice } from './block-devices';
import { diskDeltas } from './diskstats-delta';
import type { DiskRecord } from './diskstats-sample';

export interface DeviceTraffic {
  device: string;
  readBytes: number;
  writeBytes: number;
  /** counted in the host total, or why not */
  counted: boolean;
  why: string | null;
}

export interface DiskTraffic {
  devices: DeviceTraffic[];
  readBytes: number;
  writeBytes: number;
}

const PARTITION = /^((h|s|v|xv)d[a-z]+\d+|nvme\d+n\d+p\d+|mmcblk\d+p\d+)$/;

export function diskTraffic(before: DiskRecord[], after: DiskRecord[], devices: Map<string, BlockDevice>): DiskTraffic {
  const prev = new Map(before.map((r) => [r.name, r]));
  const out: DeviceTraffic[] = [];
  for (const b of after) {
    const a = prev.get(b.name);
    if (!a) continue;
    const isWhole = devices.size ? devices.has(b.name) : !PARTITION.test(b.name);
    if (!isWhole) continue;
    const d = diskDeltas(a, b);
    if (!d) continue;
    const readBytes = d.rdSectors * 512;
    const writeBytes = d.wrSectors * 512;
    if (!readBytes && !writeBytes) continue;
    const info = devices.get(b.name);
    const why = isVirtualDevice(b.name)
      ? /^loop/.test(b.name) ? 'loop device: its IO reaches the disk under its backing file' : 'memory-backed device'
      : info?.slaves.length || /^(dm-|md)\d/.test(b.name)
        ? `stacked on ${info?.slaves.join(', ') || 'other devices'}`
        : null;
    out.push({ device: b.name, readBytes, writeBytes, counted: why === null, why });
  }
  const counted = out.filter((d) => d.counted);
  return {
    devices: out.sort((x, y) => y.readBytes + y.writeBytes - (x.readBytes + x.writeBytes)),
    readBytes: counted.reduce((s, d) => s + d.readBytes, 0),
    writeBytes: counted.reduce((s, d) => s + d.writeBytes, 0),
  };
}
