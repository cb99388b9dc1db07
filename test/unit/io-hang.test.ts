import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeIoHang } from '../../src/domain/diagnosis/diagnoses/io-hang';
import type { DiagnosisContext } from '../../src/domain/diagnosis/diagnosis';
import { frameFunction, parseDStateList, parseTaskDetail } from '../../src/domain/diagnosis/io/d-state-tasks';
import { parseHungTaskLog } from '../../src/domain/diagnosis/io/hung-task-log';
import { classifyStack } from '../../src/domain/diagnosis/io/kernel-stack-class';
import { mountOf, parseMountinfo } from '../../src/domain/diagnosis/io/task-devices';
import { parseSections, section } from '../../src/domain/diagnosis/probe-sections';
import type { Report } from '../../src/domain/report/report-shape';

// Real probe outputs from the 6.18 test machine (OSDECK_MARK=fixturemark0001):
//  diag-io-hang.fsfreeze-loop.local.txt: loop0 over a file holds an ext4 with a file that backs loop1;
//    that ext4 was frozen (fsfreeze -f) and `dd of=/dev/loop1 oflag=direct` started: loop1's worker
//    blocks on the frozen filesystem, dd waits for its bio, loop1 keeps 2 requests in flight. With
//    kernel.hung_task_timeout_secs lowered to 3 the kernel printed real hung-task reports. (One
//    mountinfo line of the machine's sandbox was left out.)
//  diag-io-hang.idle.local.txt: the same host a little later, nothing stuck, those reports still in dmesg.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const MARK = 'fixturemark0001';
const ctx = (interval = 3): DiagnosisContext => ({ host: 'h1', now: Date.UTC(2026, 0, 1), params: { interval }, mark: MARK, history: [] });
const tableOf = (r: Report, prefix: string) => r.tables.find((t) => t.title.startsWith(prefix))!;

test('io-hang on a real stuck loop device: names the device, dd and the loop worker, and the frozen filesystem', () => {
  const r = analyzeIoHang(fixture('diag-io-hang.fsfreeze-loop.local.txt'), ctx());
  assert.equal(r.severity, 'critical');
  assert.match(r.conclusion, /^IO is hung on loop1 on h1: loop1 has 2 requests in flight and none completed in 3 s; 2 tasks in D state: dd \(pid 13121\) waits for a block IO request to complete \[loop1\]; kworker\/u8:2\+loop1 \(pid 26500\) is blocked on a superblock write lock/);
  assert.match(r.conclusion, /the kernel reported 2 hung tasks\.$/);
  assert.deepEqual(r.evidence.stuckDevices, ['loop1']);
  const tasks = tableOf(r, 'Tasks in D state');
  assert.deepEqual(tasks.rows.map((x) => [x[0], x[2], x[3], x[5]]), [
    [13121, 'dd', 'both samples', 'loop1'],
    [26500, 'kworker/u8:2+loop1', 'both samples', 'loop1'],
  ]);
  assert.equal(tasks.rows[0]![6], 'submit_bio_wait');
  assert.match(String(tasks.rows[1]![7]), /^percpu_rwsem_wait ← lo_rw_aio ← loop_process_work/);
  const hung = tableOf(r, 'Hung-task reports');
  assert.deepEqual(hung.rows.map((x) => [x[2], x[3], x[4], x[5]]), [['dd', 13121, 6, null], ['kworker/u8:2', 26500, 6, 'loop1']]);
  // the frozen filesystem is found from loop1's backing file and the mount table
  const thaw = r.recommendations.find((x) => /frozen filesystem/.test(x.summary))!;
  assert.deepEqual(thaw.commands, ['fsfreeze -u /var/tmp/iohang.j7zG/mnt']);
  assert.ok(r.recommendations.some((x) => x.commands?.includes('losetup -l /dev/loop1')));
  const psi = r.evidence.psi as Record<string, number>;
  assert.equal(psi.fullAvg10, 64.09);
});

