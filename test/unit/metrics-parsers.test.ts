import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDiskstats } from '../../src/domain/metrics/diskstats';
import { parseFilesystems } from '../../src/domain/metrics/filesystems';
import { parseLoadavg } from '../../src/domain/metrics/loadavg';
import { parseMeminfo } from '../../src/domain/metrics/meminfo';
import { metricKind } from '../../src/domain/metrics/metric-kinds';
import { parseMetricsProbe, type MetricsSnapshot } from '../../src/domain/metrics/metrics-snapshot';
import { parseNetDev } from '../../src/domain/metrics/net-dev';
import { parseNetNetstat } from '../../src/domain/metrics/net-netstat';
import { parseNetSnmp } from '../../src/domain/metrics/net-snmp';
import { parsePressure } from '../../src/domain/metrics/pressure';
import { parseProcStat } from '../../src/domain/metrics/proc-stat';
import type { MetricSample } from '../../src/domain/metrics/sample';
import { parseTopProcesses } from '../../src/domain/metrics/top-processes';
import { parseUptime } from '../../src/domain/metrics/uptime';
import { parseVmstat } from '../../src/domain/metrics/vmstat';

// Real samples (see test/fixtures/linux; the *.local* ones were captured on a 6.18 test machine).
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const PROBE = join(import.meta.dirname, '..', '..', 'src', 'probes', 'metrics.sh');

function value(samples: MetricSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
const names = (samples: MetricSample[]) => new Set(samples.map((s) => s.name));
function assertAllFinite(samples: MetricSample[]) {
  for (const s of samples) assert.ok(Number.isFinite(s.value), `${s.name} ${JSON.stringify(s.labels)} = ${s.value}`);
}

test('proc-stat: per-CPU seconds from USER_HZ ticks, and the scalar counters', () => {
  const text = fixture('stat.local-6.18.txt');
  const issues: string[] = [];
  const s = parseProcStat(text, issues);
  assert.deepEqual(issues, []);
  const cpu0 = text.split('\n').find((l) => l.startsWith('cpu0 '))!.split(/\s+/).slice(1).map(Number);
  ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'].forEach((mode, i) =>
    assert.equal(value(s, 'node_cpu_seconds_total', { cpu: '0', mode }), cpu0[i]! / 100),
  );
  assert.equal(value(s, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'nice' }), cpu0[9]! / 100);
  assert.equal(s.filter((x) => x.name === 'node_cpu_seconds_total').length, 2 * 8, 'the aggregate cpu line is not a CPU');
  const scalar = (key: string) => Number(text.split('\n').find((l) => l.startsWith(`${key} `))!.split(' ')[1]);
  assert.equal(value(s, 'node_context_switches_total'), scalar('ctxt'));
  assert.equal(value(s, 'node_intr_total'), scalar('intr'));
  assert.equal(value(s, 'node_forks_total'), scalar('processes'));
  assert.equal(value(s, 'node_boot_time_seconds'), scalar('btime'));
  assert.equal(value(s, 'node_procs_running'), scalar('procs_running'));
  assert.equal(value(s, 'node_procs_blocked'), scalar('procs_blocked'));
  assert.equal(s.filter((x) => x.name === 'node_softirqs_total').length, 10);
});

test('proc-stat: a 2.6.18-style cpu line (no steal/guest columns) gives only the modes it has', () => {
  const s = parseProcStat('cpu  10 0 5 100 1 0 0\ncpu0 10 0 5 100 1 0 0\nctxt 5\n');
  assert.equal(s.filter((x) => x.name === 'node_cpu_seconds_total').length, 7);
  assert.equal(value(s, 'node_cpu_seconds_total', { cpu: '0', mode: 'steal' }), undefined);
  assert.equal(names(s).has('node_cpu_guest_seconds_total'), false);
});

