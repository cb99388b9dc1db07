import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { OsdeckError } from '../../domain/errors';
import { labelsKey, type Labels, type MetricSample } from '../../domain/metrics/sample';
import { StepBuckets, type Agg } from './step-buckets';
import { TIERS, planSegments, tierForStep } from './tsdb-tiers';
import { openTsdbFile } from './tsdb-schema';

export interface TsdbOptions {
  /** SQLite file of its own (e.g. DATA/metrics.db); ':memory:' for tests. */
  file: string;
  /** Default 48 h. */
  rawRetentionMs?: number;
  /** Defaults 14 d, 90 d, 2 y. */
  rollupRetentionMs?: { '1m': number; '5m': number; '1h': number };
  /**
   * `rollup` moves head rows to raw once the head holds 20 rows per series, or this many if more
   * (default 10 000): each series' leaf page of `raw` is then written once for ~20 samples, and a
   * query or `latest` reads at most a few thousand head rows of a host.
   */
  headFlushRows?: number;
}

/** labels: exact match on the given keys (a key given as undefined is ignored). */
export interface SeriesSelector {
  host: string;
  name: string;
  labels?: Partial<Labels>;
}

/** ms since the epoch. Buckets are aligned on the step: floor(from/step)*step … floor(to/step)*step, each [b, b+step). */
export interface RangeQuery extends SeriesSelector {
  from: number;
  to: number;
  stepMs: number;
  agg?: Agg;
}

/** One point per step bucket from `from` to `to`; null where there is no data (a gap is never 0). */
export interface SeriesResult {
  labels: Labels;
  points: Array<[ts: number, value: number | null]>;
}

export interface TsdbStats {
  series: number;
  rawSamples: number;
  fileBytes: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEFAULT_RAW_RETENTION = 48 * HOUR;
const DEFAULT_ROLLUP_RETENTION = { '1m': 14 * DAY, '5m': 90 * DAY, '1h': 730 * DAY };
/** Like Prometheus' 11 000 points per series: a wrong step must not build millions of points. */
export const MAX_POINTS_PER_SERIES = 11_000;
/** Samples this recent stay in head on a flush, so polls that finish a little late still land there. */
const FLUSH_GRACE_MS = 30_000;
/** Head older than this is moved at the next rollup however small it is (a small fleet then keeps raw current). */
const HEAD_MAX_AGE_MS = 15 * 60_000;
/** Prune works on this many series ids per transaction, flush on this many hosts, so the WAL stays small. */
const ID_CHUNK = 4096;
const HOST_CHUNK = 64;
/** Rollup windows per transaction while catching up. */
const ROLLUP_WINDOW_MS = [0, 10 * 60_000, 2 * HOUR, 24 * HOUR];
const NO_TS = Number.MIN_SAFE_INTEGER;

type Stmt = Database.Statement;
/** [series_id, ts, value] */
type HeadRow = [number, number, number];
type Poll = { host: string; ts: number; samples: MetricSample[] };

interface HostEntry {
  id: number;
  /** name + labels as given → series id. Labels in another key order just get a second entry. */
  series: Map<string, number>;
}

function invalid(code: string, message: string): OsdeckError {
  return new OsdeckError(code, message, 400);
}

function assertMs(what: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw invalid('TSDB_BAD_TIMESTAMP', `${what} must be a non-negative integer of milliseconds since the epoch, got ${String(v)}`);
  }
}

function assertHost(host: unknown): asserts host is string {
  if (typeof host !== 'string' || host.length === 0) throw invalid('TSDB_INVALID_SAMPLE', 'host must be a non-empty string');
}

const floorTo = (ts: number, size: number) => Math.floor(ts / size) * size;

/**
 * Embedded time-series store in its own SQLite file: raw samples for a short retention, 1m/5m/1h
 * rollups (avg, min, max, count) for longer ones, range queries that pick the tier from the step.
 * Synchronous (better-sqlite3) and single-writer: one instance per file per process.
 *
 * Appends go to the `head` table (laid out for cheap commits, see tsdb-schema.ts); `rollup` moves
 * the head to `raw` when it is large or old, then computes closed buckets. Reads add head and raw.
 */
