import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import type { MetricSample } from '../src/domain/metrics/sample';
import { SqliteTsdb, type TsdbOptions } from '../src/infra/tsdb/sqlite-tsdb';
import { planSegments, tierForStep } from '../src/infra/tsdb/tsdb-tiers';

// Real SQLite files in a temp dir; timestamps on a fixed UTC day so buckets are easy to compute by hand.
const dir = mkdtempSync(join(tmpdir(), 'osdeck-tsdb-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmpFile = () => join(dir, `m${++n}.db`);
const open = (opts: Partial<TsdbOptions> = {}) => new SqliteTsdb({ file: tmpFile(), ...opts });

const T0 = Date.UTC(2024, 0, 1); // midnight: aligned to every bucket size
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const g = (value: number, labels: Record<string, string> = {}): MetricSample => ({ name: 'node_load1', labels, value });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const close = (a: number | null | undefined, b: number, msg?: string) => {
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${msg ?? ''} ${a} ≈ ${b}`);
};

test('append + query: exact values per step, gaps stay null, buckets aligned on the step', () => {
  const db = open();
  db.append('web-1', T0, [g(1)]);
  db.append('web-1', T0 + 15 * S, [g(2)]);
  // T0+30s missing: a gap
  db.append('web-1', T0 + 45 * S, [g(0)]); // a real zero, distinct from a gap
  db.append('web-1', T0 + 60 * S, [g(4.25)]);
  const [r, ...rest] = db.query({ host: 'web-1', name: 'node_load1', from: T0, to: T0 + 75 * S, stepMs: 15 * S });
  assert.equal(rest.length, 0);
  assert.deepEqual(r!.points, [
    [T0, 1],
    [T0 + 15 * S, 2],
    [T0 + 30 * S, null],
    [T0 + 45 * S, 0],
    [T0 + 60 * S, 4.25],
    [T0 + 75 * S, null],
  ]);
  // Unaligned from/to: buckets start at floor(from/step)*step and contain whole steps.
  const [u] = db.query({ host: 'web-1', name: 'node_load1', from: T0 + 7 * S, to: T0 + 50 * S, stepMs: 30 * S });
  assert.deepEqual(u!.points, [
    [T0, 1.5],
    [T0 + 30 * S, 0],
  ]);
  // Unknown host or name: no series.
  assert.deepEqual(db.query({ host: 'web-2', name: 'node_load1', from: T0, to: T0 + M, stepMs: 15 * S }), []);
  assert.deepEqual(db.query({ host: 'web-1', name: 'node_load5', from: T0, to: T0 + M, stepMs: 15 * S }), []);
  db.close();
});

test('a range split between head and raw (after a flush) reads both, once each', () => {
  const db = open();
  for (let k = 0; k < 10; k++) db.append('h', T0 + k * 15 * S, [g(k)]);
  db.flush();
  for (let k = 10; k < 20; k++) db.append('h', T0 + k * 15 * S, [g(k)]);
  const pts = db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 19 * 15 * S, stepMs: 15 * S })[0]!.points;
  assert.deepEqual(pts.map((p) => p[1]), Array.from({ length: 20 }, (_, k) => k));
  const perMinute = db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 4 * M, stepMs: M, agg: 'max' })[0]!.points;
  assert.deepEqual(perMinute.map((p) => p[1]), [3, 7, 11, 15, 19]);
  assert.equal(db.stats().rawSamples, 20);
  db.close();
});

test('labels select series by exact match on the given keys; results carry full labels', () => {
  const db = open();
  const cpu = (c: string, mode: string, v: number): MetricSample => ({ name: 'node_cpu_seconds_total', labels: { cpu: c, mode }, value: v });
  db.append('h', T0, [cpu('0', 'idle', 10), cpu('0', 'user', 1), cpu('1', 'idle', 20), cpu('1', 'user', 2)]);
  // Same labels in another key order are the same series.
  db.append('h', T0 + 15 * S, [{ name: 'node_cpu_seconds_total', labels: { mode: 'idle', cpu: '0' }, value: 11 }]);
  const q = (labels?: Record<string, string | undefined>) =>
    db.query({ host: 'h', name: 'node_cpu_seconds_total', labels, from: T0, to: T0 + 15 * S, stepMs: 15 * S });
  assert.equal(q().length, 4);
  const idle = q({ mode: 'idle' });
  assert.deepEqual(idle.map((r) => r.labels), [{ cpu: '0', mode: 'idle' }, { cpu: '1', mode: 'idle' }]);
  assert.deepEqual(idle[0]!.points, [[T0, 10], [T0 + 15 * S, 11]]);
  assert.deepEqual(idle[1]!.points, [[T0, 20], [T0 + 15 * S, null]]);
  assert.deepEqual(q({ cpu: '1', mode: 'user' }).map((r) => r.points[0]![1]), [2]);
  assert.deepEqual(q({ cpu: '2' }), []);
  assert.deepEqual(q({ device: 'sda' }), []); // a key the series lacks does not match
  assert.equal(q({ mode: undefined }).length, 4);
  assert.equal(db.stats().series, 4);
  db.close();
});

test('agg chooses avg, min or max over a bucket', () => {
  const db = open();
  [3, 9, -2, 6].forEach((v, i) => db.append('h', T0 + i * 15 * S, [g(v)]));
  db.append('h', T0 + M, [g(100)]);
  const q = (agg?: 'avg' | 'min' | 'max') => db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 2 * M, stepMs: M, agg })[0]!.points;
  assert.deepEqual(q(), [[T0, 4], [T0 + M, 100], [T0 + 2 * M, null]]);
  assert.deepEqual(q('avg'), q());
  assert.deepEqual(q('min'), [[T0, -2], [T0 + M, 100], [T0 + 2 * M, null]]);
  assert.deepEqual(q('max'), [[T0, 9], [T0 + M, 100], [T0 + 2 * M, null]]);
  db.close();
});

test('rollup: 1m/5m/1h avg, min, max, count equal a hand computation; idempotent', () => {
  const file = tmpFile();
  const db = new SqliteTsdb({ file });
  // Two hours of 15 s samples with an irregular pattern, two series.
  const vals: number[] = [];
  for (let k = 0; k < 480; k++) {
    const v = ((k * 37) % 101) / 4 - 7;
    vals.push(v);
    db.append('h', T0 + k * 15 * S, [g(v, { a: '1' }), g(v * 2, { a: '2' })]);
  }
  const now = T0 + 2 * H + 30 * S;
  db.rollup(now);
  const ro = new Database(file, { readonly: true });
  type Row = { ts: number; avg: number; min: number; max: number; count: number };
  const rows = (table: string) =>
    ro.prepare(`SELECT r.ts, r.avg, r.min, r.max, r.count FROM ${table} r JOIN series s ON s.id = r.series_id WHERE s.labels_key = 'a="1"' ORDER BY r.ts`).all() as Row[];
  const expectTier = (table: string, size: number) => {
    const got = rows(table);
    assert.equal(got.length, (2 * H) / size, table);
    const per = size / (15 * S);
    got.forEach((r, j) => {
      const xs = vals.slice(j * per, (j + 1) * per);
      assert.equal(r.ts, T0 + j * size);
      assert.equal(r.count, per);
      close(r.avg, mean(xs), `${table} avg`);
      assert.equal(r.min, Math.min(...xs));
      assert.equal(r.max, Math.max(...xs));
    });
  };
  expectTier('r1m', M);
  expectTier('r5m', 5 * M);
  expectTier('r1h', H);
  const before = ro.prepare('SELECT count(*) AS n, sum(avg) AS s FROM r1m').get();
  db.rollup(now);
  db.rollup(now + 10 * S); // nothing newly closed
  assert.deepEqual(ro.prepare('SELECT count(*) AS n, sum(avg) AS s FROM r1m').get(), before);
  ro.close();
  db.close();
});

test('a 7-day query with a 1 h step reads the 1h tier, with raw for the hour not rolled up yet', () => {
  const file = tmpFile();
  const db = new SqliteTsdb({ file });
  const vals: number[] = [];
  const batch: Array<{ host: string; ts: number; samples: MetricSample[] }> = [];
  for (let k = 0; k < 7 * 24 * 60; k++) {
    const v = Math.sin(k / 50) * 10 + (k % 7);
    vals.push(v);
    batch.push({ host: 'h', ts: T0 + k * M, samples: [g(v)] });
  }
  db.appendMany(batch);
  const q = () => db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 7 * D - 1, stepMs: H })[0]!.points;
  const expected = Array.from({ length: 168 }, (_, j) => mean(vals.slice(j * 60, (j + 1) * 60)));
  // Before any rollup, the same answer comes from raw.
  q().forEach(([ts, v], j) => (assert.equal(ts, T0 + j * H), close(v, expected[j]!)));
  db.rollup(T0 + 7 * D - 30 * M); // the last half hour is not a closed hour yet
  const points = q();
  assert.equal(points.length, 168);
  points.forEach(([, v], j) => close(v, expected[j]!, `hour ${j}`));
  // Proof of the tier: change one stored 1h rollup behind the store's back and see it in the answer;
  // the last hour, not rolled up, must still come from finer data.
  const rw = new Database(file);
  assert.equal(rw.prepare('UPDATE r1h SET avg = 12345 WHERE ts = ?').run(T0 + 5 * H).changes, 1);
  assert.equal((rw.prepare('SELECT count(*) AS n FROM r1h').get() as { n: number }).n, 167);
  rw.close();
  const tampered = q();
  assert.equal(tampered[5]![1], 12345);
  close(tampered[167]![1], expected[167]!);
  close(tampered[4]![1], expected[4]!);
  db.close();
});

test('late samples below the watermark are folded in (queries never show stale rollups)', () => {
  const db = open();
  for (let k = 0; k < 20; k++) db.append('h', T0 + k * 15 * S, [g(1)]);
  db.rollup(T0 + 5 * M);
  db.flush();
  const q = () => db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 4 * M, stepMs: M })[0]!.points.map((p) => p[1]);
  assert.deepEqual(q(), [1, 1, 1, 1, 1]);
  db.append('h', T0 + 70 * S, [g(11)]); // late: inside the closed, rolled-up minute 1
  db.append('h', T0 + 15 * S, [g(5)]); // rewrite of an existing (flushed) sample: replaces it, no double count
  assert.deepEqual(q(), [2, 3, 1, 1, 1]);
  db.rollup(T0 + 5 * M);
  assert.deepEqual(q(), [2, 3, 1, 1, 1]);
  assert.deepEqual(db.query({ host: 'h', name: 'node_load1', from: T0, to: T0, stepMs: 5 * M })[0]!.points, [[T0, 35 / 21]]);
  db.close();
});

test('retention prunes old raw but keeps rollups; coarse steps still answer from them', () => {
  const db = open({ rawRetentionMs: H, rollupRetentionMs: { '1m': 3 * H, '5m': 90 * D, '1h': 730 * D } });
  for (let k = 0; k < 4 * 60; k++) db.append('h', T0 + k * M, [g(k)]); // 4 h, one a minute
  const now = T0 + 4 * H;
  db.rollup(now);
  assert.equal(db.stats().rawSamples, 240);
  db.prune(now);
  assert.equal(db.stats().rawSamples, 60); // the last hour
  const raw = db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 2 * M, stepMs: 15 * S })[0]!.points;
  assert.ok(raw.every(([, v]) => v === null), 'raw of 4 h ago is gone');
  const perMinute = db.query({ host: 'h', name: 'node_load1', from: T0 + H, to: T0 + H + 2 * M, stepMs: M })[0]!.points;
  assert.deepEqual(perMinute.map((p) => p[1]), [60, 61, 62]); // from r1m (kept 3 h)
  const perMinuteOld = db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 2 * M, stepMs: M })[0]!.points;
  assert.ok(perMinuteOld.every(([, v]) => v === null), 'r1m older than 3 h is gone');
  const hourly = db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + 3 * H, stepMs: H })[0]!.points;
  assert.deepEqual(hourly.map((p) => p[1]), [29.5, 89.5, 149.5, 209.5]);
  db.close();
});

test('prune keeps raw that has not been rolled up yet; forgets series without data', () => {
  const db = open({ rawRetentionMs: H });
  db.append('h', T0, [g(1)]);
  db.append('gone', T0, [g(1)]);
  db.prune(T0 + 2 * H); // no rollup ever ran: retention alone applies
  assert.equal(db.stats().rawSamples, 0);
  assert.equal(db.stats().series, 0);
  db.append('h', T0 + 3 * H, [g(2)]);
  db.rollup(T0 + 3 * H + M);
  db.append('h', T0 + 3 * H + 2 * M, [g(3)]);
  db.prune(T0 + 9 * H); // the sample at 3h+2m is past retention but not rolled up: kept
  assert.equal(db.stats().rawSamples, 1);
  assert.deepEqual(db.latest('h').map((s) => s.value), [3]);
  db.close();
});

test('latest gives the newest value of every series of a host, from head or raw', () => {
  const db = open();
  db.append('h', T0, [g(1), { name: 'node_memory_MemFree_bytes', labels: {}, value: 100 }, g(7, { x: '1' })]);
  db.append('h', T0 + 15 * S, [g(2), { name: 'node_memory_MemFree_bytes', labels: {}, value: NaN }]);
  db.append('other', T0 + 30 * S, [g(9)]);
  db.flush(); // now in raw
  db.append('h', T0 + 30 * S, [g(3)]); // in head
  assert.deepEqual(db.latest('h'), [
    { name: 'node_load1', labels: {}, value: 3, ts: T0 + 30 * S },
    { name: 'node_load1', labels: { x: '1' }, value: 7, ts: T0 },
    { name: 'node_memory_MemFree_bytes', labels: {}, value: 100, ts: T0 },
  ]);
  assert.deepEqual(db.latest('h', ['node_memory_MemFree_bytes']).map((s) => s.value), [100]);
  assert.deepEqual(db.latest('nobody'), []);
  assert.deepEqual(db.seriesNames('h'), ['node_load1', 'node_memory_MemFree_bytes']);
  db.close();
});

test('the store reopens from disk with the same data, series ids and watermarks', () => {
  const file = tmpFile();
  const a = new SqliteTsdb({ file });
  for (let k = 0; k < 40; k++) a.append('h', T0 + k * 15 * S, [g(k, { d: 'sda' }), g(-k, { d: 'sdb' })]);
  a.rollup(T0 + 5 * M); // some in raw, some in head
  const q = { host: 'h', name: 'node_load1', from: T0, to: T0 + 10 * M, stepMs: M };
  const before = a.query(q);
  const latest = a.latest('h');
  const stats = a.stats();
  a.close();
  const b = new SqliteTsdb({ file });
  assert.deepEqual(b.query(q), before);
  assert.deepEqual(b.latest('h'), latest);
  assert.equal(b.stats().series, stats.series);
  assert.equal(b.stats().rawSamples, stats.rawSamples);
  b.append('h', T0 + 40 * 15 * S, [g(40, { d: 'sda' })]);
  assert.equal(b.stats().series, 2);
  b.rollup(T0 + 11 * M);
  assert.deepEqual(b.query({ ...q, labels: { d: 'sda' } })[0]!.points.map((p) => p[1]), [1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 25.5, 29.5, 33.5, 37.5, 40]);
  b.close();
});

test('NaN and Infinity are dropped, never stored; bad timestamps and samples are refused atomically', () => {
  const db = open();
  db.append('h', T0, [g(NaN), g(Infinity, { a: '1' }), g(-Infinity, { a: '2' }), g(5, { a: '3' })]);
  assert.equal(db.stats().rawSamples, 1);
  assert.equal(db.stats().series, 1); // no series for values never stored
  assert.deepEqual(db.query({ host: 'h', name: 'node_load1', from: T0, to: T0, stepMs: M }).map((r) => r.labels), [{ a: '3' }]);
  assert.throws(() => db.append('h', T0 + 0.5, [g(1)]), { code: 'TSDB_BAD_TIMESTAMP' });
  assert.throws(() => db.append('h', -1, [g(1)]), { code: 'TSDB_BAD_TIMESTAMP' });
  assert.throws(() => db.append('', T0, [g(1)]), { code: 'TSDB_INVALID_SAMPLE' });
  assert.throws(
    () =>
      db.appendMany([
        { host: 'h', ts: T0 + S, samples: [g(1, { new: 'series' })] },
        { host: 'h', ts: T0 + 2 * S, samples: [{ name: '', labels: {}, value: 1 }] },
      ]),
    { code: 'TSDB_INVALID_SAMPLE' },
  );
  assert.equal(db.stats().rawSamples, 1, 'nothing of the failed batch was written');
  assert.equal(db.stats().series, 1);
  db.append('h', T0 + 3 * S, [g(2, { new: 'series' })]); // the rolled-back series id is not reused wrongly
  assert.deepEqual(db.query({ host: 'h', name: 'node_load1', labels: { new: 'series' }, from: T0, to: T0, stepMs: M })[0]!.points, [[T0, 2]]);
  assert.deepEqual(db.query({ host: 'h', name: 'node_load1', labels: { a: '3' }, from: T0, to: T0, stepMs: M })[0]!.points, [[T0, 5]]);
  assert.throws(() => db.query({ host: 'h', name: 'node_load1', from: T0, to: T0 + D, stepMs: 1 }), { code: 'TSDB_BAD_QUERY' });
  assert.throws(() => db.query({ host: 'h', name: 'node_load1', from: T0 + 1, to: T0, stepMs: M }), { code: 'TSDB_BAD_QUERY' });
  db.close();
});

test('a corrupt or foreign file gives a clear error naming the file', () => {
  const junk = join(dir, 'junk.db');
  writeFileSync(junk, 'this is not a database, just some text '.repeat(200));
  assert.throws(() => new SqliteTsdb({ file: junk }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'TSDB_OPEN_FAILED');
    assert.match(e.message, /junk\.db/);
    assert.match(e.message, /not a database/);
    return true;
  });
  const foreign = join(dir, 'osdeck.db');
  const f = new Database(foreign);
  f.exec('CREATE TABLE hosts (id INTEGER PRIMARY KEY, name TEXT)');
  f.close();
  assert.throws(() => new SqliteTsdb({ file: foreign }), /osdeck\.db: not an osdeck metrics database/);
});

test('deleteHost forgets a host and all its data, leaving others alone', () => {
  const db = open();
  for (let k = 0; k < 8; k++) {
    db.append('a', T0 + k * 15 * S, [g(k)]);
    db.append('b', T0 + k * 15 * S, [g(k)]);
  }
  db.rollup(T0 + 2 * M + 40 * S);
  db.deleteHost('a');
  assert.deepEqual(db.seriesNames('a'), []);
  assert.deepEqual(db.latest('a'), []);
  assert.equal(db.stats().series, 1);
  assert.equal(db.stats().rawSamples, 8);
  db.append('a', T0 + 10 * M, [g(1)]); // comes back as a new series
  assert.deepEqual(db.query({ host: 'a', name: 'node_load1', from: T0, to: T0 + 10 * M, stepMs: 5 * M })[0]!.points, [
    [T0, null],
    [T0 + 5 * M, null],
    [T0 + 10 * M, 1],
  ]);
  db.close();
});

test('tier choice follows the step and only uses buckets that nest in it', () => {
  assert.equal(tierForStep(15 * S), 0);
  assert.equal(tierForStep(M), 1);
  assert.equal(tierForStep(90 * S), 0); // 1m buckets would straddle 90 s steps
  assert.equal(tierForStep(2 * M), 1);
  assert.equal(tierForStep(5 * M), 2);
  assert.equal(tierForStep(30 * M), 2);
  assert.equal(tierForStep(H), 3);
  assert.equal(tierForStep(D), 3);
  // 1h covered until 10h, 5m until 11h, 1m until 11h30: the rest comes from raw.
  assert.deepEqual(planSegments(0, 12 * H, 3, [Infinity, 11.5 * H, 11 * H, 10 * H]), [
    { tier: 3, from: 0, to: 10 * H },
    { tier: 2, from: 10 * H, to: 11 * H },
    { tier: 1, from: 11 * H, to: 11.5 * H },
    { tier: 0, from: 11.5 * H, to: 12 * H },
  ]);
  assert.deepEqual(planSegments(0, H, 3, [Infinity, -Infinity, -Infinity, -Infinity]), [{ tier: 0, from: 0, to: H }]);
});