test('meminfo: every field, kB × 1024, (anon)/(file) renamed, HugePages_* are counts', () => {
  const text = fixture('meminfo.local-6.18.txt');
  const issues: string[] = [];
  const s = parseMeminfo(text, issues);
  assert.deepEqual(issues, []);
  assert.equal(s.length, text.trim().split('\n').length);
  assert.equal(value(s, 'node_memory_MemTotal_bytes'), 24684084 * 1024);
  assert.equal(value(s, 'node_memory_Active_anon_bytes'), 1556 * 1024);
  assert.equal(value(s, 'node_memory_Inactive_file_bytes'), 665688 * 1024);
  assert.equal(value(s, 'node_memory_HugePages_Total'), 0);
  assert.equal(value(s, 'node_memory_HugePages_Total_bytes'), undefined);
  assert.equal(value(s, 'node_memory_Hugepagesize_bytes'), 2048 * 1024);
  assert.equal(value(s, 'node_memory_VmallocTotal_bytes'), 34359738367 * 1024);
  assert.ok([...names(s)].every((n) => metricKind(n) === 'gauge'));
});

test('loadavg and uptime', () => {
  assert.deepEqual(parseLoadavg('1.33 4.08 5.72 1/139 15093\n'), [
    { name: 'node_load1', labels: {}, value: 1.33 },
    { name: 'node_load5', labels: {}, value: 4.08 },
    { name: 'node_load15', labels: {}, value: 5.72 },
  ]);
  assert.deepEqual(parseUptime('3253.82 3309.26\n'), { uptimeSeconds: 3253.82, idleSeconds: 3309.26 });
});

test('vmstat: every field; event counters are counters, nr_* page counts are gauges', () => {
  const text = fixture('vmstat.local.txt');
  const issues: string[] = [];
  const s = parseVmstat(text, issues);
  assert.deepEqual(issues, []);
  assert.equal(s.length, text.trim().split('\n').length);
  assert.equal(value(s, 'node_vmstat_nr_free_pages'), 986011);
  for (const n of ['pgfault', 'pgmajfault', 'pgpgin', 'pswpout', 'oom_kill', 'allocstall_normal', 'compact_stall', 'nr_dirtied', 'workingset_refault_file', 'thp_fault_alloc']) {
    assert.equal(metricKind(`node_vmstat_${n}`), 'counter', n);
  }
  for (const n of ['nr_free_pages', 'nr_dirty', 'nr_mlock', 'workingset_nodes', 'nr_dirty_threshold', 'some_future_field']) {
    assert.equal(metricKind(`node_vmstat_${n}`), 'gauge', n);
  }
});

test('diskstats: node_exporter names and units, partitions and loop/zram excluded', () => {
  const issues: string[] = [];
  const s = parseDiskstats(fixture('diskstats.local.txt'), issues);
  assert.deepEqual(issues, []);
  assert.deepEqual([...new Set(s.map((x) => x.labels.device))], ['vda']);
  // vda 30156 6307 1714714 4869 26850 7371 2194360 8520 0 3880 13954 6853 25 236608 382 5631 182
  const vda = { device: 'vda' };
  assert.equal(value(s, 'node_disk_reads_completed_total', vda), 30156);
  assert.equal(value(s, 'node_disk_read_bytes_total', vda), 1714714 * 512);
  assert.equal(value(s, 'node_disk_read_time_seconds_total', vda), 4.869);
  assert.equal(value(s, 'node_disk_written_bytes_total', vda), 2194360 * 512);
  assert.equal(value(s, 'node_disk_io_now', vda), 0);
  assert.equal(value(s, 'node_disk_io_time_seconds_total', vda), 3.88);
  assert.equal(value(s, 'node_disk_io_time_weighted_seconds_total', vda), 13.954);
  assert.equal(value(s, 'node_disk_discarded_sectors_total', vda), 236608);
  assert.equal(value(s, 'node_disk_flush_requests_time_seconds_total', vda), 0.182);
  assert.equal(metricKind('node_disk_io_now'), 'gauge');

  // CentOS 7 (3.10) prints 11 fields, no discards or flushes; 2.6.18 prints 4 for partitions.
  const old = parseDiskstats(
    ['   8       0 sda 100 2 800 30 50 1 400 20 0 40 50', '   8       1 sda1 90 2 700 25 50 1 400 20 0 35 45', '   8       2 sda2 10 80 5 40',
      ' 259       0 nvme0n1 1 0 8 0 0 0 0 0 0 0 0', ' 259       1 nvme0n1p1 1 0 8 0 0 0 0 0 0 0 0', ' 253       0 dm-0 5 0 40 1 0 0 0 0 0 1 1'].join('\n'),
  );
  assert.deepEqual([...new Set(old.map((x) => x.labels.device))], ['sda', 'nvme0n1', 'dm-0']);
  assert.equal(old.filter((x) => x.labels.device === 'sda').length, 11);
});

