/**
 * Small native helpers shipped inside probe scripts. Today one: osdeck-pagecache
 * (src/probes/helpers/osdeck-pagecache.c), which attributes page cache to files and cgroups.
 *
 * The C source ships with osdeck (scripts/build-server.mjs copies src/probes into dist/probes) and
 * is compiled here, on the server, the first time a probe needs it: once per source hash, into a
 * private cache directory. Building at run time instead of at `npm run build` keeps the build free of
 * a C toolchain and lets a server without one still run every diagnosis (the shell fallbacks of
 * lib-pagecache.sh answer instead). The binary is static (musl-gcc when present: ~45 KB gzipped;
 * else glibc: ~360 KB), so it runs on any distribution of the same architecture, CentOS 7 included.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { machine, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { probeScript } from './probe-scripts';

const SOURCE = 'helpers/osdeck-pagecache.c';
const LIB = 'lib-pagecache.sh';
// musl first: a static musl binary is a tenth of a static glibc one, and it is sent on every run
const COMPILERS = ['musl-gcc', 'cc', 'gcc'];

export interface HelperBinary {
  /** `uname -m` of the machine it was built on; it is sent only to hosts answering the same */
  arch: string;
  /** what `osdeck-pagecache version` prints, to check that the decoded copy runs */
  version: string;
  compiler: string;
  bytes: number;
  /** gzip + base64, in lines of 64 characters (what every base64 -d and openssl accept) */
  base64: string;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 4 << 20 }, (err, _stdout, stderr) => resolve({ ok: !err, stderr: String(stderr || (err ? err.message : '')) }));
  });
}

/** A directory only this user can write, or null: a shared /tmp must not let another user plant the binary we ship. */
function privateDir(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.() ?? st.uid;
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) return null;
    return dir;
  } catch {
    return null;
  }
}

export function helperCacheDir(dataDir = process.env.OSDECK_DATA): string {
  return dataDir ? join(dataDir, 'helpers') : join(tmpdir(), 'osdeck-helpers');
}

