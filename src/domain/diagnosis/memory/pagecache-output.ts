/**
 * Parsers of the page-cache helper's output (src/probes/helpers/osdeck-pagecache.c and the shell
 * fallbacks in src/probes/lib-pagecache.sh print the same lines). Tab-separated; the first field
 * says what a line is; the last line of each mode is an S line of key=value fields.
 *
 *   files:  F <cached> <size> <dev>:<ino> <flags d|s|e|u> <name>   then  C <memcg ino> <bytes> per memcg
 *   tree:   D <files> <alloc> <apparent> <h0,..,h5> <dir>   T <alloc> <size> <path>
 *   kpage:  M <memcg ino> <file_active> <file_inactive> <anon> <shmem> <slab> <pgtable>
 *           G key=value...   P <memcg ino> <path in the hierarchy> <v1|v2>
 *
 * Paths escape bytes < 0x20, 0x7f and '\' as \ooo. Everything here comes from a host and may be
 * truncated or hostile: bad lines become issues, numbers are kernel numbers or the line is
 * refused, strings are printable and bounded.
 */
import { kernelNumber, printable } from '../../metrics/proc-tokens';

const MAX_PATH = 4096;
const MAX_ISSUES = 20;
const MAX_ROWS = 500_000;

export interface Summary {
  /** the S line's fields as given (bounded); several S lines: counters summed, the rest last wins */
  fields: Record<string, string>;
  /** binary | fincore | python | find | stat | none */
  impl: string | null;
  /** set when the mode could not run: permission, not-root, no-tool, no-helper, ... */
  unavailable: string | null;
  ms: number | null;
}

export interface PagecacheFile {
  /** display name (unescaped, printable, bounded) */
  name: string;
  cached: number;
  size: number;
  /** st_dev as the kernel encodes it (decimal), and st_ino */
  dev: number;
  ino: number;
  deleted: boolean;
  /** on tmpfs / ramfs: the "cache" is the file's memory */
  tmpfs: boolean;
  /** residency unknown (cached is 0) */
  error: boolean;
  /** residency may be the kernel's fake "all resident" (mincore trap, reference §1.2) */
  untrusted: boolean;
  /** with --cgroup-split: resident bytes per memcg inode */
  cgroups: Array<{ ino: number; bytes: number }>;
}

export interface PagecacheFiles extends Summary {
  files: PagecacheFile[];
  totalFiles: number | null;
  cachedBytes: number | null;
  /** cachestat | mincore | cachestat+mincore */
  method: string | null;
  /** false when not root with CAP_FOWNER in the initial user namespace */
  trusted: boolean | null;
  errors: number;
  duplicates: number;
  skipped: number;
  /** on | off | unavailable */
  split: string | null;
  issues: string[];
}

export interface PagecacheDir {
  dir: string;
  /** regular files directly in this directory (not below it) */
  files: number;
  /** st_blocks * 512: memory (plus swap) on tmpfs */
  allocBytes: number;
  apparentBytes: number;
  /** file counts by size: <4K, <64K, <1M, <16M, <256M, ≥256M */
  histogram: number[];
}

export interface PagecacheTree extends Summary {
  dirs: PagecacheDir[];
  top: Array<{ allocBytes: number; size: number; path: string }>;
  totalFiles: number | null;
  totalDirs: number | null;
  allocBytes: number | null;
  apparentBytes: number | null;
  truncated: boolean;
  errors: number;
  issues: string[];
}

export interface KpageMemcg {
  ino: number;
  fileActive: number;
  fileInactive: number;
  anon: number;
  shmem: number;
  slab: number;
  pgtable: number;
}

export interface PagecacheKpage extends Summary {
  memcgs: KpageMemcg[];
  /**
   * bytes, except buddy_heads, hwpoison, nopage and pages (page counts) and page_size. Keys:
   * file, file_active, file_inactive, anon, shmem, slab, pgtable, hugetlb, untyped, zeroflag
   * (pages with no flag: free-buddy tails + per-cpu free pages + untyped kernel allocations),
   * reserved (PG_reserved), offline, other.
   */
  global: Record<string, number>;
  /** memcg inode → path inside the memory hierarchy ("/" = root) */
  paths: Array<{ ino: number; path: string; version: 'v1' | 'v2' }>;
  pfns: number | null;
  sample: number;
  issues: string[];
}

const OCTAL = /\\([0-3][0-7][0-7])/g;

