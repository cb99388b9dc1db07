import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeIoTraffic, ioTrafficDiagnosis } from '../../src/domain/diagnosis/diagnoses/io-traffic';
import type { DiagnosisContext } from '../../src/domain/diagnosis/diagnosis';
import { safeCmdline } from '../../src/domain/diagnosis/io/cmdline-text';
import { exitedProcesses, parseProcIo, procIoDeltas } from '../../src/domain/diagnosis/io/proc-io';
import { containerOf, parseProcessDetails, parseStatHead, pickCgroupPath } from '../../src/domain/diagnosis/io/process-details';
import type { Report } from '../../src/domain/report/report-shape';

// diag-io-traffic.dd-direct.local.txt: the real probe output (OSDECK_MARK=fixturemark0001, interval 2 s)
// while `dd if=/dev/zero of=/var/tmp/osdeck-ddfix bs=4k count=150000 oflag=direct` ran on the 6.18 test
// machine. The command lines of the machine's other processes were replaced with "(removed from the
// fixture)" because they are not ours to publish; everything else is as captured.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const ctx = (params: Record<string, number> = { interval: 2, top: 20 }): DiagnosisContext => ({ host: 'h1', now: Date.UTC(2026, 0, 1), params, mark: 'fixturemark0001', history: [] });
const tableOf = (r: Report, prefix: string) => r.tables.find((t) => t.title.startsWith(prefix))!;

test('io-traffic on a real dd oflag=direct sample: dd is the top writer with nearly all disk writes', () => {
  const r = analyzeIoTraffic(fixture('diag-io-traffic.dd-direct.local.txt'), ctx());
  assert.equal(r.kind, 'diagnosis:io-traffic');
  assert.match(r.conclusion, /^dd \(pid 15439\) wrote \d+(\.\d+)? MiB\/s, 99\.\d% of all disk writes on h1 over 2 s\.$/);
  const w = tableOf(r, 'Top writers');
  const top = w.rows[0]!;
  assert.equal(top[0], 15439);
  assert.equal(top[1], 'dd');
  assert.equal(top[w.columns.indexOf('cmdline')], 'dd if=/dev/zero of=/var/tmp/osdeck-ddfix bs=4k count=150000 oflag=direct');
  assert.equal(top[w.columns.indexOf('container / cgroup')], '/process_api/5614a5fb73357ce1ef4bed1faa3eb6e7');
  const disks = tableOf(r, 'Disks');
  assert.ok(disks.rows.some((d) => d[0] === 'vda' && d[5] === 'yes'));
  const ev = r.evidence as { topWriters: Array<{ pid: number; writeBytes: number }>; disk: { writeBytes: number } };
  assert.ok(ev.topWriters[0]!.writeBytes > 0.95 * ev.disk.writeBytes);
  for (const t of r.tables) for (const row of t.rows) for (const v of row) if (typeof v === 'number') assert.ok(Number.isFinite(v));
  assert.ok(r.recommendations.some((x) => x.commands?.includes('cat /proc/15439/io')));
});

test('io-traffic: top N bounds the tables', () => {
  const r = analyzeIoTraffic(fixture('diag-io-traffic.dd-direct.local.txt'), ctx({ interval: 2, top: 1 }));
  for (const t of r.tables.filter((x) => x.title.startsWith('Top'))) assert.ok(t.rows.length <= 1);
});

