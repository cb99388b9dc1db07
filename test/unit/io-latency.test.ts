import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeIoLatency, ioLatencyDiagnosis } from '../../src/domain/diagnosis/diagnoses/io-latency';
import type { DiagnosisContext, PastRun } from '../../src/domain/diagnosis/diagnosis';
import { awaitBaseline, median, pastAwaits } from '../../src/domain/diagnosis/io/await-baseline';
import type { Report } from '../../src/domain/report/report-shape';

// Real probe outputs captured on the 6.18 test machine with OSDECK_MARK=fixturemark0001:
//  diag-io-latency.local.txt              an idle host
//  diag-io-latency.dd-direct.local.txt    dd bs=64k oflag=direct,dsync to a file on vda
//  diag-io-latency.loop-fast.local.txt    loop1 (a loop device on a file in an ext4 on loop0) written with O_DIRECT
//  diag-io-latency.loop-throttled.local.txt  the same writer with blkio.throttle.write_iops_device=5 on loop0
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const ctx = (history: PastRun[] = [], interval = 2): DiagnosisContext => ({ host: 'h1', now: Date.UTC(2026, 0, 1), params: { interval }, mark: 'fixturemark0001', history });
const rows = (r: Report) => r.tables[0]!.rows;
const col = (r: Report, name: string) => r.tables[0]!.columns.indexOf(name);
const row = (r: Report, dev: string) => rows(r).find((x) => x[0] === dev);

function assertFiniteNumbers(r: Report) {
  for (const t of r.tables) for (const x of t.rows) for (const v of x) if (typeof v === 'number') assert.ok(Number.isFinite(v), `${t.title}: ${v}`);
  assert.doesNotMatch(JSON.stringify(r), /NaN|Infinity/);
}

test('io-latency on an idle host: the real disk in the table, idle loop and zram devices left out', () => {
  const r = analyzeIoLatency(fixture('diag-io-latency.local.txt'), ctx());
  assert.equal(r.kind, 'diagnosis:io-latency');
  assert.deepEqual(rows(r).map((x) => x[0]), ['vda']);
  assert.deepEqual((r.evidence.skippedIdle as string[]).sort(), ['loop0', 'loop1', 'loop2', 'loop3', 'loop4', 'loop5', 'loop6', 'loop7', 'zram0']);
  assert.match(r.conclusion, /vda/);
  assert.ok(['ok', 'info'].includes(r.severity));
  assert.equal(row(r, 'vda')![col(r, 'since-boot await (ms)')], 1.3);
  assertFiniteNumbers(r);
});

test('io-latency under a dd oflag=direct,dsync load: busy but normal for this disk', () => {
  const r = analyzeIoLatency(fixture('diag-io-latency.dd-direct.local.txt'), ctx());
  const vda = row(r, 'vda')!;
  assert.equal(vda[col(r, 'w/s')], 18517.41);
  assert.equal(vda[col(r, 'await (ms)')], 0.04);
  assert.equal(vda[col(r, '%util')], 63.9);
  assert.match(r.conclusion, /^Disk latency is normal on h1: the busiest device vda answered in 0\.04 ms/);
  assert.deepEqual((r.evidence.devices as Record<string, unknown>).vda, { await: 0.04, rAwait: 0.13, wAwait: 0.04, util: 63.9, ios: 37232, bootAwait: 1.28 });
  assert.ok(!r.findings.some((f) => ['medium', 'high', 'critical'].includes(f.severity)));
});

test('io-latency: a device at ~200 ms per request is flagged against its since-boot average', () => {
  const r = analyzeIoLatency(fixture('diag-io-latency.loop-throttled.local.txt'), ctx([], 3));
  assert.equal(rows(r)[0]![0], 'loop1', 'the worst device comes first');
  assert.equal(row(r, 'loop1')![col(r, 'await (ms)')], 212.21);
  assert.match(r.conclusion, /^loop1 is slow on h1: await 212\.21 ms over 3 s is \d+(\.\d)?× its own baseline of 1\.1 ms \(since-boot average\)/);
  assert.equal(r.severity, 'high');
  assert.ok(r.recommendations.some((x) => x.commands?.includes('iostat -x loop1 1 10')));
});

test('io-latency compares with its own past runs when there are enough of them', () => {
  const fast = analyzeIoLatency(fixture('diag-io-latency.loop-fast.local.txt'), ctx());
  const loop1 = (fast.evidence.devices as Record<string, { await: number }>).loop1!;
  assert.equal(loop1.await, 0.03);
  const history: PastRun[] = [1, 2, 3].map((i) => ({ at: Date.UTC(2026, 0, 1) - i * 60_000, evidence: fast.evidence }));
  const slow = analyzeIoLatency(fixture('diag-io-latency.loop-throttled.local.txt'), ctx(history, 3));
  const l = row(slow, 'loop1')!;
  assert.equal(l[col(slow, 'history median await (ms)')], 0.03);
  assert.equal(l[col(slow, 'past runs')], 3);
  assert.equal(l[col(slow, '× baseline')], 424.4); // 212.21 / max(0.03, 0.5 ms floor)
  assert.match(slow.conclusion, /424\.4× its own baseline of 0\.03 ms \(median of 3 past runs\)/);
  assert.ok(!slow.findings.some((f) => /no past runs/.test(f.summary)));
});

