import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { parseProcStat } from '../../src/domain/metrics/proc-stat';
import { computeRates, counterIncrease, type Collection } from '../../src/domain/metrics/rates';
import type { MetricKind, MetricSample } from '../../src/domain/metrics/sample';

const counter = (name: string, value: number, labels: Record<string, string> = {}): MetricSample => ({ name, labels, value });
const at = (ts: number, ...samples: MetricSample[]): Collection => ({ ts, samples });
const NO_KINDS: Record<string, MetricKind> = {};

test('rates from two real /proc/stat reads 1 s apart agree with a hand computation', async () => {
  const text1 = readFileSync('/proc/stat', 'utf8');
  const t1 = performance.timeOrigin + performance.now();
  await sleep(1000);
  const text2 = readFileSync('/proc/stat', 'utf8');
  const t2 = performance.timeOrigin + performance.now();

  const rates = computeRates(at(t1, ...parseProcStat(text1)), at(t2, ...parseProcStat(text2)), NO_KINDS);
  const dt = (t2 - t1) / 1000;
  const ticks = (text: string, cpu: string) => text.split('\n').find((l) => l.startsWith(`${cpu} `))!.trim().split(/\s+/).slice(1).map(Number);
  const ctxt = (text: string) => Number(/^ctxt (\d+)$/m.exec(text)![1]);

  const cpus = text2.split('\n').filter((l) => /^cpu\d+ /.test(l)).map((l) => l.split(' ')[0]!.slice(3));
  assert.ok(cpus.length >= 1);
  for (const cpu of cpus) {
    const a = ticks(text1, `cpu${cpu}`);
    const b = ticks(text2, `cpu${cpu}`);
    let busy = 0;
    ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'].forEach((mode, i) => {
      const rate = rates.find((r) => r.name === 'node_cpu_seconds_total' && r.labels.cpu === cpu && r.labels.mode === mode);
      // iowait may step back on NO_HZ kernels: then the series has no rate for this interval.
      if (b[i]! < a[i]!) return assert.equal(rate, undefined);
      const hand = (b[i]! - a[i]!) / 100 / dt;
      assert.ok(rate && Math.abs(rate.value - hand) < 1e-9, `cpu${cpu} ${mode}: ${rate?.value} vs ${hand}`);
      busy += hand;
    });
    // Each CPU accounts for about one second per second, across all modes.
    assert.ok(busy > 0.8 && busy < 1.2, `cpu${cpu}: ${busy} s/s`);
  }
  const ctxtRate = rates.find((r) => r.name === 'node_context_switches_total')!.value;
  assert.ok(Math.abs(ctxtRate - (ctxt(text2) - ctxt(text1)) / dt) < 1e-9);
  // Gauges go through as read.
  assert.equal(rates.find((r) => r.name === 'node_boot_time_seconds')!.value, Number(/^btime (\d+)$/m.exec(text2)![1]));
});

test('a counter reset gives no rate for that series (a missing point, not a spike or a negative)', () => {
  const prev = at(0, counter('node_network_receive_bytes_total', 5_000_000, { device: 'eth0' }), counter('node_forks_total', 100));
  const cur = at(15_000, counter('node_network_receive_bytes_total', 1_000, { device: 'eth0' }), counter('node_forks_total', 400));
  assert.deepEqual(computeRates(prev, cur, NO_KINDS), [counter('node_forks_total', 20)]);
  // A 64-bit counter reset while it sat between 2^31 and the top quarter below 2^32 is not a wrap.
  assert.equal(counterIncrease('node_network_receive_bytes_total', 3e9, 1_000), null);
});