test('net-dev: every receive and transmit column per interface', () => {
  const issues: string[] = [];
  const s = parseNetDev(fixture('net_dev.local.txt'), issues);
  assert.deepEqual(issues, []);
  assert.deepEqual([...new Set(s.map((x) => x.labels.device))], ['lo', 'ifb0', 'ifb1', 'eth0']);
  assert.equal(value(s, 'node_network_receive_bytes_total', { device: 'eth0' }), 635780911);
  assert.equal(value(s, 'node_network_transmit_packets_total', { device: 'eth0' }), 10518);
  for (const n of ['receive_frame', 'receive_multicast', 'transmit_colls', 'transmit_carrier', 'transmit_compressed']) {
    assert.ok(names(s).has(`node_network_${n}_total`), n);
  }
  // 2.6-era kernels print "eth0:123" with no space after the colon.
  assert.equal(value(parseNetDev('  eth0:1234 5 0 0 0 0 0 0 99 3 0 0 0 0 0 0'), 'node_network_transmit_bytes_total', { device: 'eth0' }), 99);
});

test('net-snmp and net-netstat: node_netstat_<Proto>_<Field> looked up by header', () => {
  const issues: string[] = [];
  const snmp = parseNetSnmp(fixture('net_snmp.local.txt'), issues);
  const netstat = parseNetNetstat(fixture('net_netstat.local.txt'), issues);
  assert.deepEqual(issues, []);
  assert.equal(value(snmp, 'node_netstat_Tcp_OutSegs'), 10103);
  assert.equal(value(snmp, 'node_netstat_Tcp_RetransSegs'), 0);
  assert.equal(value(snmp, 'node_netstat_Tcp_MaxConn'), -1);
  assert.equal(value(snmp, 'node_netstat_Ip_OutTransmits'), 10595);
  assert.equal(value(snmp, 'node_netstat_IcmpMsg_InType3'), 1);
  assert.equal(value(snmp, 'node_netstat_Udp_InDatagrams'), 506);
  for (const n of ['TcpExt_TCPTimeouts', 'TcpExt_ListenOverflows', 'TcpExt_TCPLostRetransmit', 'IpExt_InOctets']) assert.ok(names(netstat).has(`node_netstat_${n}`), n);
  assert.equal(metricKind('node_netstat_Tcp_RetransSegs'), 'counter');
  assert.equal(metricKind('node_netstat_Tcp_CurrEstab'), 'gauge');
});

test('pressure: some/full totals in seconds, avg gauges, no system cpu full counter', () => {
  const issues: string[] = [];
  const cpu = parsePressure('cpu', fixture('pressure_cpu.local.txt'), issues);
  const io = parsePressure('io', fixture('pressure_io.local.txt'), issues);
  const mem = parsePressure('memory', fixture('pressure_memory.local.txt'), issues);
  assert.deepEqual(issues, []);
  assert.equal(value(cpu, 'node_pressure_cpu_waiting_seconds_total'), 22.655565);
  assert.equal(value(cpu, 'node_pressure_cpu_some_avg10'), 9.82);
  assert.equal(value(cpu, 'node_pressure_cpu_full_avg300'), 0);
  assert.equal(names(cpu).has('node_pressure_cpu_stalled_seconds_total'), false);
  assert.equal(value(io, 'node_pressure_io_waiting_seconds_total'), 1.776317);
  assert.equal(value(io, 'node_pressure_io_stalled_seconds_total'), 1.260921);
  assert.equal(value(io, 'node_pressure_io_full_avg60'), 0.31);
  assert.equal(value(mem, 'node_pressure_memory_stalled_seconds_total'), 0);
  assert.equal(metricKind('node_pressure_io_full_avg60'), 'gauge');
});

