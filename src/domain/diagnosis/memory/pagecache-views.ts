/**
 * What the panorama needs from the page-cache helper's output (see pagecache-output.ts for the line
 * formats): files with their cached bytes and per-cgroup charge, tmpfs directories, page-scan buckets.
 */
import type { TmpfsDirRow } from './tmpfs-usage';

export interface CachedFile {
  name: string;
  cached: number;
  size: number;
  deleted: boolean;
  tmpfs: boolean;
  error: boolean;
  cgroups: Array<{ ino: number; bytes: number }>;
}

export interface FilesView {
  files: CachedFile[];
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
  memcgs: Array<{ ino: number; fileActive: number; fileInactive: number; anon: number; shmem: number; slab: number; pgtable: number }>;
  global: Record<string, number>;
  paths: Map<number, { path: string; version: string }>;
  unavailable: string | null;
}