/** A path as the helper printed it: \ooo escapes undone, then made printable and bounded. */
export function unescapePath(raw: string): string {
  return printable(raw.slice(0, MAX_PATH * 4).replace(OCTAL, (_m, o: string) => String.fromCharCode(parseInt(o, 8))), MAX_PATH);
}

function issueList() {
  const issues: string[] = [];
  let dropped = 0;
  return {
    issues,
    add(msg: string, line: string) {
      if (issues.length < MAX_ISSUES) issues.push(`${msg}: ${JSON.stringify(printable(line, 60))}`);
      else dropped++;
    },
    finish() {
      if (dropped) issues.push(`${dropped} more bad line(s)`);
      return issues;
    },
  };
}

function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim() !== '');
}

const num = (t: string | undefined): number | null => {
  const n = kernelNumber(t);
  return n !== null && n >= 0 ? n : null;
};

const SUMMED = new Set(['files', 'cached', 'errors', 'dups', 'skipped', 'ms', 'dirs', 'dirs_listed', 'alloc', 'apparent', 'pfns', 'scanned']);

function readSummary(lines: string[], bad: (msg: string, line: string) => void): Summary {
  const fields: Record<string, string> = {};
  let seen = false;
  for (const line of lines) {
    if (!line.startsWith('S\t') && line !== 'S') continue;
    const again = seen;
    seen = true;
    for (const kv of line.split('\t').slice(1, 64)) {
      const i = kv.indexOf('=');
      const k = i > 0 ? kv.slice(0, i) : '';
      if (!/^[a-z_]{1,32}$/.test(k)) {
        bad('bad summary field', kv);
        continue;
      }
      const v = printable(kv.slice(i + 1), 64);
      if (again && SUMMED.has(k) && num(fields[k]) !== null && num(v) !== null) fields[k] = String(num(fields[k])! + num(v)!);
      else if (k === 'trusted' && again && fields[k] !== undefined) fields[k] = fields[k] === '1' && v === '1' ? '1' : '0';
      else if (k === 'truncated' && again && fields[k] === '1') continue;
      else fields[k] = v;
    }
  }
  return { fields, impl: fields.impl ?? null, unavailable: fields.unavailable ?? null, ms: num(fields.ms) };
}

const count = (f: Record<string, string>, k: string) => num(f[k]) ?? 0;

/** `pagecache_files` output. */
export function parsePagecacheFiles(text: string): PagecacheFiles {
  const all = splitLines(text);
  const bad = issueList();
  const files: PagecacheFile[] = [];
  let last: PagecacheFile | null = null;
  for (const line of all) {
    const f = line.split('\t');
    if (f[0] === 'S') continue;
    if (f[0] === 'F') {
      last = null;
      if (files.length >= MAX_ROWS) continue;
      const cached = num(f[1]), size = num(f[2]);
      const di = /^(\d{1,20}):(\d{1,20})$/.exec(f[3] ?? '');
      const flags = f[4] ?? '';
      if (f.length < 6 || cached === null || size === null || !di || !/^[dseu]{0,4}$/.test(flags)) {
        bad.add('bad file line', line);
        continue;
      }
      last = {
        name: unescapePath(f.slice(5).join('\t')),
        cached,
        size,
        dev: num(di[1]) ?? 0,
        ino: num(di[2]) ?? 0,
        deleted: flags.includes('d'),
        tmpfs: flags.includes('s'),
        error: flags.includes('e'),
        untrusted: flags.includes('u'),
        cgroups: [],
      };
      files.push(last);
    } else if (f[0] === 'C') {
      const ino = num(f[1]), bytes = num(f[2]);
      if (!last || f.length !== 3 || ino === null || bytes === null) {
        bad.add('bad cgroup line', line);
        continue;
      }
      if (last.cgroups.length < 256) last.cgroups.push({ ino, bytes });
    } else {
      bad.add('unknown line', line);
    }
  }
  const s = readSummary(all, bad.add);
  const t = s.fields.trusted;
  return {
    ...s,
    files,
    totalFiles: num(s.fields.files),
    cachedBytes: num(s.fields.cached),
    method: s.fields.method ?? null,
    trusted: t === '1' ? true : t === '0' ? false : null,
    errors: count(s.fields, 'errors'),
    duplicates: count(s.fields, 'dups'),
    skipped: count(s.fields, 'skipped'),
    split: s.fields.split ?? null,
    issues: bad.finish(),
  };
}

