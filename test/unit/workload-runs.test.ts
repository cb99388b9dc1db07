import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { parseWorkloadRuns, workloadScript } from '../../src/domain/report/workload-runs';

test('the workload script times each run on the host, isolated from the command', () => {
  const out = execFileSync('sh', ['-s'], { input: workloadScript('i=99; cd /; exit 3', 4) }).toString();
  const { runs, errors } = parseWorkloadRuns(out);
  assert.deepEqual(errors, []);
  assert.equal(runs.length, 4, 'the command cannot end the loop');
  for (const r of runs) {
    assert.equal(r.exitCode, 3);
    assert.ok(r.seconds >= 0 && r.seconds < 5);
    assert.ok(Math.abs(r.endMs - Date.now()) < 60_000);
  }
});

test('unreadable lines (busybox date without %N) are reported, not guessed', () => {
  const { runs, errors } = parseWorkloadRuns('osdeck_run 0 1700000000N 1700000001N\nosdeck_run 0 1700000000000000000 1700000000500000000\n');
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.seconds, 0.5);
  assert.equal(errors.length, 1);
});
