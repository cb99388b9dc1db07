/**
 * Why one OOM kill happened, from its parsed report. The rules are those of sysak's oomcheck.py
 * (reference §4.3) with its fixes: tokens by name, pages × the page size read from the log, the
 * task table's columns from its header, and a few additions (memory+swap limit, kernel memory share,
 * tmpfs charged to the cgroup, a victim chosen by oom_score_adj).
 */
import type { Severity } from '../../report/report-shape';
import { cgroupOwner, type CgroupOwner } from './cgroup-owner';
import type { OomEvent, OomKill, OomTask } from './oom-log';

export type OomScope = 'memcg' | 'parent-memcg' | 'global' | 'cpuset' | 'mempolicy' | 'unknown';

export type OomCauseId =
  | 'memcg-limit'
  | 'memcg-swap-limit'
  | 'memcg-anon'
  | 'memcg-shmem'
  | 'memcg-kernel'
  | 'memcg-file'
  | 'parent-limit'
  | 'global-anon'
  | 'swap-exhausted'
  | 'cpuset'
  | 'mempolicy'
  | 'fragmentation'
  | 'kernel-leak-slab'
  | 'kernel-leak-pages'
  | 'kernel-heavy'
  | 'untracked-pages'
  | 'shmem'
  | 'hugetlb'
  | 'fork'
  | 'policy-victim'
  | 'no-killable'
  | 'unknown';

export interface OomCause {
  id: OomCauseId;
  severity: Severity;
  summary: string;
  detail?: string;
}

export interface OomConsumer {
  pid: number;
  name: string;
  uid: number | null;
  rssBytes: number;
  anonBytes: number | null;
  fileBytes: number | null;
  shmemBytes: number | null;
  swapBytes: number | null;
  oomScoreAdj: number | null;
}

export interface OomVictimView {
  pid: number;
  comm: string;
  rssBytes: number;
  anonBytes: number | null;
  fileBytes: number | null;
  shmemBytes: number | null;
  oomScoreAdj: number | null;
  uid: number | null;
}

export interface OomClassification {
  scope: OomScope;
  /** the cgroup whose limit was hit (oom_memcg, "limit of …") */
  memcg: string | null;
  /** the victim's cgroup */
  taskMemcg: string | null;
  cgroupVersion: 1 | 2 | null;
  owner: CgroupOwner | null;
  limitKind: 'memory' | 'memory+swap' | null;
  limitBytes: number | null;
  usageBytes: number | null;
  /** the cause the timeline shows: the most specific one found */
  primary: OomCause;
  causes: OomCause[];
  victim: OomVictimView | null;
  topConsumers: OomConsumer[];
  /** same-name process groups, biggest first */
  groups: Array<{ name: string; count: number; rssBytes: number }>;
  /** the numbers the rules used, bytes (for evidence) */
  numbers: Record<string, number>;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const TOP = 10;

/** "20 MiB", "1.5 GiB": short, for sentences. */
export function sizeText(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const s = v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(2).replace(/\.?0+$/, '');
  return `${bytes < 0 ? '-' : ''}${s} ${units[i]}`;
}

const pctText = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '?');

/** Nodes in a kernel node list ("0-3", "0,2", "(null)" = none given). */
export function nodeListCount(list: string | null): number | null {
  if (!list || list === '(null)') return null;
  let n = 0;
  for (const part of list.split(',')) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 65536) return null;
    n += b - a + 1;
  }
  return n;
}

function victimView(e: OomEvent, v: OomKill): OomVictimView {
  const row = e.tasks.find((t) => t.pid === v.pid);
  const pb = e.pageKb * 1024;
  const kb = (x: number | null) => (x === null ? null : x * 1024);
  const anon = kb(v.anonRssKb) ?? (row?.rssAnon != null ? row.rssAnon * pb : null);
  const file = kb(v.fileRssKb) ?? (row?.rssFile != null ? row.rssFile * pb : null);
  const shmem = kb(v.shmemRssKb) ?? (row?.rssShmem != null ? row.rssShmem * pb : null);
  const fromKill = (anon ?? 0) + (file ?? 0) + (shmem ?? 0);
  return {
    pid: v.pid,
    comm: v.comm,
    rssBytes: fromKill > 0 ? fromKill : row ? row.rss * pb : 0,
    anonBytes: anon,
    fileBytes: file,
    shmemBytes: shmem,
    oomScoreAdj: v.oomScoreAdj ?? row?.oomScoreAdj ?? null,
    uid: v.uid ?? row?.uid ?? null,
  };
}