test('io-hang on the same host once recovered: nothing stuck, the earlier reports are history', () => {
  const r = analyzeIoHang(fixture('diag-io-hang.idle.local.txt'), ctx(2));
  assert.deepEqual(r.evidence.stuckDevices, []);
  assert.equal(tableOf(r, 'Tasks in D state').rows.length, 0);
  assert.match(r.conclusion, /^No IO is stuck right now on h1, but the kernel reported 2 hung tasks in the last 10 min, latest dd \(pid 13121\)/);
  assert.equal(r.severity, 'medium', 'the reported tasks are no longer blocked');
});

test('hung-task reports: 6.x format with workqueue, journal prefix, older kernels, blocker lines', () => {
  const s = parseSections(fixture('diag-io-hang.fsfreeze-loop.local.txt'), MARK);
  const ev = parseHungTaskLog(section(s, 'kmsg'));
  assert.deepEqual(ev.map((e) => [e.comm, e.pid, e.blockedSeconds]), [['kworker/u8:2', 26500, 3], ['dd', 13121, 3], ['kworker/u8:2', 26500, 6], ['dd', 13121, 6]]);
  assert.equal(ev[0]!.at, 9248.983175);
  assert.equal(ev[0]!.workqueue, 'loop1');
  assert.deepEqual(ev[0]!.frames.slice(0, 5), ['__schedule', 'schedule', 'percpu_rwsem_wait', '__percpu_down_read', 'lo_rw_aio']);
  assert.ok(!ev[1]!.frames.includes('srso_alias_return_thunk'), '"?" frames are unreliable and left out');

  // journalctl -o short-monotonic; and the pre-5.14 sched_show_task layout with [<addr>] frames
  const older = parseHungTaskLog([
    '[12345.678901] web01 kernel: INFO: task jbd2/sda1-8:412 blocked for more than 120 seconds.',
    '[12345.678950] web01 kernel: jbd2/sda1-8     D ffff88017fc13680     0   412      2 0x00000000',
    '[12345.679000] web01 kernel: Call Trace:',
    '[12345.679010] web01 kernel:  [<ffffffff8168b579>] schedule+0x29/0x70',
    '[12345.679020] web01 kernel:  [<ffffffffa01c2b1e>] jbd2_journal_commit_transaction+0x23e/0x19a0 [jbd2]',
    'INFO: task mysqld:777 blocked for more than 240 seconds.',
    'INFO: task mysqld:777 is blocked on a mutex likely owned by task backup:778.',
  ].join('\n'));
  assert.deepEqual(older.map((e) => [e.comm, e.pid, e.blockedSeconds, e.at]), [['jbd2/sda1-8', 412, 120, 12345.678901], ['mysqld', 777, 240, null]]);
  assert.deepEqual(older[0]!.frames, ['schedule', 'jbd2_journal_commit_transaction']);
  assert.deepEqual(older[1]!.blockedOn, { kind: 'mutex', comm: 'backup', pid: 778 });
  assert.deepEqual(parseHungTaskLog('INFO: task x:1 blocked for more than 1e9 seconds.\nnoise\n\u0000'), []);
});

