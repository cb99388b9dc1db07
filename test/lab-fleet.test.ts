import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, bootstrap, runCli, startServer } from './support/server-harness';

// The acceptance path, as an operator would type it: lab up, exec all, rekey, trust, lab down.
let server: RunningServer;
let env: NodeJS.ProcessEnv;
const labDir = mkdtempSync(join(tmpdir(), 'osdeck-lab-'));

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the lab needs root (CI runs as root)');
  server = await startServer();
  ({ env } = await bootstrap(server));
});
after(async () => {
  await runCli(['lab', 'down', '--dir', labDir], { env });
  await server.stop();
});

test('lab up --hosts 3 registers three real SSH hosts', async () => {
  const up = await runCli(['lab', 'up', '--hosts', '3', '--dir', labDir], { env });
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /3 hosts up/);
  assert.match(up.stdout, /3 added/);
  const status = await runCli(['lab', 'status', '--dir', labDir], { env });
  assert.match(status.stdout, /3 of 3 reachable/);
});

test('exec all -- hostname returns 4 distinct hostnames', async () => {
  const r = await runCli(['exec', 'all', '--json', '--', 'hostname'], { env });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const job = JSON.parse(r.stdout) as { steps: Array<{ host: string; status: string; stdout: string }> };
  assert.equal(job.steps.length, 4);
  const names = new Set(job.steps.map((s) => s.stdout.trim()));
  assert.equal(names.size, 4, [...names].join(','));
  for (const s of job.steps.filter((s) => s.host.startsWith('lab-'))) assert.equal(s.stdout.trim(), s.host);
  const human = await runCli(['exec', 'group:lab', '--', 'hostname'], { env });
  assert.match(human.stdout, /^3 ok, 0 failed, 0 unreachable$/m);
});

test('each lab host gets metrics history over its own SSH connection', async () => {
  const token = env.OSDECK_TOKEN!;
  const put = await fetch(`${server.url}/api/v1/metrics/intervals`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ defaultSec: 5, groups: {}, hosts: {} }) });
  assert.equal(put.status, 200);
  const deadline = Date.now() + 60_000;
  for (const host of ['lab-1', 'lab-2', 'lab-3']) {
    for (;;) {
      const r = await fetch(`${server.url}/api/v1/metrics/hosts/${host}/series?name=node_cpu_seconds_total&labels=mode=idle&step=1000&from=${Date.now() - 120_000}`, { headers: { authorization: `Bearer ${token}` } });
      const series = (await r.json()) as Array<{ points: Array<[number, number | null]> }>;
      if (series.some((s) => s.points.filter((p) => p[1] !== null).length >= 1)) break;
      assert.ok(Date.now() < deadline, `${host} has no CPU rate after a minute`);
      await new Promise((res) => setTimeout(res, 500));
    }
    const cli = await runCli(['metrics', host, '--metric', 'node_load1', '--since', '5m'], { env });
    assert.equal(cli.code, 0, cli.stderr);
  }
});

test('a lab host with a regenerated host key fails with a host-key error until hosts trust', async () => {
  const rekey = await runCli(['lab', 'rekey', 'lab-2', '--dir', labDir], { env });
  assert.equal(rekey.code, 0, rekey.stderr);
  const r = await runCli(['exec', 'lab-2', '--', 'hostname'], { env });
  assert.equal(r.code, 2);
  assert.match(r.stdout, /lab-2 \| unreachable .*host key changed/);
  // the others are unaffected
  assert.equal((await runCli(['exec', 'lab-1,lab-3', '--', 'true'], { env })).code, 0);
  const trust = await runCli(['hosts', 'trust', 'lab-2'], { env });
  assert.equal(trust.code, 0, trust.stderr);
  const again = await runCli(['exec', 'lab-2', '--', 'hostname'], { env });
  assert.equal(again.code, 0, again.stdout);
  assert.match(again.stdout, /^lab-2$/m);
});

test('lab down removes the hosts from osdeck and the machine', async () => {
  const down = await runCli(['lab', 'down', '--dir', labDir], { env });
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /unregistered 3 hosts/);
  const hosts = JSON.parse((await runCli(['hosts', 'list', '--json'], { env })).stdout) as Array<{ name: string }>;
  assert.deepEqual(hosts.map((h) => h.name), ['local']);
});
