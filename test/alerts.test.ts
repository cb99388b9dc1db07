import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';

// A threshold alert over an averaged window fires while a CPU burner runs and resolves after,
// with events in the console API, the audit log and a webhook (a local HTTP server).
let server: RunningServer;
let env: NodeJS.ProcessEnv;
let token: string;
let hook: Server;
let hookUrl = '';
const received: Array<{ state: string; host: string; rule: string; value: number }> = [];
const burners: ChildProcess[] = [];

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
  server = await startServer();
  ({ env, token } = await bootstrap(server));
  assert.equal((await api(server, token, 'PUT', '/metrics/intervals', { defaultSec: 5, groups: {}, hosts: {} })).status, 200);
});
after(async () => {
  for (const b of burners) if (b.exitCode === null) b.kill('SIGKILL');
  await server.stop();
  hook.close();
});

test('an alert fires while the CPU burns and resolves after, with webhook and audit', async () => {
  // the threshold sits halfway between this machine's current load and full
  const baseline = await until('a CPU figure', async () => (await api<Array<{ host: string; cpuBusyPercent: number | null }>>(server, token, 'GET', '/metrics/overview')).body.find((r) => r.host === 'local')?.cpuBusyPercent ?? null);
  const threshold = Math.round(baseline + (100 - baseline) / 2);
  const add = await runCli(['alerts', 'add', 'cpu-hot', '--on', 'local', '--when', `cpu.busy > ${threshold}`, '--for', '15s', '--webhook', hookUrl], { env });
  assert.equal(add.code, 0, add.stderr);
  const cpus = Number((await runCli(['exec', 'local', '--json', '--', 'nproc'], { env }).then((r) => JSON.parse(r.stdout).steps[0].stdout)).trim());
  for (let i = 0; i < cpus; i++) burners.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  await until('firing', async () => received.find((e) => e.state === 'firing'));
  const active = await runCli(['alerts', 'active', '--json'], { env });
  const list = JSON.parse(active.stdout) as Array<{ rule: string; host: string; value: number }>;
  assert.equal(list[0]?.rule, 'cpu-hot');
  assert.ok(list[0]!.value > threshold);
  for (const b of burners) b.kill('SIGKILL');
  await until('resolved', async () => received.find((e) => e.state === 'resolved'));
  assert.deepEqual(received.map((e) => e.state), ['firing', 'resolved'], 'one firing and one resolved, no flapping');
  const events = (await api<Array<{ state: string; webhookStatus: string }>>(server, token, 'GET', '/alerts/events')).body;
  assert.deepEqual(events.map((e) => e.state), ['resolved', 'firing']);
  assert.equal(events[0]!.webhookStatus, 'HTTP 200');
  const audit = (await api<Array<{ action: string; host: string }>>(server, token, 'GET', '/audit?action=alert.')).body.map((a) => a.action);
  assert.ok(audit.includes('alert.firing') && audit.includes('alert.resolved'));
  assert.equal(JSON.parse((await runCli(['alerts', 'active', '--json'], { env })).stdout).length, 0);
});

test('bad rules are refused with a clear error', async () => {
  const bad = await runCli(['alerts', 'add', 'x', '--when', 'cpu.hotness > 3'], { env });
  assert.match(bad.stderr, /UNKNOWN_METRIC/);
  const dup = await runCli(['alerts', 'add', 'cpu-hot', '--when', 'cpu.busy > 3'], { env });
  assert.match(dup.stderr, /RULE_EXISTS/);
  const syntax = await runCli(['alerts', 'add', 'y', '--when', 'cpu.busy >>'], { env });
  assert.match(syntax.stderr, /INVALID_RULE/);
  assert.equal((await runCli(['alerts', 'remove', 'cpu-hot'], { env })).code, 0);
});
