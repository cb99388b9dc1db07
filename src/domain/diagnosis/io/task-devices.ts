/**
 * Which block devices a blocked task is tied to, from what the probe saw of it:
 *  - open files: a device node (/dev/loop1, /dev/mapper/vg-x) names the device; a regular file names
 *    the filesystem it sits on, whose device is the mount's major:minor in /proc/self/mountinfo;
 *  - kernel worker names: kworker/u8:2+loop1 (the workqueue it runs for), kworker/u8:0+flush-7:1,
 *    jbd2/vda1-8, loop1 (older kernels' loop threads);
 *  - the "Workqueue: loop1 …" line of a hung-task report.
 */
import { printable } from '../../metrics/proc-tokens';
import type { BlockDevice } from './block-devices';
import { wholeDiskOf } from './block-devices';
import type { DiskRecord } from './diskstats-sample';

export interface Mount {
  majMin: string;
  mountPoint: string;
  fsType: string;
  source: string;
}

// mountinfo escapes space, tab, newline and backslash as \040 \011 \012 \134
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    const dash = f.indexOf('-', 6);
    if (f.length < 10 || dash < 0 || !/^\d+:\d+$/.test(f[2] ?? '')) continue;
    out.push({ majMin: f[2]!, mountPoint: unescape(f[4]!), fsType: printable(f[dash + 1] ?? '', 32), source: printable(unescape(f[dash + 2] ?? ''), 128) });
    if (out.length >= 5000) break;
  }
  return out;
}

/** The mount a path lives on: the longest mount point that is a prefix of it (later mounts shadow earlier ones). */
export function mountOf(path: string, mounts: Mount[]): Mount | null {
  let best: Mount | null = null;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const inside = mp === '/' || path === mp || path.startsWith(mp.endsWith('/') ? mp : `${mp}/`);
    if (inside && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export interface DeviceIndex {
  /** whole-disk name of every device /proc/diskstats lists, partitions folded into their disk */
  byName: Map<string, string>;
  byMajMin: Map<string, string>;
  byDmName: Map<string, string>;
}

export function deviceIndex(records: DiskRecord[], devices: Map<string, BlockDevice>): DeviceIndex {
  const disks = devices.size ? [...devices.keys()] : records.map((r) => r.name);
  const byName = new Map<string, string>();
  const byMajMin = new Map<string, string>();
  for (const r of records) {
    const whole = devices.has(r.name) ? r.name : wholeDiskOf(r.name, disks);
    byName.set(r.name, whole);
    byMajMin.set(`${r.major}:${r.minor}`, whole);
  }
  const byDmName = new Map<string, string>();
  for (const d of devices.values()) if (d.dmName) byDmName.set(d.dmName, d.name);
  return { byName, byMajMin, byDmName };
}

export function devicesOfTask(comm: string, fds: string[], workqueue: string | null, mounts: Mount[], idx: DeviceIndex): string[] {
  const out = new Set<string>();
  const named = (n: string | undefined) => {
    if (n && idx.byName.has(n)) out.add(idx.byName.get(n)!);
  };
  // kworker/u8:2+loop1, kworker/u8:0+flush-7:1, kworker/1:1H-kblockd (no device), jbd2/vda1-8, loop1
  const wq = /\+(.+)$/.exec(comm)?.[1] ?? workqueue ?? undefined;
  if (wq) {
    const flush = /^flush-(\d+:\d+)$/.exec(wq);
    if (flush) {
      const d = idx.byMajMin.get(flush[1]!);
      if (d) out.add(d);
    } else named(wq);
  }
  const jbd = /^jbd2\/(.+)-\d+$/.exec(comm);
  if (jbd) named(jbd[1]!.replace(/!/g, '/'));
  if (/^loop\d+$/.test(comm)) named(comm);
  for (const fd of fds) {
    const path = fd.replace(/ \(deleted\)$/, '');
    if (!path.startsWith('/')) continue; // pipe:[…], socket:[…], anon_inode:…
    const dev = /^\/dev\/(?:mapper\/(.+)|(.+))$/.exec(path);
    if (dev) {
      if (dev[1]) {
        const d = idx.byDmName.get(dev[1]);
        if (d) out.add(d);
      } else named(dev[2]);
      continue;
    }
    const m = mountOf(path, mounts);
    const d = m ? idx.byMajMin.get(m.majMin) : undefined;
    if (d) out.add(d);
  }
  return [...out].slice(0, 8);
}
