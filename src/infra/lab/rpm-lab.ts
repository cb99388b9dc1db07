// The RPM migration lab: synthetic EL repositories (CentOS 7/8 as the source, Anolis OS 7.9/8 as
// the target, a third-party vendor), an HTTP mirror that can fail on demand, and the minimal root
// file system that lab hosts run from when the lab is started with `rootfs` (see netns-lab.ts).
//
//   ensureBaseRootfs()   a Debian minbase root with rpm, dnf and sshd, built once and cached.
//                        The RPM "OS" is installed on top of it, per host, into an overlay.
//   buildLabRepos(dir)   rpmbuild + createrepo_c into dir/{centos,anolis,acme}/...
//   startLabMirror(dir)  node:http static server over that dir, with `gone` fault injection.
//   installSourceOs()    dnf --installroot into a lab host's root (works while the host runs).
//
// Nothing here is a real distribution: packages carry no binaries, only the files a migration
// looks at (os-release, repo files, config files, kernel module paths).
//
// Every external program is run with an argument array, never a shell string built from values.
// Spec files are generated text, but every value in them is one of this file's constants or a
// path checked against a strict alphabet; file contents never go through a shell (the payload
// tree is written by Node and copied with `cp -a` in %install).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { LAB_BRIDGE_ADDRESS } from '../../domain/lab-addressing';

// ---------------------------------------------------------------------------------------------
// Public contract

export type LabLog = (line: string) => void;

export interface LabRepos {
  /** the directory holding centos/, anolis/ and acme/ */
  dir: string;
  /** content version of the repositories (changes whenever a package would change) */
  version: string;
}

export type ElVersion = 7 | 8;

/** Repository paths under the repos dir (and under the mirror's URL), per EL version. */
export const LAB_REPO_PATHS: Readonly<Record<'centos' | 'anolis' | 'acme', Readonly<Record<ElVersion, string>>>> = {
  centos: { 7: 'centos/7/os/x86_64', 8: 'centos/8/os/x86_64' },
  anolis: { 7: 'anolis/7.9/os/x86_64', 8: 'anolis/8/os/x86_64' },
  acme: { 7: 'acme/el7', 8: 'acme/el8' },
};

/** Kernel versions (uname -r style) of the lab's kernels. */
export const LAB_KERNELS: Readonly<Record<'source' | 'target', Readonly<Record<ElVersion, string>>>> = {
  source: { 7: '3.10.0-1160.el7.x86_64', 8: '4.18.0-348.el8.x86_64' },
  target: { 7: '4.19.91-27.an7.x86_64', 8: '5.10.134-16.an8.x86_64' },
};

/** The packages of a "clean" source host (lab-dup 1.0 only). */
// `lab-dup-1.0`, not `lab-dup`: dnf would pick the newest (1.1); the duplicate 1.1 is planted
// with rpmInstallExtra.
export const LAB_CLEAN_PACKAGES: readonly string[] = ['centos-release', 'lab-base', 'lab-ntp', 'lab-scriptlet', 'lab-dup-1.0', 'kernel'];

/** When this file exists inside a root, the target lab-scriptlet's %pre fails. */
export const LAB_FAIL_SCRIPTLET_FLAG = '/etc/osdeck-lab/fail-scriptlet';

export type MirrorFault = { kind: 'gone'; prefix?: string; afterRpms?: number };

export interface LabMirror {
  /** http://198.18.0.1:PORT */
  url: string;
  /** 198.18.0.1:PORT — the value of dnf's $labmirror */
  hostPort: string;
  /** .rpm files served (GET, 200 or 206) since the mirror started */
  readonly requests: number;
  readonly fault: MirrorFault | null;
  /** Sets (or with null clears) the fault; `afterRpms` counts .rpm files served from now on. */
  setFault(fault: MirrorFault | null): void;
  close(): Promise<void>;
}

export interface InstallSourceOsOptions {
  el: ElVersion;
  /** the mirror, or its host:port as seen from the lab hosts */
  mirror: LabMirror | string;
  /** defaults to LAB_CLEAN_PACKAGES */
  packages?: readonly string[];
  /** also enable the third-party repo (acme/elX) for this install */
  thirdParty?: boolean;
  onLog?: LabLog;
}

export class RpmLabError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RpmLabError';
  }
}

// ---------------------------------------------------------------------------------------------
// Running programs

interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  onLog?: LabLog;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_CAP = 4 * 1024 * 1024;

const TOOL_PACKAGES: Record<string, string> = {
  debootstrap: 'debootstrap',
  rpmbuild: 'rpm',
  rpm: 'rpm',
  dnf: 'dnf',
  createrepo_c: 'createrepo-c',
};
// sbin directories are often missing from PATH under sudo (debootstrap lives in /usr/sbin).
const EXTRA_TOOL_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];
const toolPaths = new Map<string, string>();

/** The absolute path of one of the programs above, or an error naming its Debian package. */
async function tool(program: string): Promise<string> {
  const known = toolPaths.get(program);
  if (known) return known;
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => path.isAbsolute(d)), ...EXTRA_TOOL_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, program);
    try {
      await fs.access(candidate, fs.constants.X_OK);
      toolPaths.set(program, candidate);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new RpmLabError(`the RPM lab needs ${program} (Debian package ${TOOL_PACKAGES[program] ?? program}); scripts/test-deps.sh installs it`);
}

