import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { HostError } from '../src/domain/errors';
import { LocalTransport } from '../src/infra/transport/local-transport';
import { SshPool } from '../src/infra/transport/ssh-pool';
import { type SshdFixture, startSshd } from './support/sshd-fixture';

let sshd: SshdFixture;
let pool: SshPool;
let pinned: string;

before(async () => {
  sshd = await startSshd();
  pool = new SshPool({ connectTimeoutMs: 5000 });
  // first contact: learn the key, the way `hosts add` does
  pinned = await pool.transport({ name: 'fx', address: '127.0.0.1', port: sshd.port, user: 'root', privateKey: sshd.clientKey, pinnedFingerprint: null }).fingerprint();
  pool.drop('fx');
});
after(async () => {
  await pool.close();
  await sshd.stop();
});

const cfg = (over: object = {}) => ({ name: 'fx', address: '127.0.0.1', port: sshd.port, user: 'root', privateKey: sshd.clientKey, pinnedFingerprint: pinned, ...over });

test('the pinned fingerprint is the one ssh-keygen reports for the host key', () => {
  const fp = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host.pub')]).toString().split(' ')[1];
  assert.equal(pinned, fp);
});

test('scripts run over sh -s with exit codes, stdout and stderr, on one connection', async () => {
  const t = pool.transport(cfg());
  const r = await t.runScript('echo out; echo err >&2; exit 7');
  assert.equal(r.exitCode, 7);
  assert.equal(r.stdout.toString(), 'out\n');
  assert.equal(r.stderr.toString(), 'err\n');
  const r2 = await t.runScript('hostname');
  assert.equal(r2.stdout.toString().trim(), execFileSync('hostname').toString().trim());
  assert.equal(pool.size, 1);
});

test('many concurrent commands on one host stay under sshd MaxSessions (channel bound)', async () => {
  const t = pool.transport(cfg());
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => t.runScript(`sleep 0.2; echo ${i}`)));
  assert.deepEqual(results.map((r) => r.stdout.toString().trim()), Array.from({ length: 30 }, (_, i) => String(i)));
});

test('timeout: the command is stopped and reported as COMMAND_TIMEOUT; the connection stays usable', async () => {
  const t = pool.transport(cfg());
  await assert.rejects(t.runScript('echo before-the-hang; sleep 30', { timeoutMs: 1000 }), (e: HostError) => {
    assert.equal(e.code, 'COMMAND_TIMEOUT');
    assert.match(e.message, /^fx: /);
    assert.equal(Buffer.from(e.partial!.stdout).toString(), 'before-the-hang\n', 'output printed before the timeout is kept');
    return true;
  });
  assert.equal((await t.runScript('echo alive')).stdout.toString(), 'alive\n');
});

test('cancel through an AbortSignal', async () => {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 300);
  await assert.rejects(pool.transport(cfg()).runScript('sleep 30', { signal: ctl.signal }), { code: 'CANCELLED' });
});

test('huge output is capped and the truncation reported with the real byte count', async () => {
  const r = await pool.transport(cfg()).runScript('head -c 5000000 /dev/zero | tr "\\0" a', { maxOutputBytes: 1024 * 1024 });
  assert.equal(r.stdout.length, 1024 * 1024);
  assert.equal(r.stdoutBytes, 5_000_000);
  assert.equal(r.truncated, true);
});

test('a changed host key is refused with HOST_KEY_MISMATCH naming both keys', async () => {
  const t = pool.transport(cfg({ name: 'fx-wrongpin', pinnedFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }));
  await assert.rejects(t.runScript('echo should-not-run'), (e: HostError) => {
    assert.equal(e.code, 'HOST_KEY_MISMATCH');
    assert.match(e.message, /fx-wrongpin: host key changed/);
    assert.equal(e.details?.offered, pinned);
    return true;
  });
});

test('wrong key: AUTH_FAILED; refused port: CONNECTION_REFUSED; silent server: CONNECT_TIMEOUT', async () => {
  const otherKey = readFileSync(join(sshd.dir, 'host'), 'utf8'); // a valid key that is not authorized
  await assert.rejects(pool.transport(cfg({ name: 'fx-badkey', privateKey: otherKey })).runScript('true'), { code: 'AUTH_FAILED' });
  await assert.rejects(pool.transport(cfg({ name: 'fx-refused', port: 1 })).runScript('true'), { code: 'CONNECTION_REFUSED' });
  // a server that accepts TCP but never speaks SSH: the handshake times out (all on loopback)
  const silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const quick = new SshPool({ connectTimeoutMs: 1000 });
  try {
    const port = (silent.address() as { port: number }).port;
    await assert.rejects(quick.transport(cfg({ name: 'fx-silent', port })).runScript('true', { timeoutMs: 5000 }), (e: HostError) =>
      e.code === 'CONNECT_TIMEOUT' && /fx-silent/.test(e.message),
    );
  } finally {
    await quick.close();
    silent.close();
  }
});

test('a dropped connection is re-made on next use', async () => {
  const t = pool.transport(cfg());
  await t.runScript('true');
  pool.drop('fx');
  assert.equal((await t.runScript('echo again')).stdout.toString(), 'again\n');
});

test('local transport honours the same contract', async () => {
  const t = new LocalTransport();
  const r = await t.runScript('echo hi; exit 3');
  assert.equal(r.exitCode, 3);
  assert.equal(r.stdout.toString(), 'hi\n');
  await assert.rejects(t.runScript('sleep 10 & sleep 10; wait', { timeoutMs: 300 }), { code: 'COMMAND_TIMEOUT' });
  const big = await t.runScript('head -c 300000 /dev/zero', { maxOutputBytes: 1000 });
  assert.equal(big.truncated, true);
  assert.equal(big.stdoutBytes, 300000);
});
