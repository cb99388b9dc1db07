/**
 * Tuning on lab hosts, through the server and the CLI, the way an operator runs it. Each lab host
 * has its own /etc (an overlay), its own network sysctls, and an sshd that really reloads. The
 * test plants problems, checks, applies, checks again, reverts, and compares every touched file
 * byte for byte and every value with what was there before. State is read with nsenter into the
 * host's namespaces — not through osdeck.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { labNetnsName } from '../src/domain/lab-addressing';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';

let server: RunningServer;
let env: NodeJS.ProcessEnv;
let token: string;
const labDir = mkdtempSync(join(tmpdir(), 'osdeck-lab-'));
const CG = `/sys/fs/cgroup/pids/docker/osdeck-tune-${process.pid}`;
const BLOCK_TABLE = `osdeck_tune_block_${process.pid}`;

/** Runs sh in a lab host's mount, UTS and network namespaces (its /etc, its hostname, its sysctls). */
function hostSh(n: number, script: string): string {
  const pid = readFileSync(join(labDir, 'hosts', `lab-${n}`, 'sshd.pid'), 'utf8').trim();
  return execFileSync('nsenter', ['-t', pid, '-m', '-u', '-n', 'sh', '-c', script], { encoding: 'utf8' });
}

const TOUCHED = [
  '/etc/ssh/sshd_config', '/etc/hosts', '/etc/default/locale', '/etc/rc.local', '/etc/security/limits.d/90-osdeck-nofile.conf',
  '/etc/sysctl.d/50-legacy.conf', '/etc/sysctl.d/99-zz-osdeck-tune.conf',
];
const VALUES = ['/proc/sys/net/ipv4/tcp_tw_reuse', '/proc/sys/net/ipv4/ip_local_port_range', '/proc/sys/kernel/pid_max', `${CG}/pids.max`];

/** sha256 and mode of every file a run may touch, and every value, on one host. */
function snapshot(n: number): Record<string, string> {
  const files = TOUCHED.map((p) => `p=${p}; if [ -e "$p" ]; then echo "$p $(sha256sum < "$p" | cut -c1-64) $(stat -L -c %a "$p")"; else echo "$p absent"; fi`).join('\n');
  const values = VALUES.map((p) => `echo "${p} $(cat ${p} 2>/dev/null | tr -s '\\t ' ' ')"`).join('\n');
  const out: Record<string, string> = {};
  for (const line of hostSh(n, `${files}\n${values}`).trim().split('\n')) {
    const sp = line.indexOf(' ');
    out[line.slice(0, sp)] = line.slice(sp + 1);
  }
  return out;
}

async function cli(args: string[], timeoutMs = 180_000) {
  return runCli(args, { env, timeoutMs });
}

interface Matrix { hosts: Array<{ host: string; results: Record<string, { status: string; current: string; fixable: boolean; detail: string | null }> }> }

async function matrixOf(host: string): Promise<Matrix['hosts'][number]['results']> {
  const r = await api<Matrix>(server, token, 'GET', `/tune/matrix?selector=${host}`);
  return r.body.hosts.find((h) => h.host === host)!.results;
}

const PROFILE = `name: lab-test
description: every rule that applies to a Debian lab host and that osdeck can fix
extends: null
rules:
  - ssh-usedns
  - ssh-gssapi
  - ssh-root-login
  - hostname-resolves
  - locale-utf8
  - id: nofile-limit
    params: { nofile: 131072 }
  - tcp-tw-reuse
  - tcp-tw-recycle
  - ip-local-port-range
  - rc-local-exec
  - pid-max
  - container-pids-limit
  - dmesg-restrict
`;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the lab needs root (CI runs as root)');
  server = await startServer();
  ({ env, token } = await bootstrap(server));
  const up = await runCli(['lab', 'up', '--hosts', '2', '--dir', labDir], { env, timeoutMs: 120_000 });
  assert.equal(up.code, 0, up.stderr);
  execFileSync('mkdir', ['-p', CG]);
});

