// `uname -r` on N lab hosts: osdeck exec vs Ansible ad-hoc (-f 50), same hosts, same keys, one run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp } from '../src/infra/lab/netns-lab';
import { ROOT, api, bootstrap, startServer } from '../test/support/server-harness';

interface Timed {
  seconds: number;
  code: number;
  stdout: string;
  stderr: string;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
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

export async function execBenchmark(args: string[]): Promise<void> {
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
  if (process.getuid?.() !== 0) throw new Error('the exec benchmark builds lab hosts: run it as root');
  try {
    execFileSync('ansible', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error("Ansible is missing: apt-get install ansible (the benchmark's peer)");
  }
  const kernel = execFileSync('uname', ['-r']).toString().trim();
  execFileSync('npm', ['run', '-s', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-bench-'));
  const labDir = join(dir, 'lab');
  console.log(`exec benchmark: 'uname -r' on ${n} lab hosts, osdeck vs ansible -f 50 (2 cores, one run)`);
  const lab = await labUp({ dir: labDir, hosts: n });
  const server = await startServer();
  try {
    const { token, env } = await bootstrap(server);
    const key = (await import('node:fs')).readFileSync(lab.privateKeyPath, 'utf8');
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
    // the built CLI, as an operator runs it
    const runOsdeck = () => timed(process.execPath, [join(ROOT, 'dist', 'osdeck.js'), 'exec', 'group:lab', '--forks', '50', '--json', '--', 'uname', '-r'], env);
    const runAnsible = () => timed('ansible', ['lab', '-i', inventory, '-f', '50', '-m', 'command', '-a', 'uname -r', '-o'], ansibleEnv);
    const osdeckOk = (r: Timed) => (JSON.parse(r.stdout) as { steps: Array<{ stdout: string }> }).steps.filter((s) => s.stdout.trim() === kernel).length;
    const ansibleOk = (r: Timed) => r.stdout.split('\n').filter((l) => l.includes('| CHANGED |') && l.includes(kernel)).length;

    const rows: Array<[string, Timed, number]> = [];
    console.log('  running osdeck twice, then ansible twice (ansible takes a while)…');
    const o1 = await runOsdeck();
    rows.push(['osdeck, first run (new connections)', o1, osdeckOk(o1)]);
    const o2 = await runOsdeck();
    rows.push(['osdeck, second run (pooled connections)', o2, osdeckOk(o2)]);
    const a1 = await runAnsible();
    rows.push(['ansible -f 50, first run', a1, ansibleOk(a1)]);
    const a2 = await runAnsible();
    rows.push(['ansible -f 50, second run (ControlPersist)', a2, ansibleOk(a2)]);
    for (const [label, r, ok] of rows) console.log(`  ${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(7)} s   ${ok}/${n} correct`);
    console.log(`  ratio, first runs  (ansible / osdeck): ${(a1.seconds / o1.seconds).toFixed(1)}x`);
    console.log(`  ratio, second runs (ansible / osdeck): ${(a2.seconds / o2.seconds).toFixed(1)}x`);
    if ([o1, o2].some((r) => osdeckOk(r) !== n)) console.log('  WARNING: osdeck did not get every host right');
    if ([a1, a2].some((r) => ansibleOk(r) !== n)) console.log(`  WARNING: ansible did not get every host right:\n${a1.stderr.slice(0, 500)}`);
  } finally {
    await server.stop();
    await labDown({ dir: labDir });
    rmSync(dir, { recursive: true, force: true });
  }
}
