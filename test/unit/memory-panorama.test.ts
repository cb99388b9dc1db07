import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hiddenMemoryHints, parseSysvShm } from '../../src/domain/diagnosis/memory/hidden-memory';
import { containerLabel, dyingMemcgs, parseMemcgRecords } from '../../src/domain/diagnosis/memory/memcg-tree';
import { memoryAccounting } from '../../src/domain/diagnosis/memory/memory-accounting';
import { parseMeminfoFields } from '../../src/domain/diagnosis/memory/meminfo-fields';
import { parseProcessMemory } from '../../src/domain/diagnosis/memory/process-memory';
import { parseSlabinfo } from '../../src/domain/diagnosis/memory/slabinfo';
import { hotTmpfsDir, mostlySmallFiles, rollUpTmpfs } from '../../src/domain/diagnosis/memory/tmpfs-usage';
import { parseZoneinfo } from '../../src/domain/diagnosis/memory/zoneinfo';

const fx = (n: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'linux', n), 'utf8');
const KB = 1024;

test('accounting identity on the 6.18 fixture matches the reference numbers (kB)', () => {
  const mi = parseMeminfoFields(fx('meminfo.local-6.18.txt'));
  const a = memoryAccounting(mi, 0, 4096);
  assert.equal(a.used, 1_391_152 * KB);
  assert.equal(a.user, 1_035_160 * KB);
  assert.equal(a.kernel, 127_360 * KB);
  assert.equal(a.unaccounted, 228_632 * KB);
  assert.equal(a.parts.find((p) => p.id === 'filecache')!.bytes, (950_160 - 8_872) * KB);
  assert.equal(a.parts.find((p) => p.id === 'shmem')!.bytes, 8_872 * KB);
  // the per-CPU free lists are taken out of "unaccounted"
  const withPcp = memoryAccounting(mi, 13_048, 4096);
  assert.equal(withPcp.unaccounted, (228_632 - 13_048 * 4) * KB);
});

