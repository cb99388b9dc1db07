import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { schedJitterDiagnosis } from '../../src/domain/diagnosis/diagnoses/sched-jitter';
import { validateParams } from '../../src/domain/diagnosis/params';
import { parseSections, section } from '../../src/domain/diagnosis/probe-sections';
import type { Report } from '../../src/domain/report/report-shape';

// The sched-jitter probe's real output on the 2-CPU test machine with four busy loops running
// (pids 5085, 5087, 5089, 5091), and hung-task messages another test had left in the kernel log.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const RAW = readFileSync(join(FIXTURES, 'diag-sched-jitter.probe-4-busy-loops-2cpu.local.txt'), 'utf8');
const MARK = /^@@osdeck (\S+) /.exec(RAW)![1]!;
const BUSY = [5085, 5087, 5089, 5091];

function run(raw: string, mark = MARK): Report {
  const r = schedJitterDiagnosis.analyze(raw, { host: 'h1', now: Date.UTC(2025, 0, 1), params: validateParams(schedJitterDiagnosis, { interval: 3 }), mark, history: [] });
  assert.equal(r.kind, 'diagnosis:sched-jitter');
  assert.doesNotMatch(JSON.stringify(r), /NaN|Infinity|undefined/);
  return r;
}

const rows = (r: Report, title: string) => {
  const t = r.tables.find((x) => x.title === title)!;
  return t.rows.map((row) => Object.fromEntries(t.columns.map((c, i) => [c, row[i]])));
};

test('sched-jitter: four busy loops on two CPUs → CPU contention, the loops named as waiting, PSI high', () => {
  const r = run(RAW);
  assert.match(r.conclusion, /^CPU contention on h1: tasks waited [\d.]+ ms on average for a CPU per timeslice \([\d.]+ tasks waiting at any moment, [\d.]+ per CPU; [\d.]+ runnable on 2 CPUs\); top: /);
  assert.equal(r.severity, 'high');
  const waiting = rows(r, 'Tasks waiting for a CPU (by run-queue delay)');
  for (const pid of BUSY) {
    const w = waiting.find((x) => x.pid === pid)!;
    assert.equal(w.command, 'sh');
    assert.ok((w['waited (ms)'] as number) > 1000, `pid ${pid} waited ${w['waited (ms)']} ms`);
    assert.ok((w['avg wait per timeslice (ms)'] as number) > 0);
  }
  assert.ok((r.evidence.waitingPerCpu as number) >= 1);
  assert.ok((r.evidence.psiCpuSomePct as number) > 50);
  assert.equal(rows(r, 'Second by second (all CPUs, %)').length, 3);
  assert.equal(rows(r, 'CPU time per CPU (from per-second samples, %)').length, 2);
  const hung = r.findings.find((f) => /hung task message/.test(f.summary))!;
  assert.match(hung.summary, /^8 hung task message\(s\) in the kernel log, the last \d+ s ago$/);
  assert.ok(r.recommendations[0]!.commands!.some((c) => /^top -H -p (\d+,)*\d+$/.test(c)));
  assert.equal(rows(r, 'Kernel watchdog and stall messages').length, 8);
});

test('sched-jitter: an idle copy (same sample twice) is calm; missing schedstat and PSI are explained', () => {
  const s = parseSections(RAW, MARK);
  const same = (n: string) => `@@osdeck ${MARK} ${n}.0\n${section(s, `${n}.0`)}\n@@osdeck ${MARK} ${n}.1\n${section(s, `${n}.0`)}`;
  const idle = [same('tasks'), `@@osdeck ${MARK} stat.0\n${section(s, 'stat.0')}\n@@osdeck ${MARK} stat.1\n${section(s, 'stat.0')}`, `@@osdeck ${MARK} loadavg\n0.01 0.02 0.03 1/80 99`].join('\n');
  const r = run(idle);
  assert.match(r.conclusion, /^No scheduling trouble in \d+ s on h1: tasks waited 0 ms on average for a CPU, system time ≤ 0%, irq\+softirq ≤ 0% per CPU-second, no lockup or stall messages\.$/);
  assert.ok(r.findings.some((f) => f.summary === 'PSI not available'));
  const bare = run(`@@osdeck ${MARK} stat.0\ncpu0 1 0 1 10 0 0 0 0\n@@osdeck ${MARK} stat.1\ncpu0 2 0 1 20 0 0 0 0\n`);
  assert.ok(bare.findings.some((f) => f.summary === 'no per-task schedstat'));
});

test('sched-jitter: empty, truncated and hostile probe output never throws', () => {
  run('', 'testmark0123456789');
  run(RAW.slice(0, 40000));
  run(`@@osdeck ${MARK} tasks.1\n1/task/1 9 9 9 1 (\u202e) R ${'9'.repeat(60)}\n@@osdeck ${MARK} kernel_log\n[ x] soft lockup\n@@osdeck ${MARK} pressure.cpu.1\nsome avg10=a\n`);
});
