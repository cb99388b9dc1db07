// Monitoring cost: server CPU per host poll and peak RSS with 200 lab hosts polled every 15 s;
// target-side cost of one collection vs one node_exporter scrape; SQLite ingest and query speed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp } from '../src/infra/lab/netns-lab';
import { ROOT, api, bootstrap, freePort, startServer } from '../test/support/server-harness';
import { tsdbBenchmark } from './tsdb-bench';

const TICKS = 100; // USER_HZ

function procCpu(pid: number): { user: number; sys: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / TICKS, sys: (Number(fields[12]) * 1000) / TICKS };
}

function procCpuMs(pid: number): number {
  const c = procCpu(pid);
  return c.user + c.sys;
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU ms of N runs of the probe on this host (children times, as the target would pay them). */
function probeCpuMs(runs: number): number {
  const probe = join(ROOT, 'src', 'probes', 'metrics.sh');
  const out = execFileSync('bash', ['-c', `for i in $(seq ${runs}); do sh ${probe} >/dev/null; done; times`]).toString().trim().split('\n');
  const children = out[1]!.split(/\s+/).map((t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t)!;
    return Number(m[1]) * 60_000 + Number(m[2]) * 1000;
  });
  return (children[0]! + children[1]!) / runs;
}

async function nodeExporterCpuMs(scrapes: number): Promise<number | null> {
  const bin = ['/usr/bin/prometheus-node-exporter', '/usr/bin/node_exporter'].find((b) => {
    try {
      execFileSync(b, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!bin) return null;
  const port = await freePort();
  const p = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/metrics`)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(); // warm up
    const before = procCpuMs(p.pid!);
    for (let i = 0; i < scrapes; i++) await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return (procCpuMs(p.pid!) - before) / scrapes;
  } finally {
    p.kill('SIGTERM');
  }
}

export async function metricsBenchmark(args: string[]): Promise<void> {
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
  const seconds = Number(process.env.OSDECK_BENCH_SECONDS ?? 90);
  if (process.getuid?.() !== 0) throw new Error('the metrics benchmark builds lab hosts: run it as root');
  console.log(`metrics benchmark: ${n} lab hosts polled every 15 s for ${seconds} s`);

  // target side first, on an idle machine
  const probeMs = probeCpuMs(50);
  const exporterMs = await nodeExporterCpuMs(50);
  console.log(`  target cost of one collection (probe, CPU):     ${probeMs.toFixed(1)} ms`);
  if (exporterMs === null) console.log('  node_exporter not installed (apt-get install prometheus-node-exporter): no ratio');
  else console.log(`  target cost of one node_exporter scrape (CPU):  ${exporterMs.toFixed(1)} ms   ratio probe/node_exporter: ${(probeMs / exporterMs).toFixed(2)}`);

  const dir = mkdtempSync(join(tmpdir(), 'osdeck-mbench-'));
  const lab = await labUp({ dir: join(dir, 'lab'), hosts: n });
  const server = await startServer();
  try {
    const { token } = await bootstrap(server);
    const key = readFileSync(lab.privateKeyPath, 'utf8');
    for (let i = 0; i < lab.hosts.length; i += 20) {
      await Promise.all(lab.hosts.slice(i, i + 20).map((h) => api(server, token, 'POST', '/hosts', { name: h.name, ssh: `${h.user}@${h.address}:${h.port}`, privateKey: key, groups: ['lab'] })));
    }
    const pid = server.proc.pid!;
    await new Promise((r) => setTimeout(r, 20_000)); // let the first polls (handshakes) pass
    const polls0 = await countPolls(server, token);
    const cpu0 = procCpu(pid);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu1 = procCpu(pid);
    const polls1 = await countPolls(server, token);
    const polls = polls1 - polls0;
    const wall = (Date.now() - t0) / 1000;
    console.log(`  host polls in ${wall.toFixed(0)} s:                    ${polls} (${(polls / wall).toFixed(1)}/s)`);
    const per = (ms: number) => (ms / Math.max(1, polls)).toFixed(2);
    const user = cpu1.user - cpu0.user;
    const sys = cpu1.sys - cpu0.sys;
    console.log(`  server CPU per host poll:                      ${per(user + sys)} ms (target ≤ 1 ms): user ${per(user)} ms, system ${per(sys)} ms`);
    console.log(`  server peak RSS:                               ${peakRssMiB(pid).toFixed(0)} MiB`);
  } finally {
    await server.stop();
    await labDown({ dir: join(dir, 'lab') });
    rmSync(dir, { recursive: true, force: true });
  }
  await tsdbBenchmark([]);
}

/** Total polls so far: the number of osdeck_up samples of all hosts, from the store via the API. */
async function countPolls(server: { url: string }, token: string): Promise<number> {
  const hosts = (await api<Array<{ name: string }>>(server, token, 'GET', '/hosts')).body;
  let total = 0;
  const from = Date.now() - 3600_000;
  for (const h of hosts) {
    const s = (await api<Array<{ points: Array<[number, number | null]> }>>(server, token, 'GET', `/metrics/hosts/${h.name}/series?name=osdeck_up&from=${from}&step=1000`)).body;
    total += s[0]?.points.filter((p) => p[1] !== null).length ?? 0;
  }
  return total;
}