/** `pagecache_tree` output. */
export function parsePagecacheTree(text: string): PagecacheTree {
  const all = splitLines(text);
  const bad = issueList();
  const dirs: PagecacheDir[] = [];
  const top: PagecacheTree['top'] = [];
  for (const line of all) {
    const f = line.split('\t');
    if (f[0] === 'S') continue;
    if (f[0] === 'D') {
      const files = num(f[1]), alloc = num(f[2]), apparent = num(f[3]);
      const h = (f[4] ?? '').split(',').map((x) => num(x));
      if (f.length < 6 || files === null || alloc === null || apparent === null || h.length !== 6 || h.some((x) => x === null)) {
        bad.add('bad directory line', line);
        continue;
      }
      if (dirs.length < MAX_ROWS) dirs.push({ dir: unescapePath(f.slice(5).join('\t')), files, allocBytes: alloc, apparentBytes: apparent, histogram: h as number[] });
    } else if (f[0] === 'T') {
      const alloc = num(f[1]), size = num(f[2]);
      if (f.length < 4 || alloc === null || size === null) {
        bad.add('bad top-file line', line);
        continue;
      }
      if (top.length < 10_000) top.push({ allocBytes: alloc, size, path: unescapePath(f.slice(3).join('\t')) });
    } else {
      bad.add('unknown line', line);
    }
  }
  const s = readSummary(all, bad.add);
  dirs.sort((a, b) => b.allocBytes - a.allocBytes || b.files - a.files || (a.dir < b.dir ? -1 : 1));
  top.sort((a, b) => b.allocBytes - a.allocBytes);
  return {
    ...s,
    dirs,
    top,
    totalFiles: num(s.fields.files),
    totalDirs: num(s.fields.dirs),
    allocBytes: num(s.fields.alloc),
    apparentBytes: num(s.fields.apparent),
    truncated: s.fields.truncated === '1',
    errors: count(s.fields, 'errors'),
    issues: bad.finish(),
  };
}

/** `pagecache_kpage` output. */
export function parsePagecacheKpage(text: string): PagecacheKpage {
  const all = splitLines(text);
  const bad = issueList();
  const memcgs: KpageMemcg[] = [];
  const paths: PagecacheKpage['paths'] = [];
  const global: Record<string, number> = {};
  for (const line of all) {
    const f = line.split('\t');
    if (f[0] === 'S') continue;
    if (f[0] === 'M') {
      const v = f.slice(1, 8).map((x) => num(x));
      if (f.length !== 8 || v.some((x) => x === null)) {
        bad.add('bad memcg line', line);
        continue;
      }
      const [ino, fileActive, fileInactive, anon, shmem, slab, pgtable] = v as number[];
      if (memcgs.length < 100_000) memcgs.push({ ino: ino!, fileActive: fileActive!, fileInactive: fileInactive!, anon: anon!, shmem: shmem!, slab: slab!, pgtable: pgtable! });
    } else if (f[0] === 'G') {
      for (const kv of f.slice(1, 64)) {
        const m = /^([a-z_]{1,32})=(.*)$/.exec(kv);
        const n = m ? num(m[2]) : null;
        if (!m || n === null) bad.add('bad global field', kv);
        else global[m[1]!] = n;
      }
    } else if (f[0] === 'P') {
      const ino = num(f[1]);
      const version = f[f.length - 1];
      if (f.length < 4 || ino === null || (version !== 'v1' && version !== 'v2')) {
        bad.add('bad cgroup path line', line);
        continue;
      }
      if (paths.length < 200_000) paths.push({ ino, path: unescapePath(f.slice(2, -1).join('\t')), version });
    } else {
      bad.add('unknown line', line);
    }
  }
  const s = readSummary(all, bad.add);
  return { ...s, memcgs, global, paths, pfns: num(s.fields.pfns), sample: num(s.fields.sample) || 1, issues: bad.finish() };
}

/** memcg inode → its path, from the P lines (the first line for an inode wins). */
export function memcgPathIndex(k: PagecacheKpage): Map<number, { path: string; version: 'v1' | 'v2' }> {
  const m = new Map<number, { path: string; version: 'v1' | 'v2' }>();
  for (const p of k.paths) if (!m.has(p.ino)) m.set(p.ino, { path: p.path, version: p.version });
  return m;
}