export class SqliteTsdb {
  private readonly db: Database.Database;
  private readonly file: string;
  private readonly rollupRetentionMs: readonly number[];
  private readonly headFlushRows: number;

  private readonly hosts = new Map<string, HostEntry>();
  /** Undo of cache entries made in the running transaction: on rollback their ids would be reused. */
  private undo: Array<() => void> = [];
  private seriesCount = 0;
  private maxHostId = 0;
  private maxSeriesId = 0;

  /** Exclusive end of each rollup tier's computed buckets (index 1..3); -Infinity before the first rollup. */
  private readonly wm: number[] = [Infinity, -Infinity, -Infinity, -Infinity];
  /** Oldest sample written below a watermark since the last rollup (those buckets are stale); Infinity if none. */
  private dirtyFrom = Infinity;
  /** Every raw row has ts <= flushedMax, every head row ts > flushedMax. */
  private flushedMax = -Infinity;
  private headRows = 0;
  private headMinTs = Infinity;
  private headMaxTs = -Infinity;

  private readonly writeTx: (batch: Poll[]) => void;
  private readonly st: ReturnType<SqliteTsdb['prepareAll']>;

  constructor(opts: TsdbOptions) {
    this.file = opts.file;
    const r = opts.rollupRetentionMs ?? DEFAULT_ROLLUP_RETENTION;
    this.rollupRetentionMs = [opts.rawRetentionMs ?? DEFAULT_RAW_RETENTION, r['1m'], r['5m'], r['1h']];
    this.headFlushRows = opts.headFlushRows ?? 10_000;
    this.db = openTsdbFile(opts.file);
    try {
      this.st = this.prepareAll();
      this.writeTx = this.db.transaction((batch: Poll[]) => {
        for (const { host, ts, samples } of batch) this.writePoll(host, ts, samples);
      });
      this.loadState();
    } catch (err) {
      this.db.close();
      throw new OsdeckError('TSDB_OPEN_FAILED', `cannot open metrics database ${opts.file}: ${(err as Error).message}`, 500, {
        file: opts.file,
      });
    }
  }

