import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSections, section } from '../../src/domain/diagnosis/probe-sections';
import { cpuTimeSeries, summarizeCpus } from '../../src/domain/diagnosis/sched/cpu-time-samples';
import { parseStallLog } from '../../src/domain/diagnosis/sched/kernel-stall-log';
import { parseLoadavgLine } from '../../src/domain/diagnosis/sched/loadavg-line';
import { parseProcSchedstat, schedstatDeltas } from '../../src/domain/diagnosis/sched/proc-schedstat';
import { delaysByProcess, taskDeltas } from '../../src/domain/diagnosis/sched/run-queue-delay';
import { parseTaskSamples } from '../../src/domain/diagnosis/sched/task-schedstat';

// diag-sched-jitter.probe-4-busy-loops-2cpu.local.txt: the sched-jitter probe's real output on the
// 2-CPU test machine while four `sh -c 'while :; do :; done'` loops (pids 5085, 5087, 5089, 5091) ran.
// schedstat.v15.*: /proc/schedstat is absent on the test kernel (no CONFIG_SCHEDSTATS); this is the
// `head /proc/schedstat` of a Xeon E5-2690 v2 quoted on LKML.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const RAW = fixture('diag-sched-jitter.probe-4-busy-loops-2cpu.local.txt');
const S = parseSections(RAW, /^@@osdeck (\S+) /.exec(RAW)![1]!);
const BUSY = [5085, 5087, 5089, 5091];
const JUNK = '\u0000\u202e garbage -1 NaN 99999999999999999999999999 ((( )))\n';

test('task-schedstat: one line per thread with schedstat, command and utime/stime', () => {
  const issues: string[] = [];
  const t = parseTaskSamples(section(S, 'tasks.1'), issues);
  assert.deepEqual(issues, []);
  assert.ok(t.length > 50);
  const busy = t.filter((x) => BUSY.includes(x.tid));
  assert.equal(busy.length, 4);
  for (const b of busy) {
    assert.equal(b.comm, 'sh');
    assert.equal(b.pid, b.tid);
    assert.ok(b.execNs > 0 && b.runDelayNs > 0 && b.slices > 0 && b.utimeTicks! > 0 && b.stimeTicks !== null);
  }
  const odd = parseTaskSamples('7/task/8 100 200 3 8 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 42 17 0 0\n7/task/9 1 2\n9/task/9 x 1 1 9 (y) S\n', issues);
  assert.deepEqual(odd.map((x) => [x.pid, x.tid, x.comm, x.state, x.utimeTicks, x.stimeTicks]), [[7, 8, 'a) b (c)', 'R', 42, 17]]);
  assert.equal(issues.length, 2);
  assert.deepEqual(parseTaskSamples(JUNK), []);
});

test('run-queue-delay: the busy loops waited for a CPU most of the interval; per-process sums over threads', () => {
  const d = taskDeltas(parseTaskSamples(section(S, 'tasks.0')), parseTaskSamples(section(S, 'tasks.1')));
  const elapsedMs = (Number(section(S, 'uptime.1').split(' ')[0]) - Number(section(S, 'uptime.0').split(' ')[0])) * 1000;
  const procs = delaysByProcess(d, elapsedMs);
  for (const pid of BUSY) {
    const p = procs.find((x) => x.pid === pid)!;
    assert.ok(p.runDelayMs > 0.3 * elapsedMs, `pid ${pid} waited ${p.runDelayMs} ms of ${elapsedMs}`);
    assert.ok(p.avgWaitMs > 0 && p.userMs > 0 && p.threads === 1);
    assert.ok(p.waitPct > 30 && p.waitPct <= 100);
  }
  const multi = procs.find((p) => p.threads > 3)!;
  assert.equal(multi.runDelayMs, d.filter((x) => x.pid === multi.pid).reduce((a, x) => a + x.runDelayMs, 0));
  // a TID reused by another process is a new task, not a negative delta
  const reuse = taskDeltas(parseTaskSamples('1/task/50 1000000 5000000 10 50 (old) S 0 0 0 0 0 0 0 0 0 0 5 5\n'), parseTaskSamples('2/task/50 10 20 1 50 (new) R 0 0 0 0 0 0 0 0 0 0 1 1\n'));
  assert.deepEqual(reuse.map((x) => [x.isNew, x.runDelayMs, x.userMs]), [[true, 0.00002, null]]);
});

