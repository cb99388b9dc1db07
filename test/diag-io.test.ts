/**
 * The IO diagnoses against real conditions made on this machine (root needed; without it these fail
 * rather than skip, so a misconfigured CI is visible):
 *  (a) io-traffic while dd writes with O_DIRECT to a file on a real disk filesystem;
 *  (b) io-latency on this machine's real devices while a little direct IO runs;
 *  (c) io-hang on a real hang: this kernel has no device-mapper (CONFIG_MD unset, no modules), so the
 *      stuck device is a loop device whose backing file lives on an ext4 (itself on a loop device over
 *      a file) that is frozen with fsfreeze: the loop worker blocks on the frozen superblock, the
 *      loop device keeps its requests in flight, and a dd writing to it sits in D state. The hung-task
 *      detector's timeout is lowered for a few seconds so the kernel prints a real report.
 *  (d) io-latency against its own history: the same stacked loops with the inner one in direct-IO
 *      mode and the writer in a blkio cgroup; three fast runs make the history, then
 *      blkio.throttle.write_iops_device=5 on the outer loop makes each inner request wait ~200 ms.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PastRun } from '../src/domain/diagnosis/diagnosis';
import { validateParams } from '../src/domain/diagnosis/params';
import { findDiagnosis } from '../src/domain/diagnosis/registry';
import type { Report } from '../src/domain/report/report-shape';
import { assembleProbe, newSectionMark } from '../src/infra/diagnosis-probe';
import { LocalTransport } from '../src/infra/transport/local-transport';
import { runDiagnosisHere } from './support/diagnose-local';

const isRoot = process.getuid?.() === 0;
const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const trySh = (cmd: string) => {
  try {
    return sh(cmd);
  } catch {
    return null;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => T | null | undefined | false, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Like runDiagnosisHere, with past runs handed to the analyzer (the job service does this from its store). */
async function runWithHistory(id: string, input: Record<string, unknown>, history: PastRun[]): Promise<Report> {
  const d = findDiagnosis(id)!;
  const params = validateParams(d, input);
  const spec = d.probe(params);
  const mark = newSectionMark();
  const t = new LocalTransport();
  const r = await t.runScript(assembleProbe(spec, mark), { timeoutMs: spec.timeoutSec * 1000, maxOutputBytes: spec.maxOutputBytes });
  return d.analyze(r.stdout.toString('utf8'), { host: t.host, now: Date.now(), params, mark, history });
}

const table = (r: Report, prefix: string) => {
  const t = r.tables.find((x) => x.title.startsWith(prefix));
  assert.ok(t, `no table "${prefix}" in ${r.tables.map((x) => x.title).join(', ')}`);
  return t;
};
const procState = (pid: number) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
};
const writeBytes = (pid: number) => Number(/write_bytes: (\d+)/.exec(trySh(`cat /proc/${pid}/io`) ?? '')?.[1] ?? 0);

async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
  await Promise.race([done, sleep(15_000)]);
}

// A loop device (inner) over a file on an ext4 that itself sits on a loop device (outer) over a file in /var/tmp.
interface StackedLoops {
  dir: string;
  outer: string;
  mnt: string;
  inner: string;
  innerName: string;
}

function stackedLoops(innerDirectIo: boolean, cleanup: Array<() => void | Promise<void>>): StackedLoops {
  const dir = mkdtempSync('/var/tmp/osdeck-io-test-');
  const lab: StackedLoops = { dir, outer: '', mnt: join(dir, 'mnt'), inner: '', innerName: '' };
  cleanup.push(async () => {
    trySh(`fsfreeze -u ${lab.mnt} 2>/dev/null`);
    if (lab.inner) trySh(`losetup -d ${lab.inner}`);
    for (let i = 0; i < 25 && trySh(`mountpoint -q ${lab.mnt}`) !== null; i++) {
      trySh(`umount ${lab.mnt}`);
      await sleep(200);
    }
    if (lab.outer) trySh(`losetup -d ${lab.outer}`);
    rmSync(dir, { recursive: true, force: true });
  });
  sh(`truncate -s 64M ${dir}/outer.img && mkfs.ext4 -q -F ${dir}/outer.img`);
  lab.outer = sh(`losetup -f --show ${dir}/outer.img`);
  sh(`mkdir ${lab.mnt} && mount ${lab.outer} ${lab.mnt} && truncate -s 32M ${lab.mnt}/inner.img`);
  lab.inner = sh(`losetup -f --show ${innerDirectIo ? '--direct-io=on ' : ''}${lab.mnt}/inner.img`);
  lab.innerName = lab.inner.replace('/dev/', '');
  return lab;
}

