/**
 * tmpfs usage per directory, rolled up the tree, so one sentence can say where shared memory went:
 * "1.9 GiB in 200,000 small files under /dev/shm/ganglia". Input: the per-directory rows the
 * page-cache helper's tree mode prints (direct files of each directory).
 */
export interface TmpfsDirRow {
  dir: string;
  files: number;
  allocBytes: number;
  apparentBytes: number;
  /** file counts by size: <4K, <64K, <1M, <16M, <256M, ≥256M */
  histogram: number[];
}

export interface TmpfsDirSummary extends TmpfsDirRow {
  /** this directory and everything below it */
  totalFiles: number;
  totalBytes: number;
  totalHistogram: number[];
}

export const SIZE_BUCKETS = ['<4 KiB', '4–64 KiB', '64 KiB–1 MiB', '1–16 MiB', '16–256 MiB', '≥256 MiB'];

export function rollUpTmpfs(rows: TmpfsDirRow[]): TmpfsDirSummary[] {
  const by = new Map<string, TmpfsDirSummary>();
  const ensure = (dir: string) => {
    let s = by.get(dir);
    if (!s) {
      s = { dir, files: 0, allocBytes: 0, apparentBytes: 0, histogram: [0, 0, 0, 0, 0, 0], totalFiles: 0, totalBytes: 0, totalHistogram: [0, 0, 0, 0, 0, 0] };
      by.set(dir, s);
    }
    return s;
  };
  const roots = new Set<string>();
  for (const r of rows) Object.assign(ensure(r.dir), { files: r.files, allocBytes: r.allocBytes, apparentBytes: r.apparentBytes, histogram: r.histogram.slice(0, 6) });
  // the shallowest directories given are the walk roots (mount points): roll up to them, not beyond
  const dirs = [...by.keys()].sort((a, b) => a.length - b.length);
  for (const d of dirs) if (![...roots].some((r) => d === r || d.startsWith(r === '/' ? '/' : `${r}/`))) roots.add(d);
  for (const r of rows) {
    let d: string | null = r.dir;
    while (d !== null) {
      const s = ensure(d);
      s.totalFiles += r.files;
      s.totalBytes += r.allocBytes;
      r.histogram.slice(0, 6).forEach((n, i) => (s.totalHistogram[i]! += n));
      if (roots.has(d)) break;
      const i = d.lastIndexOf('/');
      d = i <= 0 ? (d === '/' ? null : '/') : d.slice(0, i);
    }
  }
  return [...by.values()].sort((a, b) => b.totalBytes - a.totalBytes);
}

/** The deepest directory that still holds at least half of the biggest mount's bytes: where to look. */
export function hotTmpfsDir(dirs: TmpfsDirSummary[]): TmpfsDirSummary | null {
  const top = dirs[0];
  if (!top || top.totalBytes <= 0) return null;
  return dirs.filter((d) => d.totalBytes >= top.totalBytes * 0.5).sort((a, b) => b.dir.split('/').length - a.dir.split('/').length || b.totalBytes - a.totalBytes)[0] ?? top;
}

/** "small files" when most files are under 1 MiB. */
export function mostlySmallFiles(h: number[]): boolean {
  const n = h.reduce((a, x) => a + x, 0);
  return n > 0 && (h[0]! + h[1]! + h[2]!) / n >= 0.8;
}