test('await baseline: malformed history is skipped, medians, boot fallback', () => {
  const history = [
    { at: 1, evidence: { devices: { vda: { await: 2, ios: 100 } } } },
    { at: 2, evidence: { devices: 'junk' } },
    { at: 3, evidence: { devices: { vda: { await: 'x', ios: 100 } } } },
    { at: 4, evidence: { devices: { vda: { await: 50, ios: 2 } } } }, // too few requests to count
    { at: 5, evidence: {} },
    { at: 6, evidence: { devices: { vda: { await: 4, ios: 10 } } } },
    { at: 7, evidence: { devices: { vda: { await: Number.NaN, ios: 10 } } } },
  ] as PastRun[];
  assert.deepEqual(pastAwaits(history, 'vda'), [2, 4]);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([]), null);
  assert.deepEqual(awaitBaseline(history, 'vda', 1.5), { value: 1.5, source: 'boot', historyMedian: 3, historyRuns: 2, bootAwait: 1.5 });
  assert.equal(awaitBaseline([], 'vda', null), null);
});

test('io-latency: %util near 100 means saturation only on a single-queue rotational disk', () => {
  const mark = 'fixturemark0001';
  const raw = [
    `@@osdeck ${mark} uptime0`, '100.00 1.00',
    `@@osdeck ${mark} diskstats0`, '8 0 sda 0 0 0 0 0 0 0 0 1 0 0', '259 0 nvme0n1 0 0 0 0 0 0 0 0 4 0 0',
    `@@osdeck ${mark} uptime1`, '101.00 1.00',
    `@@osdeck ${mark} diskstats1`, '8 0 sda 0 0 0 0 100 0 800 400 1 950 400', '259 0 nvme0n1 0 0 0 0 5000 0 80000 5000 4 1000 5000',
    `@@osdeck ${mark} devices`, 'sda rotational 1', 'sda hwq 1', 'nvme0n1 rotational 0', 'nvme0n1 hwq 8',
  ].join('\n');
  const r = analyzeIoLatency(raw, ctx([], 1));
  const sda = r.findings.find((f) => f.summary.startsWith('sda:'))!;
  assert.equal(sda.severity, 'medium');
  assert.match(sda.summary, /saturated/);
  const nvme = r.findings.find((f) => f.summary.startsWith('nvme0n1:'))!;
  assert.equal(nvme.severity, 'info');
  assert.match(nvme.summary, /100% util does not mean saturated/);
  assert.match(r.conclusion, /^sda is saturated on h1: busy 95% /);
});

test('io-latency: requests in flight with no completion point to io-hang', () => {
  const mark = 'fixturemark0001';
  const raw = `@@osdeck ${mark} uptime0\n1.00 0\n@@osdeck ${mark} diskstats0\n7 1 loop1 0 0 0 0 8 0 8192 8181 2 6092 8181\n@@osdeck ${mark} uptime1\n4.00 0\n@@osdeck ${mark} diskstats1\n7 1 loop1 0 0 0 0 8 0 8192 8181 2 9104 8181\n`;
  const r = analyzeIoLatency(raw, ctx([], 3));
  assert.match(r.conclusion, /loop1 on h1 has 2 request\(s\) in flight and completed none in 3 s; run io-hang/);
  assert.equal(r.severity, 'high');
});

test('io-latency survives junk: no diskstats, garbage sections, hostile names', () => {
  const mark = 'fixturemark0001';
  for (const raw of ['', 'garbage\n\u0000\u0001', `@@osdeck ${mark} diskstats1\nnot numbers at all\n`, `@@osdeck ${mark} uptime0\nx\n@@osdeck ${mark} diskstats0\n8 0 sda 1 2 3\n@@osdeck ${mark} diskstats1\n8 0 sda ${'1 '.repeat(40)}\n`]) {
    const r = analyzeIoLatency(raw, ctx());
    assert.match(r.conclusion, /no readable \/proc\/diskstats/);
    assertFiniteNumbers(r);
  }
  // a device that appears, one whose counters went backwards, uptime missing (falls back to the asked interval)
  const raw = `@@osdeck ${mark} diskstats0\n8 0 sda 1000 0 0 5000 0 0 0 0 0 10 10\n@@osdeck ${mark} diskstats1\n8 0 sda 10 0 0 50 0 0 0 0 0 10 10\n8 16 sdb 5 0 0 5 0 0 0 0 0 5 5\n`;
  const r = analyzeIoLatency(raw, ctx());
  assert.deepEqual(r.evidence.issues, ['sdb appeared during the interval']);
  assert.equal(rows(r).length, 1); // sda: 32-bit wrap assumed (values under 2^32 went down)
  assertFiniteNumbers(r);
});

test('io-latency probe spec: interval bounds and history', () => {
  assert.equal(ioLatencyDiagnosis.historyRuns, 20);
  const spec = ioLatencyDiagnosis.probe({ interval: 7 });
  assert.deepEqual(spec.env, { OSDECK_INTERVAL: '7' });
  assert.ok(spec.timeoutSec > 7);
  const p = ioLatencyDiagnosis.params.find((x) => x.name === 'interval')!;
  assert.deepEqual([p.min, p.max, p.default], [1, 60, 5]);
});
