import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { memcgPathIndex, parsePagecacheFiles, parsePagecacheKpage, parsePagecacheTree, unescapePath } from '../../src/domain/diagnosis/memory/pagecache-output';

// Real output of src/probes/helpers/osdeck-pagecache.c and of the lib-pagecache.sh fallbacks,
// captured on the 6.18 test machine on one scenario: a 3 MB file read into cache, a 1 MB file
// dropped from it, a file with a tab in its name, a 2 MB /dev/shm file, a missing path, /dev/null,
// a duplicate, and a deleted file held open by a sleeping process (opened via /proc/PID/fd/0).
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

test('files (binary, cachestat): every flag, the escaped tab, the summary', () => {
  const r = parsePagecacheFiles(fixture('pagecache-files.binary.local-6.18.txt'));
  assert.deepEqual(r.issues, []);
  assert.equal(r.impl, 'binary');
  assert.equal(r.method, 'cachestat');
  assert.equal(r.trusted, true);
  assert.equal(r.split, 'off');
  assert.equal(r.totalFiles, 5);
  assert.equal(r.cachedBytes, 5709824);
  assert.equal(r.errors, 1);
  assert.equal(r.duplicates, 1);
  assert.equal(r.skipped, 1);
  assert.equal(r.files.length, 6);
  const by = new Map(r.files.map((f) => [f.name, f]));
  assert.deepEqual(by.get('/tmp/pcfx/data/app.log'), { name: '/tmp/pcfx/data/app.log', cached: 3002368, size: 3000000, dev: 65024, ino: 2212231, deleted: false, tmpfs: false, error: false, untrusted: false, cgroups: [] });
  assert.equal(by.get('/tmp/pcfx/data/cold.bin')?.cached, 0);
  // \011 is a tab in the file name; printable() keeps the display name on one line
  assert.ok(by.has('/tmp/pcfx/data/tabname.txt'));
  assert.equal(by.get('/dev/shm/pcfx/big')?.tmpfs, true);
  assert.equal(by.get('/tmp/pcfx/missing')?.error, true);
  const gone = by.get('/tmp/pcfx/data/gone.dat (deleted)');
  assert.equal(gone?.deleted, true);
  assert.equal(gone?.cached, 503808);
  assert.equal(r.files.reduce((s, f) => s + f.cached, 0), r.cachedBytes);
});

test('files --cgroup-split: C lines attach to the file before them', () => {
  const r = parsePagecacheFiles(fixture('pagecache-files.binary-split.local-6.18.txt'));
  assert.deepEqual(r.issues, []);
  assert.equal(r.split, 'on');
  assert.equal(r.method, 'mincore');
  for (const f of r.files) {
    const charged = f.cgroups.reduce((s, c) => s + c.bytes, 0);
    assert.equal(charged, f.cached, f.name);
  }
  assert.deepEqual(r.files[0]!.cgroups, [{ ino: 15555, bytes: 3002368 }]);
});

test('files: the fincore and python fallbacks agree with the binary', () => {
  const bin = parsePagecacheFiles(fixture('pagecache-files.binary.local-6.18.txt'));
  for (const [name, impl] of [['pagecache-files.fincore.local-6.18.txt', 'fincore'], ['pagecache-files.python.local-6.18.txt', 'python']] as const) {
    const r = parsePagecacheFiles(fixture(name));
    assert.deepEqual(r.issues, [], name);
    assert.equal(r.impl, impl);
    assert.equal(r.method, 'mincore');
    for (const f of r.files.filter((x) => !x.error)) {
      const b = bin.files.find((x) => x.ino === f.ino && x.dev === f.dev);
      assert.ok(b, `${impl}: ${f.name}`);
      assert.equal(f.cached, b.cached, `${impl}: ${f.name}`);
      assert.equal(f.size, b.size);
      assert.equal(f.deleted, b.deleted);
      assert.equal(f.tmpfs, b.tmpfs);
    }
  }
  // fincore cannot be handed a path with a control byte: reported, not guessed
  const fin = parsePagecacheFiles(fixture('pagecache-files.fincore.local-6.18.txt'));
  assert.equal(fin.files.find((f) => f.name.startsWith('/tmp/pcfx/data/tab'))?.error, true);
});

test('tree: binary and find fallback give the same directories and top files', () => {
  const bin = parsePagecacheTree(fixture('pagecache-tree.binary.local-6.18.txt'));
  const find = parsePagecacheTree(fixture('pagecache-tree.find.local-6.18.txt'));
  for (const r of [bin, find]) {
    assert.deepEqual(r.issues, []);
    assert.equal(r.totalFiles, 21);
    assert.equal(r.totalDirs, 2);
    assert.equal(r.allocBytes, 2195456);
    assert.equal(r.truncated, false);
    assert.deepEqual(r.dirs[0], { dir: '/dev/shm/pcfx', files: 1, allocBytes: 2002944, apparentBytes: 2000000, histogram: [0, 0, 0, 1, 0, 0] });
    assert.deepEqual(r.dirs[1], { dir: '/dev/shm/pcfx/sub', files: 20, allocBytes: 192512, apparentBytes: 147000, histogram: [5, 15, 0, 0, 0, 0] });
    assert.equal(r.top.length, 5);
    assert.deepEqual(r.top[0], { allocBytes: 2002944, size: 2000000, path: '/dev/shm/pcfx/big' });
  }
  assert.equal(bin.impl, 'binary');
  assert.equal(find.impl, 'find');
  assert.deepEqual(bin.top.map((t) => t.allocBytes), find.top.map((t) => t.allocBytes));
});

