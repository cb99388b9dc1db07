// Baseline compliance with a diff, on N lab hosts: `osdeck tune apply --dry-run` vs
// `ansible-playbook --check --diff` running the same checks (sshd keywords, /etc/hosts, locale,
// open-file limits, sysctls), same hosts, same keys, one run each (after a warm-up).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Timed, timed, withLab } from './lab-bench';

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
  console.log(`tune benchmark: baseline check with diff on ${n} lab hosts — osdeck tune apply --dry-run vs ansible-playbook --check --diff -f 50 (2 cores)`);
  await withLab('tune', n, 'ansible-playbook', async (b) => {
    const playbook = join(b.dir, 'baseline.yml');
    writeFileSync(playbook, PLAYBOOK);
    const runOsdeck = () => timed(process.execPath, [b.cli, 'tune', 'apply', 'group:lab', '--profile', 'baseline', '--dry-run', '--forks', '50', '--json'], b.env);
    const runAnsible = () => timed('ansible-playbook', ['-i', b.inventory, '-f', '50', '--check', '--diff', playbook], b.ansibleEnv);
    const osdeckOk = (r: Timed) => (JSON.parse(r.stdout) as { steps: Array<{ status: string }> }).steps.filter((s) => s.status === 'ok').length;
    // the PLAY RECAP lines of hosts that were reached and had no failed task
    const ansibleOk = (r: Timed) => r.stdout.split('\n').filter((l) => /^lab-\d+\s+: ok=\d+.*unreachable=0\s+failed=0/.test(l)).length;
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
  });
}