after(async () => {
  try {
    execFileSync('ip', ['netns', 'exec', labNetnsName(2), 'nft', 'delete', 'table', 'inet', BLOCK_TABLE], { stdio: 'pipe' });
  } catch {
    /* not added or already gone */
  }
  try {
    execFileSync('rmdir', [CG]);
  } catch {
    /* gone */
  }
  await runCli(['lab', 'down', '--dir', labDir], { env });
  await server.stop();
});

test('lab hosts have their own /etc, and sshd_config there is the one their sshd runs', () => {
  hostSh(1, 'echo lab-only > /etc/osdeck-overlay-probe');
  assert.equal(hostSh(1, 'cat /etc/osdeck-overlay-probe').trim(), 'lab-only');
  assert.throws(() => readFileSync('/etc/osdeck-overlay-probe'), 'the machine does not see a lab host\'s /etc');
  assert.match(hostSh(1, 'sshd -T | grep -i "^port "'), /^port 22$/m);
});

test('check → dry run → apply → check passes → revert is byte-identical (lab-1)', async (t) => {
  // plant what seed 002 and migrations leave behind
  hostSh(1, [
    "sed -i --follow-symlinks 's/^UseDNS no$/UseDNS yes/' /etc/ssh/sshd_config",
    'printf "GSSAPIAuthentication yes\\n" >> /etc/ssh/sshd_config',
    "printf '#!/bin/sh\\ntouch /run/rc-local-ran\\nexit 0\\n' > /etc/rc.local && chmod 644 /etc/rc.local",
    "printf '# from a 2015 tuning guide\\nnet.ipv4.tcp_tw_recycle = 1\\nnet.ipv4.tcp_fin_timeout = 30\\n' > /etc/sysctl.d/50-legacy.conf",
    'echo 0 > /proc/sys/net/ipv4/tcp_tw_reuse',
  ].join(' && '));
  const before = snapshot(1);
  const saved = await cli(['tune', 'profile', 'add', writeTemp('lab-test.yaml', PROFILE)]);
  assert.equal(saved.code, 0, saved.stderr);

  const check = await cli(['tune', 'check', 'lab-1', '--profile', 'lab-test', '--json']);
  assert.equal(check.code, 0, check.stderr);
  const first = await matrixOf('lab-1');
  for (const rule of ['ssh-usedns', 'ssh-gssapi', 'rc-local-exec', 'tcp-tw-recycle', 'tcp-tw-reuse', 'nofile-limit', 'hostname-resolves', 'locale-utf8', 'container-pids-limit']) {
    assert.equal(first[rule]?.status, 'fail', `${rule} should fail before: ${first[rule]?.current}`);
  }
  assert.match(first['tcp-tw-recycle']!.current, /50-legacy\.conf:2/);

  const dry = await cli(['tune', 'apply', 'lab-1', '--profile', 'lab-test', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^-UseDNS yes$/m);
  assert.match(dry.stdout, /^\+UseDNS no$/m);
  assert.match(dry.stdout, /^\+# net\.ipv4\.tcp_tw_recycle = 1/m);
  assert.match(dry.stdout, /net\.ipv4\.tcp_tw_reuse .*: 0 → 1/);
  assert.match(dry.stdout, /mode of \/etc\/rc\.local: 644 → 755/);
  assert.deepEqual(snapshot(1), before, 'a dry run changes nothing');

  const apply = await cli(['tune', 'apply', 'lab-1', '--profile', 'lab-test', '--yes', '--json']);
  assert.equal(apply.code, 0, apply.stdout + apply.stderr);
  const applied = JSON.parse(apply.stdout) as { runs: Array<{ id: string; status: string }> };
  assert.equal(applied.runs[0]!.status, 'applied');
  const mid = snapshot(1);
  assert.notDeepEqual(mid, before);
  assert.equal(mid['/proc/sys/net/ipv4/tcp_tw_reuse'], '1');
  assert.match(hostSh(1, 'sshd -T'), /^usedns no$/m, 'sshd runs the new configuration');

  const recheck = await cli(['tune', 'check', 'lab-1', '--profile', 'lab-test', '--json']);
  assert.equal(recheck.code, 0, recheck.stderr);
  const second = await matrixOf('lab-1');
  const notPassing = Object.entries(second).filter(([rule, c]) => PROFILE.includes(rule) && c.status !== 'pass');
  assert.deepEqual(notPassing, [], 'every rule passes after apply');

  const revert = await cli(['tune', 'revert', 'lab-1', '--json']);
  assert.equal(revert.code, 0, revert.stdout + revert.stderr);
  const reverted = JSON.parse(revert.stdout) as { runs: Array<{ status: string; message: string }> };
  t.diagnostic(reverted.runs[0]!.message);
  assert.equal(reverted.runs[0]!.status, 'applied');
  assert.deepEqual(snapshot(1), before, 'every touched file byte-identical, every value as before');
  assert.match(hostSh(1, 'sshd -T'), /^usedns yes$/m, 'sshd reloaded with the old configuration');
  const again = await cli(['hosts', 'refresh', 'lab-1']);
  assert.equal(again.code, 0, again.stderr);
});

test('a failure half-way puts back what was already changed (lab-1)', async () => {
  // limits.d gone: the nofile file cannot be written after sshd_config and the sysctls were
  hostSh(1, "rm -rf /etc/security/limits.d && sed -i --follow-symlinks 's/^UseDNS no$/UseDNS yes/' /etc/ssh/sshd_config");
  const before = snapshot(1);
  const r = await cli(['tune', 'apply', 'lab-1', '--rule', 'ssh-usedns', '--rule', 'tcp-tw-reuse', '--rule', 'nofile-limit', '--yes', '--json']);
  assert.notEqual(r.code, 0);
  const out = JSON.parse(r.stdout) as { steps: Array<{ code: string; error: string }>; runs: Array<{ status: string }> };
  assert.match(out.steps[0]!.error, /limits\.d does not exist.*put back/);
  assert.equal(out.runs[0]!.status, 'rolled-back');
  assert.deepEqual(snapshot(1), before, 'nothing half-applied');
  hostSh(1, 'mkdir -p /etc/security/limits.d');
});

test('moving SSH to a blocked port is rolled back; to an open port it sticks; revert moves it back (lab-2)', async () => {
  const portOf = async () => (await api<{ port: number }>(server, token, 'GET', '/hosts/lab-2')).body.port;
  const listening = () => hostSh(2, "ss -ltnH | awk '{print $4}' | sed 's/.*://' | sort -un").trim().split('\n');
  const before = snapshot(2);
  execFileSync('ip', ['netns', 'exec', labNetnsName(2), 'nft', '-f', '-'], { input: `table inet ${BLOCK_TABLE} {\n chain input {\n  type filter hook input priority 0; policy accept;\n  tcp dport 2222 drop\n }\n}\n` });
  const blocked = await cli(['tune', 'apply', 'lab-2', '--rule', 'ssh-port', '--param', 'ssh-port.port=2222', '--yes', '--json'], 240_000);
  assert.notEqual(blocked.code, 0);
  const b = JSON.parse(blocked.stdout) as { steps: Array<{ code: string; error: string }>; runs: Array<{ status: string }> };
  assert.equal(b.steps[0]!.code, 'SSH_PORT_UNREACHABLE', b.steps[0]!.error);
  assert.equal(b.runs[0]!.status, 'rolled-back');
  assert.deepEqual(snapshot(2), before, 'sshd_config as it was');
  assert.deepEqual(listening(), ['22']);
  assert.equal(await portOf(), 22);
  assert.equal((await cli(['hosts', 'refresh', 'lab-2'])).code, 0, 'still reachable');

  execFileSync('ip', ['netns', 'exec', labNetnsName(2), 'nft', 'delete', 'table', 'inet', BLOCK_TABLE]);
  const open = await cli(['tune', 'apply', 'lab-2', '--rule', 'ssh-port', '--param', 'ssh-port.port=2222', '--yes', '--json'], 240_000);
  assert.equal(open.code, 0, open.stdout + open.stderr);
  assert.equal(await portOf(), 2222);
  assert.deepEqual(listening(), ['2222']);
  assert.equal((await cli(['hosts', 'refresh', 'lab-2'])).code, 0, 'reachable on the new port');

  const back = await cli(['tune', 'revert', 'lab-2', '--json'], 240_000);
  assert.equal(back.code, 0, back.stdout + back.stderr);
  assert.equal(await portOf(), 22);
  assert.deepEqual(listening(), ['22']);
  assert.deepEqual(snapshot(2), before, 'sshd_config byte-identical');
  assert.equal((await cli(['hosts', 'refresh', 'lab-2'])).code, 0);
});

test('wrong input gets a clear error or "not applicable", never a change', async () => {
  const before = snapshot(1);
  const unknown = await cli(['tune', 'check', 'lab-1', '--rule', 'no-such-rule']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /no rule named "no-such-rule"/);

  const badYaml = await cli(['tune', 'profile', 'add', writeTemp('bad.yaml', 'name: broken\nrules: [ssh-usedns, \n')]);
  assert.notEqual(badYaml.code, 0);
  assert.match(badYaml.stderr, /not valid YAML/);
  const badRule = await cli(['tune', 'profile', 'add', writeTemp('bad2.yaml', 'name: broken\nrules:\n  - ssh-usedns\n  - tcp-tw-recycel\n')]);
  assert.match(badRule.stderr, /rules\[1\]: no rule named "tcp-tw-recycel"/);
  const badParam = await cli(['tune', 'profile', 'add', writeTemp('bad3.yaml', 'name: broken\nrules:\n  - id: nofile-limit\n    params: { nofile: lots }\n')]);
  assert.match(badParam.stderr, /rules\[0\] \(nofile-limit\).*nofile must be an integer/);
  const loop = await cli(['tune', 'profile', 'add', writeTemp('bad4.yaml', 'name: loop\nextends: loop\nrules: []\n')]);
  assert.match(loop.stderr, /extends itself/);
  const badParamCli = await cli(['tune', 'apply', 'lab-1', '--rule', 'ssh-port', '--param', 'ssh-port.port=99999', '--yes']);
  assert.match(badParamCli.stderr, /port must be at most 65535/);

  // EL-only rules on a Debian host: not applicable, nothing to change
  const na = await cli(['tune', 'apply', 'lab-1', '--rule', 'selinux', '--rule', 'memcg-kmem', '--yes', '--json']);
  assert.equal(na.code, 0, na.stderr);
  assert.match((JSON.parse(na.stdout) as { steps: Array<{ output: string }> }).steps[0]!.output, /nothing to change/);
  const m = await matrixOf('lab-1');
  assert.equal(m.selinux!.status, 'n/a');
  assert.match(m.selinux!.detail ?? '', /for el systems/);

  // a fix that would lock osdeck out is refused, not applied
  const lockout = await cli(['tune', 'apply', 'lab-1', '--rule', 'ssh-root-login', '--param', 'ssh-root-login.value=no', '--yes', '--json']);
  assert.equal(lockout.code, 0, lockout.stderr);
  assert.match((JSON.parse(lockout.stdout) as { steps: Array<{ output: string }> }).steps[0]!.output, /MANUAL ssh-root-login.*lock it out/);
  assert.deepEqual(snapshot(1), before);
});

function writeTemp(name: string, text: string): string {
  const p = join(labDir, name);
  writeFileSync(p, text);
  return p;
}
