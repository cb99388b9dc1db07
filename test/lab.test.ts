// Integration tests for the lab: real namespaces, a real bridge, real sshd, the system ssh
// client. They need root; without it they fail (never skip) so a misconfigured CI is visible.
// The lab is machine-global (one bridge name), so these tests run one after another.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  LabError,
  labDown,
  labStatus,
  labUp,
  readLabState,
  regenerateHostKey,
  type LabHost,
  type LabState,
} from '../src/infra/lab/netns-lab';

function requireRoot(): void {
  assert.equal(
    process.getuid?.(),
    0,
    'lab tests must run as root: they create network namespaces, veth pairs, a bridge and sshd processes (CI runs them as root)',
  );
}

function run(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${file} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

function sshCommand(state: LabState, host: LabHost, command: string): Promise<string> {
  return run('ssh', [
    '-i', state.privateKeyPath,
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'LogLevel=ERROR',
    '-o', 'ConnectTimeout=10',
    '-p', String(host.port),
    `${host.user}@${host.address}`,
    command,
  ]);
}

async function hostKeyFingerprint(host: LabHost): Promise<string> {
  const scanned = await run('ssh-keyscan', ['-T', '5', '-t', 'ed25519', '-p', String(host.port), host.address]);
  assert.match(scanned, /ssh-ed25519/, `ssh-keyscan got a key from ${host.name}`);
  const fingerprint = await run('ssh-keygen', ['-l', '-f', '-'], scanned);
  return fingerprint.split(/\s+/)[1] ?? '';
}

interface LeftOvers {
  netns: string[];
  links: string[];
}

async function labLeftovers(): Promise<LeftOvers> {
  const netns = (JSON.parse((await run('ip', ['-j', 'netns', 'list'])).trim() || '[]') as Array<{ name: string }>)
    .map((ns) => ns.name)
    .filter((name) => name.startsWith('osdeck-lab-'));
  const links = (JSON.parse(await run('ip', ['-j', 'link', 'show'])) as Array<{ ifname: string }>)
    .map((link) => link.ifname)
    .filter((name) => name.startsWith('osdl') || name === 'osdeck-lab0');
  return { netns, links };
}

async function makeLabDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'osdeck-lab-test-'));
}

async function cleanUp(dir: string): Promise<void> {
  await labDown({ dir }).catch(() => {});
  await fs.rm(dir, { recursive: true, force: true });
}

test('labUp builds 3 reachable hosts; host key regeneration; labDown removes everything', async () => {
  requireRoot();
  const dir = await makeLabDir();
  try {
    const progress: Array<[number, number]> = [];
    const state = await labUp({ dir, hosts: 3, onProgress: (done, total) => progress.push([done, total]) });

    assert.deepEqual(progress, [[1, 3], [2, 3], [3, 3]]);
    assert.deepEqual(
      state.hosts.map((host) => [host.name, host.netns, host.address, host.hostname, host.port, host.user]),
      [
        ['lab-1', 'osdeck-lab-1', '198.18.0.2', 'lab-1', 22, 'root'],
        ['lab-2', 'osdeck-lab-2', '198.18.0.3', 'lab-2', 22, 'root'],
        ['lab-3', 'osdeck-lab-3', '198.18.0.4', 'lab-3', 22, 'root'],
      ],
    );
    assert.deepEqual(await readLabState(dir), state);
    assert.equal((await fs.stat(state.privateKeyPath)).mode & 0o777, 0o600);
    assert.match(state.publicKey, /^ssh-ed25519 /);

    // The system OpenSSH client reaches each host, and each reports its own hostname.
    const hostnames = await Promise.all(state.hosts.map((host) => sshCommand(state, host, 'hostname')));
    assert.deepEqual(hostnames.map((name) => name.trim()), ['lab-1', 'lab-2', 'lab-3']);

    // sshd listens only on the host's own address.
    const listening = await run('ss', ['-N', 'osdeck-lab-1', '-H', '-l', '-t', '-n']);
    assert.deepEqual(
      listening.trim().split('\n').map((line) => line.trim().split(/\s+/)[3]),
      ['198.18.0.2:22'],
    );

    const status = await labStatus({ dir });
    assert.equal(status.length, 3);
    for (const host of status) {
      assert.ok(host.netnsExists && host.sshdRunning && host.reachable, `${host.name} is up: ${JSON.stringify(host)}`);
    }

    const before = await Promise.all(state.hosts.map(hostKeyFingerprint));
    assert.equal(new Set(before).size, 3, 'every host has its own host key');
    await regenerateHostKey({ dir, name: 'lab-2' });
    const after = await Promise.all(state.hosts.map(hostKeyFingerprint));
    assert.equal(after[0], before[0]);
    assert.notEqual(after[1], before[1]);
    assert.equal(after[2], before[2]);
    assert.equal((await sshCommand(state, state.hosts[1] as LabHost, 'hostname')).trim(), 'lab-2');
    await assert.rejects(regenerateHostKey({ dir, name: 'lab-9' }), (error: unknown) => {
      assert.ok(error instanceof LabError);
      assert.equal(error.code, 'LAB_UNKNOWN_HOST');
      return true;
    });

    const down = await labDown({ dir });
    assert.deepEqual(down, { removedNetns: 3, killedSshd: 3 });
    assert.deepEqual(await labLeftovers(), { netns: [], links: [] });
    assert.equal(await readLabState(dir), null);
    const afterDown = await labStatus({ dir });
    assert.deepEqual(afterDown, []);

    assert.deepEqual(await labDown({ dir }), { removedNetns: 0, killedSshd: 0 }, 'a second labDown is a no-op');
  } finally {
    await cleanUp(dir);
  }
});