/** Runs a program with an argument array and collects its output; never rejects on exit status. */
async function runProgram(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const file = await tool(program);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const log = (chunk: string): void => {
      if (!options.onLog) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLog(line);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < OUTPUT_CAP) stdout += chunk;
      log(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < OUTPUT_CAP) stderr += chunk;
      log(chunk);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new RpmLabError(`${path.basename(file)}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending && options.onLog) options.onLog(pending);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like runProgram, but rejects unless the program exits 0. */
async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runProgram(file, args, options);
  if (result.code !== 0) {
    const shown = [path.basename(file), ...args].join(' ');
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new RpmLabError(`${shown.slice(0, 300)} exited ${String(result.code)}${tail ? `:\n${tail}` : ''}`);
  }
  return result.stdout;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A directory lock (mkdir is atomic) holding the owner's pid; a lock whose owner is gone is
 * taken over. Serializes builds between test processes on one machine.
 */
async function withDirLock<T>(lockDir: string, what: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const owner = path.join(lockDir, 'pid');
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(owner, `${process.pid}\n`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await fs.readFile(owner, 'utf8').catch(() => '')).trim());
      const stat = await fs.stat(lockDir).catch(() => null);
      // An owner that died (or a lock dir whose pid was never written, for more than 10 s).
      const stale = Number.isInteger(pid) && pid > 0 ? !processAlive(pid) : stat !== null && Date.now() - stat.mtimeMs > 10_000;
      if (stale) {
        await fs.rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() >= deadline) throw new RpmLabError(`timed out waiting for ${what} (lock ${lockDir} held by pid ${pid})`);
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Base root file system

export const DEFAULT_ROOTFS_CACHE_DIR = '/var/cache/osdeck-lab/rootfs-v1';
const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const ROOTFS_SUITE = 'bookworm';
const ROOTFS_PACKAGES = ['openssh-server', 'rpm', 'dnf', 'zstd', 'procps', 'iproute2'];
const ROOTFS_BUILD_TIMEOUT_MS = 30 * 60_000;
const ROOTFS_STAMP = 'var/lib/osdeck/rootfs-version';

// EL8's shipped dnf.conf. Debian's says skip_if_unavailable=True and best=False, which would
// hide a vanished repository (a `gone` mirror fault) behind a warning.
const EL_DNF_CONF = `[main]
gpgcheck=1
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
`;

/** The Debian mirror this machine's apt uses (first `bookworm` source), or deb.debian.org. */
export async function debianMirror(): Promise<string> {
  const files: string[] = ['/etc/apt/sources.list'];
  try {
    for (const name of (await fs.readdir('/etc/apt/sources.list.d')).sort()) {
      if (name.endsWith('.list') || name.endsWith('.sources')) files.push(path.join('/etc/apt/sources.list.d', name));
    }
  } catch {
    // no sources.list.d
  }
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    const found = file.endsWith('.sources') ? mirrorFromDeb822(text) : mirrorFromOneLine(text);
    if (found) return found;
  }
  return DEFAULT_DEBIAN_MIRROR;
}

function usableMirror(uri: string): string | null {
  return /^https?:\/\/[A-Za-z0-9._:@%/~+-]+$/.test(uri) ? uri.replace(/\/+$/, '') : null;
}

function mirrorFromOneLine(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, ' ').trim();
    const [type, uri, suite] = line.split(/\s+/);
    if (type === 'deb' && suite === ROOTFS_SUITE && uri) {
      const mirror = usableMirror(uri);
      if (mirror) return mirror;
    }
  }
  return null;
}

function mirrorFromDeb822(text: string): string | null {
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match) fields.set((match[1] as string).toLowerCase(), (match[2] as string).trim());
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if (!(fields.get('suites') ?? '').split(/\s+/).includes(ROOTFS_SUITE)) continue;
    for (const uri of (fields.get('uris') ?? '').split(/\s+/)) {
      const mirror = usableMirror(uri);
      if (mirror) return mirror;
    }
  }
  return null;
}

/**
 * The cached base root (Debian bookworm minbase + sshd, rpm, dnf), built on first use (about a
 * minute) into a temporary directory and renamed into place, so a half-built root is never used.
 * A lock keeps two processes from building at once. Lab hosts mount it read-only as the lower
 * layer of their root overlay; never change it in place.
 */
export async function ensureBaseRootfs(opts: { cacheDir?: string; onLog?: LabLog } = {}): Promise<string> {
  const cacheDir = path.resolve(opts.cacheDir ?? DEFAULT_ROOTFS_CACHE_DIR);
  if (await exists(path.join(cacheDir, ROOTFS_STAMP))) return cacheDir;
  if (process.getuid?.() !== 0) throw new RpmLabError('building the lab root file system needs root (debootstrap)');
  await fs.mkdir(path.dirname(cacheDir), { recursive: true, mode: 0o755 });
  return withDirLock(`${cacheDir}.lock`, 'the lab root file system build', ROOTFS_BUILD_TIMEOUT_MS, async () => {
    if (await exists(path.join(cacheDir, ROOTFS_STAMP))) return cacheDir; // built by another process meanwhile
    // Left by a build that died: an incomplete root at the final path, or temporary roots.
    await fs.rm(cacheDir, { recursive: true, force: true });
    const parent = path.dirname(cacheDir);
    const base = path.basename(cacheDir);
    for (const name of await fs.readdir(parent)) {
      if (name.startsWith(`${base}.tmp-`)) await fs.rm(path.join(parent, name), { recursive: true, force: true });
    }
    const temporary = `${cacheDir}.tmp-${process.pid}`;
    try {
      await buildRootfs(temporary, opts.onLog);
      await fs.rename(temporary, cacheDir);
    } catch (error) {
      await fs.rm(temporary, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
    return cacheDir;
  });
}

async function buildRootfs(root: string, onLog: LabLog | undefined): Promise<void> {
  const mirror = await debianMirror();
  onLog?.(`debootstrap ${ROOTFS_SUITE} from ${mirror} into ${root}`);
  await fs.mkdir(root, { mode: 0o755 });
  const result = await runProgram(
    'debootstrap',
    ['--variant=minbase', `--include=${ROOTFS_PACKAGES.join(',')}`, ROOTFS_SUITE, root, mirror],
    { onLog, timeoutMs: ROOTFS_BUILD_TIMEOUT_MS, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
  );
  if (result.code !== 0) {
    const log = await fs.readFile(path.join(root, 'debootstrap/debootstrap.log'), 'utf8').catch(() => '');
    const tail = (log || result.stderr || result.stdout).trim().split('\n').slice(-20).join('\n');
    throw new RpmLabError(`debootstrap exited ${String(result.code)}:\n${tail}`);
  }
  const inRoot = (relative: string): string => path.join(root, relative);
  // Slimming: documentation and apt's caches are never used in the lab.
  for (const dir of ['usr/share/doc', 'usr/share/man', 'usr/share/locale', 'usr/share/info']) {
    await fs.rm(inRoot(dir), { recursive: true, force: true });
  }
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt']) {
    for (const name of await fs.readdir(inRoot(dir)).catch(() => [] as string[])) {
      const file = path.join(inRoot(dir), name);
      if (name === 'partial' || name === 'archives') {
        for (const inner of await fs.readdir(file).catch(() => [] as string[])) {
          if (inner.endsWith('.deb')) await fs.rm(path.join(file, inner), { force: true });
        }
        continue;
      }
      if (name !== 'lock') await fs.rm(file, { recursive: true, force: true });
    }
  }
  // The release package of the RPM "OS" provides /etc/os-release.
  await fs.rm(inRoot('etc/os-release'), { force: true });
  await fs.rm(inRoot('usr/lib/os-release'), { force: true });
  // EL8 style: yum is dnf.
  await fs.rm(inRoot('usr/bin/yum'), { force: true });
  await fs.symlink('dnf', inRoot('usr/bin/yum'));
  await fs.writeFile(inRoot('etc/dnf/dnf.conf'), EL_DNF_CONF, { mode: 0o644 });
  // Every lab host gets its own host key; the ones openssh-server's postinst generated are shared.
  for (const name of await fs.readdir(inRoot('etc/ssh'))) {
    if (name.startsWith('ssh_host_')) await fs.rm(inRoot(path.join('etc/ssh', name)), { force: true });
  }
  await fs.mkdir(inRoot('root/.ssh'), { recursive: true, mode: 0o700 });
  await fs.chmod(inRoot('root/.ssh'), 0o700);
  await fs.mkdir(inRoot('run/sshd'), { recursive: true, mode: 0o755 });
  await fs.mkdir(inRoot('etc/yum.repos.d'), { recursive: true, mode: 0o755 });
  await fs.mkdir(inRoot('etc/dnf/vars'), { recursive: true, mode: 0o755 });
  await fs.mkdir(inRoot('var/lib/osdeck'), { recursive: true, mode: 0o755 });
  await fs.writeFile(inRoot(ROOTFS_STAMP), `${path.basename(DEFAULT_ROOTFS_CACHE_DIR)} ${ROOTFS_SUITE} ${ROOTFS_PACKAGES.join(',')}\n`);
}

// ---------------------------------------------------------------------------------------------
// 2. Synthetic repositories

// Bump when the generated packages change in a way the definitions below do not show.
const REPO_BUILDER_VERSION = 'osdeck-lab-repos-2';
const REPO_STAMP = '.osdeck-lab-repos';
const REPO_TOP_DIRS = ['centos', 'anolis', 'acme'];
const RPMBUILD_CONCURRENCY = Math.max(2, Math.min(6, os.cpus().length * 2));
const REPO_BUILD_TIMEOUT_MS = 20 * 60_000;

const VENDOR = { centos: 'CentOS', anolis: 'OpenAnolis Community', acme: 'Acme Corp' } as const;

// Paths go into spec files and file lists; this alphabet can carry no macro (%), glob or quote.
const SAFE_PACKAGE_PATH = /^\/[A-Za-z0-9._+\/-]+$/;

interface PackageFile {
  path: string;
  /** regular file content (default: empty file) */
  content?: string;
  mode?: number;
  /** a symlink to this target instead of a file */
  symlink?: string;
  /** %config(noreplace) */
  config?: boolean;
}

interface PackageDef {
  repo: string;
  name: string;
  version: string;
  release: string;
  arch: 'noarch' | 'x86_64';
  vendor: string;
  summary: string;
  provides?: string[];
  requires?: string[];
  obsoletes?: string[];
  files: PackageFile[];
  /** directories the package owns */
  dirs?: string[];
  /** body of a Lua %pre scriptlet */
  preLua?: string;
}

interface ElNames {
  el: ElVersion;
  srcDist: string;
  tgtDist: string;
}

function osRelease(fields: Array<[string, string]>): string {
  return fields.map(([key, value]) => `${key}="${value}"`).join('\n') + '\n';
}

function repoFile(id: string, name: string, baseurl: string): string {
  return `[${id}]\nname=${name}\nbaseurl=${baseurl}\ngpgcheck=0\nenabled=1\n`;
}

function centosRelease(n: ElNames): PackageDef {
  const el = n.el;
  const version = el === 7 ? '7.9.2009' : '8.5.2111';
  const releaseText = el === 7 ? 'CentOS Linux release 7.9.2009 (Core)' : 'CentOS Linux release 8.5.2111';
  return {
    repo: LAB_REPO_PATHS.centos[el],
    name: 'centos-release',
    version,
    release: `1${n.srcDist}.centos`,
    arch: 'noarch',
    vendor: VENDOR.centos,
    summary: `CentOS Linux ${el} release file`,
    // system-release(releasever) is what dnf reads $releasever from (as on real CentOS 8).
    provides: [`system-release = ${version}`, `redhat-release = ${version}`, `system-release(releasever) = ${el}`],
    files: [
      {
        path: '/etc/os-release',
        content: osRelease([
          ['NAME', 'CentOS Linux'],
          ['VERSION', el === 7 ? '7 (Core)' : '8'],
          ['ID', 'centos'],
          ['ID_LIKE', 'rhel fedora'],
          ['VERSION_ID', String(el)],
          ...(el === 8 ? ([['PLATFORM_ID', 'platform:el8']] as Array<[string, string]>) : []),
          ['PRETTY_NAME', el === 7 ? 'CentOS Linux 7 (Core)' : 'CentOS Linux 8'],
        ]),
      },
      { path: '/etc/centos-release', content: `${releaseText}\n` },
      { path: '/etc/redhat-release', symlink: 'centos-release' },
      { path: '/etc/system-release', symlink: 'centos-release' },
      {
        path: '/etc/yum.repos.d/CentOS-Base.repo',
        config: true,
        content: repoFile('base', 'CentOS-$releasever - Base', `http://$labmirror/centos/${el}/os/$basearch/`),
      },
    ],
  };
}

