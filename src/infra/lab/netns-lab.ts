// The lab: N real SSH hosts on this machine, one network namespace each.
//
// Each host is a netns `osdeck-lab-<i>` joined to the root namespace by a veth pair whose root
// end sits on the bridge `osdeck-lab0` (198.18.0.1/15), and runs its own sshd (own host key,
// own UTS namespace so `hostname` answers `lab-<i>`) listening only on its lab address. Each
// host also has its own /etc: an overlay over the machine's, reset at every start, so tuning and
// migration work on a host change that host only (its /etc/ssh/sshd_config is the config its
// sshd runs). /proc/sys/net is per namespace too; kernel-wide sysctls are shared with the machine.
// Nothing is routed out of 198.18.0.0/15: the root namespace does not forward, and we never
// touch ip_forward or iptables.
//
// With `rootfs` (the RPM migration lab, see rpm-lab.ts), a host does not share the machine's
// files at all: its root is an overlay over a prepared base root (lower layer, read-only, shared
// by every host) mounted in the machine's mount namespace at <hostDir>/root, fresh at every
// start, and its sshd runs chrooted into it with proc, sysfs and /dev mounted inside the host's
// private mount namespace. The machine (dnf --installroot, tests) changes a running host's files
// through <hostDir>/root: it is the same overlay.
//
// Every external program is run with an argument array (never a shell string built from
// values); the `sh -c` scripts below get their values as positional parameters.

import { spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import {
  LAB_BRIDGE_ADDRESS,
  LAB_BRIDGE_MAC,
  LAB_BRIDGE_NAME,
  LAB_HOST_INTERFACE,
  LAB_PREFIX_LENGTH,
  LAB_SSH_PORT,
  LAB_SSH_USER,
  isInLabNetwork,
  labHostAddress,
  labHostCountProblem,
  labHostMac,
  labHostIndices,
  labHostName,
  labNetnsName,
  labVethName,
  parseLabHostName,
  parseLabNetnsName,
  parseLabVethName,
} from '../../domain/lab-addressing';

// ---------------------------------------------------------------------------------------------
// Public contract

export interface LabHost {
  name: string;
  index: number;
  netns: string;
  address: string;
  port: number;
  user: string;
  hostname: string;
  /** With `rootfs`: the host's root directory as seen from the machine (<hostDir>/root). */
  rootDir?: string;
}

export interface LabRootfs {
  /** a prepared root directory (rpm-lab.ts ensureBaseRootfs): the read-only lower layer */
  base: string;
}

export interface LabUpOptions {
  dir: string;
  hosts: number;
  onProgress?: (done: number, total: number) => void;
  /** Run every host chrooted into its own overlay over `base` instead of the machine's files. */
  rootfs?: LabRootfs;
}

export interface LabState {
  hosts: LabHost[];
  privateKeyPath: string;
  publicKey: string;
  dir: string;
  /** present when the lab was started with `rootfs` */
  rootfs?: LabRootfs;
}

export type LabHostStatus = LabHost & { netnsExists: boolean; sshdRunning: boolean; reachable: boolean };

export type LabErrorCode =
  | 'LAB_NOT_ROOT'
  | 'LAB_MISSING_TOOL'
  | 'LAB_BAD_HOST_COUNT'
  | 'LAB_BAD_DIR'
  | 'LAB_NOT_RUNNING'
  | 'LAB_UNKNOWN_HOST'
  | 'LAB_SETUP_FAILED'
  | 'LAB_TEARDOWN_FAILED';

export class LabError extends Error {
  readonly code: LabErrorCode;
  /** The lab host the failure belongs to, when there is one. */
  readonly host: string | undefined;

  constructor(code: LabErrorCode, message: string, options: { host?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
    this.host = options.host;
  }
}

// ---------------------------------------------------------------------------------------------
// Tuning

// 16 hosts in flight keeps both cores busy with sshd start-ups without thrashing.
const SETUP_CONCURRENCY = 16;
const STATUS_CONCURRENCY = 32;
const SSHD_READY_TIMEOUT_MS = 20_000;
const SSH_PROBE_TIMEOUT_MS = 2_000;
const PIDFILE_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 60_000;
const TERM_GRACE_MS = 3_000;
const LINK_SETTLE_MS = 10_000;
const LINK_GONE_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 50;
const PROBE_IDENTIFICATION = 'SSH-2.0-osdeck-lab-probe\r\n';
const STATE_VERSION = 1;
// iproute2 keeps named namespaces here (ip-netns(8)); we stat them to match processes.
const NETNS_RUN_DIR = '/var/run/netns';
// sshd refuses to start without its privilege-separation directory.
const SSHD_PRIVSEP_DIR = '/run/sshd';

// ---------------------------------------------------------------------------------------------
// Running programs

class CommandFailure extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}

interface CommandOptions {
  input?: string;
  timeoutMs?: number;
}

/** Runs a program with an argument array; resolves to stdout, rejects with stderr on failure. */
function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? COMMAND_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new CommandFailure(`${path.basename(file)}: ${error.message}`, ''));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8').trim();
      if (code === 0) return resolve(out);
      const how = timedOut ? 'timed out' : signal ? `killed by ${signal}` : `exited ${String(code)}`;
      const shown = [path.basename(file), ...args].join(' ');
      reject(new CommandFailure(`${shown.slice(0, 200)} ${how}${err ? `: ${err}` : ''}`, err));
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => {}); // reported through 'close' instead
      child.stdin?.end(options.input);
    }
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` over `items`, at most `limit` at a time; stops scheduling at the first failure. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}

// ---------------------------------------------------------------------------------------------
// Preconditions

interface LabTools {
  ip: string;
  sshd: string;
  sshKeygen: string;
  unshare: string;
  hostname: string;
  sh: string;
  mount: string;
  umount: string;
  chroot: string;
}

const TOOL_PACKAGES: Record<keyof LabTools, { program: string; debianPackage: string }> = {
  ip: { program: 'ip', debianPackage: 'iproute2' },
  sshd: { program: 'sshd', debianPackage: 'openssh-server' },
  sshKeygen: { program: 'ssh-keygen', debianPackage: 'openssh-client' },
  unshare: { program: 'unshare', debianPackage: 'util-linux' },
  hostname: { program: 'hostname', debianPackage: 'hostname' },
  sh: { program: 'sh', debianPackage: 'dash' },
  mount: { program: 'mount', debianPackage: 'mount' },
  umount: { program: 'umount', debianPackage: 'mount' },
  chroot: { program: 'chroot', debianPackage: 'coreutils' },
};

// sbin directories are often missing from PATH under sudo or in services.
const EXTRA_TOOL_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];

async function findExecutable(program: string): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => path.isAbsolute(d)), ...EXTRA_TOOL_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, program);
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

function assertRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new LabError(
      'LAB_NOT_ROOT',
      'the lab must run as root: it creates network namespaces, veth pairs, a bridge and sshd processes',
    );
  }
}

/** Absolute paths of every program the lab runs (sshd must be absolute: it re-executes itself). */
async function findLabTools(needed: ReadonlyArray<keyof LabTools>): Promise<LabTools> {
  const found: Partial<LabTools> = {};
  const missing: string[] = [];
  for (const key of needed) {
    const { program, debianPackage } = TOOL_PACKAGES[key];
    const location = await findExecutable(program);
    if (location) found[key] = location;
    else missing.push(`${program} (Debian package ${debianPackage})`);
  }
  if (missing.length > 0) {
    throw new LabError('LAB_MISSING_TOOL', `the lab needs programs that are not installed: ${missing.join(', ')}`);
  }
  return found as LabTools;
}

const ALL_TOOLS: ReadonlyArray<keyof LabTools> = ['ip', 'sshd', 'sshKeygen', 'unshare', 'hostname', 'sh', 'mount'];
const ROOTFS_TOOLS: ReadonlyArray<keyof LabTools> = [...ALL_TOOLS, 'umount', 'chroot'];

// ---------------------------------------------------------------------------------------------
// Files in the lab directory

interface LabPaths {
  dir: string;
  statePath: string;
  privateKeyPath: string;
  publicKeyPath: string;
  authorizedKeysPath: string;
  hostsDir: string;
}

interface HostPaths {
  /** the host's own /etc: overlay layers over the machine's */
  etcUpper: string;
  etcWork: string;
  hostDir: string;
  hostKeyPath: string;
  /** sshd's config, PidFile and -E log as seen from the machine */
  configPath: string;
  pidPath: string;
  logPath: string;
  /** with rootfs: the host's root (overlay mount point) and its layers, else null */
  root: RootPaths | null;
}

interface RootPaths {
  dir: string;
  upper: string;
  work: string;
}

// Inside a chroot host, sshd runs the root's own /etc/ssh/sshd_config (so tuning and migration
// edit the config it really runs) and keeps its pid and log inside the root too.
const ROOT_SSHD = '/usr/sbin/sshd';
const ROOT_SSHD_CONFIG = '/etc/ssh/sshd_config';
const ROOT_HOST_KEY = '/etc/ssh/ssh_host_ed25519_key';
const ROOT_PID_FILE = '/run/sshd.pid';
const ROOT_SSHD_LOG = '/var/log/osdeck-lab-sshd.log';
// Overlay mount options are comma-separated and lowerdir is colon-separated.
const SAFE_OVERLAY_PATH = /^[A-Za-z0-9._/@+=~ -]+$/;

// Paths end up inside sshd_config (quoted); a conservative alphabet keeps quoting and
// sshd's %-token expansion (AuthorizedKeysFile) from ever changing their meaning.
const SAFE_DIR = /^[A-Za-z0-9._/@+=,:~ -]+$/;

function labPaths(dirOption: string): LabPaths {
  if (typeof dirOption !== 'string' || dirOption.trim() === '') {
    throw new LabError('LAB_BAD_DIR', 'lab directory must be a non-empty path');
  }
  const dir = path.resolve(dirOption);
  if (!SAFE_DIR.test(dir)) {
    throw new LabError(
      'LAB_BAD_DIR',
      `lab directory ${JSON.stringify(dir)} contains characters not allowed in an sshd_config path (allowed: letters, digits, space and ._/@+=,:~-)`,
    );
  }
  return {
    dir,
    statePath: path.join(dir, 'state.json'),
    privateKeyPath: path.join(dir, 'id_ed25519'),
    publicKeyPath: path.join(dir, 'id_ed25519.pub'),
    authorizedKeysPath: path.join(dir, 'authorized_keys'),
    hostsDir: path.join(dir, 'hosts'),
  };
}

function hostPaths(paths: LabPaths, hostName: string, chrooted = false): HostPaths {
  const hostDir = path.join(paths.hostsDir, hostName);
  const rootDir = path.join(hostDir, 'root');
  const inRoot = (file: string): string => path.join(rootDir, file);
  return {
    hostDir,
    hostKeyPath: path.join(hostDir, 'ssh_host_ed25519_key'),
    configPath: chrooted ? inRoot(ROOT_SSHD_CONFIG) : path.join(hostDir, 'sshd_config'),
    pidPath: chrooted ? inRoot(ROOT_PID_FILE) : path.join(hostDir, 'sshd.pid'),
    logPath: chrooted ? inRoot(ROOT_SSHD_LOG) : path.join(hostDir, 'sshd.log'),
    etcUpper: path.join(hostDir, 'etc-upper'),
    etcWork: path.join(hostDir, 'etc-work'),
    root: chrooted ? { dir: rootDir, upper: path.join(hostDir, 'root-upper'), work: path.join(hostDir, 'root-work') } : null,
  };
}

/** The root directory of a lab host started with `rootfs`, as seen from this machine. */
export function labHostRoot(state: LabState, name: string): string {
  const host = state.hosts.find((candidate) => candidate.name === name);
  if (!host) throw new LabError('LAB_UNKNOWN_HOST', `no lab host named ${JSON.stringify(name)}`);
  if (!state.rootfs) throw new LabError('LAB_NOT_RUNNING', `the lab in ${state.dir} was not started with rootfs: its hosts share the machine's root`, { host: name });
  return hostPaths(labPaths(state.dir), host.name, true).root?.dir as string;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Generates an ed25519 key pair so that `target` only ever appears complete (pub first). */