function consumer(t: OomTask, pageKb: number): OomConsumer {
  const pb = pageKb * 1024;
  return {
    pid: t.pid,
    name: t.name,
    uid: t.uid,
    rssBytes: t.rss * pb,
    anonBytes: t.rssAnon === null ? null : t.rssAnon * pb,
    fileBytes: t.rssFile === null ? null : t.rssFile * pb,
    shmemBytes: t.rssShmem === null ? null : t.rssShmem * pb,
    swapBytes: t.swapents === null ? null : t.swapents * pb,
    oomScoreAdj: t.oomScoreAdj,
  };
}

/** What the memcg held at the kill, from whichever memory.stat dump form the kernel printed. */
function memcgComposition(e: OomEvent): { anon: number; file: number; shmem: number; kernel: number | null; dirty: number; writeback: number; form: string } | null {
  if (!e.memcgStats.length) return null;
  const first = e.memcgStats[0]!;
  const g = (vals: Record<string, number>, ...keys: string[]) => {
    for (const k of keys) if (vals[k] !== undefined) return vals[k]!;
    return 0;
  };
  if (first.form === 'v2') {
    const v = first.values;
    const kernel = v.kernel ?? (v.slab !== undefined || v.kernel_stack !== undefined ? g(v, 'slab') + g(v, 'kernel_stack') + g(v, 'pagetables') + g(v, 'percpu') + g(v, 'sock') + g(v, 'vmalloc') : null);
    // v2 "file" includes shmem
    return { anon: g(v, 'anon'), file: Math.max(0, g(v, 'file') - g(v, 'shmem')), shmem: g(v, 'shmem'), kernel, dirty: g(v, 'file_dirty'), writeback: g(v, 'file_writeback'), form: 'v2' };
  }
  if (first.form === 'v1') {
    const v = first.values;
    const h = v.total_rss !== undefined;
    const rss = h ? g(v, 'total_rss') : g(v, 'rss');
    const cache = h ? g(v, 'total_cache') : g(v, 'cache');
    const shmem = h ? g(v, 'total_shmem') : g(v, 'shmem');
    return { anon: rss, file: Math.max(0, cache - shmem), shmem, kernel: e.kmem ? e.kmem.usageKb * 1024 : null, dirty: h ? g(v, 'total_dirty') : g(v, 'dirty'), writeback: h ? g(v, 'total_writeback') : g(v, 'writeback'), form: 'v1' };
  }
  // ≤4.x one line per descendant, each local: sum them
  let anon = 0;
  let cache = 0;
  let shmem = 0;
  let dirty = 0;
  let writeback = 0;
  let anonLru = 0;
  for (const d of e.memcgStats) {
    anon += g(d.values, 'rss');
    cache += g(d.values, 'cache');
    shmem += g(d.values, 'shmem');
    dirty += g(d.values, 'dirty');
    writeback += g(d.values, 'writeback');
    anonLru += g(d.values, 'inactive_anon') + g(d.values, 'active_anon');
  }
  // kernels before the shmem key: sysak's estimate, anon LRU minus rss
  if (!e.memcgStats.some((d) => d.values.shmem !== undefined)) shmem = Math.max(0, anonLru - anon);
  return { anon, file: Math.max(0, cache - shmem), shmem, kernel: e.kmem ? e.kmem.usageKb * 1024 : null, dirty, writeback, form: 'v1-oneline' };
}

function cgroupVersion(e: OomEvent): 1 | 2 | null {
  if (e.swap) return 2;
  if (e.memsw || e.kmem || e.taskIn) return 1;
  const f = e.memcgStats[0]?.form;
  if (f === 'v2') return 2;
  if (f === 'v1' || f === 'v1-oneline') return 1;
  return null;
}

