import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeDevice, parseBlockDevices, utilMeansSaturation, wholeDiskOf } from '../../src/domain/diagnosis/io/block-devices';
import { bootAverages, counterDelta, deviceRates } from '../../src/domain/diagnosis/io/diskstats-delta';
import { completedIos, neverUsed, parseDiskstatsRecords } from '../../src/domain/diagnosis/io/diskstats-sample';
import { diskTraffic } from '../../src/domain/diagnosis/io/disk-traffic';
import { parseSections, section } from '../../src/domain/diagnosis/probe-sections';

// Real samples captured on the 6.18 test machine (see test/fixtures/linux/diag-io-*.local.txt).
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const MARK = 'fixturemark0001';

test('diskstats records: every field of every device of the real 6.18 sample', () => {
  const issues: string[] = [];
  const recs = parseDiskstatsRecords(fixture('diskstats.local.txt'), issues);
  assert.deepEqual(issues, []);
  assert.deepEqual(recs.map((r) => r.name), ['loop0', 'loop1', 'loop2', 'loop3', 'loop4', 'loop5', 'loop6', 'loop7', 'vda', 'zram0']);
  const vda = recs.find((r) => r.name === 'vda')!;
  // 254 0 vda 30156 6307 1714714 4869 26850 7371 2194360 8520 0 3880 13954 6853 25 236608 382 5631 182
  assert.deepEqual(
    { major: vda.major, minor: vda.minor, fields: vda.fields, rdIos: vda.rdIos, rdSectors: vda.rdSectors, rdTicks: vda.rdTicks, wrIos: vda.wrIos, wrTicks: vda.wrTicks, inFlight: vda.inFlight, ioTicks: vda.ioTicks, timeInQueue: vda.timeInQueue, dcIos: vda.dcIos, dcTicks: vda.dcTicks, flIos: vda.flIos, flTicks: vda.flTicks },
    { major: 254, minor: 0, fields: 17, rdIos: 30156, rdSectors: 1714714, rdTicks: 4869, wrIos: 26850, wrTicks: 8520, inFlight: 0, ioTicks: 3880, timeInQueue: 13954, dcIos: 6853, dcTicks: 382, flIos: 5631, flTicks: 182 },
  );
  assert.equal(completedIos(vda), 30156 + 26850 + 6853 + 5631);
  assert.ok(neverUsed(recs.find((r) => r.name === 'zram0')!));
  assert.ok(!neverUsed(vda));
  // the since-boot average: (4869 + 8520 + 382) / (30156 + 26850 + 6853)
  assert.deepEqual(bootAverages(vda), { await: 0.22, rAwait: 0.16, wAwait: 0.32, ios: 63859 });
});

test('diskstats records: old kernels (11 fields, 4-field partitions) and hostile or broken lines', () => {
  const issues: string[] = [];
  const recs = parseDiskstatsRecords(
    [
      '   8       0 sda 4412 1051 210332 51260 1731 3123 39032 10982 0 23260 62240', // 3.10: 11 fields
      '   8       1 sda1 1480 2974 9420 8016', // 2.6.x partition line
      '   8      16 sdb 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15',
      'garbage',
      '   8      32 sdc 1 2 -3 4 5 6 7 8 9 10 11',
      '   8      48 sd\u202ed 1 2 3 4 5 6 7 8 9 10 11',
      `   8      64 sde ${'9'.repeat(25)} 2 3 4 5 6 7 8 9 10 11`,
      '   8      80 sdf 1 2 3',
      '   8       0 sda 9 9 9 9 9 9 9 9 9 9 9', // a second copy keeps the first
      '',
    ].join('\n'),
    issues,
  );
  assert.deepEqual(recs.map((r) => [r.name, r.fields]), [['sda', 11], ['sdb', 15]]);
  assert.equal(recs[0]!.dcIos, 0);
  assert.equal(recs[0]!.flIos, 0);
  assert.equal(recs[1]!.dcTicks, 15);
  assert.equal(issues.length, 5, issues.join('\n'));
  for (const r of recs) for (const v of Object.values(r)) if (typeof v === 'number') assert.ok(Number.isFinite(v));
});

test('iostat -x figures with sysstat formulas, checked by hand on a real dd oflag=direct,dsync sample', () => {
  const s = parseSections(fixture('diag-io-latency.dd-direct.local.txt'), MARK);
  const a = parseDiskstatsRecords(section(s, 'diskstats0')).find((r) => r.name === 'vda')!;
  const b = parseDiskstatsRecords(section(s, 'diskstats1')).find((r) => r.name === 'vda')!;
  // uptime 9348.77 → 9350.78
  const r = deviceRates(a, b, 2010)!;
  // Δrd 8, Δwr 37220, Δdc 4, Δfl 10255 (89852 → 100107); Δrd_ticks 1, Δwr_ticks 1376, Δdc_ticks 0, Δfl_ticks 299
  assert.equal(r.rPerS, 3.98);
  assert.equal(r.wPerS, 18517.41);
  assert.equal(r.fPerS, 5101.99);
  assert.equal(r.wkBPerS, 359795.02); // (588789336 − 587342960) / 2 / 2.01
  assert.equal(r.rAwait, 0.13);
  assert.equal(r.wAwait, 0.04);
  assert.equal(r.await, 0.04); // (1 + 1376 + 0) / 37232: flushes are not in await
  assert.equal(r.fAwait, 0.03);
  assert.equal(r.aquSz, 0.83); // Δtime_in_queue 1675 / 2010
  assert.equal(r.util, 63.9); // Δio_ticks 1284 / 2010
  assert.equal(r.areqSz, 19.43);
  assert.equal(r.ios, 37232);
});