function anolisRelease(n: ElNames): PackageDef {
  const el = n.el;
  const version = el === 7 ? '7.9' : '8.9';
  const repoPath = el === 7 ? 'anolis/7.9/os' : 'anolis/8/os';
  return {
    repo: LAB_REPO_PATHS.anolis[el],
    name: 'anolis-release',
    version,
    release: `1${n.tgtDist}`,
    arch: 'noarch',
    vendor: VENDOR.anolis,
    summary: `Anolis OS ${version} release file`,
    // No Obsoletes/Conflicts with centos-release: the migration swaps them with rpm -e --nodeps.
    provides: [`system-release = ${version}`, `redhat-release = ${version}`, `system-release(releasever) = ${el}`],
    files: [
      {
        path: '/etc/os-release',
        content: osRelease([
          ['NAME', 'Anolis OS'],
          ['VERSION', version],
          ['ID', 'anolis'],
          ['ID_LIKE', 'rhel fedora centos'],
          ['VERSION_ID', version],
          ...(el === 8 ? ([['PLATFORM_ID', 'platform:an8']] as Array<[string, string]>) : []),
          ['PRETTY_NAME', `Anolis OS ${version}`],
        ]),
      },
      { path: '/etc/anolis-release', content: `Anolis OS release ${version}\n` },
      { path: '/etc/redhat-release', symlink: 'anolis-release' },
      { path: '/etc/system-release', symlink: 'anolis-release' },
      {
        path: '/etc/yum.repos.d/AnolisOS-os.repo',
        config: true,
        content: repoFile('os', `AnolisOS-${version} - os`, `http://$labmirror/${repoPath}/$basearch/`),
      },
    ],
  };
}

