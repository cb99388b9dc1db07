/**
 * Memory nobody's counters own (reference §2.3): socket buffers, HugeTLB reservations, GPU memory in
 * host RAM (amdgpu GTT), dma-buf, pages pinned for DMA/RDMA/io_uring, orphaned SysV segments. Each
 * hint is a measured number with where it came from; the panorama sets them against "unaccounted".
 */
import { kernelNumber, printable } from '../../metrics/proc-tokens';

export interface HiddenHint {
  id: string;
  label: string;
  bytes: number;
  source: string;
  /** true when the bytes are inside the "unaccounted" remainder (not in any meminfo category) */
  inUnaccounted: boolean;
}

export interface SysvSegment {
  key: string;
  shmid: string;
  size: number;
  rss: number | null;
  nattch: number;
  cpid: number;
}

export function parseSysvShm(text: string): SysvSegment[] {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim().split(/\s+/);
  const col = (n: string) => header.indexOf(n);
  const out: SysvSegment[] = [];
  if (col('size') < 0) return out;
  for (const l of lines.slice(1)) {
    const f = l.trim().split(/\s+/);
    if (f.length < header.length - 2) continue;
    const size = kernelNumber(f[col('size')]);
    if (size === null) continue;
    out.push({
      key: printable(f[col('key')] ?? '', 24), shmid: printable(f[col('shmid')] ?? '', 24), size,
      rss: col('rss') >= 0 ? kernelNumber(f[col('rss')]) : null, nattch: kernelNumber(f[col('nattch')]) ?? 0, cpid: kernelNumber(f[col('cpid')]) ?? 0,
    });
  }
  return out;
}

export function hiddenMemoryHints(s: { sockstat: string; vmstat: Map<string, number>; hugepages: string; drm: string; dmabuf: string; sysv: SysvSegment[]; pageSize: number }): HiddenHint[] {
  const hints: HiddenHint[] = [];
  let sockPages = 0;
  for (const m of s.sockstat.matchAll(/^(TCP6?|UDP6?|UDPLITE6?|FRAG6?):.*?\bmem(?:ory)? (\d+)/gm)) sockPages += m[1]!.startsWith('FRAG') ? 0 : Number(m[2]);
  if (sockPages) hints.push({ id: 'sockets', label: 'Socket buffers (TCP/UDP)', bytes: sockPages * s.pageSize, source: '/proc/net/sockstat mem (pages)', inUnaccounted: true });
  const pinned = (s.vmstat.get('nr_foll_pin_acquired') ?? 0) - (s.vmstat.get('nr_foll_pin_released') ?? 0);
  if (pinned > 0) hints.push({ id: 'pinned', label: 'Pages pinned for DMA (RDMA, VFIO, io_uring)', bytes: pinned * s.pageSize, source: '/proc/vmstat nr_foll_pin_acquired - nr_foll_pin_released', inUnaccounted: false });
  let hugeFree = 0;
  let hugeResv = 0;
  for (const m of s.hugepages.matchAll(/^hugepages-(\d+)kB (\d+) (\d+) (\d+) (\d+)/gm)) {
    const size = Number(m[1]) * 1024;
    hugeFree += Number(m[3]) * size;
    hugeResv += Number(m[4]) * size;
  }
  if (hugeFree) hints.push({ id: 'hugetlb_free', label: `HugeTLB pages reserved but free${hugeResv ? ` (${hugeResv} B promised to mappings)` : ''}`, bytes: hugeFree, source: '/sys/kernel/mm/hugepages/*/free_hugepages', inUnaccounted: false });
  let gtt = 0;
  for (const m of s.drm.matchAll(/mem_info_gtt_used (\d+)/g)) gtt += Number(m[1]);
  if (gtt) hints.push({ id: 'gpu_gtt', label: 'GPU GTT (host RAM pinned for the GPU)', bytes: gtt, source: '/sys/class/drm/card*/device/mem_info_gtt_used', inUnaccounted: true });
  let dmabuf = 0;
  for (const m of s.dmabuf.matchAll(/^\s*(\d+)\s+\d+\s+\S+\s+\d+\s+\S+/gm)) dmabuf += Number(m[1]);
  const total = /^Total (\d+) objects, (\d+) bytes/m.exec(s.dmabuf);
  if (total) dmabuf = Number(total[2]);
  if (dmabuf) hints.push({ id: 'dmabuf', label: 'dma-buf buffers', bytes: dmabuf, source: '/sys/kernel/debug/dma_buf/bufinfo', inUnaccounted: true });
  const orphan = s.sysv.filter((x) => x.nattch === 0).reduce((a, x) => a + (x.rss ?? x.size), 0);
  if (orphan) hints.push({ id: 'sysv_orphans', label: 'SysV shared memory nobody attaches (nattch 0)', bytes: orphan, source: '/proc/sysvipc/shm', inUnaccounted: false });
  return hints;
}