test('a loop device throttled to 5 IOPS underneath: ~200 ms per request', () => {
  const s = parseSections(fixture('diag-io-latency.loop-throttled.local.txt'), MARK);
  const a = parseDiskstatsRecords(section(s, 'diskstats0')).find((r) => r.name === 'loop1')!;
  const b = parseDiskstatsRecords(section(s, 'diskstats1')).find((r) => r.name === 'loop1')!;
  const r = deviceRates(a, b, 3010)!;
  assert.equal(r.ios, 14);
  assert.equal(r.wAwait, 212.21); // Δwr_ticks 2971 / 14
  assert.equal(r.rAwait, null);
  assert.equal(r.inFlightEnd, 1);
});

test('counter deltas: 32-bit wraps of the ms fields, resets give nothing', () => {
  assert.equal(counterDelta(10, 25), 15);
  assert.equal(counterDelta(2 ** 32 - 5, 10), 15);
  assert.equal(counterDelta(2 ** 40, 10), null);
  const recs = parseDiskstatsRecords('8 0 sda 10 0 0 4294967290 0 0 0 0 0 4294967290 0\n');
  const next = parseDiskstatsRecords('8 0 sda 20 0 0 10 0 0 0 0 0 20 0\n');
  const r = deviceRates(recs[0]!, next[0]!, 1000)!;
  assert.equal(r.rAwait, 1.6); // (10 + 2^32 − 4294967290) / 10
  assert.equal(r.util, 2.6);
  assert.equal(deviceRates(recs[0]!, next[0]!, 0), null);
});

test('block devices from /sys/block: scheduler, queues, stacking, loop backing file; hostile lines ignored', () => {
  const s = parseSections(fixture('diag-io-latency.loop-fast.local.txt'), MARK);
  const issues: string[] = [];
  const devs = parseBlockDevices(section(s, 'devices'), issues);
  assert.deepEqual(issues, []);
  const vda = devs.get('vda')!;
  assert.deepEqual({ rot: vda.rotational, sched: vda.scheduler, hwq: vda.hwQueues }, { rot: true, sched: 'mq-deadline', hwq: 1 });
  assert.equal(devs.get('loop1')!.backingFile, '/var/tmp/ioslow.CmAF/mnt/inner.img');
  assert.equal(devs.get('zram0')!.scheduler, null);
  assert.equal(describeDevice('loop1', devs.get('loop1')), 'loop, 1 hw queue, backing /var/tmp/ioslow.CmAF/mnt/inner.img');
  assert.equal(utilMeansSaturation('vda', vda), true);
  assert.equal(utilMeansSaturation('nvme0n1', { ...vda, rotational: false }), false);
  assert.equal(utilMeansSaturation('sda', { ...vda, hwQueues: 4 }), false);

  const hostile = parseBlockDevices('dm-0 slaves sda sdb\ndm-0 dmname vg-root\nloop0 backing /x\nloop0 rotational 0\nloop0 backing /evil\nbad line here\n$(rm) rotational 1\ncciss!c0d0 rotational 1\n', issues);
  assert.deepEqual(hostile.get('dm-0')!.slaves, ['sda', 'sdb']);
  assert.equal(hostile.get('loop0')!.backingFile, '/x');
  assert.ok(hostile.has('cciss/c0d0'));
  assert.equal(issues.length, 1);
  assert.ok(!hostile.has('bad'));
  assert.equal(wholeDiskOf('nvme0n1p2', ['nvme0n1', 'vda']), 'nvme0n1');
  assert.equal(wholeDiskOf('vda1', ['vda']), 'vda');
  assert.equal(wholeDiskOf('vdab', ['vda']), 'vdab');
});

test('disk traffic counts each byte once: loop devices and stacked devices are left out of the total', () => {
  const s = parseSections(fixture('diag-io-latency.loop-throttled.local.txt'), MARK);
  const devs = parseBlockDevices(section(s, 'devices'));
  const t = diskTraffic(parseDiskstatsRecords(section(s, 'diskstats0')), parseDiskstatsRecords(section(s, 'diskstats1')), devs);
  const loop1 = t.devices.find((d) => d.device === 'loop1')!;
  assert.equal(loop1.counted, false);
  assert.equal(loop1.writeBytes, (7442048 - 7440256) * 512);
  const counted = t.devices.filter((d) => d.counted).map((d) => d.device);
  assert.ok(counted.every((d) => !/^loop|^zram/.test(d)), counted.join());
  assert.equal(t.writeBytes, t.devices.filter((d) => d.counted).reduce((a, d) => a + d.writeBytes, 0));
  const stacked = diskTraffic(
    parseDiskstatsRecords('8 0 sda 0 0 0 0 0 0 0 0 0 0 0\n253 0 dm-0 0 0 0 0 0 0 0 0 0 0 0\n'),
    parseDiskstatsRecords('8 0 sda 0 0 0 0 1 0 8 0 0 0 0\n253 0 dm-0 0 0 0 0 1 0 8 0 0 0 0\n'),
    parseBlockDevices('sda rotational 1\ndm-0 slaves sda\n'),
  );
  assert.deepEqual([stacked.writeBytes, stacked.devices.find((d) => d.device === 'dm-0')!.counted], [4096, false]);
});
