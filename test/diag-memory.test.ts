/**
 * The memory panorama against conditions made on this machine: many small tmpfs files, a process
 * reading a big file inside a memory cgroup, and cgroups removed while their page cache is charged.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { runDiagnosisHere } from './support/diagnose-local';

const MEMCG = '/sys/fs/cgroup/memory';
const sh = (script: string) => execFileSync('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const dropFileCache = (f: string) => sh(`dd if=/dev/null of='${f}' oflag=nocache conv=notrunc,fdatasync count=0 2>/dev/null`);
type Table = { title: string; columns: string[]; rows: Array<Array<string | number | null>> };

test('2,000 small files in /dev/shm/<dir>: the panorama names that directory', async (t) => {
  const dir = `/dev/shm/osdeck-test-shm-${process.pid}`;
  mkdirSync(dir);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const blob = Buffer.alloc(16 * 1024, 7);
  for (let i = 0; i < 2000; i++) writeFileSync(`${dir}/seg-${i}`, blob);
  const { report } = await runDiagnosisHere('memory', { kpage: false });
  const ev = report.evidence as { tmpfs: { hotDir: string; hotFiles: number; hotBytes: number } };
  assert.equal(ev.tmpfs.hotDir, dir);
  assert.equal(ev.tmpfs.hotFiles, 2000);
  assert.ok(ev.tmpfs.hotBytes >= 2000 * 16 * 1024);
  assert.ok(report.findings.some((f) => f.summary.includes(`2,000 small files under ${dir}`)), JSON.stringify(report.findings));
  const dirs = report.tables.find((x) => x.title.startsWith('Shared memory (tmpfs) by directory')) as Table;
  assert.equal(dirs.rows.find((r) => r[0] === dir)?.[1], 2000);
  // the accounting adds up: every part plus MemFree is MemTotal
  const acc = report.tables[0] as Table;
  const sum = acc.rows.reduce((a, r) => a + Number(r[1]), 0);
  assert.equal(sum, (report.evidence as { total: number }).total);
  assert.ok(report.charts?.[0]?.segments.some((s) => s.label === 'Shared memory'));
});

test('a process reading a 1 GiB file in a memory cgroup: that file tops the cgroup table', async (t) => {
  const cg = `osdeck-test-mem-${process.pid}`;
  const file = `/var/tmp/osdeck-test-1g-${process.pid}`;
  sh(`dd if=/dev/zero of=${file} bs=1M count=1024 status=none`);
  dropFileCache(file);
  mkdirSync(`${MEMCG}/${cg}`);
  const reader = spawn('sh', ['-c', `echo $$ > ${MEMCG}/${cg}/cgroup.procs && cat ${file} >/dev/null && exec sleep 600 < ${file}`], { stdio: 'ignore' });
  t.after(() => {
    reader.kill('SIGKILL');
    rmSync(file, { force: true });
    for (let i = 0; i < 50 && existsSync(`${MEMCG}/${cg}`); i++) {
      try {
        rmdirSync(`${MEMCG}/${cg}`);
      } catch {
        execFileSync('sleep', ['0.1']);
      }
    }
  });
  // wait until the whole file has been read (charged to the cgroup)
  for (let i = 0; i < 100; i++) {
    if (Number(sh(`awk '/^total_cache /{print $2}' ${MEMCG}/${cg}/memory.stat`)) >= 1000 * 1024 * 1024) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const { report } = await runDiagnosisHere('memory', { cgroup: `/${cg}` });
  const table = report.tables.find((x) => x.title.includes(`page cache of /${cg}`)) as Table;
  assert.ok(table, report.tables.map((x) => x.title).join(' | '));
  assert.equal(table.rows[0]![0], file);
  assert.ok(Number(table.rows[0]![1]) > 900 * 1024 * 1024, `charged ${table.rows[0]![1]}`);
  const cgev = (report.evidence as { cgroup: { path: string; file: number } }).cgroup;
  assert.equal(cgev.path, `/${cg}`);
  assert.ok(cgev.file > 900 * 1024 * 1024);
  assert.match(report.title, new RegExp(`cgroup /${cg}`));
});

test('memory cgroups removed with cached pages are counted as leftovers, with the memory they hold', async (t) => {
  const parent = `osdeck-test-zombie-${process.pid}`;
  mkdirSync(`${MEMCG}/${parent}`);
  const files: string[] = [];
  t.after(() => {
    for (const f of files) rmSync(f, { force: true });
    try {
      rmdirSync(`${MEMCG}/${parent}`);
    } catch {
      /* dying children keep nothing from rmdir of a parent with no live children; ignore a busy parent */
    }
  });
  const before = (await runDiagnosisHere('memory', { kpage: false, depth: 2 })).report.evidence as { dyingMemcgs: { count: number } };
  for (let i = 0; i < 5; i++) {
    const f = `/var/tmp/osdeck-test-zombie-${process.pid}-${i}`;
    files.push(f);
    sh(`dd if=/dev/zero of=${f} bs=1M count=20 status=none`);
    dropFileCache(f);
    mkdirSync(`${MEMCG}/${parent}/c${i}`);
    sh(`sh -c 'echo $$ > ${MEMCG}/${parent}/c${i}/cgroup.procs && cat ${f} > /dev/null'`);
    rmdirSync(`${MEMCG}/${parent}/c${i}`);
  }
  const { report } = await runDiagnosisHere('memory', { kpage: false, depth: 2 });
  const ev = report.evidence as { dyingMemcgs: { count: number; bytes: number; parents: Array<{ path: string; bytes: number }> } };
  // the machine-wide count also moves with other cgroups dying or being freed meanwhile: the parent's residual is ours alone
  assert.ok(ev.dyingMemcgs.count >= 5 && ev.dyingMemcgs.count > before.dyingMemcgs.count, `dying before ${before.dyingMemcgs.count}, after ${ev.dyingMemcgs.count}`);
  const held = ev.dyingMemcgs.parents.find((p) => p.path === `/${parent}`);
  assert.ok(held, JSON.stringify(ev.dyingMemcgs.parents));
  assert.ok(held.bytes >= 90 * 1024 * 1024, `held ${held.bytes}`);
  assert.ok(report.findings.some((f) => /leftover \(dying\) memory cgroup/.test(f.summary)));
});
