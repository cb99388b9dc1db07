// SQLite TSDB: ingest rate (a fleet's polls, one transaction per host poll, rollup every simulated
// minute) and the latency of 24 h queries over a store holding 24 h of 15 s data.
// npm run bench -- tsdb [hosts=200] [series=300] [polls=20] [fillHosts=2] [rollupEvery=20]   (or: npx tsx bench/tsdb-bench.ts …)
// rollupEvery is in polls of 15 s: 20 = a rollup every 5 minutes, the cadence the store is meant for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { MetricSample } from '../src/domain/metrics/sample';
import { SqliteTsdb } from '../src/infra/tsdb/sqlite-tsdb';

const STEP = 15_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A node_exporter-like host: 60 cpu series, disks, NICs, filesystems, memory, then hwmon to reach `count`. */
function hostSeries(count: number): MetricSample[] {
  const out: MetricSample[] = [];
  const modes = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user', 'guest', 'guest_nice'];
  for (let c = 0; c < 6; c++) for (const mode of modes) out.push({ name: 'node_cpu_seconds_total', labels: { cpu: String(c), mode }, value: 0 });
  for (const m of ['reads_completed', 'writes_completed', 'read_bytes', 'written_bytes', 'io_time_seconds'])
    for (let d = 0; d < 8; d++) out.push({ name: `node_disk_${m}_total`, labels: { device: `sd${String.fromCharCode(97 + d)}` }, value: 0 });
  for (const dir of ['receive', 'transmit'])
    for (const m of ['bytes', 'packets', 'errs', 'drop'])
      for (let n = 0; n < 10; n++) out.push({ name: `node_network_${dir}_${m}_total`, labels: { device: `eth${n}` }, value: 0 });
  for (const m of ['size', 'avail', 'free'])
    for (let f = 0; f < 10; f++) out.push({ name: `node_filesystem_${m}_bytes`, labels: { device: `/dev/vd${f}`, fstype: 'xfs', mountpoint: `/data${f}` }, value: 0 });
  for (let i = 0; i < 40; i++) out.push({ name: `node_memory_Field${i}_bytes`, labels: {}, value: 0 });
  for (let i = 0; out.length < count; i++) out.push({ name: 'node_hwmon_temp_celsius', labels: { chip: 'platform_coretemp_0', sensor: `temp${i}` }, value: 0 });
  return out.slice(0, count);
}