test('labDown cleans up after a crash that lost state.json; labUp replaces a stale lab', async () => {
  requireRoot();
  const dir = await makeLabDir();
  try {
    const first = await labUp({ dir, hosts: 2 });
    // A second labUp over a live lab tears it down first and keeps the client key.
    const second = await labUp({ dir, hosts: 2 });
    assert.equal(second.publicKey, first.publicKey);
    assert.equal((await sshCommand(second, second.hosts[0] as LabHost, 'hostname')).trim(), 'lab-1');

    // An open session is a process inside the namespace too; teardown must not trip on it.
    const session = sshCommand(second, second.hosts[1] as LabHost, 'sleep 600').catch(() => 'ended');
    await new Promise((resolve) => setTimeout(resolve, 500));

    await fs.rm(path.join(dir, 'state.json'));
    assert.equal(await readLabState(dir), null);
    const down = await labDown({ dir });
    assert.equal(down.removedNetns, 2);
    assert.ok(down.killedSshd >= 2, `killed the sshds (and the session): ${down.killedSshd}`);
    assert.equal(await session, 'ended');
    assert.deepEqual(await labLeftovers(), { netns: [], links: [] });
  } finally {
    await cleanUp(dir);
  }
});

test('labDown ignores a corrupt state.json', async () => {
  requireRoot();
  const dir = await makeLabDir();
  try {
    await labUp({ dir, hosts: 1 });
    await fs.writeFile(path.join(dir, 'state.json'), '{ not json');
    assert.equal(await readLabState(dir), null);
    assert.deepEqual(await labDown({ dir }), { removedNetns: 1, killedSshd: 1 });
    assert.deepEqual(await labLeftovers(), { netns: [], links: [] });
  } finally {
    await cleanUp(dir);
  }
});

test('a host that fails to start names itself and leaves nothing behind', async () => {
  requireRoot();
  const dir = await makeLabDir();
  try {
    // Host keys are reused between runs, so a corrupt one makes lab-2's sshd refuse to start.
    const hostDir = path.join(dir, 'hosts', 'lab-2');
    await fs.mkdir(hostDir, { recursive: true });
    await fs.writeFile(path.join(hostDir, 'ssh_host_ed25519_key'), 'not a key\n', { mode: 0o600 });

    await assert.rejects(labUp({ dir, hosts: 3 }), (error: unknown) => {
      assert.ok(error instanceof LabError);
      assert.equal(error.code, 'LAB_SETUP_FAILED');
      assert.equal(error.host, 'lab-2');
      assert.match(error.message, /^lab-2: starting sshd: .*host key/);
      return true;
    });
    assert.deepEqual(await labLeftovers(), { netns: [], links: [] });
    assert.equal(await readLabState(dir), null);
  } finally {
    await cleanUp(dir);
  }
});

test('labUp validates its input before touching anything', async () => {
  for (const hosts of [0, 1001, 2.5]) {
    await assert.rejects(labUp({ dir: '/tmp/unused-lab-dir', hosts }), (error: unknown) => {
      assert.ok(error instanceof LabError);
      assert.equal(error.code, 'LAB_BAD_HOST_COUNT');
      return true;
    });
  }
  await assert.rejects(labUp({ dir: '/tmp/lab "quoted"', hosts: 1 }), (error: unknown) => {
    assert.ok(error instanceof LabError);
    assert.equal(error.code, 'LAB_BAD_DIR');
    return true;
  });
});