/** Compiles the page-cache helper (or takes it from the cache); null when no compiler can build it. */
export async function compilePagecacheHelper(dataDir?: string): Promise<HelperBinary | null> {
  const source = probeScript(SOURCE);
  const arch = machine();
  let lastError = 'no C compiler found (tried musl-gcc, cc, gcc)';
  let dir = privateDir(helperCacheDir(dataDir));
  let scratch: string | null = null;
  if (!dir) {
    scratch = mkdtempSync(join(tmpdir(), 'osdeck-helpers-'));
    dir = scratch;
  }
  try {
    for (const cc of COMPILERS) {
      const version = createHash('sha256').update(`${cc}\0${arch}\0${source}`).digest('hex').slice(0, 16);
      const out = join(dir, `osdeck-pagecache-${version}`);
      let bin: Buffer | null = null;
      try {
        bin = readFileSync(out);
      } catch {
        const src = join(dir, `osdeck-pagecache-${version}.c`);
        const tmp = join(dir, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
        writeFileSync(src, source);
        const r = await run(cc, ['-std=c99', '-O2', '-static', '-s', '-pthread', `-DOSDECK_PC_VERSION="${version}"`, '-o', tmp, src], 120_000);
        rmSync(src, { force: true });
        if (!r.ok) {
          rmSync(tmp, { force: true });
          const first = r.stderr.split('\n').find((l) => /error|not found|ENOENT/i.test(l)) ?? r.stderr.split('\n')[0] ?? '';
          lastError = `${cc}: ${first.trim().slice(0, 200)}`;
          continue;
        }
        renameSync(tmp, out); // atomic: a concurrent build of the same hash writes the same bytes
        bin = readFileSync(out);
      }
      const b64 = gzipSync(bin, { level: 9 }).toString('base64');
      return { arch, version, compiler: cc, bytes: bin.length, base64: b64.replace(/.{64}/g, '$&\n') };
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  // one clear line; the probe still runs with the shell fallbacks
  process.emitWarning(`osdeck-pagecache helper not built, probes use the shell fallbacks: ${lastError}`, { code: 'OSDECK_HELPER_BUILD' });
  return null;
}

const built = new Map<string, Promise<HelperBinary | null>>();

/** The helper for this server process, built at most once per cache directory. */
export function pagecacheHelper(dataDir?: string): Promise<HelperBinary | null> {
  const key = helperCacheDir(dataDir);
  let p = built.get(key);
  if (!p) {
    p = compilePagecacheHelper(dataDir).catch((e: unknown) => {
      process.emitWarning(`osdeck-pagecache helper not built, probes use the shell fallbacks: ${(e as Error).message}`, { code: 'OSDECK_HELPER_BUILD' });
      return null;
    });
    built.set(key, p);
  }
  return p;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Shell text that installs the helper on the host (when its `uname -m` matches the build machine
 * and the decoded copy runs) and then defines the lib-pagecache.sh functions. The copy lives in a
 * mktemp -d directory (0700) removed by an EXIT trap; a host that cannot take it (other
 * architecture, no base64 or gzip, every temp dir noexec) gets the fallbacks of the same functions.
 */
export function pagecacheInstallScript(helper: HelperBinary | null): string {
  const lib = probeScript(LIB);
  if (!helper) return `OSDECK_PAGECACHE_BIN=; OSDECK_PAGECACHE_DIR=\n${lib}`;
  const want = `osdeck-pagecache ${helper.version}`;
  return `# osdeck-pagecache ${helper.version} (${helper.compiler}, ${helper.arch}, ${helper.bytes} bytes)
OSDECK_PAGECACHE_BIN=; OSDECK_PAGECACHE_DIR=
if [ "$(uname -m 2>/dev/null)" = ${q(helper.arch)} ] && command -v gzip >/dev/null 2>&1; then
  for osdeck_pc_base in "\${TMPDIR:-/tmp}" /dev/shm /run /var/tmp "$HOME"; do
    [ -d "$osdeck_pc_base" ] && [ -w "$osdeck_pc_base" ] || continue
    osdeck_pc_dir=$(umask 077; mktemp -d "$osdeck_pc_base/osdeck-pc.XXXXXX" 2>/dev/null) || continue
    chmod 700 "$osdeck_pc_dir"
    if [ -z "$OSDECK_PAGECACHE_DIR" ]; then
      OSDECK_PAGECACHE_DIR=$osdeck_pc_dir
      trap 'pagecache_cleanup' EXIT
      trap 'pagecache_cleanup; exit 129' HUP
      trap 'pagecache_cleanup; exit 130' INT
      trap 'pagecache_cleanup; exit 143' TERM
      { base64 -d 2>/dev/null || openssl base64 -d 2>/dev/null; } <<'OSDECK_PAGECACHE_B64' | gzip -dc >"$osdeck_pc_dir/osdeck-pagecache" 2>/dev/null
${helper.base64.trimEnd()}
OSDECK_PAGECACHE_B64
      osdeck_pc_first=$osdeck_pc_dir
    else
      cp "$osdeck_pc_first/osdeck-pagecache" "$osdeck_pc_dir/osdeck-pagecache" 2>/dev/null
      rm -rf "$OSDECK_PAGECACHE_DIR"
      OSDECK_PAGECACHE_DIR=$osdeck_pc_dir
    fi
    osdeck_pc_first=$osdeck_pc_dir
    chmod 700 "$osdeck_pc_dir/osdeck-pagecache" 2>/dev/null
    # a noexec mount fails here: try the next directory
    if [ "$("$osdeck_pc_dir/osdeck-pagecache" version 2>/dev/null)" = ${q(want)} ]; then
      OSDECK_PAGECACHE_BIN=$osdeck_pc_dir/osdeck-pagecache
      break
    fi
  done
  [ -n "$OSDECK_PAGECACHE_BIN" ] || { [ -n "$OSDECK_PAGECACHE_DIR" ] && rm -rf "$OSDECK_PAGECACHE_DIR"; OSDECK_PAGECACHE_DIR=; }
  unset osdeck_pc_base osdeck_pc_dir osdeck_pc_first
fi
${lib}`;
}

/**
 * The preamble for a probe that asked for helpers: ['pagecache']: the helper (compiled once per
 * source hash into $OSDECK_DATA/helpers, or the temp dir) plus lib-pagecache.sh. Without a compiler
 * it is the library alone, whose functions fall back to fincore / python / find.
 */
export async function pagecachePreamble(dataDir?: string): Promise<string> {
  return pagecacheInstallScript(await pagecacheHelper(dataDir));
}