test('kernel stacks: the most specific reason wins', () => {
  const c = (frames: string[], wchan: string | null = null) => classifyStack(frames, wchan).key;
  assert.equal(c(['percpu_rwsem_wait', 'lo_rw_aio', 'loop_process_work']), 'frozen-fs');
  assert.equal(c(['submit_bio_wait', '__blkdev_direct_IO_simple']), 'block-io');
  assert.equal(c(['io_schedule', 'blk_mq_get_tag', 'blk_mq_submit_bio']), 'queue-full');
  assert.equal(c(['io_schedule', 'folio_wait_bit_common', 'folio_wait_writeback']), 'writeback');
  assert.equal(c(['wait_transaction_locked', 'start_this_handle', 'jbd2__journal_start']), 'jbd2');
  assert.equal(c(['rpc_wait_bit_killable', '__rpc_execute', 'nfs4_proc_getattr']), 'nfs');
  assert.equal(c(['request_wait_answer', 'fuse_simple_request']), 'fuse');
  assert.equal(c(['dm_wait_for_completion', '__dm_suspend']), 'dm');
  assert.equal(c(['percpu_rwsem_wait', '__percpu_down_read', 'cgroup_can_fork', 'copy_process']), 'lock');
  assert.equal(c(['balance_dirty_pages', 'balance_dirty_pages_ratelimited_flags']), 'dirty-throttle');
  assert.equal(c([], 'blk_mq_get_tag'), 'queue-full');
  assert.equal(c(['__schedule', 'schedule', 'some_driver_wait']), 'other');
  assert.match(classifyStack([], null).cause, /run as root/);
  assert.equal(frameFunction('[<0>] lo_rw_aio.isra.0+0x33c/0x350'), 'lo_rw_aio');
  assert.equal(frameFunction(' ? __pfx_kthread+0x10/0x10'), '__pfx_kthread');
  assert.equal(frameFunction('RIP: 0033:0x7f23a1427350'), null);
});

test('D-state lists: hostile comm cannot fake a state, tids and starttimes are kept', () => {
  const issues: string[] = [];
  const m = parseDStateList(
    [
      '100 100 (x) D y) S 1 100 100 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5000 0 0',
      '200 201 (worker) D 1 200 200 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7000 0 0',
      'junk',
      '300 (no pid line',
    ].join('\n'),
    issues,
  );
  assert.deepEqual([...m.keys()], [201]);
  assert.deepEqual({ ...m.get(201)! }, { tid: 201, tgid: 200, comm: 'worker', ppid: 1, startTime: 7000, blkioTicks: null });
  assert.equal(issues.length, 2);
  const d = parseTaskDetail('tgid 5\nwchan 0\nstack [<0>] submit_bio_wait+0x74/0xc0\nstack garbage\nfd /dev/loop1\nfd pipe:[1]\n');
  assert.deepEqual(d, { tgid: 5, wchan: null, stack: ['submit_bio_wait'], stackRead: true, fds: ['/dev/loop1', 'pipe:[1]'] });
});

test('mountinfo: escaped mount points, longest prefix wins', () => {
  const mounts = parseMountinfo('27 1 254:0 / / rw - ext4 /dev/vda rw\n50 27 7:0 / /var/tmp/a\\040b rw,relatime - ext4 /dev/loop0 rw\nshort line\n');
  assert.deepEqual(mounts.map((m) => [m.majMin, m.mountPoint]), [['254:0', '/'], ['7:0', '/var/tmp/a b']]);
  assert.equal(mountOf('/var/tmp/a b/x.img', mounts)!.majMin, '7:0');
  assert.equal(mountOf('/var/tmp/a bc', mounts)!.majMin, '254:0');
});

test('io-hang survives junk and empty output', () => {
  for (const raw of ['', 'junk\n', `@@osdeck ${MARK} dstate1\n1 2 3\n@@osdeck ${MARK} task:abc\nx\n@@osdeck ${MARK} hung\nhung_task_timeout_secs:zero\n`]) {
    const r = analyzeIoHang(raw, ctx());
    assert.match(r.conclusion, /^No IO hang on h1/);
    assert.doesNotMatch(JSON.stringify(r), /NaN|Infinity/);
  }
});

test('io-hang probe: valid sh for dash and busybox', () => {
  const probe = join(import.meta.dirname, '..', '..', 'src', 'probes', 'diag-io-hang.sh');
  const latency = join(import.meta.dirname, '..', '..', 'src', 'probes', 'diag-io-latency.sh');
  for (const p of [probe, latency]) {
    execFileSync('dash', ['-n', p]);
    try {
      execFileSync('busybox', ['sh', '-n', p]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
});