test('filesystems: df -P -k (coreutils and busybox) joined with /proc/mounts; tmpfs kept, pseudo filesystems dropped', () => {
  const mounts = fixture('mounts.local.txt');
  for (const df of ['df-P-k.coreutils-9.1.txt', 'df-P-k.busybox-1.35.txt']) {
    const issues: string[] = [];
    const s = parseFilesystems(fixture(df), mounts, issues);
    assert.deepEqual(issues, [], df);
    const points = s.filter((x) => x.name === 'node_filesystem_size_bytes').map((x) => `${x.labels.mountpoint} ${x.labels.fstype} ${x.labels.device}`);
    assert.ok(points.includes('/ ext4 /dev/vda'), df);
    assert.ok(points.includes('/dev/shm tmpfs tmpfs'), `${df}: tmpfs is kept (node_exporter #1303)`);
    assert.ok(!points.some((p) => p.startsWith('/dev ') || p.startsWith('/sys/')), `${df}: devtmpfs and /sys are not filesystems to watch`);
    assert.equal(new Set(points).size, points.length, `${df}: one series per mount point`);
    const root = { mountpoint: '/' };
    const dfRoot = fixture(df).split('\n').find((l) => / \/$/.test(l))!.trim().split(/\s+/).map(Number);
    assert.equal(value(s, 'node_filesystem_size_bytes', root), dfRoot[1]! * 1024);
    assert.equal(value(s, 'node_filesystem_free_bytes', root), (dfRoot[1]! - dfRoot[2]!) * 1024);
    assert.equal(value(s, 'node_filesystem_avail_bytes', root), dfRoot[3]! * 1024);
    assert.equal(value(s, 'node_filesystem_readonly', root), 0);
  }
  // A mount point with a space: df prints it raw, /proc/mounts as \040. Read-only comes from options.
  const s = parseFilesystems('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb1 1000 400 500 45% /mnt/my disk\n', '/dev/sdb1 /mnt/my\\040disk xfs ro,relatime 0 0\n');
  assert.equal(value(s, 'node_filesystem_avail_bytes', { mountpoint: '/mnt/my disk', fstype: 'xfs', device: '/dev/sdb1' }), 500 * 1024);
  assert.equal(value(s, 'node_filesystem_readonly', { mountpoint: '/mnt/my disk' }), 1);
});

test('top processes: parsed, sorted, control characters removed, commands bounded', () => {
  const issues: string[] = [];
  const top = parseTopProcesses(
    '4242 postgres 12.5 204800 postgres\n1 root 0.3 11816 systemd\n77 mallory 50.0 1024 evil\u001b]0;owned\u0007\u202ename\n',
    `1 root 0.3 11816 systemd\n4242 postgres 12.5 204800 ${'x'.repeat(300)}\n`,
    issues,
  );
  assert.deepEqual(issues, []);
  assert.deepEqual(top.byCpu.map((p) => p.pid), [77, 4242, 1]);
  assert.deepEqual(top.byCpu[1], { pid: 4242, user: 'postgres', cpuPercent: 12.5, rssBytes: 204800 * 1024, command: 'postgres' });
  assert.equal(top.byCpu[0]!.command, 'evil]0;ownedname');
  assert.deepEqual(top.byRss.map((p) => p.pid), [4242, 1]);
  assert.equal(top.byRss[0]!.command.length, 128);
});

