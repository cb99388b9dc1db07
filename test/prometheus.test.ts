import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PromServer, startPrometheus, startVictoriaMetrics } from './support/prometheus-fixtures';
import { type RunningServer, api, bootstrap, startServer } from './support/server-harness';

// Prometheus compatibility both ways: a real Prometheus scrapes /metrics, and the
// VictoriaMetrics mode stores samples there and reads them back with PromQL.
interface Series { labels: Record<string, string>; points: Array<[number, number | null]> }
interface PromResult { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

let server: RunningServer;
let vmServer: RunningServer;
let prom: PromServer;
let vm: PromServer;
let token: string;
let vmToken: string;

before(async () => {
  vm = await startVictoriaMetrics();
  [server, vmServer] = await Promise.all([startServer(), startServer({ env: { OSDECK_METRICS_URL: vm.url } })]);
  ({ token } = await bootstrap(server));
  ({ token: vmToken } = await bootstrap(vmServer));
  for (const [s, t] of [[server, token], [vmServer, vmToken]] as const) {
    assert.equal((await api(s, t, 'PUT', '/metrics/intervals', { defaultSec: 5, groups: {}, hosts: {} })).status, 200);
  }
  const viewer = (await api<{ token: string }>(server, token, 'POST', '/tokens', { role: 'viewer', name: 'prometheus' })).body.token;
  prom = await startPrometheus(server.url, viewer);
});
after(async () => {
  await prom?.stop();
  await server?.stop();
  await vmServer?.stop();
  await vm?.stop();
});

test('a real Prometheus scrapes /metrics with a viewer token', async () => {
  const q = async (expr: string) => (await (await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: expr })}`)).json()) as PromResult;
  await until('the scrape target up', async () => (await q('up{job="osdeck"}')).data.result[0]?.value[1] === '1');
  const load = await until('node_load1 of local', async () => (await q('node_load1{host="local"}')).data.result[0]);
  assert.ok(Number(load.value[1]) >= 0);
  const cpu = await until('a CPU rate', async () => (await q('sum(rate(node_cpu_seconds_total{host="local"}[30s]))')).data.result[0]);
  // all modes of all CPUs add up to about the number of CPUs
  const cpus = Number((await q('count(node_cpu_seconds_total{host="local",mode="idle"})')).data.result[0]!.value[1]);
  assert.ok(Math.abs(Number(cpu.value[1]) - cpus) < 0.5, `cpu seconds per second ${cpu.value[1]} vs ${cpus} cpus`);
});

test('VictoriaMetrics mode: samples are stored there and read back with PromQL through the same API', async () => {
  const status = await api<{ metrics: string }>(vmServer, null, 'GET', '/status');
  assert.equal(status.body.metrics, 'victoria-metrics');
  // the data really is in VictoriaMetrics
  const direct = await until('node_load1 in VictoriaMetrics', async () => {
    const r = (await (await fetch(`${vm.url}/api/v1/query?${new URLSearchParams({ query: 'node_load1{host="local"}' })}`)).json()) as PromResult;
    return r.data.result[0];
  });
  const ts = Math.round(direct.value[0] * 1000);
  // the same value read back through osdeck for the bucket holding that sample
  const raw = await until('two polls', async () => {
    const line = (await (await fetch(`${vm.url}/api/v1/export?${new URLSearchParams({ 'match[]': 'node_load1{host="local"}' })}`)).text()).trim().split('\n')[0];
    const parsed = line ? (JSON.parse(line) as { values: number[]; timestamps: number[] }) : null;
    return parsed && parsed.values.length >= 2 ? parsed : null;
  });
  const at = raw.timestamps[0]!;
  const step = 1000;
  // VictoriaMetrics makes fresh rows searchable about a second after it has them: ask until it answers
  const got = await until('the sample through osdeck', async () => {
    const series = (await api<Series[]>(vmServer, vmToken, 'GET', `/metrics/hosts/local/series?name=node_load1&from=${at - (at % step)}&to=${at - (at % step) + step}&step=${step}`)).body;
    const v = series[0]?.points.find((p) => p[0] === at - (at % step))?.[1];
    return v === undefined || v === null ? null : { v };
  }).then((x) => x.v);
  assert.equal(got, raw.values[0]);
  // counters come back as rates, as in the embedded store
  const idle = await until('a CPU idle rate', async () => {
    const s = (await api<Series[]>(vmServer, vmToken, 'GET', `/metrics/hosts/local/series?name=node_cpu_seconds_total&labels=mode=idle,cpu=0&step=5000&from=${Date.now() - 120_000}`)).body;
    return s[0]?.points.find((p) => p[1] !== null);
  });
  assert.ok(idle[1]! >= 0 && idle[1]! <= 1.05, `idle rate ${idle[1]}`);
  const latest = (await api<{ samples: Array<{ name: string }> }>(vmServer, vmToken, 'GET', '/metrics/hosts/local/latest')).body;
  assert.ok(latest.samples.some((s) => s.name === 'node_cpu_seconds_total'));
  assert.ok(latest.samples.some((s) => s.name === 'node_memory_MemAvailable_bytes'));
  const overview = (await api<Array<{ host: string; cpuBusyPercent: number | null }>>(vmServer, vmToken, 'GET', '/metrics/overview')).body;
  assert.equal(typeof overview.find((r) => r.host === 'local')?.cpuBusyPercent, 'number');
  assert.ok(ts > 0);
});