function simple(repo: string, vendor: string, name: string, version: string, release: string, extra: Partial<PackageDef> = {}): PackageDef {
  const short = name.replace(/^lab-/, '');
  return {
    repo,
    name,
    version,
    release,
    arch: 'x86_64',
    vendor,
    summary: `osdeck lab package ${name}`,
    files: [{ path: `/usr/share/lab/${short}/VERSION`, content: `${name}-${version}-${release}\n` }],
    dirs: [`/usr/share/lab/${short}`],
    ...extra,
  };
}

function labBase(repo: string, vendor: string, dist: string): PackageDef {
  return simple(repo, vendor, 'lab-base', '1.0', `1${dist}`, {
    files: [
      { path: '/usr/share/lab/base/DIST', content: `${dist}\n` },
      { path: '/etc/lab-base.conf', content: 'setting=1\n', config: true },
    ],
    dirs: ['/usr/share/lab', '/usr/share/lab/base'],
  });
}

// The failing scriptlet is %pre, in Lua. Measured with dnf 4.14 / rpm 4.18 (`dnf -y
// distro-sync` from the clean EL7 set to anolis/7.9 with the flag present):
//
//   %pre      rpm runs it inside the transaction, after the packages ordered before it (lab-base,
//             which it requires) were already replaced; the failing element is skipped (the new
//             lab-scriptlet is not installed and the old one's erase is skipped, so 1.0-1 stays)
//             while every other element goes on. dnf prints "Error in PREIN scriptlet", lists
//             lab-scriptlet under "Failed:", "Error: Transaction failed", exit 1. Result: a mixed
//             .el7/.an7 package set, the real half-done transaction.
//   %post     only a warning ("Error in POSTIN scriptlet"): exit 0, everything installed.
//   %pretrans also exit 1 with the same mixed result, but it fails before any package changed,
//             which is not the "failed half-way" case.
//
// Lua, because a shell scriptlet makes rpmbuild add `Requires(pre): /bin/sh`, which no package
// in a lab root provides (its /bin/sh comes from the Debian base, not from an RPM): dnf would
// refuse the transaction. Lua runs inside rpm itself, chrooted into the root like any scriptlet,
// so it sees the root's flag file. error() is Lua's "exit 1" (os.exit would end rpm itself);
// rpm logs "lua script failed: ..." and treats it exactly like a shell scriptlet exiting 1.
const FAIL_SCRIPTLET_LUA = `local f = io.open("${LAB_FAIL_SCRIPTLET_FLAG}", "r")
if f then
  f:close()
  error("osdeck lab: ${LAB_FAIL_SCRIPTLET_FLAG} exists, failing on purpose (exit 1)", 0)
end`;