  private prepareAll() {
    const db = this.db;
    // Rows of one series in a range as JSON arrays, one per column: one row and a native JSON.parse
    // instead of thousands of row objects (measured 3x faster than GROUP BY buckets in SQL). Bucketing is in JS.
    const rangeJson = (table: string, cols: string[]) =>
      db
        .prepare(
          `SELECT json_group_array(ts), ${cols.map((c) => `json_group_array(${c})`).join(', ')} FROM ${table}
           WHERE series_id = ? AND ts >= ? AND ts < ?`,
        )
        .raw(true);
    const aggs: Agg[] = ['avg', 'min', 'max'];
    const ranges = TIERS.map((t, i) =>
      Object.fromEntries(aggs.map((a) => [a, rangeJson(t.table, i === 0 ? ['value'] : a === 'avg' ? ['avg * count', 'count'] : [a])])),
    ) as Array<Record<Agg, Stmt>>;
    const rollupSql = (i: number): string => {
      const t = TIERS[i]!;
      const b = (col: string) => `(${col} / ${t.ms}) * ${t.ms}`;
      if (i === 1) {
        // Raw samples are split between raw and head (disjoint keys); both feed the minute buckets.
        return `INSERT OR REPLACE INTO r1m (series_id, ts, avg, min, max, count)
          SELECT series_id, b, avg(value), min(value), max(value), count(*) FROM (
            SELECT r.series_id AS series_id, ${b('r.ts')} AS b, r.value AS value
              FROM series s CROSS JOIN raw r ON r.series_id = s.id AND r.ts >= @from AND r.ts < @to
            UNION ALL
            SELECT series_id, ${b('ts')}, value FROM head WHERE ts >= @from AND ts < @to
          ) GROUP BY series_id, b`;
      }
      return `INSERT OR REPLACE INTO ${t.table} (series_id, ts, avg, min, max, count)
        SELECT r.series_id, ${b('r.ts')} AS b, sum(r.avg * r.count) / sum(r.count), min(r.min), max(r.max), sum(r.count)
          FROM series s CROSS JOIN ${TIERS[i - 1]!.table} r ON r.series_id = s.id AND r.ts >= @from AND r.ts < @to
        GROUP BY r.series_id, b`;
    };
    // Oldest sample at or after @from in a tier's source: one index seek per series (the head is small: scanned).
    const nextDataSql = (i: number): string => {
      const seek = (table: string) => `SELECT (SELECT min(ts) FROM ${table} WHERE series_id = s.id AND ts >= @from) AS m FROM series s`;
      return i === 1
        ? `SELECT min(m) FROM (${seek('raw')} UNION ALL SELECT min(ts) FROM head WHERE ts >= @from)`
        : `SELECT min(m) FROM (${seek(TIERS[i - 1]!.table)})`;
    };
    return {
      insHead: db.prepare('INSERT OR REPLACE INTO head (host_id, ts, series_id, value) VALUES (?, ?, ?, ?)'),
      insRaw: db.prepare('INSERT OR REPLACE INTO raw (series_id, ts, value) VALUES (?, ?, ?)'),
      findHost: db.prepare('SELECT id FROM hosts WHERE host = ?').pluck(),
      addHost: db.prepare('INSERT INTO hosts (host) VALUES (?)'),
      findSeries: db.prepare('SELECT id FROM series WHERE host = ? AND name = ? AND labels_key = ?').pluck(),
      addSeries: db.prepare('INSERT INTO series (host, name, labels_key, labels_json) VALUES (?, ?, ?, ?)'),
      setState: db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      delState: db.prepare('DELETE FROM state WHERE key = ?'),
      hostSeries: db.prepare('SELECT id, labels_json FROM series WHERE host = ? AND name = ? ORDER BY labels_key'),
      allHostSeries: db.prepare('SELECT id, name, labels_json FROM series WHERE host = ? ORDER BY name, labels_key'),
      ranges,
      headRange: db.prepare('SELECT series_id, ts, value FROM head WHERE host_id = ? AND ts >= ? AND ts < ?').raw(true),
      headOfHost: db.prepare('SELECT series_id, ts, value FROM head WHERE host_id = ?').raw(true),
      latestRaw: db
        .prepare(
          `SELECT s.id, r.ts, r.value FROM series s
           JOIN raw r ON r.series_id = s.id AND r.ts = (SELECT max(ts) FROM raw WHERE series_id = s.id)
           WHERE s.host = ?`,
        )
        .raw(true),
      seriesNames: db.prepare('SELECT DISTINCT name FROM series WHERE host = ? ORDER BY name').pluck(),
      rollup: [1, 2, 3].map((i) => db.prepare(rollupSql(i))),
      nextData: [1, 2, 3].map((i) => db.prepare(nextDataSql(i)).pluck()),
      flushMove: db.prepare(
        `INSERT OR REPLACE INTO raw (series_id, ts, value)
         SELECT series_id, ts, value FROM head WHERE host_id >= @lo AND host_id < @hi AND ts < @cut ORDER BY series_id, ts`,
      ),
      flushDelete: db.prepare('DELETE FROM head WHERE host_id >= @lo AND host_id < @hi AND ts < @cut'),
      headSummary: db.prepare('SELECT count(*), min(ts), max(ts) FROM head').raw(true),
      prune: TIERS.map((t) =>
        db.prepare(`DELETE FROM ${t.table} WHERE series_id IN (SELECT id FROM series WHERE id >= @lo AND id < @hi) AND ts < @cut`),
      ),
      pruneHead: db.prepare('DELETE FROM head WHERE ts < ?'),
      // Series without rows in raw or any rollup; those still in head are taken out in JS (head has no series index).
      orphans: db.prepare(
        `SELECT id, host FROM series s WHERE ${['raw', 'r1m', 'r5m', 'r1h']
          .map((t) => `NOT EXISTS (SELECT 1 FROM ${t} WHERE series_id = s.id)`)
          .join(' AND ')}`,
      ),
      headSeriesIds: db.prepare('SELECT DISTINCT series_id FROM head').pluck(),
      deleteSeries: db.prepare('DELETE FROM series WHERE id = ?'),
      deleteIdleHosts: db.prepare('DELETE FROM hosts WHERE NOT EXISTS (SELECT 1 FROM series WHERE series.host = hosts.host)'),
    };
  }