test('/proc/PID/io lines: keys by name, comm with spaces, junk refused', () => {
  const issues: string[] = [];
  const m = parseProcIo(
    [
      '42 rchar:10 wchar:20 syscr:1 syscw:2 read_bytes:4096 write_bytes:8192 cancelled_write_bytes:0 my prog',
      '43 wchar:5 rchar:6 syscr:0 syscw:0 read_bytes:0 write_bytes:0 cancelled_write_bytes:0 x', // order does not matter
      'x rchar:1',
      '44 rchar:-1 wchar:0 syscr:0 syscw:0 read_bytes:0 write_bytes:0 cancelled_write_bytes:0 neg',
      '45 rchar:1',
      `46 rchar:1 wchar:1 syscr:1 syscw:1 read_bytes:1 write_bytes:1 cancelled_write_bytes:1 ${'\u202e'}evil\u0007`,
    ].join('\n'),
    issues,
  );
  assert.deepEqual([...m.keys()], [42, 43, 46]);
  assert.equal(m.get(42)!.comm, 'my prog');
  assert.deepEqual([m.get(43)!.rchar, m.get(43)!.wchar], [6, 5]);
  assert.equal(m.get(46)!.comm, 'evil');
  assert.equal(issues.length, 3);
});

test('IO deltas: new processes count from zero, reused pids too, exited ones are listed', () => {
  const before = parseProcIo('1 rchar:100 wchar:100 syscr:1 syscw:1 read_bytes:100 write_bytes:100 cancelled_write_bytes:0 a\n2 rchar:500 wchar:500 syscr:5 syscw:5 read_bytes:500 write_bytes:500 cancelled_write_bytes:0 old\n3 rchar:1 wchar:1 syscr:1 syscw:1 read_bytes:1 write_bytes:1 cancelled_write_bytes:0 gone\n');
  const after = parseProcIo('1 rchar:150 wchar:300 syscr:2 syscw:3 read_bytes:100 write_bytes:4196 cancelled_write_bytes:0 a\n2 rchar:10 wchar:10 syscr:1 syscw:1 read_bytes:0 write_bytes:20 cancelled_write_bytes:0 new\n4 rchar:7 wchar:8 syscr:1 syscw:1 read_bytes:0 write_bytes:9 cancelled_write_bytes:0 fresh\n');
  const d = new Map(procIoDeltas(before, after).map((x) => [x.pid, x]));
  assert.deepEqual([d.get(1)!.writeBytes, d.get(1)!.rchar, d.get(1)!.fresh], [4096, 50, false]);
  assert.deepEqual([d.get(2)!.writeBytes, d.get(2)!.fresh, d.get(2)!.comm], [20, true, 'new']);
  assert.deepEqual([d.get(4)!.writeBytes, d.get(4)!.fresh], [9, true]);
  assert.deepEqual(exitedProcesses(before, after).map((p) => p.pid), [3]);
});

test('command lines: secrets masked, bounded, printable', () => {
  assert.equal(safeCmdline('mysql -uroot -pS3cret db'), 'mysql -uroot -p*** db');
  assert.equal(safeCmdline('app --password=hunter2 --user bob'), 'app --password=*** --user bob');
  assert.equal(safeCmdline('app --token abc123 -v'), 'app --token *** -v');
  assert.equal(safeCmdline('env DB_PASSWORD=x AWS_SECRET_ACCESS_KEY=y run'), 'env DB_PASSWORD=*** AWS_SECRET_ACCESS_KEY=*** run');
  assert.equal(safeCmdline('curl https://user:pw@example.invalid/x'), 'curl https://user:***@example.invalid/x');
  assert.equal(safeCmdline('x --env {"API_KEY": "k1", "HOME": "/root"}'), 'x --env {"API_KEY": "***", "HOME": "/root"}');
  assert.equal(safeCmdline('dd if=/dev/zero of=/data/x bs=1M oflag=direct'), 'dd if=/dev/zero of=/data/x bs=1M oflag=direct');
  assert.equal(safeCmdline(`a\u0000b\u202e ${'x'.repeat(500)}`).length, 200);
});