function kernelPackage(repo: string, vendor: string, uname: string, modules: readonly string[]): PackageDef {
  const match = /^([^-]+)-(.+)\.x86_64$/.exec(uname);
  if (!match) throw new RpmLabError(`bad kernel version ${uname}`);
  const moduleDir = `/lib/modules/${uname}`;
  const dirs = new Set<string>([moduleDir, `${moduleDir}/kernel`]);
  for (const module of modules) {
    for (let dir = path.posix.dirname(module); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) {
      dirs.add(`${moduleDir}/kernel/${dir}`);
    }
  }
  return {
    repo,
    name: 'kernel',
    version: match[1] as string,
    release: match[2] as string,
    arch: 'x86_64',
    vendor,
    summary: `osdeck lab kernel ${uname}`,
    provides: [`kernel-uname-r = ${uname}`],
    files: [
      { path: `/boot/vmlinuz-${uname}`, content: `osdeck lab kernel ${uname}\n` },
      ...modules.map((module) => ({ path: `${moduleDir}/kernel/${module}` })),
    ],
    dirs: [...dirs].sort(),
  };
}

/** Every package of the lab, by repository. */
function labPackages(modules: readonly string[]): PackageDef[] {
  const packages: PackageDef[] = [];
  for (const el of [7, 8] as const) {
    const n: ElNames = { el, srcDist: `.el${el}`, tgtDist: `.an${el}` };
    const src = LAB_REPO_PATHS.centos[el];
    const tgt = LAB_REPO_PATHS.anolis[el];
    const acme = LAB_REPO_PATHS.acme[el];
    const scriptlet = (repo: string, vendor: string, release: string, preLua?: string): PackageDef =>
      simple(repo, vendor, 'lab-scriptlet', '1.0', release, { requires: ['lab-base'], ...(preLua ? { preLua } : {}) });
    const dup = (repo: string, vendor: string, version: string, release: string): PackageDef =>
      simple(repo, vendor, 'lab-dup', version, release, {
        // version-specific paths: two installed versions do not conflict (a duplicate)
        files: [{ path: `/usr/share/lab/dup/${version}`, content: `lab-dup-${version}-${release}\n` }],
        dirs: ['/usr/share/lab/dup'],
      });
    packages.push(
      // source: CentOS
      centosRelease(n),
      labBase(src, VENDOR.centos, n.srcDist),
      simple(src, VENDOR.centos, 'lab-ntp', '4.2', `1${n.srcDist}`, {
        files: [
          { path: '/usr/share/lab/ntp/VERSION', content: `lab-ntp-4.2-1${n.srcDist}\n` },
          { path: '/etc/lab-ntp.conf', content: 'server lab\n', config: true },
        ],
      }),
      simple(src, VENDOR.centos, 'lab-legacy', '1.0', `1${n.srcDist}`),
      simple(src, VENDOR.centos, 'lab-newer', '2.0', `1${n.srcDist}`),
      scriptlet(src, VENDOR.centos, `1${n.srcDist}`),
      dup(src, VENDOR.centos, '1.0', `1${n.srcDist}`),
      dup(src, VENDOR.centos, '1.1', `1${n.srcDist}`),
      kernelPackage(src, VENDOR.centos, LAB_KERNELS.source[el], modules),
      // target: Anolis OS
      anolisRelease(n),
      labBase(tgt, VENDOR.anolis, n.tgtDist),
      simple(tgt, VENDOR.anolis, 'lab-chrony', '4.2', `1${n.tgtDist}`, {
        files: [
          { path: '/usr/share/lab/chrony/VERSION', content: `lab-chrony-4.2-1${n.tgtDist}\n` },
          { path: '/etc/lab-chrony.conf', content: 'server lab\n', config: true },
        ],
        obsoletes: ['lab-ntp < 4.3'],
        provides: ['lab-ntp = 4.2'],
      }),
      simple(tgt, VENDOR.anolis, 'lab-newer', '1.5', `1${n.tgtDist}`),
      scriptlet(tgt, VENDOR.anolis, `2${n.tgtDist}`, FAIL_SCRIPTLET_LUA),
      dup(tgt, VENDOR.anolis, '1.1', `1${n.tgtDist}`),
      kernelPackage(tgt, VENDOR.anolis, LAB_KERNELS.target[el], modules),
      // third party
      {
        repo: acme,
        name: 'acme-agent',
        version: '3.1',
        release: '1',
        arch: 'noarch',
        vendor: VENDOR.acme,
        summary: 'Acme monitoring agent (osdeck lab)',
        files: [{ path: '/opt/acme/agent', content: '#!/bin/sh\necho acme agent 3.1\n', mode: 0o755 }],
        dirs: ['/opt/acme'],
      },
      {
        repo: acme,
        name: 'kmod-acme',
        version: '1.0',
        release: `1${n.srcDist}`,
        arch: 'x86_64',
        vendor: VENDOR.acme,
        summary: `Acme kernel module for ${LAB_KERNELS.source[el]} (osdeck lab)`,
        requires: ['kernel'],
        files: [{ path: `/lib/modules/${LAB_KERNELS.source[el]}/extra/acme/acme.ko` }],
        dirs: [`/lib/modules/${LAB_KERNELS.source[el]}/extra/acme`],
      },
    );
  }
  return packages;
}

/**
 * Relative paths of every module file in this machine's /lib/modules/$(uname -r)/kernel, so the
 * lab kernels ship every module the machine can load. Empty when the machine has no module tree
 * (a kernel with everything built in, as in many VMs and containers).
 */
export async function machineKernelModules(modulesDir = `/lib/modules/${os.release()}/kernel`): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), rel);
      else if ((entry.isFile() || entry.isSymbolicLink()) && SAFE_PACKAGE_PATH.test(`/${rel}`)) found.push(rel);
    }
  };
  await walk(modulesDir, '');
  return found.sort();
}

