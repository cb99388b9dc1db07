/**
 * The page-cache helper's parsed output (pagecache-output.ts) shaped the way the panorama reads it:
 * trust folded into one flag, tree totals named, memcg inodes indexed to paths.
 */
import { memcgPathIndex, type PagecacheFile, parsePagecacheFiles, parsePagecacheKpage, parsePagecacheTree } from './pagecache-output';
import type { TmpfsDirRow } from './tmpfs-usage';

export interface FilesView {
  files: PagecacheFile[];
  /** residency numbers may be the kernel's fake "all resident" (not root in the initial user namespace) */
  untrusted: boolean;
  method: string | null;
  impl: string | null;
  issues: string[];
}

export interface TreeView {
  dirs: TmpfsDirRow[];
  top: Array<{ alloc: number; size: number; path: string }>;
  totalFiles: number;
  totalBytes: number;
  truncated: boolean;
  impl: string | null;
  issues: string[];
}

export interface KpageView {
  memcgs: ReturnType<typeof parsePagecacheKpage>['memcgs'];
  global: Record<string, number>;
  paths: Map<number, { path: string; version: 'v1' | 'v2' }>;
  unavailable: string | null;
}

export function readPagecacheFiles(text: string): FilesView {
  const f = parsePagecacheFiles(text);
  return { files: f.files, untrusted: f.trusted === false || f.files.some((x) => x.untrusted), method: f.method, impl: f.impl, issues: f.issues };
}

export function readPagecacheTree(text: string): TreeView {
  const t = parsePagecacheTree(text);
  return {
    dirs: t.dirs,
    top: t.top.map((x) => ({ alloc: x.allocBytes, size: x.size, path: x.path })),
    totalFiles: t.totalFiles ?? t.dirs.reduce((a, d) => a + d.files, 0),
    totalBytes: t.allocBytes ?? t.dirs.reduce((a, d) => a + d.allocBytes, 0),
    truncated: t.truncated,
    impl: t.impl,
    issues: t.issues,
  };
}

export function readPagecacheKpage(text: string): KpageView {
  const k = parsePagecacheKpage(text);
  return { memcgs: k.memcgs, global: k.global, paths: memcgPathIndex(k), unavailable: k.unavailable };
}
