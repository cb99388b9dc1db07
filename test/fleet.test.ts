import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';
import { type SshdFixture, startSshd } from './support/sshd-fixture';

let server: RunningServer;
let sshd: SshdFixture;
let env: NodeJS.ProcessEnv;
let token: string;

before(async () => {
  [server, sshd] = await Promise.all([startServer(), startSshd()]);
  ({ env, token } = await bootstrap(server));
});
after(async () => {
  await server.stop();
  await sshd.stop();
});

test('spine: hosts list shows local, exec local equals uname -r, and both are audited', async () => {
  const list = await runCli(['hosts', 'list', '--json'], { env });
  assert.equal(list.code, 0, list.stderr);
  const hosts = JSON.parse(list.stdout) as Array<{ name: string; transport: string }>;
  assert.ok(hosts.some((h) => h.name === 'local' && h.transport === 'local'));
  const ex = await runCli(['exec', 'local', '--json', '--', 'uname', '-r'], { env });
  assert.equal(ex.code, 0, ex.stderr);
  const job = JSON.parse(ex.stdout) as { status: string; steps: Array<{ host: string; stdout: string }> };
  assert.equal(job.status, 'succeeded');
  assert.equal(job.steps[0]!.stdout.trim(), execFileSync('uname', ['-r']).toString().trim());
  const audit = JSON.parse((await runCli(['audit', '--json', '--limit', '200'], { env })).stdout) as Array<{ action: string; target: string | null; command: string | null; host: string | null; exitCode: number | null }>;
  assert.ok(audit.some((a) => a.action === 'api.get' && a.target === 'GET /api/v1/hosts'), 'hosts list audited');
  assert.ok(audit.some((a) => a.action === 'host.exec' && a.host === 'local' && a.command === 'uname -r' && a.exitCode === 0), 'remote command audited');
});

test('add an SSH host with a key: facts gathered, key pinned, secret not readable back', async () => {
  const add = await runCli(['hosts', 'add', 'fx1', '--ssh', `root@127.0.0.1:${sshd.port}`, '--key', sshd.clientKeyPath, '--group', 'fixture', '--tag', 'env=test', '--json'], { env });
  assert.equal(add.code, 0, add.stderr);
  const h = JSON.parse(add.stdout) as Record<string, any>;
  assert.equal(h.facts.kernel, execFileSync('uname', ['-r']).toString().trim());
  assert.match(h.hostKeyFingerprint, /^SHA256:/);
  assert.deepEqual(h.groups, ['fixture']);
  assert.deepEqual(h.tags, { env: 'test' });
  assert.equal(JSON.stringify(h).includes('PRIVATE KEY'), false);
  const dup = await runCli(['hosts', 'add', 'fx1', '--ssh', `root@127.0.0.1:${sshd.port}`, '--key', sshd.clientKeyPath], { env });
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /HOST_EXISTS/);
});

test('bad hosts are refused with the host and the cause, and nothing is added', async () => {
  const refused = await runCli(['hosts', 'add', 'nope1', '--ssh', 'root@127.0.0.1:1', '--key', sshd.clientKeyPath], { env });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /CONNECTION_REFUSED: nope1: connection refused/);
  const wrongKey = await runCli(['hosts', 'add', 'nope2', '--ssh', `root@127.0.0.1:${sshd.port}`, '--key', `${sshd.dir}/host`], { env });
  assert.match(wrongKey.stderr, /AUTH_FAILED/);
  const notAKey = await runCli(['hosts', 'add', 'nope3', '--ssh', `root@127.0.0.1:${sshd.port}`, '--key', '/etc/hostname'], { env });
  assert.match(notAKey.stderr, /INVALID_KEY/);
  const badTarget = await runCli(['hosts', 'add', 'nope4', '--ssh', 'root@host;reboot', '--key', sshd.clientKeyPath], { env });
  assert.match(badTarget.stderr, /INVALID_SSH_TARGET/);
  const names = (await api<Array<{ name: string }>>(server, token, 'GET', '/hosts')).body.map((h) => h.name);
  assert.deepEqual(names.filter((n) => n.startsWith('nope')), []);
});