async function generateEd25519Key(tools: LabTools, target: string, comment: string): Promise<void> {
  const temporary = `${target}.new`;
  await fs.rm(temporary, { force: true });
  await fs.rm(`${temporary}.pub`, { force: true });
  await runCommand(tools.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', temporary]);
  await fs.rename(`${temporary}.pub`, `${target}.pub`);
  await fs.rename(temporary, target);
}

/** The lab's client key pair: generated once, reused by every later labUp. */
async function ensureClientKey(tools: LabTools, paths: LabPaths): Promise<string> {
  if (!(await exists(paths.privateKeyPath))) {
    await generateEd25519Key(tools, paths.privateKeyPath, 'osdeck-lab');
  } else if (!(await exists(paths.publicKeyPath))) {
    const publicKey = await runCommand(tools.sshKeygen, ['-y', '-f', paths.privateKeyPath]);
    await fs.writeFile(paths.publicKeyPath, publicKey, { mode: 0o644 });
  }
  // ssh refuses identity files readable by others.
  await fs.chmod(paths.privateKeyPath, 0o600);
  return (await fs.readFile(paths.publicKeyPath, 'utf8')).trim();
}

// ---------------------------------------------------------------------------------------------
// State file

function describeLabHost(index: number, paths?: LabPaths): LabHost {
  const name = labHostName(index);
  return {
    name,
    index,
    netns: labNetnsName(index),
    address: labHostAddress(index),
    port: LAB_SSH_PORT,
    user: LAB_SSH_USER,
    hostname: name,
    ...(paths ? { rootDir: hostPaths(paths, name, true).root?.dir as string } : {}),
  };
}

function isLabHost(value: unknown): value is LabHost {
  if (typeof value !== 'object' || value === null) return false;
  const host = value as Record<string, unknown>;
  if (typeof host.index !== 'number' || parseLabHostName(String(host.name)) !== host.index) return false;
  const expected = describeLabHost(host.index);
  // Anything that does not match our own addressing is not something we created.
  return (
    host.netns === expected.netns &&
    host.address === expected.address &&
    isInLabNetwork(String(host.address)) &&
    host.port === expected.port &&
    host.user === expected.user &&
    host.hostname === expected.hostname
  );
}

/** The lab described by `<dir>/state.json`, or null if there is none or it is unreadable. */
export async function readLabState(dir: string): Promise<LabState | null> {
  const paths = labPaths(dir);
  let text: string;
  try {
    text = await fs.readFile(paths.statePath, 'utf8');
  } catch {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  if (!Array.isArray(record.hosts) || !record.hosts.every(isLabHost)) return null;
  if (typeof record.publicKey !== 'string') return null;
  const rootfs = record.rootfs as Record<string, unknown> | undefined;
  if (rootfs !== undefined && (typeof rootfs !== 'object' || rootfs === null || typeof rootfs.base !== 'string')) return null;
  return {
    hosts: record.hosts.map((host: LabHost) => describeLabHost(host.index, rootfs ? paths : undefined)),
    privateKeyPath: paths.privateKeyPath,
    publicKey: record.publicKey,
    dir: paths.dir,
    ...(rootfs ? { rootfs: { base: rootfs.base as string } } : {}),
  };
}

async function writeLabState(paths: LabPaths, state: LabState): Promise<void> {
  const temporary = `${paths.statePath}.new`;
  await fs.writeFile(temporary, `${JSON.stringify({ version: STATE_VERSION, ...state }, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temporary, paths.statePath);
}

// ---------------------------------------------------------------------------------------------
// Processes

async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name. Zombies are dead: our init may not reap them.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function readCommandLine(pid: number): Promise<string> {
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The listening sshd of a lab host: pid from its PidFile, if that process still runs our config. */
async function readSshdPid(host: HostPaths): Promise<number | null> {
  let text: string;
  try {
    text = await fs.readFile(host.pidPath, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 1) return null;
  if (!(await isProcessAlive(pid))) return null;
  // Guards against a recycled pid: sshd keeps `-f <config>` visible in its process title.
  const commandLine = await readCommandLine(pid);
  if (host.root) {
    // Every chrooted sshd runs /etc/ssh/sshd_config: the root it runs in tells them apart.
    const root = await fs.readlink(`/proc/${pid}/root`).catch(() => '');
    return root === host.root.dir && commandLine.includes(` -f ${ROOT_SSHD_CONFIG}`) ? pid : null;
  }
  return commandLine.includes(host.configPath) ? pid : null;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL whatever is still alive after a grace period. */
async function terminate(pids: readonly number[]): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  let alive = [...pids];
  const deadline = Date.now() + TERM_GRACE_MS;
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(POLL_INTERVAL_MS);
    alive = (await Promise.all(alive.map(async (pid) => ((await isProcessAlive(pid)) ? pid : null)))).filter(
      (pid): pid is number => pid !== null,
    );
  }
  for (const pid of alive) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + TERM_GRACE_MS;
  while (alive.length > 0 && Date.now() < killDeadline) {
    await sleep(POLL_INTERVAL_MS);
    alive = (await Promise.all(alive.map(async (pid) => ((await isProcessAlive(pid)) ? pid : null)))).filter(
      (pid): pid is number => pid !== null,
    );
  }
}

/**
 * Processes to kill on teardown: everything inside a lab namespace (found like
 * `ip netns pids`, but in one pass over /proc instead of one fork per namespace), plus any
 * sshd still running one of this lab dir's configs outside them (left by an interrupted
 * teardown that already removed the namespace's name).
 */
async function findLabProcesses(netnsNames: readonly string[], paths: LabPaths, namespacesOnly = false): Promise<number[]> {
  const labNamespaces = new Set<string>();
  for (const name of netnsNames) {
    try {
      const stat = await fs.stat(path.join(NETNS_RUN_DIR, name), { bigint: true });
      labNamespaces.add(`net:[${stat.ino}]`);
    } catch {
      // vanished meanwhile
    }
  }
  const hostsMarker = `${paths.hostsDir}/`;
  const found: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || pid <= 1) continue;
    let inLabNamespace = false;
    try {
      inLabNamespace = labNamespaces.has(await fs.readlink(`/proc/${pid}/ns/net`));
    } catch {
      continue; // exited, or a zombie
    }
    if (inLabNamespace) {
      found.push(pid);
      continue;
    }
    if (namespacesOnly) continue;
    const commandLine = await readCommandLine(pid);
    // sshd's process title is `sshd: /usr/sbin/sshd -f <config> … [listener] …`.
    if (/^(sshd: )?\S*sshd /.test(commandLine) && commandLine.includes(` -f ${hostsMarker}`)) {
      found.push(pid);
      continue;
    }
    // Anything chrooted into a lab host's root (a rootfs host's sshd, its sessions, what they left running).
    const root = await fs.readlink(`/proc/${pid}/root`).catch(() => '');
    if (root.startsWith(hostsMarker)) found.push(pid);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Network objects

interface LabNetwork {
  netns: string[];
  veths: string[];
  bridge: boolean;
}

async function discoverLabNetwork(tools: Pick<LabTools, 'ip'>): Promise<LabNetwork> {
  const netnsList = JSON.parse((await runCommand(tools.ip, ['-j', 'netns', 'list'])).trim() || '[]') as Array<{
    name?: string;
  }>;
  const links = JSON.parse((await runCommand(tools.ip, ['-j', 'link', 'show'])).trim() || '[]') as Array<{
    ifname?: string;
  }>;
  const linkNames = links.map((link) => link.ifname ?? '');
  return {
    netns: netnsList.map((ns) => ns.name ?? '').filter((name) => parseLabNetnsName(name) !== null),
    veths: linkNames.filter((name) => parseLabVethName(name) !== null),
    bridge: linkNames.includes(LAB_BRIDGE_NAME),
  };
}

function isEmptyNetwork(network: LabNetwork): boolean {
  return network.netns.length === 0 && network.veths.length === 0 && !network.bridge;
}

/** Runs `ip -batch -`: one fork for many commands. */
async function runIpBatch(tools: Pick<LabTools, 'ip'>, lines: readonly string[], extraArgs: readonly string[] = []): Promise<void> {
  if (lines.length === 0) return;
  await runCommand(tools.ip, [...extraArgs, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

function failedBatchLine(error: unknown): number | null {
  const match = /Command failed -:(\d+)/.exec(error instanceof CommandFailure ? error.stderr : describe(error));
  return match ? Number(match[1]) : null;
}

async function createBridge(tools: LabTools): Promise<void> {
  try {
    await runIpBatch(tools, [
      `link add ${LAB_BRIDGE_NAME} address ${LAB_BRIDGE_MAC} type bridge`,
      `link set ${LAB_BRIDGE_NAME} addrgenmode none`,
      `addr add ${LAB_BRIDGE_ADDRESS}/${LAB_PREFIX_LENGTH} dev ${LAB_BRIDGE_NAME}`,
      `link set ${LAB_BRIDGE_NAME} up`,
    ]);
  } catch (error) {
    throw new LabError('LAB_SETUP_FAILED', `creating bridge ${LAB_BRIDGE_NAME}: ${describe(error)}`, { cause: error });
  }
}

const ROOT_LINES_PER_HOST = 4;

/**
 * Creates every namespace and veth pair in one `ip -batch` process: one fork instead of 4N,
 * and namespaces are created serially, which avoids concurrent `ip netns add` racing to
 * set up the /run/netns mount. Each host also gets a permanent neighbour entry (see
 * labMacForAddress for why ARP is avoided). IPv6 is off on lab links (addrgenmode none: no
 * link-local address, so no DAD, router or MLD chatter): the lab is IPv4-only, and on one
 * bridge every such multicast is copied to every host, N² while the lab comes up.
 */
async function createNamespacesAndVeths(tools: LabTools, hosts: readonly LabHost[]): Promise<void> {
  const lines = hosts.flatMap((host) => {
    const veth = labVethName(host.index);
    const mac = labHostMac(host.index);
    return [
      `netns add ${host.netns}`,
      `link add ${veth} master ${LAB_BRIDGE_NAME} type veth peer name ${LAB_HOST_INTERFACE} address ${mac} netns ${host.netns}`,
      `link set ${veth} addrgenmode none up`,
      `neigh replace ${host.address} lladdr ${mac} dev ${LAB_BRIDGE_NAME} nud permanent`,
    ];
  });
  try {
    await runIpBatch(tools, lines);
  } catch (error) {
    const line = failedBatchLine(error);
    const host = line === null ? undefined : hosts[Math.floor((line - 1) / ROOT_LINES_PER_HOST)];
    const what = host ? `${host.name}: creating network namespace ${host.netns} and veth` : 'creating network namespaces and veths';
    throw new LabError('LAB_SETUP_FAILED', `${what}: ${describe(error)}`, { host: host?.name, cause: error });
  }
}

/** Inside the host's namespace: lo up, its address on eth0, default route via the bridge. */
async function configureHostNetwork(tools: LabTools, host: LabHost): Promise<void> {
  await runIpBatch(
    tools,
    [
      'link set lo up',
      `link set ${LAB_HOST_INTERFACE} addrgenmode none`,
      `addr add ${host.address}/${LAB_PREFIX_LENGTH} dev ${LAB_HOST_INTERFACE}`,
      `link set ${LAB_HOST_INTERFACE} up`,
      `neigh replace ${LAB_BRIDGE_ADDRESS} lladdr ${LAB_BRIDGE_MAC} dev ${LAB_HOST_INTERFACE} nud permanent`,
      `route add default via ${LAB_BRIDGE_ADDRESS}`,
    ],
    ['-n', host.netns],
  );
}

// ---------------------------------------------------------------------------------------------
// sshd

function renderSshdConfig(host: LabHost, files: HostPaths, paths: LabPaths): string {
  // A chrooted sshd sees only the root: its key, pid file and keys are the root's own files.
  const chrooted = files.root !== null;
  return [
    '# Written by osdeck lab; rewritten on every start.',
    `ListenAddress ${host.address}`,
    `Port ${host.port}`,
    `HostKey "${chrooted ? ROOT_HOST_KEY : files.hostKeyPath}"`,
    `PidFile "${chrooted ? ROOT_PID_FILE : files.pidPath}"`,
    `AuthorizedKeysFile "${chrooted ? '.ssh/authorized_keys' : paths.authorizedKeysPath}"`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${LAB_SSH_USER}`,
    'UsePAM no',
    // The lab dir may sit under a world-writable temp dir; the files are ours anyway.
    'StrictModes no',
    'MaxSessions 10',
    // Benchmarks open hundreds of connections at once; the default 10:30:100 drops them.
    'MaxStartups 200:30:400',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'Subsystem sftp internal-sftp',
    // Errors only: every benchmark connection would otherwise add lines to sshd.log.
    'LogLevel ERROR',
    '',
  ].join('\n');
}

async function readLogTail(file: string): Promise<string> {
  try {
    const text = (await fs.readFile(file, 'utf8')).trim();
    return text.split('\n').slice(-5).join(' | ');
  } catch {
    return '';
  }
}

/**
 * Connects from the root namespace and waits for the `SSH-` identification line. It then
 * sends its own identification and closes politely: a bare close makes sshd log
 * `kex_exchange_identification: Connection closed` at ERROR level on every probe.
 */
function probeSshBanner(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    let received = '';
    const socket = net.connect({ host: address, port });
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
      if (!ok) {
        socket.destroy();
        return;
      }
      socket.end(PROBE_IDENTIFICATION);
      setTimeout(() => socket.destroy(), SSH_PROBE_TIMEOUT_MS).unref();
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (settled) return;
      received += chunk;
      if (received.includes('\n')) finish(received.startsWith('SSH-'));
      else if (received.length > 255) finish(false);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

async function waitForSsh(host: LabHost, files: HostPaths): Promise<number> {
  const deadline = Date.now() + SSHD_READY_TIMEOUT_MS;
  while (!(await probeSshBanner(host.address, host.port, SSH_PROBE_TIMEOUT_MS))) {
    if (Date.now() >= deadline) {
      const log = await readLogTail(files.logPath);
      throw new Error(
        `sshd did not answer on ${host.address}:${host.port} within ${SSHD_READY_TIMEOUT_MS / 1000} s${log ? `; sshd.log: ${log}` : ''}`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }
  // sshd writes its PidFile right after it starts listening, so this is normally immediate.
  const pidDeadline = Date.now() + PIDFILE_TIMEOUT_MS;
  for (;;) {
    const pid = await readSshdPid(files);
    if (pid !== null) return pid;
    if (Date.now() >= pidDeadline) throw new Error(`sshd answers but wrote no usable PidFile ${files.pidPath}`);
    await sleep(POLL_INTERVAL_MS);
  }
}

/**
 * Starts the host's sshd inside its netns and a fresh UTS namespace (so `hostname` is the
 * lab host's own). sshd daemonizes, so this returns once it has forked; readiness is
 * checked separately over TCP.
 */
async function startSshd(tools: LabTools, host: LabHost, files: HostPaths): Promise<void> {
  if (files.root) return startChrootSshd(tools, host, files, files.root);
  await fs.rm(files.pidPath, { force: true });
  await fs.writeFile(files.logPath, '');
  // A lab host is a fresh server, not this workstation: the machine's own /root/.bashrc (which
  // Debian's bash sources for every sshd session, here running `pyenv init`) is masked inside the
  // host's private mount namespace. Otherwise every remote command pays for it.
  const bashrc = path.join(path.dirname(path.dirname(files.hostDir)), 'root-bashrc');
  await fs.writeFile(bashrc, '# osdeck lab host: no per-user shell setup\n', { mode: 0o644 });
  // a fresh /etc on every start: the overlay's upper layer holds only what this host changed.
  // `ip netns exec` mounts a fresh /sys without the cgroup hierarchies; the machine's are mounted
  // again there (same controllers, so the same hierarchies) so a lab host sees its cgroups.
  await fs.rm(files.etcUpper, { recursive: true, force: true });
  await fs.rm(files.etcWork, { recursive: true, force: true });
  await fs.mkdir(files.etcUpper, { mode: 0o755 });
  await fs.mkdir(files.etcWork, { mode: 0o700 });
  try {
    await runCommand(tools.ip, [
      'netns', 'exec', host.netns,
      tools.unshare, '--uts', '--mount', '--propagation', 'private',
      tools.sh, '-c',
      '"$1" "$2" && { [ ! -e /root/.bashrc ] || "$7" --bind "$6" /root/.bashrc; } && "$7" -t overlay osdeck-lab-etc -o "lowerdir=/etc,upperdir=$8,workdir=$9" /etc && ln -sfn "$4" /etc/ssh/sshd_config && { [ -z "\${10}" ] || { "$7" -t tmpfs -o mode=755 osdeck-lab-cgroup /sys/fs/cgroup && printf "%s\\n" "\${10}" | while read -r t o p; do mkdir -p "$p" && "$7" -t "$t" -o "$o" "$t" "$p" || exit 1; done; }; } && exec "$3" -f "$4" -E "$5"',
      'osdeck-lab-sshd', tools.hostname, host.hostname, tools.sshd, files.configPath, files.logPath, bashrc, tools.mount, files.etcUpper, files.etcWork, await cgroupMounts(),
    ]);
  } catch (error) {
    // sshd logs its reason (bad key, bad config) to -E; the wrapper command line is noise.
    const log = await readLogTail(files.logPath);
    const stderr = error instanceof CommandFailure ? error.stderr : '';
    throw new Error(`sshd did not start: ${log || stderr || describe(error)}`, { cause: error });
  }
}

/** The machine's cgroup mounts as "fstype options mountpoint" lines. */
async function cgroupMounts(): Promise<string> {
  const text = await fs.readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => (f[2] === 'cgroup' || f[2] === 'cgroup2') && /^\/sys\/fs\/cgroup(\/[A-Za-z0-9_,.=-]+)?$/.test(f[1] ?? '') && /^[A-Za-z0-9_,.=-]+$/.test(f[3] ?? ''))
    .map((f) => `${f[2]} ${f[3]} ${f[1]}`)
    .join('\n');
}

async function ensureHostKey(tools: LabTools, host: LabHost, files: HostPaths): Promise<void> {
  // Reused across labUp runs, so host keys pinned by osdeck stay valid when the lab is rebuilt.
  if (!(await exists(files.hostKeyPath))) await generateEd25519Key(tools, files.hostKeyPath, `${host.name}-host`);
}

async function writeSshdConfig(host: LabHost, files: HostPaths, paths: LabPaths): Promise<void> {
  if (files.root) return writeRootSshFiles(host, files, paths, files.root);
  await fs.writeFile(files.configPath, renderSshdConfig(host, files, paths), { mode: 0o644 });
}

// ---------------------------------------------------------------------------------------------
// Hosts with their own root (rootfs)

function checkRootfsPaths(paths: LabPaths, rootfs: LabRootfs): string {
  if (typeof rootfs.base !== 'string' || rootfs.base.trim() === '') throw new LabError('LAB_BAD_DIR', 'rootfs.base must be a non-empty path');
  const base = path.resolve(rootfs.base);
  for (const [what, dir] of [['rootfs base', base], ['lab directory', paths.dir]] as const) {
    if (!SAFE_OVERLAY_PATH.test(dir)) {
      throw new LabError(
        'LAB_BAD_DIR',
        `${what} ${JSON.stringify(dir)} cannot be used in an overlay mount (allowed: letters, digits, space and ._/@+=~-)`,
      );
    }
  }
  if (base === '/' || `${paths.dir}/`.startsWith(`${base}/`)) {
    throw new LabError('LAB_BAD_DIR', `rootfs base ${base} must not contain the lab directory ${paths.dir}`);
  }
  return base;
}

async function assertRootfsBase(base: string): Promise<void> {
  if (!(await exists(path.join(base, ROOT_SSHD.slice(1))))) {
    throw new LabError('LAB_BAD_DIR', `rootfs base ${base} has no ${ROOT_SSHD} (prepare it with ensureBaseRootfs in rpm-lab.ts)`);
  }
}

/**
 * Mounts a fresh overlay at <hostDir>/root, in the machine's mount namespace: the base is the
 * read-only lower layer, the upper layer (everything this host changes) is wiped first.
 */
async function mountHostRoot(tools: LabTools, base: string, root: RootPaths): Promise<void> {
  await unmountUnder(tools, root.dir);
  await fs.rm(root.upper, { recursive: true, force: true });
  await fs.rm(root.work, { recursive: true, force: true });
  await fs.mkdir(root.upper, { mode: 0o755 });
  await fs.mkdir(root.work, { mode: 0o700 });
  await fs.mkdir(root.dir, { recursive: true, mode: 0o755 });
  await runCommand(tools.mount, [
    '-t', 'overlay', 'osdeck-lab-root', '-o', `lowerdir=${base},upperdir=${root.upper},workdir=${root.work}`, root.dir,
  ]);
}

/** Writes the host's sshd config, host key, authorized key and name into its root. */
async function writeRootSshFiles(host: LabHost, files: HostPaths, paths: LabPaths, root: RootPaths): Promise<void> {
  const inRoot = (file: string): string => path.join(root.dir, file);
  await fs.mkdir(inRoot('/etc/ssh'), { recursive: true, mode: 0o755 });
  await fs.writeFile(files.configPath, renderSshdConfig(host, files, paths), { mode: 0o644 });
  for (const suffix of ['', '.pub']) {
    const target = inRoot(`${ROOT_HOST_KEY}${suffix}`);
    await fs.rm(target, { force: true });
    await fs.copyFile(`${files.hostKeyPath}${suffix}`, target);
    await fs.chmod(target, suffix ? 0o644 : 0o600);
  }
  await fs.mkdir(inRoot('/root/.ssh'), { recursive: true, mode: 0o700 });
  await fs.chmod(inRoot('/root/.ssh'), 0o700);
  await fs.copyFile(paths.authorizedKeysPath, inRoot('/root/.ssh/authorized_keys'));
  await fs.chmod(inRoot('/root/.ssh/authorized_keys'), 0o600);
  await fs.writeFile(inRoot('/etc/hostname'), `${host.hostname}\n`, { mode: 0o644 });
  await fs.writeFile(
    inRoot('/etc/hosts'),
    `127.0.0.1\tlocalhost\n${host.address}\t${host.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
    { mode: 0o644 },
  );
  await fs.mkdir(inRoot('/run/sshd'), { recursive: true, mode: 0o755 });
}

/**
 * Starts the root's own sshd chrooted into the host's root, inside its netns and a fresh UTS and
 * mount namespace. proc, sysfs (this netns's view), the machine's cgroup hierarchies and /dev
 * (recursively, so devpts comes along) are mounted into the root inside that private namespace:
 * they never appear in the machine's mount table, and go away with the host's last process.
 */
async function startChrootSshd(tools: LabTools, host: LabHost, files: HostPaths, root: RootPaths): Promise<void> {
  await fs.rm(files.pidPath, { force: true });
  await fs.mkdir(path.dirname(files.logPath), { recursive: true });
  await fs.writeFile(files.logPath, '');
  try {
    await runCommand(tools.ip, [
      'netns', 'exec', host.netns,
      tools.unshare, '--uts', '--mount', '--propagation', 'private',
      tools.sh, '-c',
      '"$1" "$2" && r="$3" && m="$4" && "$m" -t proc proc "$r/proc" && "$m" -t sysfs sysfs "$r/sys" && ' +
        '{ [ -z "$5" ] || { "$m" -t tmpfs -o mode=755 osdeck-lab-cgroup "$r/sys/fs/cgroup" && printf "%s\\n" "$5" | while read -r t o p; do mkdir -p "$r$p" && "$m" -t "$t" -o "$o" "$t" "$r$p" || exit 1; done; }; } && ' +
        '"$m" --rbind /dev "$r/dev" && exec "$6" "$r" "$7" -f "$8" -E "$9"',
      'osdeck-lab-sshd', tools.hostname, host.hostname, root.dir, tools.mount, await cgroupMounts(), tools.chroot, ROOT_SSHD, ROOT_SSHD_CONFIG, ROOT_SSHD_LOG,
    ]);
  } catch (error) {
    const log = await readLogTail(files.logPath);
    const stderr = error instanceof CommandFailure ? error.stderr : '';
    throw new Error(`sshd did not start: ${log || stderr || describe(error)}`, { cause: error });
  }
}

/** Mount points at or under `dir` in this (the machine's) mount namespace, deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const text = await fs.readFile('/proc/self/mounts', 'utf8').catch(() => '');
  // /proc/self/mounts escapes space, tab, newline and backslash as octal.
  const unescape = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const found = text
    .split('\n')
    .map((line) => unescape(line.split(' ')[1] ?? ''))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or under `dir` (lazily when busy); throws if something stays mounted. */
async function unmountUnder(tools: Pick<LabTools, 'umount'>, dir: string): Promise<void> {
  // Stacked mounts need one round each; a few rounds are plenty.
  for (let round = 0; round < 5; round++) {
    const mounted = await mountsUnder(dir);
    if (mounted.length === 0) return;
    for (const mountPoint of mounted) {
      await runCommand(tools.umount, [mountPoint]).catch(() => runCommand(tools.umount, ['--lazy', mountPoint]).catch(() => {}));
    }
  }
  const left = await mountsUnder(dir);
  if (left.length > 0) throw new Error(`could not unmount ${left.join(', ')}`);
}

async function bringUpHost(tools: LabTools, paths: LabPaths, host: LabHost, rootfsBase: string | null): Promise<void> {
  const files = hostPaths(paths, host.name, rootfsBase !== null);
  let step = 'preparing host directory';
  try {
    await fs.mkdir(files.hostDir, { recursive: true, mode: 0o700 });
    if (files.root && rootfsBase !== null) {
      step = 'mounting its root';
      await mountHostRoot(tools, rootfsBase, files.root);
    }
    step = 'generating host key';
    await ensureHostKey(tools, host, files);
    await writeSshdConfig(host, files, paths);
    step = `configuring network in ${host.netns}`;
    await configureHostNetwork(tools, host);
    step = 'starting sshd';
    await startSshd(tools, host, files);
    step = 'waiting for sshd';
    await waitForSsh(host, files);
  } catch (error) {
    throw new LabError('LAB_SETUP_FAILED', `${host.name}: ${step}: ${describe(error)}`, { host: host.name, cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// Public operations

export async function labUp(opts: LabUpOptions): Promise<LabState> {
  const problem = labHostCountProblem(opts.hosts);
  if (problem) throw new LabError('LAB_BAD_HOST_COUNT', problem);
  const paths = labPaths(opts.dir);
  const rootfsBase = opts.rootfs === undefined ? null : checkRootfsPaths(paths, opts.rootfs);
  assertRoot();
  const tools = await findLabTools(rootfsBase === null ? ALL_TOOLS : ROOTFS_TOOLS);
  if (rootfsBase !== null) await assertRootfsBase(rootfsBase);

  await labDown({ dir: paths.dir });

  const hosts = labHostIndices(opts.hosts).map((index) => describeLabHost(index, rootfsBase === null ? undefined : paths));
  try {
    await fs.mkdir(paths.hostsDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(SSHD_PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    const publicKey = await ensureClientKey(tools, paths);
    await fs.writeFile(paths.authorizedKeysPath, `${publicKey}\n`, { mode: 0o600 });

    await createBridge(tools);
    await createNamespacesAndVeths(tools, hosts);

    let done = 0;
    await forEachBounded(hosts, SETUP_CONCURRENCY, async (host) => {
      await bringUpHost(tools, paths, host, rootfsBase);
      done += 1;
      opts.onProgress?.(done, hosts.length);
    });

    const state: LabState = {
      hosts,
      privateKeyPath: paths.privateKeyPath,
      publicKey,
      dir: paths.dir,
      ...(rootfsBase === null ? {} : { rootfs: { base: rootfsBase } }),
    };
    await writeLabState(paths, state);
    return state;
  } catch (error) {
    // Leave nothing half-built behind; the original error is what the caller needs.
    await labDown({ dir: paths.dir }).catch(() => {});
    if (error instanceof LabError) throw error;
    throw new LabError('LAB_SETUP_FAILED', `setting up the lab: ${describe(error)}`, { cause: error });
  }
}

/**
 * Removes every lab object on this machine, found by name rather than from state.json so it
 * works after a crash: processes in lab namespaces (and anything chrooted into a host root),
 * the hosts' root overlays (every mount under the lab's hosts dir), root-side veths,
 * namespaces, the bridge. `killedSshd` counts every process killed (lab sshds and the sessions
 * and background jobs they spawned).
 */
export async function labDown(opts: { dir: string }): Promise<{ removedNetns: number; killedSshd: number }> {
  const paths = labPaths(opts.dir);
  assertRoot();
  const tools = await findLabTools(['ip', 'umount']);

  const found = await discoverLabNetwork(tools);
  const processes = await findLabProcesses(found.netns, paths);
  await terminate(processes);
  // Host roots (rootfs labs); the mounts inside them lived in the hosts' private namespaces,
  // which ended with their last process.
  let unmountError: unknown;
  await unmountUnder(tools, paths.hostsDir).catch((error: unknown) => {
    unmountError = error;
  });

  // Deleting a namespace destroys its veth pair inside the kernel's batched namespace
  // cleanup, which is ~8x faster than `link del` per veth (each waits for an RCU grace
  // period: 200 hosts took 4.2 s that way, 0.3 s this way). Only veths whose namespace has no
  // name any more are deleted directly. -force: keep going past objects that vanished
  // meanwhile; the final check decides.
  const namedNetns = new Set(found.netns);
  const orphanVeths = found.veths.filter((veth) => {
    const index = parseLabVethName(veth);
    return index === null || !namedNetns.has(labNetnsName(index));
  });
  const lines = [
    ...found.netns.map((netns) => `netns del ${netns}`),
    ...orphanVeths.map((veth) => `link del ${veth}`),
    ...(found.bridge ? [`link del ${LAB_BRIDGE_NAME}`] : []),
  ];
  let batchError: unknown;
  await runIpBatch(tools, lines, ['-force']).catch((error: unknown) => {
    batchError = error;
  });

  const left = await waitForNetworkGone(tools);
  if (!isEmptyNetwork(left)) {
    const what = [...left.netns, ...left.veths, ...(left.bridge ? [LAB_BRIDGE_NAME] : [])].join(', ');
    throw new LabError(
      'LAB_TEARDOWN_FAILED',
      `could not remove lab objects: ${what}${batchError ? ` (${describe(batchError)})` : ''}`,
      { cause: batchError },
    );
  }

  if (unmountError !== undefined) {
    throw new LabError('LAB_TEARDOWN_FAILED', `unmounting lab host roots: ${describe(unmountError)}`, { cause: unmountError });
  }
  await fs.rm(paths.statePath, { force: true });
  await removePidFiles(paths);
  const removedNetns = found.netns.length;
  return { removedNetns, killedSshd: processes.length };
}

/**
 * Veths of deleted namespaces disappear asynchronously. Wait for the kernel first; delete
 * leftovers directly only if they outlive LINK_SETTLE_MS (a process we did not find still
 * holding a namespace, for instance).
 */
async function waitForNetworkGone(tools: Pick<LabTools, 'ip'>): Promise<LabNetwork> {
  const started = Date.now();
  let left = await discoverLabNetwork(tools);
  while (!isEmptyNetwork(left) && Date.now() - started < LINK_GONE_TIMEOUT_MS) {
    await sleep(POLL_INTERVAL_MS * 2);
    if (Date.now() - started >= LINK_SETTLE_MS) {
      await runIpBatch(
        tools,
        [
          ...left.netns.map((netns) => `netns del ${netns}`),
          ...left.veths.map((veth) => `link del ${veth}`),
          ...(left.bridge ? [`link del ${LAB_BRIDGE_NAME}`] : []),
        ],
        ['-force'],
      ).catch(() => {});
    }
    left = await discoverLabNetwork(tools);
  }
  return left;
}

async function removePidFiles(paths: LabPaths): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(paths.hostsDir);
  } catch {
    return;
  }
  await Promise.all(names.map((name) => fs.rm(hostPaths(paths, name).pidPath, { force: true })));
}

export async function labStatus(opts: { dir: string }): Promise<LabHostStatus[]> {
  const paths = labPaths(opts.dir);
  const state = await readLabState(paths.dir);
  if (!state) return [];
  let namespaces: Set<string>;
  try {
    namespaces = new Set(await fs.readdir(NETNS_RUN_DIR));
  } catch {
    namespaces = new Set();
  }
  const statuses: LabHostStatus[] = new Array(state.hosts.length);
  const indexed = state.hosts.map((host, position) => ({ host, position }));
  await forEachBounded(indexed, STATUS_CONCURRENCY, async ({ host, position }) => {
    const files = hostPaths(paths, host.name, state.rootfs !== undefined);
    const netnsExists = namespaces.has(host.netns);
    const sshdRunning = (await readSshdPid(files)) !== null;
    const reachable = netnsExists && (await probeSshBanner(host.address, host.port, SSH_PROBE_TIMEOUT_MS));
    statuses[position] = { ...host, netnsExists, sshdRunning, reachable };
  });
  return statuses;
}

/** Gives one lab host a new host key and restarts its sshd; address and name stay the same. */
export async function regenerateHostKey(opts: { dir: string; name: string }): Promise<void> {
  const paths = labPaths(opts.dir);
  assertRoot();
  const state = await readLabState(paths.dir);
  if (!state) throw new LabError('LAB_NOT_RUNNING', `no lab is described in ${paths.statePath}; run labUp first`);
  const tools = await findLabTools(state.rootfs ? ROOTFS_TOOLS : ALL_TOOLS);
  const host = state.hosts.find((candidate) => candidate.name === opts.name);
  if (!host) {
    throw new LabError('LAB_UNKNOWN_HOST', `no lab host named ${JSON.stringify(opts.name)} (hosts are lab-1 … lab-${state.hosts.length})`);
  }
  if (!(await exists(path.join(NETNS_RUN_DIR, host.netns)))) {
    throw new LabError('LAB_NOT_RUNNING', `${host.name}: network namespace ${host.netns} does not exist; run labUp again`, {
      host: host.name,
    });
  }
  // A rootfs host keeps its root (and what was installed into it); only sshd restarts.
  const files = hostPaths(paths, host.name, state.rootfs !== undefined);
  let step = 'stopping sshd';
  try {
    // Like a reinstall: the listener and every open session go, so clients must reconnect and
    // meet the new key (sessions are separate processes that would otherwise keep running).
    const pids = await findLabProcesses([host.netns], paths, true);
    const listener = await readSshdPid(files);
    if (listener !== null && !pids.includes(listener)) pids.push(listener);
    if (pids.length) await terminate(pids);
    step = 'generating host key';
    await fs.rm(files.hostKeyPath, { force: true });
    await fs.rm(`${files.hostKeyPath}.pub`, { force: true });
    await ensureHostKey(tools, host, files);
    await writeSshdConfig(host, files, paths);
    step = 'starting sshd';
    await startSshd(tools, host, files);
    step = 'waiting for sshd';
    await waitForSsh(host, files);
  } catch (error) {
    throw new LabError('LAB_SETUP_FAILED', `${host.name}: ${step}: ${describe(error)}`, { host: host.name, cause: error });
  }
}