function specFor(pkg: PackageDef): string {
  for (const p of [...pkg.files.map((f) => f.path), ...(pkg.dirs ?? [])]) {
    if (!SAFE_PACKAGE_PATH.test(p)) throw new RpmLabError(`unsafe path in package ${pkg.name}: ${JSON.stringify(p)}`);
  }
  const lines = [
    '# Generated by osdeck (src/infra/lab/rpm-lab.ts): a synthetic package of the RPM migration lab.',
    '%define _build_id_links none',
    '%define debug_package %{nil}',
    '%define __os_install_post %{nil}',
    '%define __arch_install_post %{nil}',
    '%define _buildhost osdeck-lab',
    `Name: ${pkg.name}`,
    `Version: ${pkg.version}`,
    `Release: ${pkg.release}`,
    `Summary: ${pkg.summary}`,
    'License: Apache-2.0',
    `Vendor: ${pkg.vendor}`,
    'URL: https://osdeck.invalid/lab',
    ...(pkg.arch === 'noarch' ? ['BuildArch: noarch'] : []),
    'AutoReqProv: no',
    ...(pkg.provides ?? []).map((p) => `Provides: ${p}`),
    ...(pkg.requires ?? []).map((p) => `Requires: ${p}`),
    ...(pkg.obsoletes ?? []).map((p) => `Obsoletes: ${p}`),
    '',
    '%description',
    `${pkg.summary}. Synthetic package of the osdeck RPM migration lab; carries no programs.`,
    '',
    '%prep',
    '%build',
    '%install',
    'mkdir -p %{buildroot}',
    'cp -a %{_sourcedir}/root/. %{buildroot}/',
    '',
    ...(pkg.preLua ? ['%pre -p <lua>', pkg.preLua, ''] : []),
    '%files',
    '%defattr(-,root,root,-)',
    ...(pkg.dirs ?? []).map((d) => `%dir ${d}`),
    ...pkg.files.map((f) => (f.config ? `%config(noreplace) ${f.path}` : f.path)),
    '',
  ];
  return lines.join('\n');
}

/** The content version of the repositories: changes whenever any package would. */
function reposVersion(packages: readonly PackageDef[]): string {
  const hash = createHash('sha256');
  hash.update(REPO_BUILDER_VERSION);
  for (const pkg of packages) hash.update(JSON.stringify(pkg));
  return `${REPO_BUILDER_VERSION}-${hash.digest('hex').slice(0, 16)}`;
}

async function buildPackage(pkg: PackageDef, workDir: string, outDir: string): Promise<void> {
  const top = path.join(workDir, `${pkg.name}-${pkg.version}-${pkg.release}`);
  const payload = path.join(top, 'SOURCES', 'root');
  await fs.mkdir(path.join(top, 'SPECS'), { recursive: true });
  await fs.mkdir(payload, { recursive: true });
  for (const dir of pkg.dirs ?? []) await fs.mkdir(path.join(payload, dir), { recursive: true, mode: 0o755 });
  for (const file of pkg.files) {
    const target = path.join(payload, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    if (file.symlink !== undefined) await fs.symlink(file.symlink, target);
    else {
      await fs.writeFile(target, file.content ?? '', { mode: file.mode ?? 0o644 });
      await fs.chmod(target, file.mode ?? 0o644);
    }
  }
  const spec = path.join(top, 'SPECS', `${pkg.name}.spec`);
  await fs.writeFile(spec, specFor(pkg));
  await run(
    'rpmbuild',
    ['-bb', '--quiet', '--define', `_topdir ${top}`, ...(pkg.arch === 'x86_64' ? ['--target', 'x86_64'] : []), spec],
    { env: { ...process.env, HOME: '/root', LC_ALL: 'C' } },
  );
  const built = path.join(top, 'RPMS', pkg.arch, `${pkg.name}-${pkg.version}-${pkg.release}.${pkg.arch}.rpm`);
  await fs.mkdir(outDir, { recursive: true });
  await fs.copyFile(built, path.join(outDir, path.basename(built)));
}

/**
 * Builds the lab's repositories into `dir` (layout in LAB_REPO_PATHS; the .rpm files directly
 * in each repository's directory, next to the repodata/ createrepo_c writes). Idempotent: when `dir/.osdeck-lab-repos` holds
 * the current content version, nothing is rebuilt. Builds in a staging directory and swaps the
 * finished repositories in, under a lock.
 */
export async function buildLabRepos(
  dir: string,
  opts: { onLog?: LabLog; modulesDir?: string; force?: boolean } = {},
): Promise<LabRepos> {
  const target = path.resolve(dir);
  const packages = labPackages(await machineKernelModules(opts.modulesDir));
  const version = reposVersion(packages);
  const stampPath = path.join(target, REPO_STAMP);
  const current = async (): Promise<boolean> =>
    !opts.force && (await fs.readFile(stampPath, 'utf8').catch(() => '')).trim() === version;
  if (await current()) return { dir: target, version };
  await fs.mkdir(target, { recursive: true, mode: 0o755 });
  return withDirLock(path.join(target, '.lock'), 'the lab repositories build', REPO_BUILD_TIMEOUT_MS, async () => {
    if (await current()) return { dir: target, version };
    const staging = path.join(target, `.staging-${process.pid}`);
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'osdeck-rpmbuild-'));
    try {
      await fs.rm(staging, { recursive: true, force: true });
      let next = 0;
      let failure: unknown;
      const worker = async (): Promise<void> => {
        while (failure === undefined && next < packages.length) {
          const pkg = packages[next++] as PackageDef;
          try {
            await buildPackage(pkg, work, path.join(staging, pkg.repo));
            opts.onLog?.(`built ${pkg.repo}/${pkg.name}-${pkg.version}-${pkg.release}.${pkg.arch}.rpm`);
          } catch (error) {
            failure ??= error;
          }
        }
      };
      await Promise.all(Array.from({ length: RPMBUILD_CONCURRENCY }, worker));
      if (failure !== undefined) throw failure;
      const repos = [...new Set(packages.map((pkg) => pkg.repo))];
      await Promise.all(
        repos.map((repo) => run('createrepo_c', ['--quiet', path.join(staging, repo)], { env: { ...process.env, LC_ALL: 'C' } })),
      );
      await fs.rm(stampPath, { force: true });
      for (const top of REPO_TOP_DIRS) {
        await fs.rm(path.join(target, top), { recursive: true, force: true });
        await fs.rename(path.join(staging, top), path.join(target, top));
      }
      await fs.writeFile(stampPath, `${version}\n`);
      return { dir: target, version };
    } finally {
      await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
      await fs.rm(work, { recursive: true, force: true }).catch(() => {});
    }
  });
}