test('exec over SSH: per-host results, hostile output sanitized for the terminal, exit code reflects failures', async () => {
  const ok = await runCli(['exec', 'local,fx1', '--', 'echo', 'hi'], { env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^fx1 \| ok rc=0/m);
  assert.match(ok.stdout, /2 ok, 0 failed, 0 unreachable$/m);
  const hostile = await runCli(['exec', 'fx1', '--', "printf '\\033]52;c;ZXZpbA==\\007\\033[2Jvisible\\n'; exit 4"], { env });
  assert.equal(hostile.code, 2);
  assert.equal(hostile.stdout.includes('\u001b'), false, 'no escape reaches the terminal');
  assert.match(hostile.stdout, /visible/);
  assert.match(hostile.stdout, /0 ok, 1 failed, 0 unreachable/);
  const bin = await runCli(['exec', 'fx1', '--json', '--', 'head -c 64 /bin/sh'], { env });
  const job = JSON.parse(bin.stdout) as { steps: Array<{ stdout: string }> };
  assert.equal(job.steps[0]!.stdout, '[binary output, 64 bytes]');
  const slow = await runCli(['exec', 'fx1', '--timeout', '1', '--json', '--', 'sleep 20'], { env });
  const sj = JSON.parse(slow.stdout) as { status: string; steps: Array<{ status: string; error: string }> };
  assert.equal(sj.steps[0]!.status, 'timeout');
  assert.match(sj.steps[0]!.error, /fx1: command timed out after 1s/);
});

test('a regenerated host key is refused and audited until hosts trust', async () => {
  await sshd.regenerateHostKey();
  const r = await runCli(['exec', 'fx1', '--json', '--', 'hostname'], { env });
  assert.notEqual(r.code, 0);
  const job = JSON.parse(r.stdout) as { steps: Array<{ status: string; errorCode: string; error: string }> };
  assert.equal(job.steps[0]!.status, 'unreachable');
  assert.equal(job.steps[0]!.errorCode, 'HOST_KEY_MISMATCH');
  assert.match(job.steps[0]!.error, /host key changed.*osdeck hosts trust fx1/);
  const show = JSON.parse((await runCli(['hosts', 'show', 'fx1', '--json'], { env })).stdout) as { state: string; offeredHostKeyFingerprint: string };
  assert.equal(show.state, 'hostkey-changed');
  const newFp = execFileSync('ssh-keygen', ['-lf', `${sshd.dir}/host.pub`]).toString().split(' ')[1];
  assert.equal(show.offeredHostKeyFingerprint, newFp);
  const audit = (await api<Array<{ action: string; host: string }>>(server, token, 'GET', '/audit?action=host.key_mismatch')).body;
  assert.ok(audit.some((a) => a.host === 'fx1'));
  // still refused on retry (no silent re-pin)
  assert.notEqual((await runCli(['exec', 'fx1', '--', 'true'], { env })).code, 0);
  const wrongFp = await runCli(['hosts', 'trust', 'fx1', '--fingerprint', 'SHA256:nope'], { env });
  assert.match(wrongFp.stderr, /FINGERPRINT_MISMATCH/);
  const trust = await runCli(['hosts', 'trust', 'fx1', '--fingerprint', newFp!], { env });
  assert.equal(trust.code, 0, trust.stderr);
  const after = await runCli(['exec', 'fx1', '--', 'echo', 'back'], { env });
  assert.equal(after.code, 0, after.stdout + after.stderr);
  assert.ok((await api<Array<{ action: string; host: string }>>(server, token, 'GET', '/audit?action=host.trust')).body.some((a) => a.host === 'fx1'));
});

test('remove a host', async () => {
  assert.equal((await runCli(['hosts', 'remove', 'fx1'], { env })).code, 0);
  const r = await runCli(['hosts', 'show', 'fx1'], { env });
  assert.match(r.stderr, /NOT_FOUND: host 'fx1' not found/);
  assert.match((await runCli(['hosts', 'remove', 'local'], { env })).stderr, /LOCAL_HOST/);
});