async function runCleanup(cleanup: Array<() => void | Promise<void>>) {
  for (const f of cleanup.reverse()) {
    try {
      await f();
    } catch (e) {
      console.error('cleanup:', e);
    }
  }
}

test('(a) io-traffic names dd writing with O_DIRECT as the top writer, with its pid', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync('/var/tmp/osdeck-io-traffic-');
  let dd: ChildProcess | undefined;
  t.after(async () => {
    await stop(dd);
    rmSync(dir, { recursive: true, force: true });
  });
  const fsType = sh(`stat -f -c %T ${dir}`);
  assert.notEqual(fsType, 'tmpfs', `${dir} must be on a real disk filesystem`);
  // up to 8 GiB in 64 KiB writes: it outruns other IO on a shared machine, runs for the whole sample
  // on any disk, and is killed after it
  dd = spawn('dd', ['if=/dev/zero', `of=${dir}/dd.out`, 'bs=64k', 'count=131072', 'oflag=direct'], { stdio: 'ignore', detached: true });
  const pid = dd.pid!;
  await until('dd to write', () => writeBytes(pid) > 0);
  const { report } = await runDiagnosisHere('io-traffic', { interval: 2 });
  assert.equal(dd.exitCode, null, 'dd must still run when the sample ends');
  const w = table(report, 'Top writers');
  assert.deepEqual(w.rows[0]!.slice(0, 2), [pid, 'dd'], JSON.stringify(w.rows.slice(0, 3)));
  assert.match(String(w.rows[0]![w.columns.indexOf('cmdline')]), /^dd if=\/dev\/zero of=\/var\/tmp\/osdeck-io-traffic-\S+\/dd\.out bs=64k/);
  const shareCol = w.columns.indexOf('% of disk writes');
  // O_DIRECT writes reach the disk at once, so dd explains a real share of the device's writes (how
  // much depends on what else this shared machine writes meanwhile)
  assert.ok(Number(w.rows[0]![shareCol]) > 0, `dd explains ${w.rows[0]![shareCol]}% of disk writes`);
  assert.match(report.conclusion, new RegExp(`^dd \\(pid ${pid}\\) wrote [\\d.]+ (KiB|MiB|GiB)/s, [\\d.]+% of all disk writes(; .+)? on local over`));
});

test('(b) io-latency reports this machine\'s real devices with a sane conclusion', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync('/var/tmp/osdeck-io-latency-');
  let dd: ChildProcess | undefined;
  t.after(async () => {
    await stop(dd);
    rmSync(dir, { recursive: true, force: true });
  });
  // the disk under /var/tmp: /sys/dev/block/MAJ:MIN → …/block/vda (or …/block/vda/vda1 for a partition)
  const majMin = sh(`findmnt -no MAJ:MIN -T ${dir}`);
  const disk = /\/block\/([^/]+)/.exec(sh(`readlink -f /sys/dev/block/${majMin}`))![1]!;
  dd = spawn('dd', ['if=/dev/zero', `of=${dir}/x`, 'bs=64k', 'count=100000', 'oflag=direct,dsync'], { stdio: 'ignore', detached: true });
  await until('dd to write', () => writeBytes(dd!.pid!) > 0);
  const { report } = await runDiagnosisHere('io-latency', { interval: 2 });
  const rows = table(report, 'Block devices').rows;
  const sysBlock = readdirSync('/sys/block').map((n) => n.replace(/!/g, '/'));
  assert.ok(rows.length > 0);
  for (const r of rows) assert.ok(sysBlock.includes(String(r[0])), `${r[0]} is a whole disk of /sys/block`);
  const cols = table(report, 'Block devices').columns;
  const row = rows.find((r) => r[0] === disk);
  assert.ok(row, `${disk} (under ${dir}) is in the table: ${rows.map((r) => r[0]).join(', ')}`);
  assert.ok(Number(row[cols.indexOf('w/s')]) > 0, 'the dd writes show up');
  assert.equal(typeof row[cols.indexOf('since-boot await (ms)')], 'number');
  // idle loop devices are left out (unless someone else is using them right now)
  assert.ok(rows.every((r) => !/^loop/.test(String(r[0])) || Number(r[cols.indexOf('r/s')]) + Number(r[cols.indexOf('w/s')]) > 0 || Number(r[cols.indexOf('in flight')]) > 0));
  assert.match(report.conclusion, new RegExp(`(Disk latency is normal on local: the busiest device \\S+ answered in [\\d.]+ ms|\\S+ is (slow|saturated) on local|has \\d+ request|Disks were nearly idle on local)`));
  const named = rows.map((r) => String(r[0])).filter((d) => report.conclusion.includes(d));
  assert.ok(named.length > 0, `the conclusion names a device of the table: ${report.conclusion}`);
  assert.ok((report.evidence.devices as Record<string, { await: number | null }>)[disk], 'evidence keeps per-device await for the next run');
});