  private loadState(): void {
    const rows = this.db.prepare('SELECT key, value FROM state').all() as Array<{ key: string; value: number }>;
    const state = new Map(rows.map((r) => [r.key, r.value]));
    for (let i = 1; i < TIERS.length; i++) this.wm[i] = state.get(`wm_${TIERS[i]!.name}`) ?? -Infinity;
    this.dirtyFrom = state.get('dirty_from') ?? Infinity;
    this.flushedMax = state.get('flushed_max') ?? -Infinity;
    const s = this.db.prepare('SELECT count(*) AS n, coalesce(max(id), 0) AS maxId FROM series').get() as { n: number; maxId: number };
    this.seriesCount = s.n;
    this.maxSeriesId = s.maxId;
    this.maxHostId = this.db.prepare('SELECT coalesce(max(id), 0) FROM hosts').pluck().get() as number;
    this.refreshHeadSummary();
  }

  private refreshHeadSummary(): void {
    const [n, min, max] = this.st.headSummary.get() as [number, number | null, number | null];
    this.headRows = n;
    this.headMinTs = min ?? Infinity;
    this.headMaxTs = max ?? -Infinity;
  }

  private setState(key: string, value: number): void {
    if (Number.isFinite(value)) this.st.setState.run(key, value);
    else this.st.delState.run(key);
  }

  // ---------------------------------------------------------------- writes

  /** One host's poll: every sample at `ts`, in one transaction. NaN and ±Infinity values are dropped. */
  append(host: string, ts: number, samples: MetricSample[]): void {
    this.appendMany([{ host, ts, samples }]);
  }

  /** Several polls in one transaction; all or nothing. */
  appendMany(batch: Poll[]): void {
    for (const p of batch) {
      assertHost(p.host);
      assertMs('ts', p.ts);
      if (!Array.isArray(p.samples)) throw invalid('TSDB_INVALID_SAMPLE', 'samples must be an array');
    }
    this.undo = [];
    try {
      this.writeTx(batch);
    } catch (err) {
      for (const u of this.undo.reverse()) u();
      this.undo = [];
      this.loadState(); // counters and markers as committed
      throw err;
    }
    this.undo = [];
    // Safety valve when nobody calls rollup(): keep the head from growing without bound.
    if (this.headRows >= 4 * this.flushThreshold()) this.flushBefore(this.headMaxTs - FLUSH_GRACE_MS + 1);
  }

  private writePoll(host: string, ts: number, samples: MetricSample[]): void {
    const h = this.hosts.get(host) ?? this.resolveHost(host);
    const toHead = ts > this.flushedMax;
    let n = 0;
    for (const s of samples) {
      const v = s?.value;
      if (!Number.isFinite(v)) continue; // NaN, ±Infinity, non-numbers (and holes) are never stored
      const key = s.name + '\u0000' + JSON.stringify(s.labels);
      const id = h.series.get(key) ?? this.resolveSeries(host, h, key, s);
      if (toHead) this.st.insHead.run(h.id, ts, id, v);
      else this.st.insRaw.run(id, ts, v);
      n++;
    }
    if (n === 0) return;
    if (toHead) {
      this.headRows += n;
      if (ts < this.headMinTs) this.headMinTs = ts;
      if (ts > this.headMaxTs) this.headMaxTs = ts;
    }
    // Written below a rollup watermark: those buckets must be recomputed, and are not read until then.
    if (ts < this.wm[1]! && ts < this.dirtyFrom) {
      this.dirtyFrom = ts;
      this.setState('dirty_from', ts);
    }
  }

  private resolveHost(host: string): HostEntry {
    let id = this.st.findHost.get(host) as number | undefined;
    if (id === undefined) {
      id = Number(this.st.addHost.run(host).lastInsertRowid);
      if (id > this.maxHostId) this.maxHostId = id;
    }
    const entry: HostEntry = { id, series: new Map() };
    this.hosts.set(host, entry);
    this.undo.push(() => this.hosts.delete(host));
    return entry;
  }