/** A fresh sample array per poll, as a parser would produce: counters grow, gauges wander. */
function poll(template: MetricSample[], k: number, h: number): MetricSample[] {
  return template.map((s, i) => ({ name: s.name, labels: { ...s.labels }, value: s.name.endsWith('_total') ? k * (i + 1) + h : Math.sin(k / 40 + i) * 100 + h }));
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function arg(args: string[], key: string, dflt: number): number {
  const a = args.find((x) => x.startsWith(`${key}=`));
  return a ? Number(a.slice(key.length + 1)) : dflt;
}

export async function tsdbBenchmark(args: string[]): Promise<void> {
  const hosts = arg(args, 'hosts', 200);
  const perHost = arg(args, 'series', 300);
  const polls = arg(args, 'polls', 20);
  const rollupEvery = arg(args, 'rollupEvery', 20);
  const fillHosts = arg(args, 'fillHosts', 2);
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-tsdb-bench-'));
  const template = hostSeries(perHost);
  const t0Day = Date.UTC(2024, 0, 1);
  try {
    // 1) A fleet's polls into a fresh store: every host polled every 15 s, rollup every `rollupEvery` polls.
    {
      const db = new SqliteTsdb({ file: join(dir, 'fleet.db') });
      const perPoll = Array.from({ length: hosts }, (_, h) => Array.from({ length: polls }, (_, k) => poll(template, k, h)));
      let appendMs = 0;
      let rollupMs = 0;
      for (let k = 0; k < polls; k++) {
        const ts = t0Day + k * STEP;
        const t = process.hrtime.bigint();
        for (let h = 0; h < hosts; h++) db.append(`host-${h}`, ts, perPoll[h]![k]!);
        appendMs += ms(t);
        if ((k + 1) % rollupEvery === 0) {
          const r = process.hrtime.bigint();
          db.rollup(ts + STEP);
          rollupMs += ms(r);
        }
      }
      if (polls % rollupEvery !== 0) {
        const r = process.hrtime.bigint();
        db.rollup(t0Day + polls * STEP);
        rollupMs += ms(r);
      }
      const n = hosts * perHost * polls;
      const s = db.stats();
      console.log(
        `ingest, fresh store: ${hosts} hosts × ${perHost} series × ${polls} polls = ${n} samples: ` +
          `append ${Math.round(n / (appendMs / 1000))} samples/s, with rollups+flushes ${Math.round(n / ((appendMs + rollupMs) / 1000))} samples/s ` +
          `(rollup total ${rollupMs.toFixed(0)} ms); ${s.series} series`,
      );
      db.close();
    }

    // 2) 24 h of 15 s data for some hosts, written the way a collector would (poll by poll, rollup each minute):
    //    (rollup every `rollupEvery` polls): the ingest rate once series have history, then the query latencies over it.
    const file = join(dir, 'day.db');
    const db = new SqliteTsdb({ file });
    const pollsPerDay = DAY / STEP;
    let appendMs = 0;
    let rollupMs = 0;
    let maxRollupMs = 0;
    for (let k = 0; k < pollsPerDay; k++) {
      const ts = t0Day + k * STEP;
      const polled = Array.from({ length: fillHosts }, (_, h) => poll(template, k, h)); // not timed: a parser's work
      const t = process.hrtime.bigint();
      for (let h = 0; h < fillHosts; h++) db.append(`fill-${h}`, ts, polled[h]!);
      appendMs += ms(t);
      if ((k + 1) % rollupEvery === 0) {
        const r = process.hrtime.bigint();
        db.rollup(ts + STEP);
        const d = ms(r);
        rollupMs += d;
        if (d > maxRollupMs) maxRollupMs = d;
      }
    }
    const n = fillHosts * perHost * pollsPerDay;
    console.log(
      `ingest, 24 h history: ${fillHosts} hosts × ${perHost} series × ${pollsPerDay} polls = ${n} samples: ` +
        `append ${Math.round(n / (appendMs / 1000))} samples/s, with rollups+flushes ${Math.round(n / ((appendMs + rollupMs) / 1000))} samples/s ` +
        `(rollup+flush every ${(rollupEvery * STEP) / 1000} s: mean ${(rollupMs / Math.floor(pollsPerDay / rollupEvery)).toFixed(1)} ms, max ${maxRollupMs.toFixed(0)} ms)`,
    );

    const end = t0Day + DAY - 1;
    const time = (label: string, runs: number, fn: () => unknown) => {
      fn(); // warm
      const xs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = process.hrtime.bigint();
        fn();
        xs.push(ms(t));
      }
      console.log(`query ${label}: median ${median(xs).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms (${runs} runs)`);
    };
    const one = { host: 'fill-0', name: 'node_cpu_seconds_total', labels: { cpu: '0', mode: 'idle' }, from: t0Day, to: end };
    const cpu = { host: 'fill-0', name: 'node_cpu_seconds_total', from: t0Day, to: end };
    const check = db.query({ ...cpu, stepMs: MINUTE });
    if (check.length !== 60 || check[0]!.points.length !== 1440 || check[0]!.points.some((p) => p[1] === null)) {
      throw new Error(`unexpected query result: ${check.length} series, ${check[0]?.points.length} points`);
    }
    time('24 h, 1 series, 1 min step (1m tier)', 50, () => db.query({ ...one, stepMs: MINUTE }));
    time('24 h, 1 series, 15 s step (raw)', 20, () => db.query({ ...one, stepMs: STEP }));
    time('24 h, 60 series of a host, 1 min step (1m tier)', 10, () => db.query({ ...cpu, stepMs: MINUTE }));
    time('24 h, 60 series of a host, 15 s step (raw)', 5, () => db.query({ ...cpu, stepMs: STEP }));
    time('24 h, 60 series of a host, 5 min step (5m tier)', 20, () => db.query({ ...cpu, stepMs: 5 * MINUTE }));
    time(`latest of a host (${perHost} series)`, 50, () => db.latest('fill-0'));

    db.flush();
    const s = db.stats();
    db.close(); // checkpoints the WAL into the file
    const reopened = new SqliteTsdb({ file });
    const fileBytes = reopened.stats().fileBytes;
    reopened.close();
    const ro = new Database(file, { readonly: true });
    const tableBytes = new Map(
      (ro.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{ name: string; bytes: number }>).map((t) => [t.name, t.bytes]),
    );
    const r1mRows = ro.prepare('SELECT count(*) FROM r1m').pluck().get() as number;
    ro.close();
    const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
    const raw = tableBytes.get('raw') ?? 0;
    const r1m = tableBytes.get('r1m') ?? 0;
    console.log(
      `size: ${s.rawSamples} raw samples in a ${mb(fileBytes)} file = ${(fileBytes / s.rawSamples).toFixed(1)} B per raw sample with rollups; ` +
        `raw ${mb(raw)} = ${(raw / s.rawSamples).toFixed(1)} B/sample, r1m ${mb(r1m)} = ${(r1m / r1mRows).toFixed(1)} B/row, ` +
        `r5m ${mb(tableBytes.get('r5m') ?? 0)}, r1h ${mb(tableBytes.get('r1h') ?? 0)}, series ${mb((tableBytes.get('series') ?? 0) + (tableBytes.get('sqlite_autoindex_series_1') ?? 0))}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await tsdbBenchmark(process.argv.slice(2));
}
