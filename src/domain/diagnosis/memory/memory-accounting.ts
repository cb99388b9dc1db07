/**
 * The accounting identity of the panorama (reference: diagnostics.md §0.1 and §2):
 *
 *   used        = MemTotal - MemFree
 *   user        = Buffers + Cached + SwapCached + AnonPages   (file cache = Cached - Shmem; shmem; anon)
 *   kernel      = SReclaimable + SUnreclaim + KernelStack + PageTables + SecPageTables + VmallocUsed
 *                 + Percpu + (KReclaimable - SReclaimable) + Zswap + Balloon
 *   hugetlb     = Hugetlb (4.16+), else HugePages_Total × Hugepagesize
 *   pcp free    = Σ pageset counts in /proc/zoneinfo × page size  (free, but outside MemFree)
 *   unaccounted = used - user - kernel - hugetlb - pcp free
 *
 * Missing keys (older kernels) count as 0. Every part is in bytes.
 */
import type { MeminfoFields } from './meminfo-fields';

export interface MemoryPart {
  id: string;
  label: string;
  group: 'user' | 'kernel' | 'hugetlb' | 'free' | 'unaccounted';
  bytes: number;
  /** whether the kernel can give it back under pressure */
  reclaimable: 'yes' | 'partly' | 'no';
}

export interface MemoryAccounting {
  total: number;
  free: number;
  available: number | null;
  used: number;
  parts: MemoryPart[];
  user: number;
  kernel: number;
  hugetlb: number;
  pcpFree: number;
  /** may be negative by a little: counters are read at slightly different moments */
  unaccounted: number;
  swapTotal: number;
  swapFree: number;
}

export function memoryAccounting(mi: MeminfoFields, pcpPages: number, pageSize: number): MemoryAccounting {
  const g = (k: string) => mi.get(k) ?? 0;
  const total = g('MemTotal');
  const free = g('MemFree');
  const used = total - free;
  const shmem = g('Shmem');
  const sRecl = g('SReclaimable');
  const kreclMisc = Math.max(0, (mi.get('KReclaimable') ?? sRecl) - sRecl);
  const hugetlb = mi.has('Hugetlb') ? g('Hugetlb') : g('HugePages_Total') * g('Hugepagesize');
  const parts: MemoryPart[] = [
    { id: 'anon', label: 'Anonymous (process heap/stack)', group: 'user', bytes: g('AnonPages'), reclaimable: 'no' },
    { id: 'filecache', label: 'File cache', group: 'user', bytes: Math.max(0, g('Cached') - shmem), reclaimable: 'yes' },
    { id: 'shmem', label: 'Shared memory (tmpfs, /dev/shm, SysV, memfd)', group: 'user', bytes: shmem, reclaimable: 'no' },
    { id: 'buffers', label: 'Buffers (block device cache)', group: 'user', bytes: g('Buffers'), reclaimable: 'yes' },
    { id: 'swapcached', label: 'Swap cache', group: 'user', bytes: g('SwapCached'), reclaimable: 'yes' },
    { id: 'slab_reclaimable', label: 'Slab, reclaimable (SReclaimable)', group: 'kernel', bytes: sRecl, reclaimable: 'partly' },
    { id: 'slab_unreclaimable', label: 'Slab, unreclaimable (SUnreclaim)', group: 'kernel', bytes: g('SUnreclaim'), reclaimable: 'no' },
    { id: 'kernel_stack', label: 'Kernel stacks', group: 'kernel', bytes: g('KernelStack'), reclaimable: 'no' },
    { id: 'page_tables', label: 'Page tables', group: 'kernel', bytes: g('PageTables') + g('SecPageTables'), reclaimable: 'no' },
    { id: 'vmalloc', label: 'vmalloc', group: 'kernel', bytes: g('VmallocUsed'), reclaimable: 'no' },
    { id: 'percpu', label: 'Per-CPU allocations', group: 'kernel', bytes: g('Percpu'), reclaimable: 'no' },
    { id: 'kernel_misc_reclaimable', label: 'Other reclaimable kernel memory', group: 'kernel', bytes: kreclMisc, reclaimable: 'yes' },
    { id: 'zswap', label: 'zswap pool', group: 'kernel', bytes: g('Zswap'), reclaimable: 'partly' },
    { id: 'balloon', label: 'Balloon (given back to the hypervisor)', group: 'kernel', bytes: g('Balloon'), reclaimable: 'no' },
    { id: 'hugetlb', label: 'HugeTLB pages (reserved)', group: 'hugetlb', bytes: hugetlb, reclaimable: 'no' },
    { id: 'pcp_free', label: 'Free, on per-CPU lists (not in MemFree)', group: 'free', bytes: pcpPages * pageSize, reclaimable: 'yes' },
  ];
  const sum = (grp: MemoryPart['group']) => parts.filter((p) => p.group === grp).reduce((a, p) => a + p.bytes, 0);
  const user = sum('user');
  const kernel = sum('kernel');
  const pcpFree = pcpPages * pageSize;
  const unaccounted = used - user - kernel - hugetlb - pcpFree;
  parts.push({ id: 'unaccounted', label: 'Unaccounted (drivers, GPU, NIC rings, pinned pages…)', group: 'unaccounted', bytes: unaccounted, reclaimable: 'no' });
  return {
    total, free, available: mi.has('MemAvailable') ? g('MemAvailable') : null, used, parts, user, kernel, hugetlb, pcpFree, unaccounted,
    swapTotal: g('SwapTotal'), swapFree: g('SwapFree'),
  };
}