test('kpage: per-memcg classes, global buckets and memcg paths', () => {
  const r = parsePagecacheKpage(fixture('pagecache-kpage.binary.local-6.18.txt'));
  assert.deepEqual(r.issues, []);
  assert.equal(r.unavailable, null);
  assert.equal(r.impl, 'binary');
  assert.equal(r.pfns, 6553600);
  assert.equal(r.sample, 1);
  assert.equal(r.memcgs.length, 8);
  assert.deepEqual(r.memcgs.find((m) => m.ino === 35), { ino: 35, fileActive: 566657024, fileInactive: 426487808, anon: 0, shmem: 0, slab: 0, pgtable: 0 });
  assert.equal(r.global.file, r.global.file_active! + r.global.file_inactive!);
  for (const k of ['anon', 'shmem', 'slab', 'pgtable', 'hugetlb', 'buddy_heads', 'untyped', 'zeroflag', 'reserved', 'offline', 'nopage', 'pages']) assert.equal(typeof r.global[k], 'number', k);
  // the per-memcg file pages add up to the global file bucket
  assert.equal(r.memcgs.reduce((s, m) => s + m.fileActive + m.fileInactive, 0), r.global.file);
  const paths = memcgPathIndex(r);
  assert.deepEqual(paths.get(1), { path: '/', version: 'v1' });
  assert.deepEqual(paths.get(35), { path: '/process_api', version: 'v1' });
});

test('kpage: the fallback says why it has nothing', () => {
  const r = parsePagecacheKpage(fixture('pagecache-kpage.fallback.local-6.18.txt'));
  assert.deepEqual(r.issues, []);
  assert.equal(r.unavailable, 'no-helper');
  assert.equal(r.impl, 'none');
  assert.deepEqual(r.memcgs, []);
});

test('paths: octal escapes undone; other backslashes, bidi overrides and length handled', () => {
  assert.equal(unescapePath('/a\\134b'), '/a\\b');
  assert.equal(unescapePath('/x\\012y'), '/xy');
  assert.equal(unescapePath('/keep\\q'), '/keep\\q');
  assert.equal(unescapePath('/rtl\u202egnp.exe'), '/rtlgnp.exe');
  assert.equal(unescapePath(`/${'a'.repeat(100_000)}`).length, 4096);
  const r = parsePagecacheFiles('F\t1\t1\t1:1\t\t/a\tb\\011c\nS\tfiles=1\n');
  assert.equal(r.files[0]!.name, '/abc'); // a raw tab inside the last field stays part of the name, then made printable
});

test('malformed and hostile input: issues, never a throw, never NaN', () => {
  const junk = [
    'F\tNaN\t1\t1:1\t\t/x',
    'F\t-5\t1\t1:1\t\t/x',
    'F\t1e9\t1\t1:1\t\t/x',
    'F\t1\t1\tnot-a-dev\t\t/x',
    'F\t1\t1\t1:1\tzz\t/x',
    'F\t99999999999999999999999\t1\t1:1\t\t/x',
    'F\t1',
    'C\t1\t2',
    'C\tx\ty',
    'D\t1\t2\t3\t1,2,3\t/d',
    'T\tbig\t1\t/p',
    'M\t1\t2\t3',
    'G\tfile=abc\tzz',
    'P\tx\t/p\tv1',
    'P\t5\t/p\tv9',
    'S\tBAD KEY=1\tfiles=oops',
    '\u0000\u0001binary\u00ff',
    'Q\twhat',
    'F\t10\t20\t3:4\tdu\t/ok',
  ].join('\n');
  for (const parse of [parsePagecacheFiles, parsePagecacheTree, parsePagecacheKpage]) {
    const r = parse(junk);
    assert.ok(r.issues.length > 0);
    assert.ok(r.issues.length <= 21);
    const nums = JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? 'BAD' : v));
    assert.ok(!nums.includes('"BAD"'));
  }
  const f = parsePagecacheFiles(junk);
  assert.equal(f.files.length, 1);
  assert.deepEqual(f.files[0], { name: '/ok', cached: 10, size: 20, dev: 3, ino: 4, deleted: true, tmpfs: false, error: false, untrusted: true, cgroups: [] });
  assert.equal(f.totalFiles, null);
  // every prefix of a real output parses (a truncated transfer)
  const real = fixture('pagecache-files.binary-split.local-6.18.txt') + fixture('pagecache-tree.binary.local-6.18.txt') + fixture('pagecache-kpage.binary.local-6.18.txt');
  for (let i = 0; i < real.length; i += 37) {
    parsePagecacheFiles(real.slice(0, i));
    parsePagecacheTree(real.slice(0, i));
    parsePagecacheKpage(real.slice(i));
  }
  assert.equal(parsePagecacheFiles('').files.length, 0);
  assert.equal(parsePagecacheKpage('').unavailable, null);
});

test('several S lines (the probe called a mode in batches): counters add up', () => {
  const r = parsePagecacheFiles('F\t4096\t4096\t1:2\t\t/a\nS\tfiles=1\tcached=4096\ttrusted=1\terrors=0\tms=3\timpl=binary\nF\t8192\t8192\t1:3\tu\t/b\nS\tfiles=1\tcached=8192\ttrusted=0\terrors=2\tms=4\timpl=binary\n');
  assert.equal(r.totalFiles, 2);
  assert.equal(r.cachedBytes, 12288);
  assert.equal(r.trusted, false);
  assert.equal(r.errors, 2);
  assert.equal(r.ms, 7);
});
