/**
 * Reads a yum/dnf repository's metadata (repodata/) from a mirror (http, https) or a local tree
 * (file:// URL or absolute path): repomd.xml, then primary (and filelists when asked), each
 * checked against repomd's checksum before it is decompressed and parsed as a stream.
 *
 * Remote files are first written to disk (the cache, or a temporary directory) while they are
 * hashed, so a bad download is reported as REPO_CHECKSUM and never half-parsed; the XML is then
 * parsed with a SAX parser, chunk by chunk (a distro's primary.xml is 30-100 MB).
 */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { SaxesParser } from 'saxes';
import { OsdeckError } from '../../domain/errors';
import type { Evr } from '../../domain/migration/rpm-version';
import { systemClock } from '../clock';

export interface RepoObsolete {
  name: string;
  /** LT, LE, EQ, GE, GT; absent for an unversioned obsolete. */
  flags?: string;
  evr?: Evr;
}

export interface RepoPackage {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  vendor?: string;
  sourcerpm?: string;
  /** Names only. */
  provides: string[];
  obsoletes: RepoObsolete[];
  /** Set (possibly empty) only when fetchRepoIndex was given keepFiles: the files it kept, from filelists. */
  files?: string[];
  /** The package's href, relative to the repository's base URL (absolute when the metadata gives an xml:base). */
  location: string;
}

export interface RepoIndex {
  /** As given, less trailing slashes and any user:password. */
  baseUrl: string;
  /** repomd.xml's <revision>, null when it has none. */
  revision: string | null;
  packages: RepoPackage[];
  fetchedAt?: string;
}

export interface RepoFetchOptions {
  signal?: AbortSignal;
  /** Per metadata file (repomd.xml, primary, filelists): download, check and parse together. Default 60 000. */
  timeoutMs?: number;
  /** Asks for filelists; each package's `files` holds the paths (files and directories) this keeps. */
  keepFiles?: (pkgName: string, path: string) => boolean;
  /** Keeps downloaded metadata of http(s) repositories, by checksum: an unchanged repomd.xml means no download. */
  cacheDir?: string;
}

export type RepodataErrorCode = 'REPO_UNREACHABLE' | 'REPO_BAD_METADATA' | 'REPO_CHECKSUM' | 'REPO_UNSUPPORTED';

export class RepodataError extends OsdeckError {
  declare readonly code: RepodataErrorCode;

