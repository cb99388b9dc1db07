import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';
import { type SshdFixture, startSshd } from './support/sshd-fixture';

// Monitoring end to end: real polls over SSH and locally, stored, queried, exported.
let server: RunningServer;
let sshd: SshdFixture;
let token: string;
let env: NodeJS.ProcessEnv;

interface Series { labels: Record<string, string>; points: Array<[number, number | null]> }

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function parseExposition(text: string): Map<string, { value: number; ts: number }> {
  const out = new Map<string, { value: number; ts: number }>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(\{.*\})? (\S+)(?: (\d+))?$/.exec(line);
    if (m) out.set(`${m[1]}${m[2] ?? ''}`, { value: Number(m[3]), ts: Number(m[4]) });
  }
  return out;
}

before(async () => {
  [server, sshd] = await Promise.all([startServer(), startSshd()]);
  ({ token, env } = await bootstrap(server));
  const put = await api(server, token, 'PUT', '/metrics/intervals', { defaultSec: 5, groups: {}, hosts: {} });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  for (const name of ['m1', 'm2']) {
    const r = await api(server, token, 'POST', '/hosts', { name, ssh: `root@127.0.0.1:${sshd.port}`, privateKey: sshd.clientKey, groups: ['mon'] });
    assert.equal(r.status, 201);
  }
});
after(async () => {
  await server.stop();
  await sshd.stop();
});

test('every host gets history: gauges and counter rates, queried by range and step', async () => {
  for (const host of ['local', 'm1', 'm2']) {
    const s = await until(`two polls of ${host}`, async () => {
      const r = (await api<Series[]>(server, token, 'GET', `/metrics/hosts/${host}/series?name=node_cpu_seconds_total&labels=mode=idle&step=1000&from=${Date.now() - 120_000}`)).body;
      return r.length > 0 && r.some((x) => x.points.some((p) => p[1] !== null)) ? r : null;
    });
    const idle = s.flatMap((x) => x.points.map((p) => p[1])).filter((v): v is number => v !== null);
    // an idle rate is CPU-seconds per second per CPU: between 0 and 1
    for (const v of idle) assert.ok(v >= 0 && v <= 1.05, `idle rate ${v}`);
    const load = (await api<Series[]>(server, token, 'GET', `/metrics/hosts/${host}/series?name=node_load1&step=5000`)).body;
    assert.equal(load.length, 1);
    assert.ok(load[0]!.points.some((p) => p[1] !== null));
  }
  const names = (await api<string[]>(server, token, 'GET', '/metrics/hosts/local/names')).body;
  for (const n of ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_network_receive_bytes_total', 'node_filesystem_avail_bytes', 'node_load1']) {
    assert.ok(names.includes(n), `${n} missing`);
  }
});

test('a stored rate equals the hand computation from two raw counter reads', async () => {
  const key = 'node_cpu_seconds_total{cpu="0",group="",host="local",mode="idle"}';
  const read = async () => parseExposition((await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text())).get(key);
  const first = await until('a raw read', read);
  const second = await until('the next poll', async () => {
    const r = await read();
    return r && r.ts > first.ts ? r : null;
  });
  const hand = (second.value - first.value) / ((second.ts - first.ts) / 1000);
  const stored = (await api<Series[]>(server, token, 'GET', `/metrics/hosts/local/series?name=node_cpu_seconds_total&labels=cpu=0,mode=idle&from=${second.ts - 500}&to=${second.ts + 500}&step=1000`)).body;
  const value = stored[0]!.points.find((p) => p[1] !== null)![1]!;
  assert.ok(Math.abs(value - hand) < 1e-9, `stored ${value} vs hand ${hand}`);
});

test('/metrics needs a token and exports every host with host and group labels', async () => {
  assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  assert.match(text, /^# TYPE node_load1 gauge$/m);
  assert.match(text, /^# TYPE node_cpu_seconds_total counter$/m);
  assert.match(text, /^node_load1\{group="mon",host="m1"\} [\d.]+ \d+$/m);
  assert.match(text, /^osdeck_up\{group="",host="local"\} 1$/m);
});

test('a host that stops answering shows a gap and a state change, then resumes', async () => {
  await until('m1 up', async () => (await api<Array<{ host: string; up: boolean | null }>>(server, token, 'GET', '/metrics/overview')).body.find((r) => r.host === 'm1')?.up === true);
  const downAt = Date.now();
  await sshd.regenerateHostKey(); // stop + start: a short outage; the new key also makes it refuse until trusted
  await until('m1 down', async () => {
    const row = (await api<Array<{ host: string; up: boolean | null; state: string }>>(server, token, 'GET', '/metrics/overview')).body.find((r) => r.host === 'm1');
    return row?.up === false && row.state !== 'reachable';
  });
  await new Promise((r) => setTimeout(r, 11_000)); // two missed polls
  const gap = (await api<Series[]>(server, token, 'GET', `/metrics/hosts/m1/series?name=node_load1&from=${downAt + 6000}&to=${Date.now()}&step=1000`)).body;
  assert.ok(gap.every((s) => s.points.every((p) => p[1] === null)), 'no values while down, and no zeros');
  const audit = (await api<Array<{ action: string; host: string }>>(server, token, 'GET', '/audit?action=metrics.host_down')).body;
  assert.ok(audit.some((a) => a.host === 'm1'));
  const top = await runCli(['top'], { env });
  assert.match(top.stdout, /^m1\s+DOWN/m);
  // back: re-trust the (reinstalled) host, and collection resumes
  assert.equal((await api(server, token, 'POST', '/hosts/m1/trust', {})).status, 200);
  const backAt = Date.now();
  await until('m1 resumes', async () => {
    const r = (await api<Series[]>(server, token, 'GET', `/metrics/hosts/m1/series?name=node_load1&from=${backAt}&step=1000`)).body;
    return r.some((s) => s.points.some((p) => p[1] !== null));
  });
  assert.ok((await api<Array<{ action: string; host: string }>>(server, token, 'GET', '/audit?action=metrics.host_up')).body.some((a) => a.host === 'm1'));
});

test('CLI: osdeck metrics shows latest values, top processes and a metric over time', async () => {
  const latest = await runCli(['metrics', 'local'], { env });
  assert.equal(latest.code, 0, latest.stderr);
  assert.match(latest.stdout, /top by CPU/);
  assert.match(latest.stdout, /top by memory/);
  const series = await runCli(['metrics', 'local', '--metric', 'node_load1', '--since', '5m'], { env });
  assert.equal(series.code, 0, series.stderr);
  assert.match(series.stdout, /^-\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\S+/m);
  const bad = await runCli(['metrics', 'local', '--metric', 'nope_metric'], { env });
  assert.match(bad.stderr, /NO_DATA/);
  const badSince = await runCli(['metrics', 'local', '--metric', 'node_load1', '--since', 'yesterday'], { env });
  assert.match(badSince.stderr, /INVALID_SINCE/);
});