test('zoneinfo: per-CPU page list counts are summed across zones', () => {
  const z = parseZoneinfo(fx('zoneinfo.local-6.18.txt'));
  const expected = [...fx('zoneinfo.local-6.18.txt').matchAll(/^\s+count:\s+(\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  assert.equal(z.pcpPages, expected);
  assert.ok(z.zones.some((x) => x.zone === 'Normal' && x.managed! > 0 && x.low! > x.min!));
});

test('memory.stat v1 and v2 normalize to the same fields; working set = usage - inactive_file', () => {
  const v2 = parseMemcgRecords(`@cg v2 /system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\nusage 5400000000\nlimit max\n${fx('memory.stat.v2.real_rabbitmq_container.txt')}`)[0]!;
  assert.equal(v2.anon, 4_795_621_376);
  assert.equal(v2.shmem, 560_095_232);
  assert.equal(v2.file, 569_593_856 - 560_095_232);
  assert.equal(v2.limit, null);
  const inactive = Number(/^inactive_file (\d+)/m.exec(fx('memory.stat.v2.real_rabbitmq_container.txt'))![1]);
  assert.equal(v2.workingSet, 5_400_000_000 - inactive);
  assert.equal(containerLabel(v2.path), 'container 0123456789ab');
  const v1text = fx('memory.stat.v1.local-6.18.txt');
  const v1 = parseMemcgRecords(`@cg v1 /\nusage 1000\nlimit 9223372036854771712\n${v1text}`)[0]!;
  assert.equal(v1.limit, null);
  assert.equal(v1.anon, Number(/^total_rss (\d+)/m.exec(v1text)![1]));
  assert.equal(v1.shmem, Number(/^total_shmem (\d+)/m.exec(v1text)![1]));
});

test('leftover memcgs: /proc/cgroups count minus live directories, and the residual held at the parent', () => {
  const nodes = parseMemcgRecords(['@cg v1 /', 'usage 0', 'limit 9223372036854771712', 'cache 0', 'rss 0', 'total_cache 2000', 'total_rss 0',
    '@cg v1 /app', 'usage 1500', 'limit 9223372036854771712', 'cache 0', 'rss 0', 'total_cache 1500', 'total_rss 0',
    '@cg v1 /app/live', 'usage 400', 'limit 9223372036854771712', 'cache 400', 'rss 0', 'total_cache 400', 'total_rss 0'].join('\n'));
  const d = dyingMemcgs(nodes, fx('cgroups.local.txt'), { v1: 7, v2: null }, '');
  assert.equal(d.count, 125);
  assert.equal(d.parents[0]!.path, '/app');
  assert.equal(d.parents[0]!.bytes, 1100);
  // the deepest level read has no residual: its children were not read
  assert.equal(nodes.find((n) => n.path === '/app/live')!.dyingResidual, null);
  const v2 = dyingMemcgs([], '', { v1: null, v2: 12 }, 'nr_descendants 11\nnr_dying_descendants 40\nnr_subsys_memory 11\nnr_dying_subsys_memory 37\n');
  assert.equal(v2.count, 37);
});

test('tmpfs: directories roll up, and the hot directory is the deepest one holding most of the bytes', () => {
  const dirs = rollUpTmpfs([
    { dir: '/dev/shm', files: 2, allocBytes: 8192, apparentBytes: 100, histogram: [2, 0, 0, 0, 0, 0] },
    { dir: '/dev/shm/ganglia/a', files: 1000, allocBytes: 160 * 1024 * 1000, apparentBytes: 0, histogram: [0, 0, 1000, 0, 0, 0] },
    { dir: '/dev/shm/ganglia/b', files: 1000, allocBytes: 160 * 1024 * 1000, apparentBytes: 0, histogram: [0, 0, 1000, 0, 0, 0] },
    { dir: '/run', files: 30, allocBytes: 4096 * 30, apparentBytes: 0, histogram: [30, 0, 0, 0, 0, 0] },
  ]);
  const hot = hotTmpfsDir(dirs)!;
  assert.equal(hot.dir, '/dev/shm/ganglia');
  assert.equal(hot.totalFiles, 2000);
  assert.ok(mostlySmallFiles(hot.totalHistogram));
  assert.equal(dirs.find((d) => d.dir === '/dev/shm')!.totalFiles, 2002);
  assert.equal(dirs.find((d) => d.dir === '/run')!.totalFiles, 30);
  assert.equal(dirs.find((d) => d.dir === '/')?.totalFiles, undefined);
});

test('slabinfo, SysV segments, hints and process rows parse real text and shrug off junk', () => {
  const slabs = parseSlabinfo(fx('slabinfo.local-6.18.txt'), 4096);
  assert.ok(slabs.length > 10);
  assert.ok(slabs[0]!.bytes >= slabs[1]!.bytes);
  assert.deepEqual(parseSlabinfo('garbage\n\u0000\u0001 : tunables', 4096), []);
  const shm = parseSysvShm('       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n         0          3  1600               1048576  4242  4242      0     0     0     0     0          0          0 1700000000               1048576                     0\n');
  assert.equal(shm[0]!.nattch, 0);
  const hints = hiddenMemoryHints({ sockstat: 'sockets: used 13\nTCP: inuse 1 orphan 0 tw 32 alloc 1 mem 25\nUDP: inuse 0 mem 3\n', vmstat: new Map([['nr_foll_pin_acquired', 1100], ['nr_foll_pin_released', 1095]]), hugepages: '', drm: '', dmabuf: '', sysv: shm, pageSize: 4096 });
  assert.equal(hints.find((h) => h.id === 'sockets')!.bytes, 28 * 4096);
  assert.equal(hints.find((h) => h.id === 'pinned')!.bytes, 5 * 4096);
  assert.equal(hints.find((h) => h.id === 'sysv_orphans')!.bytes, 1048576);
  const procs = parseProcessMemory('1 1000 200 700 100 systemd\n42 5 1 2 3 sh -c\nbad line\n', '1 v1 /\n42 v1 /app\n');
  assert.deepEqual(procs.map((p) => [p.pid, p.name, p.rss, p.memcg]), [[1, 'systemd', 1000 * 1024, '/'], [42, 'sh -c', 5 * 1024, '/app']]);
});