  private resolveSeries(host: string, h: HostEntry, key: string, s: MetricSample): number {
    if (typeof s.name !== 'string' || s.name.length === 0) throw invalid('TSDB_INVALID_SAMPLE', `${host}: metric name must be a non-empty string`);
    const labels = s.labels ?? {};
    if (typeof labels !== 'object' || Array.isArray(labels)) throw invalid('TSDB_INVALID_SAMPLE', `${host}: ${s.name}: labels must be an object`);
    for (const [k, v] of Object.entries(labels)) {
      if (typeof v !== 'string') throw invalid('TSDB_INVALID_SAMPLE', `${host}: ${s.name}: label ${k} must be a string`);
    }
    const lk = labelsKey(labels);
    let id = this.st.findSeries.get(host, s.name, lk) as number | undefined;
    if (id === undefined) {
      const sorted: Labels = {};
      for (const k of Object.keys(labels).sort()) sorted[k] = labels[k]!;
      id = Number(this.st.addSeries.run(host, s.name, lk, JSON.stringify(sorted)).lastInsertRowid);
      this.seriesCount++;
      if (id > this.maxSeriesId) this.maxSeriesId = id;
    }
    h.series.set(key, id);
    this.undo.push(() => h.series.delete(key));
    return id;
  }

  private flushThreshold(): number {
    return Math.max(this.headFlushRows, 20 * this.seriesCount);
  }

  /** Moves every head sample to raw (rollup does this by itself when the head is large or old). */
  flush(): void {
    if (this.headRows > 0) this.flushBefore(this.headMaxTs + 1);
  }

  /** Moves head rows with ts < cut to raw, some hosts per transaction; raw then holds everything up to cut - 1. */
  private flushBefore(cut: number): void {
    const newMax = Math.max(this.flushedMax, cut - 1);
    cut = newMax + 1;
    // Raise the boundary first: from now on a sample at or below it goes to raw, never to head.
    this.setState('flushed_max', newMax);
    this.flushedMax = newMax;
    const move = this.db.transaction((lo: number, hi: number) => {
      this.st.flushMove.run({ lo, hi, cut });
      this.st.flushDelete.run({ lo, hi, cut });
    });
    for (let lo = 0; lo <= this.maxHostId; lo += HOST_CHUNK) move(lo, lo + HOST_CHUNK);
    this.refreshHeadSummary();
  }

  /**
   * Computes the 1m, 5m and 1h rollups of every bucket closed at `now` and not computed yet (plus
   * buckets made stale by late samples). Idempotent. Every few minutes is the right cadence: each
   * run writes one page per series and tier, and queries read raw for what is not rolled up yet.
   */
  rollup(now: number): void {
    assertMs('now', now);
    if (this.headRows >= this.flushThreshold() || (this.headRows > 0 && this.headMinTs < now - HEAD_MAX_AGE_MS)) {
      this.flushBefore(Math.min(now - FLUSH_GRACE_MS, this.headMaxTs) + 1);
    }
    for (let i = 1; i < TIERS.length; i++) this.rollupTier(i, now);
    if (Number.isFinite(this.dirtyFrom)) {
      this.setState('dirty_from', Infinity);
      this.dirtyFrom = Infinity;
    }
  }

  private rollupTier(i: number, now: number): void {
    const size = TIERS[i]!.ms;
    const stmt = this.st.rollup[i - 1]!;
    const next = this.st.nextData[i - 1]!;
    // A bucket is closed when its end has passed; a coarser tier only uses finer buckets already computed.
    let upTo = floorTo(now, size);
    if (i > 1) upTo = Math.min(upTo, floorTo(this.wm[i - 1]!, size));
    let from = this.wm[i]!;
    if (this.dirtyFrom < from) from = floorTo(this.dirtyFrom, size);
    if (from === -Infinity) {
      const first = next.get({ from: NO_TS }) as number | null;
      from = first === null ? upTo : floorTo(first, size);
    }
    const step = this.db.transaction((a: number, b: number): number => {
      const changes = stmt.run({ from: a, to: b }).changes;
      if (b > this.wm[i]!) {
        this.setState(`wm_${TIERS[i]!.name}`, b);
        this.wm[i] = b;
      }
      return changes;
    });
    for (let a = from; a < upTo; ) {
      const b = Math.min(upTo, a + ROLLUP_WINDOW_MS[i]!);
      const changes = step(a, b);
      a = b;
      if (changes === 0 && a < upTo) {
        // Skip long stretches without data (a backfill far in the past, a fleet that was off).
        const n = next.get({ from: a }) as number | null;
        a = n === null ? upTo : Math.max(a, floorTo(n, size));
      }
    }
    if (upTo > this.wm[i]!) {
      this.setState(`wm_${TIERS[i]!.name}`, upTo);
      this.wm[i] = upTo;
    }
  }