/**
 * The path of one built package, e.g. labRpmPath(repos, LAB_REPO_PATHS.centos[7], 'lab-dup', '1.1')
 * (the newest release of that version when several would match).
 */
export async function labRpmPath(repos: LabRepos, repo: string, name: string, version?: string): Promise<string> {
  const packagesDir = path.join(repos.dir, repo);
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escape(name)}-${version === undefined ? '[^-]+' : escape(version)}-[^-]+\\.(x86_64|noarch)\\.rpm$`);
  const matches = (await fs.readdir(packagesDir).catch(() => [] as string[])).filter((file) => pattern.test(file)).sort();
  const last = matches[matches.length - 1];
  if (last === undefined) throw new RpmLabError(`no package ${name}${version ? `-${version}` : ''} in ${packagesDir}`);
  return path.join(packagesDir, last);
}

// ---------------------------------------------------------------------------------------------
// 3. Mirror server

const CONTENT_TYPES: Record<string, string> = {
  '.rpm': 'application/x-rpm',
  '.xml': 'application/xml',
  '.gz': 'application/gzip',
  '.bz2': 'application/x-bzip2',
  '.xz': 'application/x-xz',
  '.zst': 'application/zstd',
  '.sqlite': 'application/octet-stream',
};

function normalizedPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '/';
  return prefix.startsWith('/') ? prefix : `/${prefix}`;
}

/** Parses a single `bytes=` range; null when absent or unusable (the whole file is sent). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * A static file server over `dir` for the lab hosts (GET and HEAD only, no listings, nothing
 * outside `dir`). It listens on the lab bridge address 198.18.0.1 by default, which exists only
 * while a lab is up: call it after labUp (and close it before labDown). Pass host '0.0.0.0' to
 * listen everywhere instead; the lab hosts still reach it at 198.18.0.1:PORT.
 */
export async function startLabMirror(dir: string, opts: { host?: string; port?: number } = {}): Promise<LabMirror> {
  const root = await fs.realpath(path.resolve(dir));
  const host = opts.host ?? LAB_BRIDGE_ADDRESS;
  let rpmsServed = 0;
  let fault: MirrorFault | null = null;
  let faultArmedAt = 0;

  const faulted = (pathname: string): boolean => {
    if (fault === null) return false;
    if (rpmsServed - faultArmedAt < (fault.afterRpms ?? 0)) return false;
    return pathname.startsWith(normalizedPrefix(fault.prefix));
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const send = (status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://lab-mirror').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (pathname.includes('\0')) return send(400, 'bad request\n');
    const normalized = path.posix.normalize(pathname);
    const file = path.join(root, normalized);
    let real: string;
    try {
      real = await fs.realpath(file);
    } catch {
      return send(404, 'not found\n');
    }
    if (real !== root && !real.startsWith(`${root}${path.sep}`)) return send(404, 'not found\n');
    const stat = await fs.stat(real).catch(() => null);
    if (!stat?.isFile()) return send(404, 'not found\n');
    // From here to the count below nothing awaits: concurrent downloads (dnf fetches 3 at a time)
    // must not all pass the fault check before any of them is counted.
    if (faulted(normalized)) return send(404, 'gone (osdeck lab mirror fault)\n');
    const headers: http.OutgoingHttpHeaders = {
      'content-type': CONTENT_TYPES[path.extname(real)] ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      'last-modified': stat.mtime.toUTCString(),
    };
    const range = parseRange(req.headers.range, stat.size);
    if (range === 'unsatisfiable') return send(416, 'range not satisfiable\n', { 'content-range': `bytes */${stat.size}` });
    const start = range?.start ?? 0;
    const end = range?.end ?? stat.size - 1;
    if (range) headers['content-range'] = `bytes ${start}-${end}/${stat.size}`;
    headers['content-length'] = stat.size === 0 ? 0 : end - start + 1;
    if (req.method === 'GET' && real.endsWith('.rpm')) rpmsServed += 1;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD' || stat.size === 0) {
      res.end();
      return;
    }
    const stream = createReadStream(real, { start, end });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRNOTAVAIL' && host === LAB_BRIDGE_ADDRESS ? ' (is the lab up? start the mirror after labUp)' : '';
      reject(new RpmLabError(`lab mirror cannot listen on ${host}:${opts.port ?? 0}: ${error.message}${hint}`, { cause: error }));
    });
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const reachableAt = host === '0.0.0.0' || host === '::' ? LAB_BRIDGE_ADDRESS : host;
  const hostPort = `${reachableAt.includes(':') ? `[${reachableAt}]` : reachableAt}:${port}`;
  return {
    url: `http://${hostPort}`,
    hostPort,
    get requests() {
      return rpmsServed;
    },
    get fault() {
      return fault;
    },
    setFault(next: MirrorFault | null) {
      if (next !== null && next.kind !== 'gone') throw new RpmLabError(`unknown mirror fault ${JSON.stringify(next)}`);
      fault = next === null ? null : { ...next };
      faultArmedAt = rpmsServed;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 5. Installing the source OS into a host root

// rpm's database lives at %(bash -c 'echo ~/.rpmdb') on Debian, i.e. inside the root at
// /root/.rpmdb when HOME is /root, which is what an SSH session inside the host has. Pinning HOME
// keeps `rpm --root` and `dnf --installroot` from here on the same database whatever our HOME is.
const RPM_ENV = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: '/root', LC_ALL: 'C' });
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/;
const DNF_TIMEOUT_MS = 10 * 60_000;