function loadavgFirst(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

function checkLiveSnapshot(snap: MetricsSnapshot, label: string) {
  assert.deepEqual(snap.errors, [], label);
  assertAllFinite(snap.samples);
  const n = names(snap.samples);
  for (const want of ['node_cpu_seconds_total', 'node_context_switches_total', 'node_memory_MemAvailable_bytes', 'node_load1', 'node_vmstat_pgfault',
    'node_disk_io_time_seconds_total', 'node_network_receive_bytes_total', 'node_netstat_Tcp_RetransSegs', 'node_netstat_TcpExt_TCPTimeouts',
    'node_filesystem_avail_bytes', 'node_time_seconds']) {
    assert.ok(n.has(want), `${label}: ${want}`);
  }
  if (existsSync('/proc/pressure/io')) assert.ok(n.has('node_pressure_io_waiting_seconds_total'), label);
  const memTotalKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
  assert.equal(value(snap.samples, 'node_memory_MemTotal_bytes'), memTotalKb * 1024, label);
  assert.ok(snap.targetTime !== null && Math.abs(snap.targetTime - Date.now() / 1000) < 60, label);
  assert.ok(snap.uptimeSeconds !== null && snap.uptimeSeconds > 0, label);
  assert.equal(snap.cpuCount, snap.samples.filter((s) => s.name === 'node_cpu_seconds_total' && s.labels.mode === 'idle').length, label);
  assert.ok(snap.top.byCpu.length > 0 && snap.top.byRss.length > 0, label);
  assert.ok(snap.top.byRss.every((p, i, a) => i === 0 || a[i - 1]!.rssBytes >= p.rssBytes), label);
  // The probe leaves itself out: its young sh/ps/awk would otherwise top the CPU list.
  assert.ok(!snap.top.byCpu.some((p) => p.command === 'ps' || p.command === 'awk' || p.command === 'mawk'), label);
  for (const [name, kind] of Object.entries(snap.kinds)) assert.equal(kind, metricKind(name));
}

test('the probe runs under sh (dash here) and parses to this machine', () => {
  const before = loadavgFirst();
  const out = execFileSync('sh', ['-s'], { input: readFileSync(PROBE) }).toString();
  const after = loadavgFirst();
  assert.match(out, /^==> time <==\n\d+\n/, 'time comes first');
  const snap = parseMetricsProbe(out);
  checkLiveSnapshot(snap, 'sh');
  // /proc/loadavg is refreshed every 5 s, so the probe saw the value before or after this test read it.
  assert.ok([before, after].includes(value(snap.samples, 'node_load1')!), `node_load1 ${value(snap.samples, 'node_load1')} vs ${before}/${after}`);
});

test('the probe falls back to /proc/PID/stat when ps has no pcpu (busybox ps)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-fakeps-'));
  try {
    writeFileSync(join(dir, 'ps'), '#!/bin/sh\necho "ps: bad -o argument pcpu" >&2\nexit 1\n', { mode: 0o755 });
    const out = execFileSync('sh', ['-s'], { input: readFileSync(PROBE), env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } }).toString();
    assert.match(out, /==> top_cpu <==\n\d+ \? /);
    checkLiveSnapshot(parseMetricsProbe(out), 'ps fallback');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the probe runs under busybox sh with busybox applets (minimal hosts)', () => {
  const busybox = ['/usr/bin/busybox', '/bin/busybox'].find(existsSync);
  assert.ok(busybox, 'busybox is missing: scripts/test-deps.sh installs it');
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-busybox-'));
  try {
    for (const applet of ['awk', 'df', 'ps', 'cat', 'date']) writeFileSync(join(dir, applet), `#!${busybox} sh\nexec ${busybox} ${applet} "$@"\n`, { mode: 0o755 });
    const out = execFileSync(busybox, ['sh', '-s'], { input: readFileSync(PROBE), env: { PATH: dir } }).toString();
    checkLiveSnapshot(parseMetricsProbe(out), 'busybox');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a captured probe output parses with no errors', () => {
  const snap = parseMetricsProbe(fixture('metrics-probe.local.txt'));
  assert.deepEqual(snap.errors, []);
  assert.equal(snap.cpuCount, 2);
  assert.equal(snap.top.byCpu.length, 10);
  assertAllFinite(snap.samples);
});