test('cgroup attribution: docker, containerd, podman, kubernetes pods, systemd units, v1 and v2', () => {
  assert.equal(containerOf('/system.slice/docker-4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a.scope'), 'docker 4f3a2b1c0d9e');
  assert.equal(containerOf('/docker/4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a'), 'docker 4f3a2b1c0d9e');
  assert.equal(containerOf('/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_5f6a_7b8c_9d0e_1f2a3b4c5d6e.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope'), 'cri-containerd 0123456789ab');
  assert.equal(containerOf('/kubepods/besteffort/pod1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e'), 'pod 1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e');
  assert.equal(containerOf('/machine.slice/libpod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope/container'), 'podman 0123456789ab');
  assert.equal(containerOf('/system.slice/nginx.service'), 'unit nginx.service');
  assert.equal(containerOf('/user.slice/user-0.slice/session-3.scope'), 'unit session-3.scope');
  assert.equal(containerOf('/'), null);
  assert.equal(pickCgroupPath(['12:memory:/docker/abc', '0::/']), '/docker/abc');
  assert.equal(pickCgroupPath(['0::/system.slice/x.service']), '/system.slice/x.service');
  assert.equal(pickCgroupPath(['garbage']), null);
  const d = parseProcessDetails('7 cmdline sh -c x\n7 cgroup 4:memory:/a\t0::/\n7 stat 7 (a (b) c) S 1 7\n7 cmdline second copy ignored\nnonsense\n');
  assert.deepEqual({ ...d.get(7) }, { pid: 7, cmdline: 'sh -c x', cgroup: '/a', container: null, ppid: 1, state: 'S' });
  assert.deepEqual(parseStatHead('9 (x) y) Z 1 2')?.comm, 'x) y');
});

test('io-traffic: a process charged more than reached the disks is not called 18400% of the disk', () => {
  const m = 'fixturemark0001';
  const raw = [
    `@@osdeck ${m} uptime0`, '100.00 0', `@@osdeck ${m} diskstats0`, '254 0 vda 0 0 0 0 0 0 0 0 0 0 0',
    `@@osdeck ${m} uptime1`, '102.00 0', `@@osdeck ${m} diskstats1`, '254 0 vda 0 0 0 0 1 0 8 0 0 0 0',
    `@@osdeck ${m} io0`, '77 rchar:0 wchar:0 syscr:0 syscw:0 read_bytes:0 write_bytes:0 cancelled_write_bytes:0 bash',
    `@@osdeck ${m} io1`, '77 rchar:0 wchar:0 syscr:0 syscw:0 read_bytes:0 write_bytes:4194304 cancelled_write_bytes:0 bash',
    `@@osdeck ${m} devices`, 'vda rotational 1',
  ].join('\n');
  const r = analyzeIoTraffic(raw, ctx());
  assert.match(r.conclusion, /^bash \(pid 77\) wrote 2\.00 MiB\/s, more than all disk writes in the interval \(data still in the page cache, /);
  const w = tableOf(r, 'Top writers');
  assert.equal(w.rows[0]![w.columns.indexOf('% of disk writes')], 100);
});

test('io-traffic survives junk and an empty probe output', () => {
  for (const raw of ['', 'junk', '@@osdeck fixturemark0001 io1\nnot an io line\n@@osdeck fixturemark0001 details\nbad\n']) {
    const r = analyzeIoTraffic(raw, ctx());
    assert.equal(r.severity, 'ok');
    assert.match(r.conclusion, /^Disks were quiet on h1/);
    assert.doesNotMatch(JSON.stringify(r), /NaN|Infinity/);
  }
});

test('io-traffic probe: valid sh for dash and busybox, parameters reach it', () => {
  const probe = join(import.meta.dirname, '..', '..', 'src', 'probes', 'diag-io-traffic.sh');
  for (const sh of ['dash', 'busybox']) {
    try {
      execFileSync(sh === 'busybox' ? 'busybox' : sh, sh === 'busybox' ? ['sh', '-n', probe] : ['-n', probe]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
  }
  assert.deepEqual(ioTrafficDiagnosis.probe({ interval: 3, top: 5 }).env, { OSDECK_INTERVAL: '3', OSDECK_TOP: '5' });
});