function mirrorHostPort(mirror: LabMirror | string): string {
  const hostPort = typeof mirror === 'string' ? mirror : mirror.hostPort;
  if (!HOST_PORT.test(hostPort)) throw new RpmLabError(`bad mirror host:port ${JSON.stringify(hostPort)}`);
  return hostPort;
}

async function assertRoot(root: string): Promise<string> {
  const resolved = path.resolve(root);
  if (resolved === '/') throw new RpmLabError('refusing to install into the machine\'s own root');
  const stat = await fs.stat(resolved).catch(() => null);
  if (!stat?.isDirectory()) throw new RpmLabError(`${resolved} is not a directory`);
  return resolved;
}

/**
 * Writes `<root>/etc/dnf/vars/labmirror` (host:port of the mirror, as the release packages' repo
 * files use it: http://$labmirror/...).
 */
export async function writeLabMirrorVar(root: string, mirror: LabMirror | string): Promise<void> {
  const resolved = await assertRoot(root);
  const varsDir = path.join(resolved, 'etc/dnf/vars');
  await fs.mkdir(varsDir, { recursive: true, mode: 0o755 });
  await fs.writeFile(path.join(varsDir, 'labmirror'), `${mirrorHostPort(mirror)}\n`, { mode: 0o644 });
}

/**
 * Installs the source OS (CentOS `el`) into a lab host's root with `dnf --installroot` from this
 * machine, through the mirror (the lab must be up: the mirror's address is the lab bridge). The
 * repositories used for the install are in a throwaway reposdir; afterwards the root has only
 * what its packages ship (CentOS-Base.repo). Works while the host runs: its root is the overlay
 * mounted at labHostRoot(state, name), the same one its processes see.
 */
export async function installSourceOs(root: string, opts: InstallSourceOsOptions): Promise<void> {
  const resolved = await assertRoot(root);
  const hostPort = mirrorHostPort(opts.mirror);
  const el = opts.el;
  if (el !== 7 && el !== 8) throw new RpmLabError(`el must be 7 or 8, not ${String(el)}`);
  const packages = opts.packages ?? LAB_CLEAN_PACKAGES;
  for (const pkg of packages) {
    if (!/^[A-Za-z0-9._+-][A-Za-z0-9._+:~-]*$/.test(pkg)) throw new RpmLabError(`bad package name ${JSON.stringify(pkg)}`);
  }
  await writeLabMirrorVar(resolved, hostPort);
  const reposdir = await fs.mkdtemp(path.join(os.tmpdir(), 'osdeck-lab-reposdir-'));
  try {
    const repos = [repoFile(`lab-install-centos${el}`, `osdeck lab install: CentOS ${el}`, `http://${hostPort}/${LAB_REPO_PATHS.centos[el]}/`)];
    if (opts.thirdParty) {
      repos.push(repoFile(`lab-install-acme-el${el}`, `osdeck lab install: Acme el${el}`, `http://${hostPort}/${LAB_REPO_PATHS.acme[el]}/`));
    }
    await fs.writeFile(path.join(reposdir, 'lab-install.repo'), repos.join('\n'));
    await run(
      'dnf',
      [
        '-y',
        `--installroot=${resolved}`,
        `--releasever=${el}`,
        `--setopt=reposdir=${reposdir}`,
        '--setopt=install_weak_deps=False',
        '--setopt=skip_if_unavailable=False',
        '--setopt=keepcache=False',
        'install',
        ...packages,
      ],
      { env: RPM_ENV(), onLog: opts.onLog, timeoutMs: DNF_TIMEOUT_MS },
    );
  } finally {
    await fs.rm(reposdir, { recursive: true, force: true });
  }
}

/**
 * `rpm --root <root> -i <rpms>`: plants packages dnf would not install, e.g. a second lab-dup
 * version next to the first (a duplicate).
 */
export async function rpmInstallExtra(root: string, rpmPaths: readonly string[], opts: { nodeps?: boolean; onLog?: LabLog } = {}): Promise<void> {
  const resolved = await assertRoot(root);
  if (rpmPaths.length === 0) return;
  await run('rpm', ['--root', resolved, '-i', ...(opts.nodeps ? ['--nodeps'] : []), '--', ...rpmPaths.map((p) => path.resolve(p))], {
    env: RPM_ENV(),
    onLog: opts.onLog,
  });
}

/** `rpm --root <root> -qa`, as sorted NEVRAs (name-version-release.arch; epochs are not used). */
export async function rpmQueryAll(root: string): Promise<string[]> {
  const resolved = await assertRoot(root);
  const out = await run('rpm', ['--root', resolved, '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n'], { env: RPM_ENV() });
  return out.split('\n').filter(Boolean).sort();
}
