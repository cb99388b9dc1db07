/**
 * sched-jitter against real CPU contention: four busy loops on this 2-CPU machine (more runnable
 * tasks than CPUs) must show up as the tasks waiting for a CPU, with a run-queue delay, and the
 * conclusion must say CPU contention. The loops are killed afterwards even when an assertion fails.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { runDiagnosisHere } from './support/diagnose-local';

test('sched-jitter names busy loops that outnumber the CPUs as waiting for a CPU', { timeout: 120_000 }, async (t) => {
  const n = Math.min(32, Math.max(3, availableParallelism() * 2)); // 4 here: two runnable loops per CPU
  const loops: ChildProcess[] = [];
  t.after(() => {
    for (const p of loops) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
  for (let i = 0; i < n; i++) loops.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  const pids = loops.map((p) => p.pid!);

  const { report } = await runDiagnosisHere('sched-jitter', { interval: 3 });
  t.diagnostic(report.conclusion);
  assert.match(report.conclusion, /^CPU contention on /);
  assert.ok(['medium', 'high'].includes(report.severity), report.severity);
  const table = report.tables.find((x) => x.title === 'Tasks waiting for a CPU (by run-queue delay)')!;
  const col = (name: string) => table.columns.indexOf(name);
  for (const pid of pids) {
    const row = table.rows.find((r) => r[col('pid')] === pid);
    assert.ok(row, `busy loop ${pid} is among the tasks that waited most for a CPU`);
    assert.equal(row[col('command')], 'sh');
    assert.ok((row[col('waited (ms)')] as number) > 0 && (row[col('avg wait per timeslice (ms)')] as number) > 0, JSON.stringify(row));
  }
  assert.ok((report.evidence.waitingPerCpu as number) > 0.25, `waiting per CPU ${report.evidence.waitingPerCpu}`);
});