test('32-bit wraps are computed through the wrap, also for scaled counters', () => {
  const M32 = 2 ** 32;
  // /proc/net/dev on a 32-bit kernel: bytes wrap at 2^32.
  const net = computeRates(at(0, counter('node_network_transmit_bytes_total', M32 - 1_000, { device: 'eth0' })), at(10_000, counter('node_network_transmit_bytes_total', 500, { device: 'eth0' })), NO_KINDS);
  assert.deepEqual(net, [counter('node_network_transmit_bytes_total', 150, { device: 'eth0' })]);
  // /proc/diskstats ms fields are unsigned int even on 64-bit kernels; the sample is ms / 1000.
  const weighted = 'node_disk_io_time_weighted_seconds_total';
  const disk = computeRates(at(0, counter(weighted, (M32 - 5_000) / 1000, { device: 'sda' })), at(10_000, counter(weighted, 3_000 / 1000, { device: 'sda' })), NO_KINDS);
  assert.equal(disk.length, 1);
  assert.ok(Math.abs(disk[0]!.value - 0.8) < 1e-6, String(disk[0]!.value));
  // Sectors × 512 wrap at 2^32 × 512 bytes.
  assert.equal(counterIncrease('node_disk_read_bytes_total', (M32 - 10) * 512, 20 * 512), 30 * 512);
});

test('a 64-bit wrap is computed through the wrap', () => {
  const M64 = 2 ** 64;
  const prev = M64 - 2 ** 20; // exactly representable near the top
  const inc = counterIncrease('node_netstat_Tcp_OutSegs', prev, 4096);
  assert.equal(inc, 2 ** 20 + 4096);
  const rates = computeRates(at(0, counter('node_netstat_Tcp_OutSegs', prev)), at(1_000, counter('node_netstat_Tcp_OutSegs', 4096)), NO_KINDS);
  assert.deepEqual(rates, [counter('node_netstat_Tcp_OutSegs', 2 ** 20 + 4096)]);
});

test('no previous collection, dt ≤ 0 or a gap longer than maxGapMs: no counter rates, gauges unchanged', () => {
  const load = counter('node_load1', 0.5);
  const bytes = (v: number) => counter('node_network_receive_bytes_total', v, { device: 'eth0' });
  const cur = (ts: number) => at(ts, bytes(2_000), load);
  const prev = at(1_000_000, bytes(1_000));
  assert.deepEqual(computeRates(null, cur(1_000_000), NO_KINDS), [load]);
  assert.deepEqual(computeRates(prev, cur(1_000_000), NO_KINDS), [load], 'dt = 0');
  assert.deepEqual(computeRates(prev, cur(999_000), NO_KINDS), [load], 'clock went back');
  assert.deepEqual(computeRates(prev, cur(1_000_000 + 5 * 60_000 + 1), NO_KINDS), [load], 'a gap of more than 5 min');
  assert.deepEqual(computeRates(prev, cur(1_000_000 + 5 * 60_000), NO_KINDS), [counter('node_network_receive_bytes_total', 1_000 / 300, { device: 'eth0' }), load]);
  assert.deepEqual(computeRates(prev, cur(1_000_000 + 60_000), NO_KINDS, { maxGapMs: 30_000 }), [load], 'custom maxGapMs');
  assert.equal(computeRates(null, cur(0), NO_KINDS)[0], load, 'the same gauge object, unchanged');
});

test('kinds decide; a series new in cur has no rate yet; labels tell series apart', () => {
  const prev = at(0, counter('osdeck_custom', 10), counter('node_netstat_Tcp_RetransSegs', 10), counter('node_disk_reads_completed_total', 1, { device: 'sda' }));
  const cur = at(2_000, counter('osdeck_custom', 30), counter('node_netstat_Tcp_RetransSegs', 14), counter('node_disk_reads_completed_total', 9, { device: 'sdb' }));
  // osdeck_custom is a gauge by the naming rule unless the caller says otherwise.
  assert.deepEqual(computeRates(prev, cur, NO_KINDS), [counter('osdeck_custom', 30), counter('node_netstat_Tcp_RetransSegs', 2)]);
  assert.deepEqual(computeRates(prev, cur, { osdeck_custom: 'counter' }), [counter('osdeck_custom', 10), counter('node_netstat_Tcp_RetransSegs', 2)]);
});