test('(c) io-hang names the stuck loop device, the dd blocked on it and the frozen filesystem behind it', { timeout: 180_000 }, async (t) => {
  assert.ok(isRoot, 'needs root (losetup, mount, fsfreeze)');
  const cleanup: Array<() => void | Promise<void>> = [];
  t.after(() => runCleanup(cleanup));
  const lab = stackedLoops(false, cleanup);
  sh(`fsfreeze -f ${lab.mnt}`);
  const dd = spawn('dd', ['if=/dev/zero', `of=${lab.inner}`, 'bs=1M', 'count=4', 'oflag=direct'], { stdio: 'ignore', detached: true });
  // cleanup runs in reverse: thaw and stop dd before the loop devices go
  cleanup.push(async () => {
    trySh(`fsfreeze -u ${lab.mnt}`);
    await stop(dd);
  });
  const pid = dd.pid!;
  await until('dd to block in D state', () => procState(pid) === 'D');

  // a real hung-task report: lower the detector's timeout for a moment (never if it would panic the machine)
  const k = '/proc/sys/kernel';
  let reported = false;
  if (existsSync(`${k}/hung_task_timeout_secs`) && readFileSync(`${k}/hung_task_panic`, 'utf8').trim() === '0') {
    const timeout = readFileSync(`${k}/hung_task_timeout_secs`, 'utf8').trim();
    const warnings = readFileSync(`${k}/hung_task_warnings`, 'utf8').trim();
    const restore = () => {
      writeFileSync(`${k}/hung_task_timeout_secs`, timeout);
      writeFileSync(`${k}/hung_task_warnings`, warnings);
    };
    cleanup.push(restore);
    writeFileSync(`${k}/hung_task_warnings`, '10');
    writeFileSync(`${k}/hung_task_timeout_secs`, '2');
    try {
      await until('a hung-task report for dd', () => (trySh('dmesg') ?? '').includes(`INFO: task dd:${pid} blocked for more than`), 30_000);
      reported = true;
    } finally {
      restore();
    }
  }

  const { report } = await runDiagnosisHere('io-hang', { interval: 3 });
  assert.equal(procState(pid), 'D', 'dd is still blocked after the run');
  assert.equal(report.severity, 'critical');
  assert.ok((report.evidence.stuckDevices as string[]).includes(lab.innerName), `stuck: ${JSON.stringify(report.evidence.stuckDevices)}`);
  const tasks = report.evidence.dStateTasks as Array<{ pid: number; comm: string; seen: string; cause: string; devices: string[] }>;
  const ddTask = tasks.find((x) => x.pid === pid);
  assert.ok(ddTask, `dd (pid ${pid}) is among the D-state tasks: ${JSON.stringify(tasks)}`);
  assert.deepEqual([ddTask.comm, ddTask.seen, ddTask.cause, ddTask.devices], ['dd', 'both samples', 'block-io', [lab.innerName]]);
  const worker = tasks.find((x) => x.comm.endsWith(`+${lab.innerName}`));
  assert.ok(worker, `the ${lab.innerName} worker is blocked too: ${JSON.stringify(tasks)}`);
  assert.equal(worker.cause, 'frozen-fs');
  assert.match(report.conclusion, new RegExp(`^IO is hung on ${lab.innerName} on local: ${lab.innerName} has \\d+ requests? in flight and none completed in [\\d.]+ s; .*dd \\(pid ${pid}\\) waits for a block IO request to complete \\[${lab.innerName}\\]`));
  assert.ok(report.recommendations.some((r) => r.commands?.includes(`fsfreeze -u ${lab.mnt}`)), JSON.stringify(report.recommendations));
  if (reported) {
    const hung = report.evidence.hungTaskReports as Array<{ pid: number; comm: string; ageSeconds: number }>;
    assert.ok(hung.some((h) => h.pid === pid && h.comm === 'dd'), JSON.stringify(hung));
  }

  // thawed, the same diagnosis sees the IO complete
  sh(`fsfreeze -u ${lab.mnt}`);
  await until('dd to finish', () => dd.exitCode !== null || procState(pid) === null);
  const after = (await runDiagnosisHere('io-hang', { interval: 1 })).report;
  assert.ok(!(after.evidence.stuckDevices as string[]).includes(lab.innerName));
});