test('missing, malformed and hostile sections become errors naming them, never NaN or a throw', () => {
  const good = fixture('metrics-probe.local.txt');
  const replace = (section: string, body: string) => good.replace(new RegExp(`(==> ${section} <==\\n)[\\s\\S]*?(?=\\n==> )`), `$1${body}`);

  const cases: Array<[string, string, RegExp]> = [
    ['meminfo', 'MemTotal: lots kB\nMemFree: 99999999999999999999999999 kB\nCached:', /^meminfo: bad line/],
    ['stat', 'cpu0 1 2 NaN 4\nctxt Infinity\nbtime -', /^stat: bad cpu line/],
    ['loadavg', '\u0000\u0001\u0002binary\u00ff\u00fe', /^loadavg: bad loadavg/],
    ['vmstat', 'pgfault 1e400\nnr_free_pages 0x10\n$(reboot) 1', /^vmstat: bad line/],
    ['diskstats', ' 8 0 sda 1 2 3', /^diskstats: nothing parsed/],
    ['net_dev', 'Inter-|\n face |\n  eth0: 1 2 3', /^net_dev: bad line/],
    ['net_snmp', 'Tcp: RtoAlgorithm RtoMin\nTcp: 1', /^net_snmp: header and value lines do not pair/],
    ['pressure_io', 'some avg10=1.00 avg60=nan avg300=0 total=1', /^pressure_io: bad line/],
    ['df', 'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 1e9 5 5 1% /', /^df: bad df line/],
    ['uptime', '-5 3', /^uptime: bad uptime/],
    ['time', 'Thu Jan  1 00:00:00 UTC 1970', /^time: not a number/],
    ['top_cpu', 'PID USER %CPU\nabc root x y z', /^top: bad process line/],
  ];
  for (const [section, body, expected] of cases) {
    const snap = parseMetricsProbe(replace(section, body));
    assert.ok(snap.errors.some((e) => expected.test(e)), `${section}: ${JSON.stringify(snap.errors)}`);
    assertAllFinite(snap.samples);
    assert.ok(snap.samples.length > 100, `${section}: the other sections still parse`);
  }

  const missing = parseMetricsProbe(good.replace('==> net_netstat <==', '==> something_new <=='));
  assert.ok(missing.errors.includes('net_netstat: section missing'));
  assert.equal(parseMetricsProbe(replace('ncpu', '2\n==> ncpu <==\n3')).errors[0], 'ncpu: section appears twice; the first one is used');

  const noise = 'Last login: yesterday\n' + '\u0000\u00ff'.repeat(5000) + '\n' + '9'.repeat(100000) + '\n';
  for (const text of ['', noise, good.slice(0, good.length / 2), good.replace(/ /g, '\t\t'), good.replace(/\d/g, '9'.repeat(30))]) {
    const snap = parseMetricsProbe(text);
    assertAllFinite(snap.samples);
    assert.ok(Array.isArray(snap.errors));
  }
  assert.ok(parseMetricsProbe('').errors.includes('stat: section missing'));
  assert.ok(parseMetricsProbe(noise).errors.length >= 15);
  // 30-digit numbers are beyond u64: refused everywhere, not rounded to something plausible.
  const huge = parseMetricsProbe(good.replace(/\d/g, '9'.repeat(30)));
  assert.ok(huge.errors.length > 0 && huge.samples.length === 0, JSON.stringify(huge.samples.slice(0, 3)));
  // Truncated mid-line: the cut line is an error, the lines before it still count.
  const cut = good.indexOf('MemFree:') + 12;
  const truncated = parseMetricsProbe(good.slice(0, cut));
  assert.equal(value(truncated.samples, 'node_memory_MemTotal_bytes'), 24684096 * 1024);
  assert.ok(truncated.errors.some((e) => e.startsWith('output truncated')), JSON.stringify(truncated.errors));
  assert.ok(!truncated.samples.some((s) => s.name.startsWith('node_memory_MemFree')));
});
