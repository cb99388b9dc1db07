// Live tests of the page-cache helper and its shell fallbacks on this machine: real files read into
// and dropped from the cache, a deleted file held open, a memory cgroup that charged a file's pages,
// a tmpfs directory with 2,000 files. The scripts go through `sh -s` with the same preamble a probe
// gets (src/infra/probe-helpers.ts), so the gzip+base64 install path is what is tested.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, rmdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePagecacheFiles, parsePagecacheKpage, parsePagecacheTree, type PagecacheFiles } from '../src/domain/diagnosis/memory/pagecache-output';
import { pagecacheHelper, pagecacheInstallScript } from '../src/infra/probe-helpers';

const PAGE = 4096;
const isRoot = process.getuid?.() === 0;
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Runs preamble + body through `sh -s`, as the transport does; `records` is fed to pagecache_files via a file. */
function sh(preamble: string, body: string): string {
  return execFileSync('sh', ['-s'], { input: `${preamble}\n${body}\n`, maxBuffer: 64 << 20, encoding: 'utf8' });
}

function recordsFile(dir: string, pairs: Array<[string, string]>): string {
  const p = join(dir, `records-${Math.random().toString(36).slice(2)}`);
  writeFileSync(p, Buffer.concat(pairs.flatMap(([o, d]) => [Buffer.from(o), Buffer.from([0]), Buffer.from(d), Buffer.from([0])])));
  return p;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Drops a file's pages: flush, then POSIX_FADV_DONTNEED (python), as vmtouch -e does. */
function dropCache(paths: string[]) {
  execFileSync('python3', ['-c', 'import os,sys\nfor p in sys.argv[1:]:\n fd=os.open(p,os.O_RDONLY); os.fdatasync(fd); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED); os.close(fd)', ...paths]);
}

function writeRandom(path: string, bytes: number) {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let left = bytes; left > 0; left -= chunk.length) {
    for (let i = 0; i < chunk.length; i += 4096) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
    writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  }
  fsyncSync(fd);
  closeSync(fd);
}

const pages = (n: number) => Math.ceil(n / PAGE) * PAGE;