test('(d) io-latency flags a device that became ~200 ms slower than its own history', { timeout: 180_000 }, async (t) => {
  assert.ok(isRoot, 'needs root (losetup, mount, cgroups)');
  const cleanup: Array<() => void | Promise<void>> = [];
  t.after(() => runCleanup(cleanup));
  const lab = stackedLoops(true, cleanup);
  assert.equal(readFileSync(`/sys/block/${lab.innerName}/loop/dio`, 'utf8').trim(), '1', 'the inner loop device must do direct IO so the throttle holds its requests');
  const outerMajMin = readFileSync(`/sys/block/${lab.outer.replace('/dev/', '')}/dev`, 'utf8').trim();

  // the writer's cgroup: v1 blkio (this machine), else v2 io
  const v1 = '/sys/fs/cgroup/blkio';
  const v2 = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => / - cgroup2 /.test(l))?.split(' ')[4];
  let cg: string;
  let throttle: () => void;
  if (existsSync(join(v1, 'blkio.throttle.write_iops_device'))) {
    cg = join(v1, `osdeck-io-test-${process.pid}`);
    throttle = () => writeFileSync(join(cg, 'blkio.throttle.write_iops_device'), `${outerMajMin} 5`);
  } else {
    assert.ok(v2 && readFileSync(join(v2, 'cgroup.controllers'), 'utf8').includes('io'), 'needs the blkio (v1) or io (v2) controller');
    writeFileSync(join(v2, 'cgroup.subtree_control'), '+io');
    cg = join(v2, `osdeck-io-test-${process.pid}`);
    throttle = () => writeFileSync(join(cg, 'io.max'), `${outerMajMin} wiops=5`);
  }
  sh(`mkdir -p ${cg}`);
  cleanup.push(async () => {
    for (let i = 0; i < 50; i++) {
      const pids = (trySh(`cat ${cg}/cgroup.procs`) ?? '').split('\n').filter(Boolean);
      if (!pids.length) break;
      for (const p of pids) trySh(`kill -9 ${p}`);
      await sleep(200);
    }
    trySh(`rmdir ${cg}`);
  });
  const writer = spawn('sh', ['-c', `echo $$ > ${cg}/cgroup.procs && exec sh -c 'while :; do dd if=/dev/zero of=${lab.inner} bs=64k count=64 oflag=direct 2>/dev/null || exit 1; done'`], { stdio: 'ignore', detached: true });
  cleanup.push(() => stop(writer));
  await sleep(500);

  const history: PastRun[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runWithHistory('io-latency', { interval: 1 }, [...history]);
    const dev = (r.evidence.devices as Record<string, { await: number; ios: number }>)[lab.innerName];
    assert.ok(dev && dev.ios > 5 && dev.await < 10, `fast run ${i}: ${JSON.stringify(dev)}`);
    history.unshift({ at: Date.now(), evidence: r.evidence });
  }
  throttle();
  await sleep(1500);
  const slow = await runWithHistory('io-latency', { interval: 3 }, history);
  const cols = table(slow, 'Block devices').columns;
  const row = table(slow, 'Block devices').rows.find((r) => r[0] === lab.innerName)!;
  assert.ok(Number(row[cols.indexOf('await (ms)')]) > 50, `throttled await ${row[cols.indexOf('await (ms)')]} ms`);
  assert.equal(row[cols.indexOf('past runs')], 3);
  const flagged = slow.findings.find((f) => f.summary.startsWith(`${lab.innerName}:`));
  assert.ok(flagged && ['medium', 'high'].includes(flagged.severity), JSON.stringify(slow.findings));
  assert.match(slow.conclusion, new RegExp(`^${lab.innerName} is slow on local: await [\\d.]+ ms over [\\d.]+ s is [\\d.]+× its own baseline of [\\d.]+ ms \\(median of 3 past runs\\)`));
});