  /**
   * Applies retention to raw and each rollup tier. Data a coarser tier has not been computed from
   * yet is kept, so nothing is lost when rollup lags. Series left without any data are forgotten.
   */
  prune(now: number): void {
    assertMs('now', now);
    for (let i = 0; i < TIERS.length; i++) {
      let cut = now - this.rollupRetentionMs[i]!;
      if (i + 1 < TIERS.length) {
        if (Number.isFinite(this.wm[i + 1]!)) cut = Math.min(cut, this.wm[i + 1]!);
        if (Number.isFinite(this.dirtyFrom)) cut = Math.min(cut, floorTo(this.dirtyFrom, TIERS[i + 1]!.ms));
      }
      if (cut <= 0) continue;
      const stmt = this.st.prune[i]!;
      const run = this.db.transaction((lo: number) => stmt.run({ lo, hi: lo + ID_CHUNK, cut }));
      for (let lo = 0; lo <= this.maxSeriesId; lo += ID_CHUNK) run(lo);
      if (i === 0 && this.headMinTs < cut) {
        this.st.pruneHead.run(cut);
        this.refreshHeadSummary();
      }
    }
    const inHead = new Set(this.headRows > 0 ? (this.st.headSeriesIds.all() as number[]) : []);
    const orphans = (this.st.orphans.all() as Array<{ id: number; host: string }>).filter((o) => !inHead.has(o.id));
    if (orphans.length > 0) {
      this.db.transaction(() => {
        for (const o of orphans) this.st.deleteSeries.run(o.id);
        this.st.deleteIdleHosts.run();
      })();
      for (const o of orphans) this.hosts.delete(o.host); // rebuilt on the next poll of that host
      this.seriesCount -= orphans.length;
    }
  }

