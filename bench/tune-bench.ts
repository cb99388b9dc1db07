// Baseline compliance with a diff, on N lab hosts: `osdeck tune apply --dry-run` vs
// `ansible-playbook --check --diff` running the same checks (sshd keywords, /etc/hosts, locale,
// open-file limits, sysctls), same hosts, same keys, one run each (after a warm-up).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const PLAYBOOK = `- hosts: lab
  gather_facts: false
  tasks:
    - { name: UseDNS, lineinfile: { path: /etc/ssh/sshd_config, regexp: '^#?UseDNS', line: 'UseDNS no' } }
    - { name: GSSAPI, lineinfile: { path: /etc/ssh/sshd_config, regexp: '^#?GSSAPIAuthentication', line: 'GSSAPIAuthentication no' } }
    - { name: root login, lineinfile: { path: /etc/ssh/sshd_config, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin prohibit-password' } }
    - { name: hosts, lineinfile: { path: /etc/hosts, regexp: '\\s{{ inventory_hostname }}$', line: '{{ ansible_host }} {{ inventory_hostname }}' } }
    - { name: locale, lineinfile: { path: /etc/default/locale, regexp: '^LANG=', line: 'LANG=C.UTF-8' } }
    - { name: nofile, copy: { dest: /etc/security/limits.d/90-osdeck-nofile.conf, content: "* soft nofile 65536\\n* hard nofile 65536\\nroot soft nofile 65536\\nroot hard nofile 65536\\n" } }
    - { name: tw_reuse, ansible.posix.sysctl: { name: net.ipv4.tcp_tw_reuse, value: '1', sysctl_file: /etc/sysctl.d/99-zz-osdeck-tune.conf } }
    - { name: port range, ansible.posix.sysctl: { name: net.ipv4.ip_local_port_range, value: '10240 65535', sysctl_file: /etc/sysctl.d/99-zz-osdeck-tune.conf } }
    - { name: rc.local, stat: { path: /etc/rc.local } }
    - { name: time daemon, shell: "ps -e -o comm= | grep -xE 'chronyd|ntpd|systemd-timesyn' || true", changed_when: false }
`;

export async function tuneBenchmark(args: string[]): Promise<void> {
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
  if (process.getuid?.() !== 0) throw new Error('the tune benchmark builds lab hosts: run it as root');
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error("Ansible is missing: apt-get install ansible (the benchmark's peer)");
  }
  execFileSync('npm', ['run', '-s', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-bench-'));
  const labDir = join(dir, 'lab');
  console.log(`tune benchmark: baseline check with diff on ${n} lab hosts — osdeck tune apply --dry-run vs ansible-playbook --check --diff -f 50 (2 cores)`);
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
    const playbook = join(dir, 'baseline.yml');
    writeFileSync(playbook, PLAYBOOK);
    const ansibleEnv = {
      ...process.env,
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_PRIVATE_KEY_FILE: lab.privateKeyPath,
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'),
    };
    const runOsdeck = () => timed(process.execPath, [join(ROOT, 'dist', 'osdeck.js'), 'tune', 'apply', 'group:lab', '--profile', 'baseline', '--dry-run', '--forks', '50', '--json'], env);
    const runAnsible = () => timed('ansible-playbook', ['-i', inventory, '-f', '50', '--check', '--diff', playbook], ansibleEnv);
    const osdeckOk = (r: Timed) => (JSON.parse(r.stdout) as { steps: Array<{ status: string }> }).steps.filter((s) => s.status === 'ok').length;
    const ansibleOk = (r: Timed) => Number(/ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/.test(r.stdout) ? r.stdout.split('\n').filter((l) => /^lab-\d+\s+: ok=/.test(l) && /failed=0/.test(l) && /unreachable=0/.test(l)).length : 0);
    console.log('  warm-up: one run each (connections, caches)…');
    await runOsdeck();
    await runAnsible();
    const o = await runOsdeck();
    const a = await runAnsible();
    console.log(`  osdeck tune apply --dry-run (13 rules, full diff)   ${o.seconds.toFixed(2).padStart(7)} s   ${osdeckOk(o)}/${n} hosts`);
    console.log(`  ansible-playbook --check --diff (10 tasks)          ${a.seconds.toFixed(2).padStart(7)} s   ${ansibleOk(a)}/${n} hosts`);
    console.log(`  ratio (ansible / osdeck): ${(a.seconds / o.seconds).toFixed(1)}x`);
    if (osdeckOk(o) !== n) console.log(`  WARNING: osdeck did not finish every host: ${o.stderr.slice(0, 300)}`);
    if (ansibleOk(a) !== n) console.log(`  WARNING: ansible did not finish every host:\n${a.stdout.slice(-800)}${a.stderr.slice(0, 400)}`);
  } finally {
    await server.stop();
    await labDown({ dir: labDir });
    rmSync(dir, { recursive: true, force: true });
  }
}
