import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';

// The migration-monitoring loop: a baseline window, a change (a CPU burner), a second window,
// and a report that says what changed — in JSON, HTML and XLSX that agree.
let server: RunningServer;
let env: NodeJS.ProcessEnv;
let token: string;
const burners: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'osdeck-report-'));
let beforeWin = '';
let afterWin = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  server = await startServer();
  ({ env, token } = await bootstrap(server));
  assert.equal((await api(server, token, 'PUT', '/metrics/intervals', { defaultSec: 5, groups: {}, hosts: {} })).status, 200);
  await sleep(8000); // the first poll gives no rates
  const b0 = Date.now();
  const spin = ['report', 'workload', 'local', '--runs', '8', '--name', 'spin', '--', 'i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done'];
  const w1 = await runCli(spin, { env });
  assert.equal(w1.code, 0, w1.stderr + w1.stdout);
  await sleep(Math.max(0, 35_000 - (Date.now() - b0)));
  const b1 = Date.now();
  // burn every CPU
  const cpus = Number((await runCli(['exec', 'local', '--json', '--', 'nproc'], { env }).then((r) => JSON.parse(r.stdout).steps[0].stdout)).trim());
  // three burners per CPU, each in its own session: with the scheduler's autogroups, a burner
  // in a shared session would only compete as one group with the workload's own session
  for (let i = 0; i < cpus * 3; i++) burners.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore', detached: true }));
  await sleep(5000);
  const a0 = Date.now();
  const w2 = await runCli(spin, { env });
  assert.equal(w2.code, 0, w2.stderr + w2.stdout);
  await sleep(Math.max(0, 35_000 - (Date.now() - a0)));
  const a1 = Date.now();
  for (const b of burners) process.kill(-b.pid!, 'SIGKILL');
  beforeWin = `${b0}..${b1}`;
  afterWin = `${a0}..${a1}`;
});
after(async () => {
  for (const b of burners) {
    try {
      process.kill(-b.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await server.stop();
});

interface Row extends Array<string | number | null> {}

test('report compare marks CPU as changed and memory as unchanged', async () => {
  const r = await runCli(['report', 'compare', 'local', '--before', beforeWin, '--after', afterWin, '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { conclusion: string; comparisons: Array<{ metric: string; change: { changed: boolean }; before: { mean: number; count: number }; after: { mean: number } }> };
  const cpu = rep.comparisons.find((c) => c.metric === 'cpu.busy')!;
  const mem = rep.comparisons.find((c) => c.metric === 'mem.used')!;
  assert.ok(cpu.before.count >= 4, `only ${cpu.before.count} samples before`);
  assert.equal(cpu.change.changed, true, `cpu ${cpu.before.mean} → ${cpu.after.mean}`);
  assert.ok(cpu.after.mean > cpu.before.mean + 20);
  assert.equal(mem.change.changed, false, `mem ${mem.before.mean} → ${mem.after.mean}`);
  assert.match(rep.conclusion, /^\d+ of \d+ metrics changed beyond noise; largest: local: /);
  const human = await runCli(['report', 'compare', 'local', '--before', beforeWin, '--after', afterWin], { env });
  assert.match(human.stdout, /^local\s+CPU busy\s.*CHANGED$/m);
});

test('the workload test: timed runs in each window, compared the same way', async () => {
  const r = await runCli(['report', 'compare', 'local', '--before', beforeWin, '--after', afterWin, '--workload', 'spin', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { workloadComparisons: Array<{ host: string; before: { count: number; mean: number }; after: { count: number; mean: number }; change: { changed: boolean } }> };
  const w = rep.workloadComparisons[0]!;
  assert.equal(w.host, 'local');
  assert.equal(w.before.count, 8);
  assert.equal(w.after.count, 8);
  assert.ok(w.after.mean > w.before.mean, `runs took ${w.before.mean} s before and ${w.after.mean} s while the CPU burned`);
  assert.equal(w.change.changed, true, `not beyond noise: ${JSON.stringify(w)}`);
  const none = await runCli(['report', 'compare', 'local', '--before', beforeWin, '--after', afterWin, '--workload', 'nosuch'], { env });
  assert.match(none.stderr, /NO_WORKLOAD_RUNS/);
});

test('JSON, HTML and XLSX exports agree', async () => {
  const html = join(dir, 'r.html');
  const xlsx = join(dir, 'r.xlsx');
  const r = await runCli(['report', 'compare', 'local', '--before', beforeWin, '--after', afterWin, '--html', html, '--xlsx', xlsx], { env });
  assert.equal(r.code, 0, r.stderr);
  const json = (await api<{ tables: Array<{ columns: string[]; rows: Row[] }>; conclusion: string }>(server, token, 'POST', '/reports/compare', {
    selector: 'local',
    before: { from: Number(beforeWin.split('..')[0]), to: Number(beforeWin.split('..')[1]) },
    after: { from: Number(afterWin.split('..')[0]), to: Number(afterWin.split('..')[1]) },
  })).body;
  const cols = json.tables[0]!.columns;
  const cpuRow = json.tables[0]!.rows.find((row) => row[1] === 'CPU busy')!;
  const memRow = json.tables[0]!.rows.find((row) => row[1] === 'Memory used')!;
  // HTML: the conclusion and the CPU row marked changed, the memory row not
  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!doctype html>/);
  assert.ok(page.includes(json.conclusion.replace(/&/g, '&amp;')));
  assert.match(page, /<tr class="changed"><td>local<\/td><td>CPU busy<\/td>/);
  assert.match(page, /<tr class=""><td>local<\/td><td>Memory used<\/td>/);
  assert.match(page, /<svg /);
  // XLSX: the same numbers in the same columns
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx);
  assert.equal(wb.getWorksheet('Summary')!.getCell('B2').value, json.conclusion);
  const sheet = wb.worksheets[1]!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  assert.deepEqual(header, cols);
  let found = 0;
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const cells = (row.values as unknown[]).slice(1).map((v) => (v === undefined ? null : v));
    if (cells[1] === 'CPU busy') {
      found++;
      assert.equal(cells[cols.indexOf('before mean')], cpuRow[cols.indexOf('before mean')]);
      assert.equal(cells[cols.indexOf('after mean')], cpuRow[cols.indexOf('after mean')]);
      assert.equal(cells[cols.indexOf('changed')], 'CHANGED');
    }
    if (cells[1] === 'Memory used') {
      found++;
      assert.equal(cells[cols.indexOf('after p95')], memRow[cols.indexOf('after p95')]);
      assert.ok(!cells[cols.indexOf('changed')]);
    }
  });
  assert.equal(found, 2);
});

test('bad windows get clear errors', async () => {
  const r = await runCli(['report', 'compare', 'local', '--before', 'now..-1h', '--after', '-1h..now'], { env });
  assert.match(r.stderr, /INVALID_RANGE/);
  const r2 = await runCli(['report', 'compare', 'nosuch', '--before', '-2h..-1h', '--after', '-1h..now'], { env });
  assert.match(r2.stderr, /UNKNOWN_HOST/);
});