  /** Forgets a host: its series and every sample and rollup of them. */
  deleteHost(host: string): void {
    assertHost(host);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM head WHERE host_id IN (SELECT id FROM hosts WHERE host = ?)').run(host);
      for (const t of ['raw', 'r1m', 'r5m', 'r1h']) {
        this.db.prepare(`DELETE FROM ${t} WHERE series_id IN (SELECT id FROM series WHERE host = ?)`).run(host);
      }
      this.seriesCount -= this.db.prepare('DELETE FROM series WHERE host = ?').run(host).changes;
      this.db.prepare('DELETE FROM hosts WHERE host = ?').run(host);
    })();
    this.hosts.delete(host);
    this.refreshHeadSummary();
  }

  // ---------------------------------------------------------------- reads

  query(q: RangeQuery): SeriesResult[] {
    assertHost(q.host);
    if (typeof q.name !== 'string' || q.name.length === 0) throw invalid('TSDB_BAD_QUERY', 'name must be a non-empty string');
    assertMs('from', q.from);
    assertMs('to', q.to);
    if (!Number.isSafeInteger(q.stepMs) || q.stepMs <= 0) throw invalid('TSDB_BAD_QUERY', `stepMs must be a positive integer, got ${q.stepMs}`);
    if (q.to < q.from) throw invalid('TSDB_BAD_QUERY', `to (${q.to}) is before from (${q.from})`);
    const agg: Agg = q.agg ?? 'avg';
    if (agg !== 'avg' && agg !== 'min' && agg !== 'max') throw invalid('TSDB_BAD_QUERY', `agg must be avg, min or max, got ${String(agg)}`);
    const step = q.stepMs;
    const start = floorTo(q.from, step);
    const length = Math.floor(q.to / step) - Math.floor(q.from / step) + 1;
    if (length > MAX_POINTS_PER_SERIES) {
      throw invalid('TSDB_BAD_QUERY', `${length} points per series is more than ${MAX_POINTS_PER_SERIES}: use a larger step or a shorter range`);
    }
    const end = start + length * step;

    const wanted = Object.entries(q.labels ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    const series = (this.st.hostSeries.all(q.host, q.name) as Array<{ id: number; labels_json: string }>)
      .map((r) => ({ id: r.id, labels: JSON.parse(r.labels_json) as Labels, buckets: new StepBuckets(start, step, length, agg) }))
      .filter((s) => wanted.every(([k, v]) => s.labels[k] === v));
    if (series.length === 0) return [];

    for (const seg of planSegments(start, end, tierForStep(step), this.coveredUntil())) {
      const stmt = this.st.ranges[seg.tier]![agg];
      for (const s of series) {
        const cols = (stmt.get(s.id, seg.from, seg.to) as string[]).map((c) => JSON.parse(c) as number[]);
        s.buckets.add(cols[0]!, cols[1]!, cols[2]);
      }
      // Head rows are all newer than flushedMax, and one host's are adjacent: read them once for all series.
      if (seg.tier === 0 && seg.to > this.flushedMax + 1 && this.headRows > 0) {
        const hid = this.hostId(q.host);
        if (hid === undefined) continue;
        const byId = new Map(series.map((s) => [s.id, s.buckets]));
        for (const [id, ts, value] of this.st.headRange.all(hid, seg.from, seg.to) as HeadRow[]) byId.get(id)?.addSample(ts, value);
      }
    }
    return series.map((s) => ({ labels: s.labels, points: s.buckets.points() }));
  }

  private hostId(host: string): number | undefined {
    return this.hosts.get(host)?.id ?? (this.st.findHost.get(host) as number | undefined);
  }

  /** Exclusive end of what each rollup tier holds correctly: its watermark, lowered to stale buckets. */
  private coveredUntil(): number[] {
    return TIERS.map((t, i) => {
      if (i === 0) return Infinity;
      const wm = this.wm[i]!;
      return this.dirtyFrom < wm ? floorTo(this.dirtyFrom, t.ms) : wm;
    });
  }

  /** Newest raw value of every series of a host, by name then labels (series whose raw data aged out are left out). */
  latest(host: string, names?: string[]): Array<MetricSample & { ts: number }> {
    assertHost(host);
    const newest = new Map<number, [ts: number, value: number]>();
    const hid = this.headRows > 0 ? this.hostId(host) : undefined;
    // Head rows come in ts order and are newer than any raw row: the last one of a series wins.
    if (hid !== undefined) for (const [id, ts, value] of this.st.headOfHost.all(hid) as HeadRow[]) newest.set(id, [ts, value]);
    const only = names ? new Set(names) : undefined;
    const rows = (this.st.allHostSeries.all(host) as Array<{ id: number; name: string; labels_json: string }>).filter(
      (r) => !only || only.has(r.name),
    );
    if (rows.some((r) => !newest.has(r.id))) {
      for (const [id, ts, value] of this.st.latestRaw.all(host) as HeadRow[]) if (!newest.has(id)) newest.set(id, [ts, value]);
    }
    const out: Array<MetricSample & { ts: number }> = [];
    for (const r of rows) {
      const p = newest.get(r.id);
      if (p) out.push({ name: r.name, labels: JSON.parse(r.labels_json) as Labels, value: p[1], ts: p[0] });
    }
    return out;
  }

  seriesNames(host: string): string[] {
    assertHost(host);
    return this.st.seriesNames.all(host) as string[];
  }

  /** `rawSamples` counts raw and head rows (a full count: not for a hot path). */
  stats(): TsdbStats {
    const n = (sql: string) => this.db.prepare(sql).pluck().get() as number;
    let fileBytes = (this.db.pragma('page_count', { simple: true }) as number) * (this.db.pragma('page_size', { simple: true }) as number);
    if (this.file !== ':memory:') {
      try {
        fileBytes = statSync(this.file).size;
        fileBytes += statSync(`${this.file}-wal`).size;
      } catch {
        // no WAL file right now
      }
    }
    return {
      series: n('SELECT count(*) FROM series'),
      rawSamples: n('SELECT count(*) FROM raw') + n('SELECT count(*) FROM head'),
      fileBytes,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
