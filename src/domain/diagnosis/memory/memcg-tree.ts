/**
 * Memory cgroups as the probe dumped them ("@cg v1|v2 PATH", usage, limit, memory.stat), normalized
 * across v1 and v2 (reference §2.4), with the working set as kubelet computes it and the memory that
 * dead ("dying", "zombie") children still hold (§3):
 *   v1: residual = parent.total_cache - parent.cache - Σ live children total_cache (+ the same for rss)
 *   v2: residual = parent.memory.current - Σ live children memory.current
 */
import { kernelNumber, printable } from '../../metrics/proc-tokens';

export interface MemcgNode {
  version: 'v1' | 'v2';
  path: string;
  depth: number;
  usage: number | null;
  /** null = unlimited */
  limit: number | null;
  anon: number;
  /** page cache excluding shmem */
  file: number;
  shmem: number;
  activeFile: number;
  inactiveFile: number;
  slab: number | null;
  sock: number | null;
  /** usage - inactive_file, never below 0 (container_memory_working_set_bytes) */
  workingSet: number | null;
  /** memory held by dead children, counted at this parent; null where it cannot be computed */
  dyingResidual: number | null;
  children: string[];
  stat: Map<string, number>;
}

const UNLIMITED = 2 ** 60;

export function parseMemcgRecords(text: string): MemcgNode[] {
  const nodes: MemcgNode[] = [];
  let cur: { version: 'v1' | 'v2'; path: string; kv: Map<string, number>; usage: string | null; limit: string | null } | null = null;
  const finish = () => {
    if (!cur) return;
    nodes.push(normalize(cur.version, cur.path, cur.usage, cur.limit, cur.kv));
    cur = null;
  };
  for (const line of text.split('\n')) {
    const head = /^@cg (v1|v2) (\/.*)$/.exec(line);
    if (head) {
      finish();
      cur = { version: head[1] as 'v1' | 'v2', path: printable(head[2]!, 512), kv: new Map(), usage: null, limit: null };
      continue;
    }
    if (!cur) continue;
    const m = /^(\w{1,64}) (\S{0,24})$/.exec(line);
    if (!m) continue;
    if (m[1] === 'usage') cur.usage = m[2]!;
    else if (m[1] === 'limit') cur.limit = m[2]!;
    else {
      const v = kernelNumber(m[2]);
      if (v !== null) cur.kv.set(m[1]!, v);
    }
  }
  finish();
  linkTree(nodes);
  return nodes;
}

function normalize(version: 'v1' | 'v2', path: string, usageText: string | null, limitText: string | null, kv: Map<string, number>): MemcgNode {
  const usage = kernelNumber(usageText ?? undefined);
  const lim = limitText === 'max' ? null : kernelNumber(limitText ?? undefined);
  const limit = lim === null || lim >= UNLIMITED ? null : lim;
  const g = (k: string) => kv.get(k) ?? 0;
  // v1 memory.stat: local keys and hierarchical total_*; usage_in_bytes is hierarchical, so use total_*
  const h = (k: string) => (version === 'v1' ? (kv.get(`total_${k}`) ?? g(k)) : g(k));
  const shmem = h('shmem');
  const fileWithShmem = version === 'v1' ? h('cache') : g('file');
  const inactiveFile = h('inactive_file');
  return {
    version, path, depth: path === '/' ? 0 : path.split('/').length - 1, usage, limit,
    anon: version === 'v1' ? h('rss') : g('anon'),
    file: Math.max(0, fileWithShmem - shmem), shmem, activeFile: h('active_file'), inactiveFile,
    slab: version === 'v2' ? (kv.has('slab') ? g('slab') : g('slab_reclaimable') + g('slab_unreclaimable')) : null,
    sock: version === 'v2' && kv.has('sock') ? g('sock') : null,
    workingSet: usage === null ? null : Math.max(0, usage - inactiveFile),
    dyingResidual: null, children: [], stat: kv,
  };
}

function parentOf(path: string): string | null {
  if (path === '/') return null;
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function linkTree(nodes: MemcgNode[]): void {
  const byKey = new Map(nodes.map((n) => [`${n.version}:${n.path}`, n]));
  for (const n of nodes) {
    const p = parentOf(n.path);
    if (p !== null) byKey.get(`${n.version}:${p}`)?.children.push(n.path);
  }
  const maxDepth = Math.max(0, ...nodes.map((n) => n.depth));
  for (const n of nodes) {
    // children below the depth the probe read are unknown: no residual for the deepest level
    if (n.depth >= maxDepth) continue;
    const kids = n.children.map((c) => byKey.get(`${n.version}:${c}`)!).filter(Boolean);
    if (n.version === 'v1') {
      const local = (n.stat.get('cache') ?? 0) + (n.stat.get('rss') ?? 0);
      const total = (n.stat.get('total_cache') ?? 0) + (n.stat.get('total_rss') ?? 0);
      const childTotal = kids.reduce((a, k) => a + (k.stat.get('total_cache') ?? 0) + (k.stat.get('total_rss') ?? 0), 0);
      if (n.stat.has('total_cache')) n.dyingResidual = Math.max(0, total - local - childTotal);
    } else if (n.path !== '/' && n.usage !== null && kids.length) {
      n.dyingResidual = Math.max(0, n.usage - kids.reduce((a, k) => a + (k.usage ?? 0), 0));
    }
  }
}

export interface DyingMemcgs {
  /** memory cgroups the kernel still counts but no directory shows (dead, waiting for their pages to go) */
  count: number | null;
  /** bytes those dead children still hold, summed over their live parents */
  bytes: number;
  /** the live parents holding the most, largest first */
  parents: Array<{ path: string; version: 'v1' | 'v2'; bytes: number }>;
}

/** /proc/cgroups "memory" row count minus live directories (v1); cgroup.stat nr_dying_* (v2). */
export function dyingMemcgs(nodes: MemcgNode[], procCgroups: string, liveDirs: { v1: number | null; v2: number | null }, cgroupStatV2: string): DyingMemcgs {
  let count: number | null = null;
  const row = /^memory\s+\d+\s+(\d+)\s+1\s*$/m.exec(procCgroups);
  if (row && liveDirs.v1 !== null && liveDirs.v1 > 0) count = Math.max(0, Number(row[1]) - liveDirs.v1);
  const v2 = /^nr_dying_subsys_memory\s+(\d+)/m.exec(cgroupStatV2) ?? (liveDirs.v1 === null ? /^nr_dying_descendants\s+(\d+)/m.exec(cgroupStatV2) : null);
  if (v2) count = (count ?? 0) + Number(v2[1]);
  const parents = nodes.filter((n) => (n.dyingResidual ?? 0) > 0).map((n) => ({ path: n.path, version: n.version, bytes: n.dyingResidual! })).sort((a, b) => b.bytes - a.bytes);
  return { count, bytes: parents.reduce((a, p) => a + p.bytes, 0), parents };
}

/** A readable name for a container cgroup: pod uid and container id when the path is a Kubernetes or Docker one. */
export function containerLabel(path: string): string | null {
  const pod = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/.exec(path);
  const ctr = /(?:docker|cri-containerd|crio|libpod)-([0-9a-f]{12,64})/.exec(path) ?? /\/([0-9a-f]{64})$/.exec(path);
  if (!pod && !ctr) return null;
  return [pod ? `pod ${pod[1]!.replace(/_/g, '-')}` : null, ctr ? `container ${ctr[1]!.slice(0, 12)}` : null].filter(Boolean).join(', ');
}