test('page-cache helper and fallbacks on live files', async (t) => {
  const helper = await pagecacheHelper();
  assert.ok(helper, 'the helper builds on this machine (gcc or musl-gcc from scripts/test-deps.sh)');
  const withBinary = pagecacheInstallScript(helper);
  const libOnly = pagecacheInstallScript(null);
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-test-pc-'));
  const procs: Array<{ kill: () => void }> = [];
  t.after(() => {
    for (const p of procs) p.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  await t.test('the preamble installs the binary in a private temp dir and removes it at exit', () => {
    const out = sh(withBinary, 'echo "$OSDECK_PAGECACHE_BIN"; stat -c %a "$OSDECK_PAGECACHE_DIR"; "$OSDECK_PAGECACHE_BIN" version').trim().split('\n');
    assert.match(out[0]!, /\/osdeck-pc\.[A-Za-z0-9]+\/osdeck-pagecache$/);
    assert.equal(out[1], '700');
    assert.equal(out[2], `osdeck-pagecache ${helper!.version}`);
    assert.equal(existsSync(out[0]!), false, 'removed by the EXIT trap');
    // the library alone still defines every function
    assert.equal(sh(libOnly, 'echo "[$OSDECK_PAGECACHE_BIN]"; command -v pagecache_files pagecache_tree pagecache_kpage >/dev/null && echo ok').trim(), '[]\nok');
  });

  // (a) files read into cache report cached == size; dropped files report ~0
  const files: string[] = [];
  for (let i = 0; i < 12; i++) {
    const p = join(dir, `data-${i}.bin`);
    writeRandom(p, (i + 1) * 300_000 + 123);
    files.push(p);
  }
  const hot = files.filter((_, i) => i % 2 === 0);
  const cold = files.filter((_, i) => i % 2 === 1);

  const checkResidency = (r: PagecacheFiles, impl: string) => {
    assert.deepEqual(r.issues, [], impl);
    assert.equal(r.impl, impl);
    assert.equal(r.trusted, isRoot);
    for (const p of hot) {
      const f = r.files.find((x) => x.name === p);
      assert.ok(f, `${impl}: ${p} reported`);
      assert.equal(f.cached, pages(statSync(p).size), `${impl}: ${p} fully cached`);
      assert.equal(f.size, statSync(p).size);
      assert.equal(f.error, false);
    }
    for (const p of cold) {
      const f = r.files.find((x) => x.name === p);
      assert.ok(f && f.cached <= 2 * PAGE, `${impl}: ${p} dropped, reported ${f?.cached}`);
    }
  };

  await t.test('(a) cached == size for files read, ~0 for dropped ones: binary, fincore, python', () => {
    dropCache(files);
    // read the hot files again before each reader: under memory pressure (earlier tests' archives)
    // the kernel may evict a few pages between two readers, and what is checked is the reader
    const warm = () => execFileSync('cat', hot, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
    warm();
    const rec = recordsFile(dir, [...files.map((f): [string, string] => [f, f]), [files[0]!, 'duplicate']]);
    const bin = parsePagecacheFiles(sh(withBinary, `pagecache_files < ${q(rec)}`));
    checkResidency(bin, 'binary');
    assert.equal(bin.duplicates, 1);
    const [maj, min] = release().split('.').map(Number);
    assert.equal(bin.method, maj! > 6 || (maj === 6 && min! >= 5) ? 'cachestat' : 'mincore', 'cachestat(2) from Linux 6.5');
    warm();
    if (has('fincore')) checkResidency(parsePagecacheFiles(sh(libOnly, `pagecache_files < ${q(rec)}`)), 'fincore');
    else t.diagnostic('fincore missing: fallback not exercised');
    warm();
    checkResidency(parsePagecacheFiles(sh(libOnly, `python3 -c "$PAGECACHE__PY" ${isRoot ? 1 : 0} 0 < ${q(rec)}`)), 'python');
    // vmtouch -e evicts too; the helper sees it at once
    if (has('vmtouch')) {
      execFileSync('vmtouch', ['-q', '-e', hot[0]!]);
      const again = parsePagecacheFiles(sh(withBinary, `pagecache_files < ${q(rec)}`));
      assert.ok(again.files.find((f) => f.name === hot[0])!.cached <= 2 * PAGE);
    }
  });

  await t.test('(b) a deleted file held open is named through /proc/PID/fd with flag d and its cache', async () => {
    const gone = join(dir, 'gone.log');
    writeRandom(gone, 2_000_000);
    const child = spawn('sh', ['-c', `exec 3<${q(gone)}; cat <&3 >/dev/null; rm -f ${q(gone)}; echo ready; exec sleep 600`], { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push({ kill: () => child.kill('SIGKILL') });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    assert.equal(existsSync(gone), false);
    const fdPath = `/proc/${child.pid}/fd/3`;
    for (const [preamble, impl] of [[withBinary, 'binary'], [libOnly, 'fincore']] as const) {
      if (impl === 'fincore' && !has('fincore')) continue;
      const rec = recordsFile(dir, [[fdPath, `${gone} (deleted)`]]);
      const r = parsePagecacheFiles(sh(preamble, `pagecache_files < ${q(rec)}`));
      assert.equal(r.impl, impl);
      assert.equal(r.files.length, 1, impl);
      const f = r.files[0]!;
      assert.equal(f.name, `${gone} (deleted)`);
      assert.equal(f.deleted, true, impl);
      assert.equal(f.size, 2_000_000);
      assert.equal(f.cached, pages(2_000_000), impl);
    }
    child.kill('SIGKILL');
  });

  await t.test('(c) --cgroup-split charges a file to the memory cgroup that read it; kpage maps the inode to the path', (tc) => {
    // CI runs as root on a kernel with the v1 memory controller (as this machine): a hard requirement, not a skip
    assert.ok(isRoot && existsSync('/sys/fs/cgroup/memory/cgroup.procs'), 'needs root and the cgroup v1 memory controller');
    const name = `osdeck-test-pc-${process.pid}`;
    const cg = `/sys/fs/cgroup/memory/${name}`;
    const big = join(dir, 'big.bin');
    writeRandom(big, 48 << 20);
    dropCache([big]);
    mkdirSync(cg);
    tc.after(() => {
      // the reader has exited; its pages stay charged (re-parented on rmdir)
      try {
        for (const pid of readFileSync(join(cg, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
          try {
            writeFileSync('/sys/fs/cgroup/memory/cgroup.procs', pid);
          } catch {
            /* gone */
          }
        }
        rmdirSync(cg);
      } catch {
        /* already removed */
      }
    });
    execFileSync('sh', ['-c', `echo $$ > ${q(join(cg, 'cgroup.procs'))} && cat ${q(big)} >/dev/null`]);
    const ino = statSync(cg).ino;
    const rec = recordsFile(dir, [[big, big]]);
    const r = parsePagecacheFiles(sh(withBinary, `pagecache_files --cgroup-split < ${q(rec)}`));
    assert.deepEqual(r.issues, []);
    assert.equal(r.split, 'on');
    const f = r.files[0]!;
    assert.equal(f.cached, 48 << 20);
    const mine = f.cgroups.find((c) => c.ino === ino)?.bytes ?? 0;
    assert.ok(mine >= f.cached * 0.9, `cgroup ${ino} holds ${mine} of ${f.cached} bytes: ${JSON.stringify(f.cgroups)}`);
    const k = parsePagecacheKpage(sh(withBinary, 'pagecache_kpage'));
    assert.deepEqual(k.issues, []);
    assert.equal(k.unavailable, null);
    assert.deepEqual(k.paths.find((p) => p.ino === ino), { ino, path: `/${name}`, version: 'v1' });
    const m = k.memcgs.find((x) => x.ino === ino);
    assert.ok(m && m.fileActive + m.fileInactive >= (48 << 20) * 0.9, `kpage file pages of the cgroup: ${JSON.stringify(m)}`);
    // sampled and bounded: still a scan of the whole PFN range
    const sampled = parsePagecacheKpage(sh(withBinary, 'pagecache_timeout=60; pagecache_kpage --sample 16'));
    assert.equal(sampled.sample, 16);
    assert.equal(sampled.pfns, k.pfns);
    assert.ok(sampled.global.file! > 0);
    // without the binary, the split and the scan say they are unavailable
    assert.equal(parsePagecacheFiles(sh(libOnly, `pagecache_files --cgroup-split < ${q(rec)}`)).split, 'unavailable');
    assert.equal(parsePagecacheKpage(sh(libOnly, 'pagecache_kpage')).unavailable, 'no-helper');
  });

  await t.test('(d) tree on a tmpfs directory with 2,000 small files: binary and find', (tc) => {
    const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/osdeck-test-pc-') : mkdtempSync(join(dir, 'shm-'));
    tc.after(() => rmSync(shm, { recursive: true, force: true }));
    const many = join(shm, 'ganglia');
    mkdirSync(many);
    for (let i = 0; i < 2000; i++) writeFileSync(join(many, `m${i}.rrd`), Buffer.alloc(100 + (i % 50)));
    writeFileSync(join(shm, 'one-big'), Buffer.alloc(3 << 20));
    for (const [preamble, impl] of [[withBinary, 'binary'], [libOnly, 'find']] as const) {
      const r = parsePagecacheTree(sh(preamble, `pagecache_tree --top 3 ${q(shm)}`));
      assert.deepEqual(r.issues, [], impl);
      assert.equal(r.impl, impl);
      assert.equal(r.totalFiles, 2001, impl);
      const d = r.dirs.find((x) => x.dir === many);
      assert.ok(d, `${impl}: ${many} listed`);
      assert.equal(d.files, 2000);
      assert.deepEqual(d.histogram, [2000, 0, 0, 0, 0, 0]);
      assert.equal(d.apparentBytes, Array.from({ length: 2000 }, (_, i) => 100 + (i % 50)).reduce((a, b) => a + b, 0));
      assert.ok(d.allocBytes >= 2000 * PAGE, `${impl}: tmpfs allocates a page per small file`);
      assert.deepEqual(r.top[0], { allocBytes: 3 << 20, size: 3 << 20, path: join(shm, 'one-big') });
      assert.equal(r.top.length, 3);
    }
  });
});
