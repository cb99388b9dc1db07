/**
 * `df -P -k` joined with /proc/mounts → node_filesystem_{size,free,avail}_bytes and
 * node_filesystem_readonly, labelled {device, mountpoint, fstype}.
 *
 * df -P -k is the one form coreutils and busybox print alike (`-T` is not in every busybox), so the
 * fstype and the read-only flag come from /proc/mounts, read in the same probe, joined on mountpoint.
 */
import type { MetricSample } from './sample';
import { excerpt, kernelNumber, lines, printable, sample } from './proc-tokens';

// node_exporter's default --collector.filesystem.fs-types-exclude: pseudo and read-only image
// filesystems. tmpfs stays in on purpose (node_exporter #1303: a full tmpfs breaks hosts).
const EXCLUDED_FSTYPE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$/;
// node_exporter's default mount-points-exclude minus /dev: the only filesystem that leaves in is
// /dev/shm (tmpfs; devtmpfs, devpts, mqueue and hugetlbfs under /dev go by type), and a /dev/shm
// filled by leaked POSIX shared memory is exactly the tmpfs failure #1303 is about.
const EXCLUDED_MOUNTPOINT = /^\/(proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

// "Filesystem 1024-blocks Used Available Capacity Mounted on": the device may contain spaces, the
// mount point is the rest of the line. Capacity is "-" when unknown (coreutils). Available can be
// negative on a few filesystems (reserved blocks over-used).
const DF_LINE = /^(.+?)\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(?:\d+%|-)\s+(\/.*)$/;

interface Mount {
  device: string;
  fstype: string;
  readonly: boolean;
}

/** /proc/mounts escapes space, tab, newline and backslash as \040 \011 \012 \134 (seq_escape). */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMounts(text: string, issues: string[] = []): Map<string, Mount> {
  const mounts = new Map<string, Mount>();
  for (const line of lines(text)) {
    const [device, mountpoint, fstype, options] = line.trim().split(/\s+/);
    if (!device || !mountpoint?.startsWith('/') || !fstype || !options) {
      issues.push(`bad mounts line ${excerpt(line)}`);
      continue;
    }
    // Later entries are mounted over earlier ones at the same point, and df reports the top one.
    mounts.set(unescapeMountField(mountpoint), {
      device: printable(unescapeMountField(device)),
      fstype: printable(fstype),
      readonly: options.split(',').includes('ro'),
    });
  }
  return mounts;
}

export function parseFilesystems(dfText: string, mountsText: string, issues: string[] = []): MetricSample[] {
  const mounts = parseMounts(mountsText, issues);
  const seen = new Map<string, MetricSample[]>();
  const unjoined: string[] = [];
  let joined = 0;
  for (const line of lines(dfText)) {
    if (/^Filesystem\s/.test(line)) continue;
    const m = DF_LINE.exec(line);
    const [blocks, used, avail] = m ? [m[2], m[3], m[4]].map(kernelNumber) : [];
    if (!m || blocks == null || used == null || avail == null) {
      issues.push(`bad df line ${excerpt(line)}`);
      continue;
    }
    const rawMountpoint = m[5]!;
    const mount = mounts.get(rawMountpoint);
    if (!mount) {
      unjoined.push(rawMountpoint);
      continue;
    }
    joined++;
    if (EXCLUDED_FSTYPE.test(mount.fstype) || EXCLUDED_MOUNTPOINT.test(rawMountpoint)) continue;
    const labels = { device: mount.device, mountpoint: printable(rawMountpoint, 256), fstype: mount.fstype };
    // df Used = f_blocks - f_bfree, so free (root's view) is size - used; avail is the unprivileged view.
    seen.set(rawMountpoint, [
      sample('node_filesystem_size_bytes', blocks * 1024, labels),
      sample('node_filesystem_free_bytes', Math.max(0, blocks - used) * 1024, labels),
      sample('node_filesystem_avail_bytes', Math.max(0, avail) * 1024, labels),
      sample('node_filesystem_readonly', mount.readonly ? 1 : 0, labels),
    ]);
  }
  // df and the /proc/mounts read run a moment apart, so on a host whose mounts churn (a Kubernetes
  // node starting pods) a fresh mount can be missing from one of them: skipped until the next run.
  // Only when nothing joins is the pair itself wrong.
  if (unjoined.length > 0 && joined === 0) issues.push(`no df mount point found in /proc/mounts, e.g. ${excerpt(unjoined[0]!)}`);
  // busybox df lists a mount point once per /proc/mounts entry; one series per mount point.
  return [...seen.values()].flat();
}