function hostCount(e: OomEvent): number {
  const ids = new Set<number>();
  for (const h of e.hugepages) ids.add(h.node);
  for (const n of e.nodes) ids.add(n.node);
  for (const z of e.zones) if (z.node !== null) ids.add(z.node);
  return Math.max(1, ids.size);
}

/** The zone the allocation most likely failed in: Normal, else the biggest managed zone. */
function mainZone(e: OomEvent) {
  const normal = e.zones.filter((z) => z.zone === 'Normal');
  if (normal.length) return normal;
  const best = [...e.zones].sort((a, b) => (b.kb.managed ?? 0) - (a.kb.managed ?? 0))[0];
  return best ? [best] : [];
}

export function classifyOom(e: OomEvent): OomClassification {
  const causes: OomCause[] = [];
  const pb = e.pageKb * 1024;
  const numbers: Record<string, number> = { pageBytes: pb };
  const victim = e.victim ? victimView(e, e.victim) : null;
  const topConsumers = [...e.tasks].sort((a, b) => b.rss - a.rss).slice(0, TOP).map((t) => consumer(t, e.pageKb));
  const byName = new Map<string, { count: number; rss: number }>();
  for (const t of e.tasks) {
    const g = byName.get(t.name) ?? { count: 0, rss: 0 };
    g.count++;
    g.rss += t.rss;
    byName.set(t.name, g);
  }
  const groups = [...byName].map(([name, g]) => ({ name, count: g.count, rssBytes: g.rss * pb })).sort((a, b) => b.rssBytes - a.rssBytes).slice(0, TOP);

  // ---- scope
  const memcgSignal =
    e.constraint === 'CONSTRAINT_MEMCG' ||
    e.oomMemcg !== null ||
    (e.taskIn !== null && !/limit of host/.test(e.taskIn.limitOf)) ||
    e.victim?.scope === 'memcg' ||
    e.stack.includes('mem_cgroup_out_of_memory') ||
    (e.memory !== null && e.zones.length === 0);
  let scope: OomScope = 'unknown';
  let memcg: string | null = null;
  let taskMemcg: string | null = e.taskMemcg;
  if (e.constraint === 'CONSTRAINT_CPUSET') scope = 'cpuset';
  else if (e.constraint === 'CONSTRAINT_MEMORY_POLICY') scope = 'mempolicy';
  else if (memcgSignal) {
    scope = 'memcg';
    memcg = e.oomMemcg ?? e.taskIn?.limitOf ?? e.memcgStats[0]?.path ?? null;
    taskMemcg = e.taskMemcg ?? e.taskIn?.task ?? null;
    if (memcg !== null && taskMemcg !== null && memcg !== taskMemcg) scope = 'parent-memcg';
  } else if (e.constraint === 'CONSTRAINT_NONE' || e.globalOom || e.victim?.scope === 'global' || e.zones.length > 0 || Object.keys(e.memInfo).length > 0) {
    scope = 'global';
  }

  // ---- host numbers (global reports)
  const mi = e.memInfo;
  const ramBytes = e.pagesRam !== null ? e.pagesRam * pb : e.zones.reduce((s, z) => s + (z.kb.managed ?? 0) * 1024, 0) || null;
  const pages = (k: string) => (mi[k] ?? 0) * pb;
  const anonHost = pages('active_anon') + pages('inactive_anon');
  const fileHost = pages('active_file') + pages('inactive_file');
  const slabU = pages('slab_unreclaimable');
  const slabR = pages('slab_reclaimable');
  const pagetables = pages('pagetables');
  const kernelStack = e.nodes.reduce((s, n) => s + (n.kb.kernel_stack ?? 0) * 1024, 0) || e.zones.reduce((s, z) => s + (z.kb.kernel_stack ?? 0) * 1024, 0);
  const hugetlbTotal = e.hugepages.reduce((s, h) => s + h.total * h.sizeKb * 1024, 0);
  const hugetlbFree = e.hugepages.reduce((s, h) => s + h.free * h.sizeKb * 1024, 0);
  if (ramBytes) Object.assign(numbers, { ramBytes, anonBytes: anonHost, fileBytes: fileHost, shmemBytes: pages('shmem'), slabUnreclaimableBytes: slabU, slabReclaimableBytes: slabR, pagetablesBytes: pagetables, kernelStackBytes: kernelStack, freeBytes: pages('free'), hugetlbBytes: hugetlbTotal });

  // ---- memcg causes
  let limitKind: OomClassification['limitKind'] = null;
  let limitBytes: number | null = null;
  let usageBytes: number | null = null;
  if (scope === 'memcg' || scope === 'parent-memcg') {
    const near = (c: { usageKb: number; limitKb: number } | null) => c !== null && c.limitKb > 0 && c.usageKb >= c.limitKb * 0.98;
    if (near(e.memory)) limitKind = 'memory';
    else if (near(e.memsw)) limitKind = 'memory+swap';
    else if (e.memory) limitKind = 'memory';
    const lim = limitKind === 'memory+swap' ? e.memsw : e.memory;
    if (lim) {
      limitBytes = lim.limitKb * 1024;
      usageBytes = (e.memory ?? lim).usageKb * 1024;
    }
    const where = memcg ?? 'the memory cgroup';
    const limText = limitBytes !== null ? ` ${limitKind === 'memory+swap' ? 'memory+swap' : 'memory'} limit of ${sizeText(limitBytes)}` : ' limit';
    const comp = memcgComposition(e);
    const base = usageBytes ?? (comp ? comp.anon + comp.file + comp.shmem + (comp.kernel ?? 0) : 0);
    if (comp) Object.assign(numbers, { memcgAnonBytes: comp.anon, memcgFileBytes: comp.file, memcgShmemBytes: comp.shmem, ...(comp.kernel !== null ? { memcgKernelBytes: comp.kernel } : {}) });
    if (usageBytes !== null) numbers.memcgUsageBytes = usageBytes;
    if (limitBytes !== null) numbers.memcgLimitBytes = limitBytes;

    if (scope === 'parent-memcg') {
      causes.push({ id: 'parent-limit', severity: 'medium', summary: `the parent cgroup ${where} hit its${limText}; the victim lived in ${taskMemcg}`, detail: 'The limit of an ancestor covers all its children: raise it, or the children\'s limits no longer protect each other.' });
    } else {
      causes.push({ id: 'memcg-limit', severity: 'medium', summary: `the memory cgroup ${where} hit its${limText}` });
    }
    if (limitKind === 'memory+swap' && e.memsw) {
      causes.push({ id: 'memcg-swap-limit', severity: 'medium', summary: `memory+swap reached its limit (${sizeText(e.memsw.limitKb * 1024)}, failcnt ${e.memsw.failcnt}) while memory was at ${pctText(e.memory?.usageKb ?? 0, e.memory?.limitKb ?? 0)} of its own limit: the cgroup's swap allowance is used up` });
    }
    if (e.swap && e.swap.limitKb > 0 && e.swap.usageKb >= e.swap.limitKb * 0.98) {
      causes.push({ id: 'memcg-swap-limit', severity: 'low', summary: `the cgroup's swap (memory.swap.max ${sizeText(e.swap.limitKb * 1024)}) was full too` });
    }
    if (comp && base > 0) {
      const tmpfsPath = e.stack.some((f) => f.startsWith('shmem_'));
      if (comp.shmem > base * 0.3) {
        const vShmem = victim?.shmemBytes ?? 0;
        causes.push({
          id: 'memcg-shmem',
          severity: 'high',
          summary: `tmpfs/shared memory charged to the cgroup held ${sizeText(comp.shmem)} (${pctText(comp.shmem, base)} of its usage)${tmpfsPath ? ', and the failing allocation was a tmpfs write' : ''}`,
          detail: `Files in tmpfs (/dev/shm, emptyDir medium: Memory, memfd, SysV shm) stay charged after their writer dies: killing ${victim ? `${victim.comm} (shmem-rss ${sizeText(vShmem)})` : 'a process'} does not free them, so the OOM repeats until the files are removed.`,
        });
      }
      if (comp.kernel !== null && comp.kernel > base * 0.3) {
        causes.push({ id: 'memcg-kernel', severity: 'medium', summary: `kernel memory charged to the cgroup (slab, stacks, page tables, sockets) held ${sizeText(comp.kernel)} (${pctText(comp.kernel, base)} of its usage)` });
      }
      if (comp.anon > base * 0.5) {
        causes.push({ id: 'memcg-anon', severity: 'medium', summary: `anonymous memory (process heaps) held ${sizeText(comp.anon)} (${pctText(comp.anon, base)} of the cgroup's usage)${victim ? `; the victim ${victim.comm} had ${sizeText(victim.anonBytes ?? victim.rssBytes)} of it` : ''}` });
      }
      if (comp.file > base * 0.5) {
        causes.push({ id: 'memcg-file', severity: 'low', summary: `page cache held ${sizeText(comp.file)} (${pctText(comp.file, base)}) and could not be reclaimed in time${comp.dirty + comp.writeback > 0 ? ` (${sizeText(comp.dirty + comp.writeback)} dirty or under writeback)` : ''}` });
      }
    }
  }

  // ---- global, cpuset and mempolicy causes
  if ((scope === 'global' || scope === 'cpuset' || scope === 'mempolicy') && ramBytes) {
    const zones = mainZone(e);
    const nodes = hostCount(e);
    const allowed = nodeListCount(e.memsAllowed);
    const mask = nodeListCount(e.nodemask);
    const low = (z: (typeof zones)[number]) => (z.kb.free ?? 0) * 0.9 < (z.kb.low ?? 0);
    if (scope === 'cpuset' || (scope === 'global' && allowed !== null && allowed < nodes && zones.some(low))) {
      scope = 'cpuset';
      causes.push({ id: 'cpuset', severity: 'medium', summary: `the cpuset ${e.cpuset ?? ''} allows ${allowed ?? '?'} of ${nodes} NUMA nodes (mems_allowed=${e.memsAllowed ?? '?'}) and those ran out while others had memory`.replace('  ', ' ') });
    } else if (scope === 'mempolicy' || (scope === 'global' && mask !== null && mask < nodes && zones.some((z) => (z.kb.free ?? 0) > 2 * (z.kb.low ?? 0)))) {
      scope = 'mempolicy';
      causes.push({ id: 'mempolicy', severity: 'medium', summary: `the task's NUMA memory policy (nodemask=${e.nodemask}) bound it to ${mask ?? '?'} of ${nodes} nodes; memory elsewhere was free` });
    }
    const order = e.trigger?.order ?? 0;
    if (order >= 1 && order <= 3 && zones.length && zones.every((z) => (z.kb.free ?? 0) > (z.kb.low ?? 0))) {
      const needKb = e.pageKb * 2 ** order;
      const zoneNames = new Set(zones.map((z) => z.zone));
      const big = e.buddy.filter((b) => zoneNames.has(b.zone)).reduce((s, b) => s + b.blocks.filter((x) => x.sizeKb >= needKb).reduce((t, x) => t + x.count, 0), 0);
      causes.push({
        id: 'fragmentation',
        severity: 'medium',
        summary: `memory fragmentation: an order-${order} (${needKb} KiB contiguous) allocation failed while the ${[...zoneNames].join('/')} zone had ${sizeText((zones[0]!.kb.free ?? 0) * 1024)} free above its low watermark`,
        detail: e.buddy.length ? (big === 0 ? `The buddy lists had no free block of ${needKb} KiB or more: fragmentation confirmed.` : `The buddy lists still showed ${big} block(s) of ${needKb} KiB or more (maybe of the wrong migrate type).`) : undefined,
      });
    }
    const thresh = ramBytes > 100 * GiB ? 10 * GiB : 6 * GiB;
    const leak = (v: number) => v > thresh || (v > ramBytes * 0.1 && v > 1.5 * GiB);
    const reserved = (e.pagesReserved ?? 0) * pb;
    // memory that no list accounts for: taken with alloc_pages() by drivers and the kernel (sysak's allocpage)
    const allocpage = ramBytes - slabR - slabU - anonHost - fileHost - pages('unevictable') - pagetables - pages('free') - hugetlbTotal - reserved - kernelStack;
    numbers.untrackedBytes = Math.max(0, allocpage);
    if (leak(slabU)) {
      causes.push({ id: 'kernel-leak-slab', severity: 'critical', summary: `kernel memory leak: unreclaimable slab held ${sizeText(slabU)} (${pctText(slabU, ramBytes)} of RAM)`, detail: e.slabTop.length ? `Biggest caches: ${e.slabTop.slice(0, 5).map((s) => `${s.name} ${sizeText(s.totalKb * 1024)}`).join(', ')}.` : 'Find the cache in /proc/slabinfo (slabtop); check socket memory in /proc/net/sockstat.' });
    } else if (leak(allocpage)) {
      causes.push({ id: 'kernel-leak-pages', severity: 'critical', summary: `kernel memory leak: ${sizeText(allocpage)} (${pctText(allocpage, ramBytes)} of RAM) was allocated outside every list the report shows (drivers, alloc_pages users)`, detail: 'Check socket buffers (/proc/net/sockstat), GPU/DRM and dma-buf, and run the memory panorama to find unaccounted memory.' });
    } else if (slabU + pagetables + kernelStack > ramBytes * 0.2) {
      causes.push({
        id: 'kernel-heavy',
        severity: 'high',
        summary: `kernel memory held ${sizeText(slabU + pagetables + kernelStack)} (${pctText(slabU + pagetables + kernelStack, ramBytes)} of RAM): unreclaimable slab ${sizeText(slabU)}, page tables ${sizeText(pagetables)}, kernel stacks ${sizeText(kernelStack)}`,
        detail: pagetables + kernelStack > slabU ? 'Page tables and kernel stacks grow with the number of processes and threads: look for a process or thread explosion.' : 'Find the growing cache in /proc/slabinfo (slabtop).',
      });
    } else if (allocpage > ramBytes * 0.1 && allocpage > 64 * MiB) {
      causes.push({ id: 'untracked-pages', severity: 'info', summary: `${sizeText(allocpage)} (${pctText(allocpage, ramBytes)} of RAM) was in no list of the report${e.pagesCmaReserved ? ` (${sizeText(e.pagesCmaReserved * pb)} is a CMA reserve, used by devices)` : ''}: drivers and firmware reserves, below the leak thresholds` });
    }
    const shmemHost = pages('shmem');
    if (shmemHost > ramBytes * 0.3) {
      causes.push({ id: 'shmem', severity: 'high', summary: `tmpfs/shared memory held ${sizeText(shmemHost)} (${pctText(shmemHost, ramBytes)} of RAM)`, detail: 'Killing processes does not free tmpfs files or SysV segments; remove them or size-limit the tmpfs.' });
    }
    if (hugetlbTotal > ramBytes * 0.1) {
      causes.push({ id: 'hugetlb', severity: hugetlbFree > ramBytes * 0.1 ? 'high' : 'medium', summary: `${sizeText(hugetlbTotal)} (${pctText(hugetlbTotal, ramBytes)} of RAM) is reserved as huge pages, ${sizeText(hugetlbFree)} of it unused, and ordinary allocations cannot use it` });
    }
    // swapped-out process memory counts too: a full swap is where anon goes before the OOM
    const swapUsed = e.totalSwapKb !== null && e.freeSwapKb !== null ? Math.max(0, e.totalSwapKb - e.freeSwapKb) * 1024 : 0;
    numbers.swapUsedBytes = swapUsed;
    if (anonHost + swapUsed > ramBytes * 0.5) {
      const top = [...topConsumers].sort((a, b) => b.rssBytes + (b.swapBytes ?? 0) - (a.rssBytes + (a.swapBytes ?? 0)))[0];
      const swapText = swapUsed > 0 ? ` + ${sizeText(swapUsed)} in swap` : '';
      causes.push({
        id: 'global-anon',
        severity: 'high',
        summary: `process memory filled the host: ${sizeText(anonHost)} anonymous in RAM${swapText} (RAM ${sizeText(ramBytes)})${top ? `; the biggest was ${top.name} (pid ${top.pid}, ${sizeText(top.rssBytes)} resident${top.swapBytes ? ` + ${sizeText(top.swapBytes)} swapped` : ''})` : ''}`,
      });
    }
    if (e.totalSwapKb !== null) {
      if (e.totalSwapKb > 0 && (e.freeSwapKb ?? 1) <= e.totalSwapKb * 0.02) causes.push({ id: 'swap-exhausted', severity: 'medium', summary: `swap was exhausted (${sizeText((e.freeSwapKb ?? 0) * 1024)} free of ${sizeText(e.totalSwapKb * 1024)})` });
      else if (e.totalSwapKb === 0) causes.push({ id: 'swap-exhausted', severity: 'info', summary: 'the host has no swap' });
    }
  }

  // ---- victim analysis (every scope)
  if (victim) {
    const vPages = victim.rssBytes / pb;
    const fork = [...byName]
      .filter(([, g]) => g.count > 2 && g.rss > 1.5 * Math.max(vPages, 1))
      .sort((a, b) => b[1].rss - a[1].rss)[0];
    if (fork) {
      causes.push({ id: 'fork', severity: 'medium', summary: `${fork[1].count} copies of ${fork[0]} held ${sizeText(fork[1].rss * pb)} together, ${Math.round(fork[1].rss / Math.max(vPages, 1))}× the victim's ${sizeText(victim.rssBytes)}: a fork storm or too many workers` });
    }
    const adj = victim.oomScoreAdj;
    if (adj !== null && adj >= 500) {
      const bigger = e.tasks.filter((t) => t.pid !== victim.pid && t.rss > vPages && (t.oomScoreAdj ?? 0) < adj);
      if (bigger.length || adj >= 1000 || !e.tasks.length) {
        causes.push({
          id: 'policy-victim',
          severity: 'info',
          summary: `the victim ${victim.comm} was picked by policy, not size: oom_score_adj ${adj}${bigger.length ? `, while ${bigger.length} bigger process(es) had lower values (largest ${bigger.sort((a, b) => b.rss - a.rss)[0]!.name})` : ` and only ${sizeText(victim.rssBytes)} resident`}`,
        });
      }
    }
  }
  if (e.noKillable) causes.push({ id: 'no-killable', severity: 'critical', summary: 'the kernel found no process it was allowed to kill (all had oom_score_adj -1000 or were unkillable): the system panics or hangs next' });

  const ORDER: OomCauseId[] = ['no-killable', 'kernel-leak-slab', 'kernel-leak-pages', 'fragmentation', 'memcg-shmem', 'shmem', 'hugetlb', 'kernel-heavy', 'memcg-kernel', 'cpuset', 'mempolicy', 'fork', 'parent-limit', 'memcg-swap-limit', 'memcg-anon', 'memcg-file', 'memcg-limit', 'global-anon', 'swap-exhausted'];
  const primary =
    ORDER.map((id) => causes.find((c) => c.id === id && c.severity !== 'info')).find((c) => c !== undefined) ??
    (scope === 'global' ? { id: 'global-anon' as const, severity: 'high' as const, summary: 'the host ran out of memory' } : { id: 'unknown' as const, severity: 'medium' as const, summary: 'the report is incomplete: the cause cannot be told' });
  if (!causes.includes(primary)) causes.unshift(primary);

  return {
    scope,
    memcg,
    taskMemcg,
    cgroupVersion: scope === 'memcg' || scope === 'parent-memcg' ? cgroupVersion(e) : null,
    owner: cgroupOwner(memcg ?? (taskMemcg !== '/' ? taskMemcg : null)),
    limitKind,
    limitBytes,
    usageBytes,
    primary,
    causes,
    victim,
    topConsumers,
    groups,
    numbers,
  };
}