test('cpu-time-samples: per-second shares per CPU from real /proc/stat samples', () => {
  const texts: string[] = [];
  for (let i = 0; S.has(`stat.${i}`); i++) texts.push(section(S, `stat.${i}`));
  const issues: string[] = [];
  const series = cpuTimeSeries(texts, issues);
  assert.deepEqual(issues, []);
  assert.deepEqual(series.cpus, ['0', '1']);
  assert.equal(series.steps.length, texts.length - 1);
  for (const st of series.steps) {
    for (const r of st.perCpu.values()) {
      const sum = Object.values(r).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 100) < 1, `shares add up to 100 (${sum})`);
      assert.ok(r.idle < 30, 'four busy loops on two CPUs leave little idle time');
    }
    assert.ok(st.running! >= 4, 'procs_running counts the four loops');
    assert.ok(st.ctxtSwitches! > 0);
  }
  const sum = summarizeCpus(series);
  assert.equal(sum.length, 2);
  assert.ok(sum.every((c) => c.max.system >= c.avg.system && c.avg.user > 50));
  assert.ok(series.softirqs.length === 10 && series.softirqs[0]!.count >= series.softirqs[9]!.count);
  // a spike in one second is not averaged away
  const spike = cpuTimeSeries(['cpu0 100 0 100 800 0 0 0 0\n', 'cpu0 110 0 180 810 0 0 0 0\n', 'cpu0 150 0 190 860 0 0 0 0\n']);
  const [c0] = summarizeCpus(spike);
  assert.deepEqual([c0!.max.system, c0!.maxSystemStep, c0!.avg.system], [80, 1, 45]);
  assert.deepEqual(cpuTimeSeries([JUNK, '']).steps, []);
});

test('proc-schedstat: v15 cpu lines (domain lines skipped), per-CPU run delay per timeslice', () => {
  const issues: string[] = [];
  const a = parseProcSchedstat(fixture('schedstat.v15.lkml-xeon-e5-2690v2-head.txt'), issues);
  assert.deepEqual(issues, []);
  assert.equal(a.version, 15);
  assert.deepEqual(a.cpus, [
    { cpu: 0, rqCpuTimeNs: 59501267037720, runDelayNs: 16902762382193, pcount: 1319621004 },
    { cpu: 1, rqCpuTimeNs: 56045879920164, runDelayNs: 16758983055410, pcount: 1318489275 },
  ]);
  // synthetic second sample: cpu0 waited 35 ms over 10 timeslices, cpu1 went backwards (reset): skipped
  const b = { version: 15, cpus: [{ ...a.cpus[0]!, runDelayNs: a.cpus[0]!.runDelayNs + 35e6, pcount: a.cpus[0]!.pcount + 10 }, { ...a.cpus[1]!, pcount: 0 }] };
  assert.deepEqual(schedstatDeltas(a, b), [{ cpu: 0, runDelayMs: 35, slices: 10, avgWaitMs: 3.5 }]);
  const bad: string[] = [];
  assert.deepEqual(parseProcSchedstat(`version x\ncpu0 1 2 3\n${JUNK}`, bad).cpus, []);
  assert.equal(bad.length, 1);
});

test('kernel-stall-log: lockups, RCU stalls, hung tasks with CPU, task and time since boot', () => {
  const ev = parseStallLog([
    '[ 1234.567890] watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [kworker/3:1:123]',
    '[ 1300.000001] NMI watchdog: Watchdog detected hard LOCKUP on cpu 5',
    '[ 1400.5] rcu: INFO: rcu_sched self-detected stall on CPU',
    '[ 1401.5] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
    '[ 1500.25] sched: RT throttling activated',
    '[ 1600.0] EXT4-fs (sda1): mounted filesystem',
    section(S, 'kernel_log'),
    JUNK,
  ].join('\n'));
  assert.deepEqual(ev.slice(0, 5).map((e) => [e.kind, e.severity, e.at, e.cpu, e.task]), [
    ['soft lockup', 'high', 1234.56789, 3, 'kworker/3:1:123'],
    ['hard lockup', 'critical', 1300.000001, 5, null],
    ['RCU stall', 'high', 1400.5, null, null],
    ['RCU stall', 'high', 1401.5, null, null],
    ['RT throttling', 'medium', 1500.25, null, null],
  ]);
  const hung = ev.filter((e) => e.kind === 'hung task');
  assert.equal(hung.length, 8);
  assert.deepEqual([hung[1]!.task, hung[1]!.at, hung[1]!.severity], ['dd:13121', 9248.985669, 'medium']);
  assert.equal(parseStallLog('x\n'.repeat(10)).length, 0);
});

test('loadavg-line', () => {
  assert.deepEqual(parseLoadavgLine(section(S, 'loadavg')), (() => {
    const t = section(S, 'loadavg').trim().split(/\s+/);
    const [r, n] = t[3]!.split('/').map(Number);
    return { load1: Number(t[0]), load5: Number(t[1]), load15: Number(t[2]), runnable: r, tasks: n };
  })());
  assert.equal(parseLoadavgLine('abc'), null);
  assert.deepEqual(parseLoadavgLine('1.5 2 3'), { load1: 1.5, load5: 2, load15: 3, runnable: null, tasks: null });
});
