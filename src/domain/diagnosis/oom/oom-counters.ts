/**
 * What the oom probe reports besides the log: the host's clocks (to turn printk time into wall time),
 * the OOM counters that survive log rotation (/proc/vmstat oom_kill, memcg v1 memory.oom_control
 * oom_kill, v2 memory.events oom_kill), the OOM sysctls and the tmpfs / SysV shm picture for advice.
 */
import { kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface MemcgOomCounter {
  version: 1 | 2;
  /** the cgroup path below the hierarchy's mount, "/" for the root */
  path: string;
  oomKill: number;
  /** v2: times the limit was hit (memory.events oom) */
  oom: number | null;
  /** v1: the cgroup is in OOM now (oom_kill_disable=1 leaves tasks hanging) */
  underOom: boolean;
  oomGroupKill: number | null;
  /** v2 memory.events counts descendants; memory.events.local does not */
  hierarchical: boolean;
}

export interface OomHostFacts {
  hostNow: number | null;
  uptimeS: number | null;
  btime: number | null;
  vmstatOomKill: number | null;
  sysctl: Record<string, number>;
  kernelRelease: string | null;
  v1MemoryMount: string | null;
  v2Mount: string | null;
  memcgCounters: MemcgOomCounter[];
  logSource: Record<string, string>;
  tmpfs: Array<{ mount: string; sizeKb: number; usedKb: number }>;
  sysvShm: { segments: number; bytes: number; top: Array<{ key: string; shmid: number; bytes: number; cpid: number | null; nattch: number | null }> };
}

const unescapeMount = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseOomHostFacts(get: (name: string) => string): OomHostFacts {
  const firstToken = (t: string) => kernelNumber(t.trim().split(/\s+/)[0]);
  const uptimeS = firstToken(get('uptime'));
  const btime = kernelNumber(/^btime\s+(\d+)/m.exec(get('stat-btime'))?.[1]);
  const vmstatOomKill = kernelNumber(/^oom_kill\s+(\d+)/m.exec(get('vmstat-oom'))?.[1]);
  const sysctl: Record<string, number> = {};
  for (const l of lines(get('sysctl'))) {
    const m = /^([a-z_]{1,40}) (-?\d{1,20})$/.exec(l.trim());
    const v = kernelNumber(m?.[2]);
    if (m && v !== null) sysctl[m[1]!] = v;
  }
  const release = get('kernel-release').trim();

  let v1MemoryMount: string | null = null;
  let v2Mount: string | null = null;
  const mounts: Array<{ mnt: string; version: 1 | 2 }> = [];
  for (const l of lines(get('cgroup-mounts'))) {
    const [, mnt, type, opts] = l.split(' ');
    if (!mnt || !type) continue;
    const path = printable(unescapeMount(mnt), 512);
    if (type === 'cgroup2') {
      mounts.push({ mnt: path, version: 2 });
      v2Mount ??= path;
    } else if (type === 'cgroup' && `,${opts ?? ''},`.includes(',memory,')) {
      mounts.push({ mnt: path, version: 1 });
      v1MemoryMount ??= path;
    }
  }
  // longest mount first, so /sys/fs/cgroup/unified is not taken for /sys/fs/cgroup
  mounts.sort((a, b) => b.mnt.length - a.mnt.length);

  const byDir = new Map<string, MemcgOomCounter>();
  for (const l of lines(get('memcg-oom')).slice(0, 5000)) {
    const tab = l.indexOf('\t');
    if (tab < 0) continue;
    const file = l.slice(0, tab);
    const kv: Record<string, number> = {};
    const toks = l.slice(tab + 1).trim().split(/\s+/);
    for (let i = 0; i + 1 < toks.length; i += 2) {
      const v = kernelNumber(toks[i + 1]);
      if (v !== null) kv[toks[i]!] = v;
    }
    const fm = /^(.*)\/(memory\.oom_control|memory\.events|memory\.events\.local)$/.exec(file);
    if (!fm) continue;
    const dir = fm[1]!;
    const mount = mounts.find((x) => dir === x.mnt || dir.startsWith(`${x.mnt}/`));
    const version: 1 | 2 = fm[2] === 'memory.oom_control' ? 1 : 2;
    const path = printable(mount ? dir.slice(mount.mnt.length) || '/' : dir, 512);
    const c: MemcgOomCounter = {
      version,
      path,
      oomKill: kv.oom_kill ?? 0,
      oom: version === 2 ? (kv.oom ?? null) : null,
      underOom: (kv.under_oom ?? 0) > 0,
      oomGroupKill: kv.oom_group_kill ?? null,
      hierarchical: fm[2] === 'memory.events',
    };
    const key = `${version}:${dir}`;
    const prev = byDir.get(key);
    // prefer the local (non-hierarchical) counter of a v2 cgroup
    if (!prev || (prev.hierarchical && !c.hierarchical)) byDir.set(key, c);
  }
  const logSource: Record<string, string> = {};
  for (const l of lines(get('log-source'))) for (const m of l.matchAll(/([a-z_]{1,20})=(\S{0,40})/g)) logSource[m[1]!] = printable(m[2]!, 40);

  const tmpfs: OomHostFacts['tmpfs'] = [];
  for (const l of lines(get('tmpfs')).slice(1, 200)) {
    const p = l.trim().split(/\s+/);
    if (p.length < 6) continue;
    const sizeKb = kernelNumber(p[1]);
    const usedKb = kernelNumber(p[2]);
    if (sizeKb !== null && usedKb !== null) tmpfs.push({ mount: printable(p.slice(5).join(' '), 256), sizeKb, usedKb });
  }
  const shm = { segments: 0, bytes: 0, top: [] as OomHostFacts['sysvShm']['top'] };
  for (const l of lines(get('sysvipc-shm')).slice(1)) {
    const p = l.trim().split(/\s+/);
    const size = kernelNumber(p[3]);
    const shmid = kernelNumber(p[1]);
    if (size === null || shmid === null) continue;
    shm.segments++;
    shm.bytes += size;
    shm.top.push({ key: printable(p[0] ?? '', 24), shmid, bytes: size, cpid: kernelNumber(p[4]), nattch: kernelNumber(p[6]) });
  }
  shm.top = shm.top.sort((a, b) => b.bytes - a.bytes).slice(0, 10);

  return {
    hostNow: firstToken(get('now')),
    uptimeS,
    btime,
    vmstatOomKill,
    sysctl,
    kernelRelease: release ? printable(release.split('\n')[0]!, 128) : null,
    v1MemoryMount,
    v2Mount,
    memcgCounters: [...byDir.values()].sort((a, b) => b.oomKill - a.oomKill),
    logSource,
    tmpfs,
    sysvShm: shm,
  };
}
