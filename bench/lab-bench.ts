// What the lab benchmarks share: N lab hosts registered in a fresh osdeck server as group "lab",
// an Ansible inventory and environment for the same hosts and key, and a wall-clock timer.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp } from '../src/infra/lab/netns-lab';
import { ROOT, api, bootstrap, startServer } from '../test/support/server-harness';

export interface Timed {
  seconds: number;
  code: number;
  stdout: string;
  stderr: string;
}

export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (code) => resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, code: code ?? -1, stdout, stderr }));
  });
}

export interface LabBench {
  /** scratch directory, removed afterwards */
  dir: string;
  /** environment for the osdeck CLI (server URL and token) */
  env: NodeJS.ProcessEnv;
  /** the built CLI, as an operator runs it */
  cli: string;
  inventory: string;
  ansibleEnv: NodeJS.ProcessEnv;
}

/** Builds the server, the lab and the Ansible side, runs `fn`, and tears everything down. */
export async function withLab(name: string, n: number, peer: string, fn: (b: LabBench) => Promise<void>): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error(`the ${name} benchmark builds lab hosts: run it as root`);
  try {
    execFileSync(peer, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${peer} is missing: apt-get install ansible (the benchmark's peer)`);
  }
  execFileSync('npm', ['run', '-s', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-bench-'));
  const labDir = join(dir, 'lab');
  const lab = await labUp({ dir: labDir, hosts: n });
  const server = await startServer();
  try {
    const { token, env } = await bootstrap(server);
    const key = readFileSync(lab.privateKeyPath, 'utf8');
    for (let i = 0; i < lab.hosts.length; i += 20) {
      await Promise.all(lab.hosts.slice(i, i + 20).map((h) =>
        api(server, token, 'POST', '/hosts', { name: h.name, ssh: `${h.user}@${h.address}:${h.port}`, privateKey: key, groups: ['lab'] }).then((r) => {
          if (r.status !== 201) throw new Error(`registering ${h.name}: ${JSON.stringify(r.body)}`);
        }),
      ));
    }
    const inventory = join(dir, 'inventory.ini');
    writeFileSync(inventory, ['[lab]', ...lab.hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${h.user}`)].join('\n') + '\n');
    const ansibleEnv = {
      ...process.env,
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_PRIVATE_KEY_FILE: lab.privateKeyPath,
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'),
    };
    await fn({ dir, env, cli: join(ROOT, 'dist', 'osdeck.js'), inventory, ansibleEnv });
  } finally {
    await server.stop();
    await labDown({ dir: labDir });
    rmSync(dir, { recursive: true, force: true });
  }
}