  constructor(
    code: RepodataErrorCode,
    /** The file (or repository) concerned, without any user:password. */
    readonly url: string,
    message: string,
    cause?: unknown,
  ) {
    super(code, `${url}: ${message}`, code === 'REPO_UNSUPPORTED' ? 422 : 502, { url });
    this.name = 'RepodataError';
    if (cause !== undefined) this.cause = cause;
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_REPOMD_BYTES = 16 * 1024 * 1024;
const HASHES: Record<string, string> = { sha: 'sha1', sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', md5: 'md5' };

/** Fetches and parses the repository's package list (and the files kept from filelists). */
export async function fetchRepoIndex(baseUrl: string, opts: RepoFetchOptions = {}): Promise<RepoIndex> {
  const repo = locate(baseUrl);
  const md = await readRepomd(repo, opts);
  const primary = md.data.get('primary');
  if (!primary) throw new RepodataError('REPO_BAD_METADATA', repo.display(REPOMD), 'repomd.xml lists no primary metadata');
  const filelists = opts.keepFiles ? md.data.get('filelists') : undefined;
  if (opts.keepFiles && !filelists) throw new RepodataError('REPO_BAD_METADATA', repo.display(REPOMD), 'repomd.xml lists no filelists metadata');

  const cache = opts.cacheDir && repo.remote ? await openCache(opts.cacheDir, repo.base) : null;
  const byPkgid = new Map<string, RepoPackage>();
  const packages: RepoPackage[] = [];
  await withFile(repo, primary, opts, cache, (file, signal) =>
    parseXmlFile(file, primary, repo, signal, primaryHandler(repo.display(primary.href), packages, byPkgid, !!opts.keepFiles)),
  );
  if (filelists && opts.keepFiles) {
    const keep = opts.keepFiles;
    await withFile(repo, filelists, opts, cache, (file, signal) =>
      parseXmlFile(file, filelists, repo, signal, filelistsHandler(repo.display(filelists.href), byPkgid, keep)),
    );
  }
  // What the current repomd.xml lists stays (filelists too, when this call did not want it); older files go.
  if (cache) await cache.prune([...md.data.values()].map(cacheName));
  return { baseUrl: redact(repo.base), revision: md.revision, packages, fetchedAt: systemClock.now().toISOString() };
}

/** Reads repomd.xml only: is this a repository, and which revision. */
export async function probeRepo(
  baseUrl: string,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<{ ok: true; revision: string | null } | { ok: false; error: string; code: RepodataErrorCode }> {
  try {
    const repo = locate(baseUrl);
    const md = await readRepomd(repo, opts);
    if (!md.data.has('primary')) throw new RepodataError('REPO_BAD_METADATA', repo.display(REPOMD), 'repomd.xml lists no primary metadata');
    return { ok: true, revision: md.revision };
  } catch (e) {
    if (e instanceof RepodataError) return { ok: false, error: e.message, code: e.code };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Where the repository is

const REPOMD = 'repodata/repomd.xml';
const PART = '.part-';
const STALE_PART_MS = 24 * 3600_000;

interface Repo {
  /** The base URL as given, without trailing slashes. */
  base: string;
  remote: boolean;
  /** An http(s) URL or an absolute path for a location href. */
  resolve(href: string): string;
  /** The same, fit for messages: no user:password. */
  display(href: string): string;
  /** The Authorization header for a remote URL, when the base URL carried user:password. */
  authFor?(url: string): string | undefined;
}

function locate(baseUrl: string): Repo {
  const base = baseUrl.trim().replace(/(?<=.)\/+$/, '');
  if (/^https?:\/\//i.test(base)) {
    let root: URL;
    try {
      root = new URL(`${base}/`);
    } catch (e) {
      throw new RepodataError('REPO_UNSUPPORTED', redact(base), 'not a valid URL', e);
    }
    // fetch() refuses user:password in a URL: it travels as Basic auth, to the repository's own origin only.
    const auth = root.username || root.password ? `Basic ${Buffer.from(`${decodeURIComponent(root.username)}:${decodeURIComponent(root.password)}`).toString('base64')}` : undefined;
    root.username = '';
    root.password = '';
    const resolve = (href: string) => new URL(href, root).href;
    const authFor = (url: string) => (auth && new URL(url).origin === root.origin ? auth : undefined);
    return { base, remote: true, resolve, display: (href) => redact(resolve(href)), authFor };
  }
  let dir: string;
  if (/^file:/i.test(base)) {
    try {
      dir = fileURLToPath(base);
    } catch (e) {
      throw new RepodataError('REPO_UNSUPPORTED', base, 'not a local file URL (file:///absolute/path)', e);
    }
  } else if (isAbsolute(base)) {
    dir = base;
  } else {
    throw new RepodataError('REPO_UNSUPPORTED', base, 'expected an http://, https:// or file:// URL, or an absolute path');
  }
  const resolve = (href: string) => {
    if (/^file:/i.test(href)) return fileURLToPath(href);
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) throw new RepodataError('REPO_UNSUPPORTED', href, 'a local repository points to a remote file');
    return join(dir, href);
  };
  return { base, remote: false, resolve, display: resolve };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------------------------------------
// Deadlines and error classification

/** Runs one file's work under its own deadline and the caller's signal; maps failures to RepodataError. */
async function underDeadline<T>(url: string, opts: { signal?: AbortSignal; timeoutMs?: number }, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  opts.signal?.throwIfAborted();
  const ms = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(ms);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    return await work(signal);
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (timeout.aborted) throw new RepodataError('REPO_UNREACHABLE', url, `timed out after ${ms / 1000}s`, e);
    if (e instanceof RepodataError) throw e;
    throw new RepodataError('REPO_UNREACHABLE', url, describe(e), e);
  }
}

type ErrorLike = { message?: string; code?: string; cause?: ErrorLike; errors?: ErrorLike[] };

/** "connect ECONNREFUSED 127.0.0.1:9" rather than undici's "fetch failed" (whose cause may be an AggregateError, one per address). */
function describe(e: unknown): string {
  const err = (e ?? {}) as ErrorLike;
  const inner = err.cause ?? err;
  const first = inner.errors?.[0];
  const msg = inner.message || first?.message || err.message || String(e);
  const code = inner.code ?? first?.code;
  return code && !msg.includes(code) ? `${code}: ${msg}` : msg;
}

function fsError(url: string, e: unknown): RepodataError {
  return new RepodataError('REPO_UNREACHABLE', url, describe(e), e);
}

// ---------------------------------------------------------------------------------------------
// repomd.xml

interface DataRef {
  type: string;
  href: string;
  checksumType: string;
  checksum: string;
  size: number | null;
}

interface Repomd {
  revision: string | null;
  data: Map<string, DataRef>;
}

async function readRepomd(repo: Repo, opts: { signal?: AbortSignal; timeoutMs?: number }): Promise<Repomd> {
  const url = repo.display(REPOMD);
  const text = await underDeadline(url, opts, async (signal) => {
    const target = repo.resolve(REPOMD);
    if (repo.remote) {
      const res = await httpGet(repo, target, signal);
      const declared = Number(res.headers.get('content-length'));
      if (declared > MAX_REPOMD_BYTES) throw new RepodataError('REPO_BAD_METADATA', url, `repomd.xml is ${declared} bytes, too large`);
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const c of bodyStream(res)) {
        n += (c as Buffer).length;
        if (n > MAX_REPOMD_BYTES) throw new RepodataError('REPO_BAD_METADATA', url, 'repomd.xml is too large');
        chunks.push(c as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    }
    try {
      const st = await stat(target);
      if (st.size > MAX_REPOMD_BYTES) throw new RepodataError('REPO_BAD_METADATA', url, 'repomd.xml is too large');
      return await readFile(target, { encoding: 'utf8', signal });
    } catch (e) {
      if (e instanceof RepodataError || signal.aborted) throw e;
      throw fsError(url, e);
    }
  });
  return parseRepomd(text, url);
}

function parseRepomd(text: string, url: string): Repomd {
  const parser = new SaxesParser({ xmlns: false });
  const stack: string[] = [];
  let revision: string | null = null;
  const data = new Map<string, DataRef>();
  let cur: { type: string; href?: string; checksumType?: string; checksum?: string; size?: string } | null = null;
  let text_ = '';
  let capture = false;
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    stack.push(name);
    if (stack.length === 1 && name !== 'repomd') throw new RepodataError('REPO_BAD_METADATA', url, `not a repomd.xml (root element <${tag.name}>)`);
    if (stack.length === 2 && name === 'revision') capture = true;
    if (stack.length === 2 && name === 'data') cur = { type: attrs.type ?? '' };
    if (cur && stack.length === 3) {
      if (name === 'location') cur.href = attrs.href;
      if (name === 'checksum') {
        cur.checksumType = attrs.type;
        capture = true;
      }
      if (name === 'size') capture = true;
    }
    text_ = '';
  });
  parser.on('text', (t) => {
    if (capture) text_ += t;
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    if (capture) {
      const v = text_.trim();
      if (stack.length === 2 && name === 'revision') revision = v || null;
      else if (cur && name === 'checksum') cur.checksum = v.toLowerCase();
      else if (cur && name === 'size') cur.size = v;
      capture = false;
    }
    if (stack.length === 2 && name === 'data' && cur) {
      const d: typeof cur = cur;
      cur = null;
      if (!d.href || !d.checksumType || !d.checksum) {
        throw new RepodataError('REPO_BAD_METADATA', url, `<data type="${d.type}"> lacks a location or a checksum`);
      }
      if (!/^[0-9a-f]{16,}$/.test(d.checksum)) throw new RepodataError('REPO_BAD_METADATA', url, `<data type="${d.type}"> has a malformed checksum`);
      if (!data.has(d.type)) {
        const size = d.size && /^\d+$/.test(d.size) ? Number(d.size) : null;
        data.set(d.type, { type: d.type, href: d.href, checksumType: d.checksumType, checksum: d.checksum, size });
      }
    }
    stack.pop();
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof RepodataError) throw e;
    throw new RepodataError('REPO_BAD_METADATA', url, `repomd.xml is not well-formed XML: ${(e as Error).message}`, e);
  }
  if (stack.length || !text.trim()) throw new RepodataError('REPO_BAD_METADATA', url, 'repomd.xml is empty or truncated');
  return { revision, data };
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

// ---------------------------------------------------------------------------------------------
// Getting one metadata file onto disk, checked

async function httpGet(repo: Repo, url: string, signal: AbortSignal): Promise<Response> {
  const display = redact(url);
  const headers: Record<string, string> = { 'user-agent': 'osdeck' };
  const auth = repo.authFor?.(url);
  if (auth) headers.authorization = auth;
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow', headers });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new RepodataError('REPO_UNREACHABLE', display, describe(e), e);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new RepodataError('REPO_UNREACHABLE', display, `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  return res;
}

function bodyStream(res: Response): Readable {
  if (!res.body) return Readable.from([]);
  return Readable.fromWeb(res.body as unknown as NodeReadableStream<Uint8Array>);
}

function hasher(d: DataRef, url: string) {
  const algo = HASHES[d.checksumType.toLowerCase()];
  if (!algo) throw new RepodataError('REPO_UNSUPPORTED', url, `checksum type '${d.checksumType}' is not supported`);
  return createHash(algo);
}

function checksumError(d: DataRef, url: string, got: string): RepodataError {
  return new RepodataError('REPO_CHECKSUM', url, `${d.checksumType} is ${got}, repomd.xml says ${d.checksum}`);
}

/**
 * Makes the file available as a checked local path and runs `use` on it, all under one deadline.
 * Local repositories are read in place; remote files go to the cache (when there is one) or to a
 * temporary directory that is removed afterwards.
 */
async function withFile(
  repo: Repo,
  d: DataRef,
  opts: RepoFetchOptions,
  cache: Cache | null,
  use: (file: string, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const url = repo.display(d.href);
  const h = hasher(d, url);
  await underDeadline(url, opts, async (signal) => {
    if (!repo.remote) {
      const file = repo.resolve(d.href);
      let got: string;
      try {
        await pipeline(createReadStream(file), async (src: AsyncIterable<Buffer>) => {
          for await (const c of src) h.update(c);
        }, { signal });
        got = h.digest('hex');
      } catch (e) {
        if (signal.aborted) throw e;
        throw fsError(url, e);
      }
      if (got !== d.checksum) throw checksumError(d, url, got);
      return use(file, signal);
    }
    const name = cacheName(d);
    if (cache) {
      const cached = join(cache.dir, name);
      if (await cache.verify(cached, d)) return use(cached, signal);
    }
    const dir = cache ? cache.dir : await mkdtemp(join(tmpdir(), 'osdeck-repodata-'));
    const part = join(dir, `${name}${PART}${randomUUID()}`);
    try {
      const res = await httpGet(repo, repo.resolve(d.href), signal);
      let n = 0;
      await pipeline(
        bodyStream(res),
        async function* (src: AsyncIterable<Buffer>) {
          for await (const c of src) {
            n += c.length;
            if (d.size !== null && n > d.size) throw new RepodataError('REPO_CHECKSUM', url, `more than the ${d.size} bytes repomd.xml says`);
            h.update(c);
            yield c;
          }
        },
        createWriteStream(part),
        { signal },
      );
      const got = h.digest('hex');
      if (got !== d.checksum) throw checksumError(d, url, got);
      const final = join(dir, name);
      await rename(part, final);
      await use(final, signal);
    } finally {
      await rm(cache ? part : dir, { recursive: true, force: true });
    }
  });
}

/** "sha256-<hex>.xml.gz": by content, so a changed repomd.xml can never pick up a stale file. */
function cacheName(d: DataRef): string {
  const ext = /(\.xml)?(\.(gz|xz|zst|zck|bz2|lz4|sqlite))*$/i.exec(d.href.split('/').pop() ?? '')?.[0] ?? '';
  return `${d.checksumType.toLowerCase().replace(/[^a-z0-9]/g, '')}-${d.checksum.replace(/[^0-9a-f]/g, '')}${ext}`;
}

interface Cache {
  dir: string;
  verify(file: string, d: DataRef): Promise<boolean>;
  prune(keep: string[]): Promise<void>;
}

/** One directory per base URL; files named by their checksum, so a changed repomd.xml cannot reuse a stale file. */
async function openCache(root: string, base: string): Promise<Cache> {
  const dir = join(root, createHash('sha256').update(base).digest('hex').slice(0, 24));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'source.txt'), `${redact(base)}\n`);
  return {
    dir,
    async verify(file, d) {
      const h = hasher(d, file);
      try {
        await pipeline(createReadStream(file), async (src: AsyncIterable<Buffer>) => {
          for await (const c of src) h.update(c);
        });
      } catch {
        return false;
      }
      if (h.digest('hex') === d.checksum) return true;
      await rm(file, { force: true });
      return false;
    },
    async prune(keep) {
      // Downloads in flight (another fetch of the same repository) are left alone unless long dead.
      const now = systemClock.now().getTime();
      for (const n of await readdir(dir)) {
        if (n === 'source.txt' || keep.includes(n)) continue;
        const p = join(dir, n);
        if (n.includes(PART)) {
          const st = await stat(p).catch(() => null);
          if (st && now - st.mtimeMs < STALE_PART_MS) continue;
        }
        await rm(p, { force: true, recursive: true });
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Decompressing and parsing

type Compression = 'none' | 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'zchunk' | 'lz4' | 'unknown';

async function sniff(file: string): Promise<Compression> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await fh.read(buf, 0, 8, 0);
    const b = buf.subarray(0, bytesRead);
    const starts = (...sig: number[]) => sig.every((x, k) => b[k] === x);
    if (starts(0x1f, 0x8b)) return 'gzip';
    if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
    if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
    if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
    if (starts(0x00, 0x5a, 0x43, 0x4b)) return 'zchunk';
    if (starts(0x04, 0x22, 0x4d, 0x18)) return 'lz4';
    const s = b.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
    return bytesRead === 0 || s.startsWith('<') ? 'none' : 'unknown';
  } finally {
    await fh.close();
  }
}

/** Decompressors Node lacks, run as programs when installed (xz-utils, zstd, bzip2). */
const TOOLS: Partial<Record<Compression, string>> = { xz: 'xz', zstd: 'zstd', bzip2: 'bzip2' };

interface SaxHandler {
  parser: SaxesParser<{ xmlns: false }>;
  finish(): void;
}

async function parseXmlFile(file: string, d: DataRef, repo: Repo, signal: AbortSignal, handler: SaxHandler): Promise<void> {
  const url = repo.display(d.href);
  const what = d.type;
  const kind = await sniff(file);
  const decoder = new StringDecoder('utf8');
  // Errors thrown by our own handlers are RepodataErrors already; anything else saxes throws is bad
  // XML. The first one is kept: pipeline() may report the teardown (an AbortError) instead.
  let failure: RepodataError | null = null;
  const write = (s: string) => {
    try {
      handler.parser.write(s);
    } catch (e) {
      failure ??= e instanceof RepodataError ? e : new RepodataError('REPO_BAD_METADATA', url, `${what} is not well-formed XML: ${(e as Error).message}`, e);
      throw failure;
    }
  };
  const feed = (c: Buffer) => write(decoder.write(c));
  const sink = async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) feed(c);
  };
  const zstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  try {
    if (kind === 'none') await pipeline(createReadStream(file), sink, { signal });
    else if (kind === 'gzip') await pipeline(createReadStream(file), zlib.createGunzip(), sink, { signal });
    else if (kind === 'zstd' && zstd) await pipeline(createReadStream(file), zstd(), sink, { signal });
    else if (TOOLS[kind]) await runTool(TOOLS[kind]!, kind, file, url, what, signal, feed);
    else {
      const how = kind === 'unknown' ? 'in an unknown format (neither XML nor gzip, xz, zstd, bzip2)' : `${kind}-compressed, which osdeck cannot read`;
      throw new RepodataError('REPO_UNSUPPORTED', url, `${what} is ${how}`);
    }
    write(decoder.end());
    try {
      handler.parser.close();
    } catch (e) {
      if (e instanceof RepodataError) throw e;
      throw new RepodataError('REPO_BAD_METADATA', url, `${what} is not well-formed XML: ${(e as Error).message}`, e);
    }
    handler.finish();
  } catch (e) {
    if (signal.aborted) throw e;
    if (failure) throw failure;
    if (e instanceof RepodataError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (code.startsWith('Z_') || /ZLIB|ZSTD/i.test(code)) {
      throw new RepodataError('REPO_BAD_METADATA', url, `${what} does not decompress: ${(e as Error).message}`, e);
    }
    throw new RepodataError('REPO_BAD_METADATA', url, `${what} could not be read: ${describe(e)}`, e);
  }
}

async function runTool(
  tool: string,
  kind: Compression,
  file: string,
  url: string,
  what: string,
  signal: AbortSignal,
  feed: (c: Buffer) => void,
): Promise<void> {
  const child = spawn(tool, ['-dc', '--', file], { stdio: ['ignore', 'pipe', 'pipe'], signal });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  exited.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-1000)));
  let drained = false;
  try {
    for await (const c of child.stdout) feed(c as Buffer);
    drained = true;
  } finally {
    // Leaving early (bad XML): the program is not needed any more. At the end of its output it exits by itself.
    if (!drained && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  let code: number | null;
  try {
    code = await exited;
  } catch (e) {
    if (signal.aborted) throw e;
    if ((e as { code?: string }).code === 'ENOENT') {
      throw new RepodataError(
        'REPO_UNSUPPORTED',
        url,
        `${what} is ${kind}-compressed: Node cannot decompress ${kind} and the '${tool}' program is not installed (Debian: apt-get install ${tool === 'xz' ? 'xz-utils' : tool})`,
        e,
      );
    }
    throw e;
  }
  if (code !== 0) throw new RepodataError('REPO_BAD_METADATA', url, `${what} does not decompress (${tool} exited ${code ?? 'on a signal'}): ${stderr.trim()}`);
}

// ---------------------------------------------------------------------------------------------
// primary.xml and filelists.xml

function bad(url: string, msg: string): RepodataError {
  return new RepodataError('REPO_BAD_METADATA', url, msg);
}

function epochOf(v: string | undefined, url: string, pkg: string): number {
  if (v === undefined || v === '') return 0;
  if (!/^\d+$/.test(v)) throw bad(url, `package ${pkg} has a non-numeric epoch '${v.slice(0, 40)}'`);
  return Number(v);
}

function expectRoot(url: string, root: string, count: { n: number | null }) {
  return (depth: number, name: string, attrs: Record<string, string>) => {
    if (depth !== 1) return;
    if (name !== root) throw bad(url, `expected <${root}> as the root element, found <${name}>`);
    const p = attrs.packages;
    count.n = p !== undefined && /^\d+$/.test(p) ? Number(p) : null;
  };
}

function primaryHandler(url: string, out: RepoPackage[], byPkgid: Map<string, RepoPackage>, withFiles: boolean): SaxHandler {
  const parser = new SaxesParser({ xmlns: false });
  const stack: string[] = [];
  const count = { n: null as number | null };
  const root = expectRoot(url, 'metadata', count);
  let pkg: { name?: string; arch?: string; epoch?: string; ver?: string; rel?: string; pkgid?: string; vendor?: string; sourcerpm?: string; location?: string; provides: string[]; obsoletes: RepoObsolete[] } | null = null;
  let capture: 'name' | 'arch' | 'pkgid' | 'vendor' | 'sourcerpm' | null = null;
  let text = '';
  let seen = 0;

  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const a = tag.attributes as Record<string, string>;
    stack.push(name);
    const depth = stack.length;
    root(depth, name, a);
    if (depth === 2 && name === 'package') {
      pkg = { provides: [], obsoletes: [] };
      return;
    }
    if (!pkg) return;
    if (depth === 3) {
      if (name === 'name' || name === 'arch') capture = name;
      else if (name === 'version') {
        pkg.epoch = a.epoch;
        pkg.ver = a.ver;
        pkg.rel = a.rel;
      } else if (name === 'checksum' && a.pkgid?.toUpperCase() === 'YES') capture = 'pkgid';
      else if (name === 'location' && a.href) pkg.location = a['xml:base'] ? joinBase(a['xml:base'], a.href) : a.href;
    } else if (depth === 4 && stack[2] === 'format') {
      if (name === 'vendor' || name === 'sourcerpm') capture = name;
    } else if (depth === 5 && stack[2] === 'format' && name === 'entry' && a.name !== undefined) {
      if (stack[3] === 'provides') pkg.provides.push(a.name);
      else if (stack[3] === 'obsoletes') {
        const o: RepoObsolete = { name: a.name };
        if (a.flags) o.flags = a.flags;
        if (a.ver !== undefined) o.evr = { epoch: epochOf(a.epoch, url, a.name), version: a.ver, release: a.rel ?? '' };
        pkg.obsoletes.push(o);
      }
    }
    if (capture) text = '';
  });
  const onText = (t: string) => {
    if (capture) text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const depth = stack.length;
    const name = stack.pop();
    if (capture && pkg) {
      pkg[capture] = text.trim();
      capture = null;
    }
    if (depth === 2 && name === 'package' && pkg) {
      const p: NonNullable<typeof pkg> = pkg;
      pkg = null;
      seen++;
      if (!p.name || !p.arch || !p.ver || p.rel === undefined || !p.location) {
        throw bad(url, `package #${seen} (${p.name ?? 'no name'}) lacks a name, arch, version, release or location`);
      }
      const r: RepoPackage = {
        name: p.name,
        epoch: epochOf(p.epoch, url, p.name),
        version: p.ver,
        release: p.rel,
        arch: p.arch,
        provides: p.provides,
        obsoletes: p.obsoletes,
        location: p.location,
      };
      if (p.vendor) r.vendor = p.vendor;
      if (p.sourcerpm) r.sourcerpm = p.sourcerpm;
      if (withFiles) r.files = [];
      out.push(r);
      if (p.pkgid) byPkgid.set(p.pkgid.toLowerCase(), r);
    }
  });
  return {
    parser,
    finish() {
      if (count.n !== null && count.n !== seen) throw bad(url, `<metadata packages="${count.n}"> but ${seen} packages follow`);
    },
  };
}

function joinBase(base: string, href: string): string {
  try {
    return new URL(href, base.endsWith('/') ? base : `${base}/`).href;
  } catch {
    return href;
  }
}

function filelistsHandler(url: string, byPkgid: Map<string, RepoPackage>, keep: (pkgName: string, path: string) => boolean): SaxHandler {
  const parser = new SaxesParser({ xmlns: false });
  const stack: string[] = [];
  const count = { n: null as number | null };
  const root = expectRoot(url, 'filelists', count);
  let pkg: RepoPackage | undefined;
  let inFile = false;
  let text = '';
  let seen = 0;
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    const a = tag.attributes as Record<string, string>;
    stack.push(name);
    root(stack.length, name, a);
    if (stack.length === 2 && name === 'package') {
      seen++;
      pkg = a.pkgid ? byPkgid.get(a.pkgid.toLowerCase()) : undefined;
    } else if (stack.length === 3 && name === 'file' && pkg) {
      inFile = true;
      text = '';
    }
  });
  const onText = (t: string) => {
    if (inFile) text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const depth = stack.length;
    const name = stack.pop();
    if (inFile && depth === 3) {
      inFile = false;
      if (pkg && keep(pkg.name, text)) (pkg.files ??= []).push(text);
    } else if (depth === 2 && name === 'package') pkg = undefined;
  });
  return {
    parser,
    finish() {
      if (count.n !== null && count.n !== seen) throw bad(url, `<filelists packages="${count.n}"> but ${seen} packages follow`);
    },
  };
}
