import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { kernelLogLines, unescapeKmsg } from '../../src/domain/diagnosis/oom/kernel-log-lines';
import { colonTokens, oomEventKey, oomKillFields, parseOomLog, type OomEvent } from '../../src/domain/diagnosis/oom/oom-log';

// Real OOM reports (test/fixtures/linux): three public samples from the reference (§4.2), the 5.6
// report of LKML 2020-03-12 (Tetsuo Handa), and one captured on the 6.18 test machine (cgroup v1) in
// both dmesg and /dev/kmsg framing.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const parse = (text: string) => parseOomLog(kernelLogLines(text).lines);
/** Every number anywhere in the value is finite (JSON would hide a NaN as null). */
function assertFiniteDeep(v: unknown, where: string, path = '$'): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${where}: ${path} = ${v}`);
  else if (Array.isArray(v)) v.forEach((x, i) => assertFiniteDeep(x, where, `${path}[${i}]`));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) assertFiniteDeep(x, where, `${path}.${k}`);
}
function only(text: string): OomEvent {
  const log = parse(text);
  assert.equal(log.events.length, 1, 'one OOM report');
  return log.events[0]!;
}

test('6.1 cgroup v2 memcg OOM: header, constraint line, counters, one-key-per-line memory.stat, task table by header', () => {
  const e = only(fixture('oom_memcg_v2_6.1_debian_arm64.log'));
  assert.deepEqual(e.trigger, { comm: 'bigleak2', pid: 4045, gfpMask: '0xcc0', gfpFlags: 'GFP_KERNEL', order: 0, oomScoreAdj: 0 });
  assert.equal(e.constraint, 'CONSTRAINT_MEMCG');
  assert.equal(e.oomMemcg, '/user.slice/user-1000.slice/dans-slice');
  assert.equal(e.taskMemcg, '/user.slice/user-1000.slice/dans-slice');
  assert.equal(e.cpuset, 'user.slice');
  assert.deepEqual(e.memory, { usageKb: 20480, limitKb: 20480, failcnt: 148 });
  assert.deepEqual(e.swap, { usageKb: 0, limitKb: 0, failcnt: 0 });
  assert.equal(e.memsw, null);
  assert.equal(e.memcgStats.length, 1);
  assert.equal(e.memcgStats[0]!.form, 'v2');
  assert.equal(e.memcgStats[0]!.values.anon, 20705280);
  assert.equal(e.memcgStats[0]!.values.anon_thp, 18874368);
  assert.equal(e.memcgStats[0]!.values.thp_fault_alloc, 19, 'the dump is read to its last key');
  assert.ok(e.stack.includes('mem_cgroup_out_of_memory') && e.stack.includes('try_charge_memcg'));
  assert.deepEqual(e.taskColumns, ['uid', 'tgid', 'total_vm', 'rss', 'pgtables_bytes', 'swapents', 'oom_score_adj', 'name']);
  assert.deepEqual(e.tasks.map((t) => [t.pid, t.name, t.rss, t.totalVm, t.pgtablesBytes, t.rssAnon]), [
    [3713, 'bash', 1257, 2115, 57344, null],
    [4045, 'bigleak2', 5298, 13348, 90112, null],
  ]);
  assert.deepEqual(e.victim, { pid: 4045, comm: 'bigleak2', totalVmKb: 53392, anonRssKb: 20020, fileRssKb: 1172, shmemRssKb: 0, uid: 1000, pgtablesKb: 88, oomScoreAdj: 0, scope: 'memcg' });
  // 5298 pages = 21192 kB = anon-rss + file-rss: 4 kB pages (arm64 with 4K pages)
  assert.equal(e.pageKb, 4);
  assert.equal(e.partial, false);
  assert.equal(e.mono, null, 'no timestamps in this paste');
});

test('6.12 global OOM: generic Mem-Info tokens (pages), Node/zone lines (kB), pager-cut lines, rss_* task columns', () => {
  const text = fixture('oom_global_6.12_rpi.log');
  const ll = kernelLogLines(text);
  assert.equal(ll.truncatedLines, 2, 'the Node line and the DMA zone line end in ">"');
  const e = only(text);
  assert.equal(e.constraint, 'CONSTRAINT_NONE');
  assert.equal(e.globalOom, true);
  assert.equal(e.taskMemcg, '/');
  assert.equal(e.memInfo.active_anon, 27124);
  assert.equal(e.memInfo.slab_unreclaimable, 6491);
  assert.equal(e.memInfo.sec_pagetables, 0, '6.x key');
  assert.equal(e.memInfo.kernel_misc_reclaimable, 0);
  assert.equal(e.memInfo.free_pcp, 142);
  assert.equal(Object.keys(e.memInfo).length, 20);
  assert.equal(e.nodes[0]!.kb.kernel_stack, 3024);
  assert.equal(e.nodes[0]!.kb.pagetables, 4856);
  assert.equal(Object.keys(e.nodes[0]!.kb).some((k) => k.startsWith('sec_paget')), false, 'the chopped last token is dropped');
  assert.equal(e.truncatedLines, 2);
  assert.deepEqual([e.zones[0]!.zone, e.zones[0]!.kb.free, e.zones[0]!.kb.min, e.zones[0]!.kb.low, e.zones[0]!.kb.managed], ['DMA', 17380, 16384, 20480, 426072]);
  assert.equal(e.zones[0]!.kb.mlocked, undefined, 'cut off');
  assert.equal(e.buddy[0]!.totalKb, 17476);
  assert.deepEqual(e.buddy[0]!.blocks[0], { sizeKb: 4, count: 45 });
  assert.deepEqual([e.pagesRam, e.pagesReserved, e.pagesCmaReserved, e.freeSwapKb, e.totalSwapKb, e.pagecachePages, e.swapCachePages], [114688, 8170, 65536, 0, 425980, 572, 292]);
  assert.ok(e.taskColumns.includes('rss_anon') && e.taskColumns.includes('rss_shmem'));
  assert.equal(e.tasks.length, 10);
  const py = e.tasks.find((t) => t.pid === 996)!;
  assert.deepEqual([py.rss, py.rssAnon, py.rssFile, py.rssShmem, py.swapents, py.totalVm, py.oomScoreAdj], [30557, 30557, 0, 0, 31936, 747929, 0]);
  assert.equal(e.tasks.find((t) => t.pid === 324)!.oomScoreAdj, -1000);
  assert.equal(e.victim!.pid, 996);
  assert.equal(e.victim!.anonRssKb, 122228);
  assert.equal(e.victim!.scope, 'global');
  assert.equal(e.trigger!.pid, 550, 'from "CPU: 0 UID: 0 PID: 550 Comm: cron"');
});

test('RHEL8 4.18 old format: "Task in … killed as a result of limit of …", cpuset line, memory+swap and the one-line KB stats', () => {
  const e = only(fixture('oom_memcg_shmem_oldformat_rhel8_4.18.log'));
  const path = '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podd63c4bbe_5f18_11ec_bdcd_d094668d7dd6.slice/docker-083afd1a06b8b612ab5d974e12200d7fd1d35be6a44f0e368179399ef6c6e84d.scope';
  assert.deepEqual(e.taskIn, { task: path, limitOf: path });
  assert.equal(e.constraint, null, 'no oom-kill: line before 4.19');
  assert.equal(e.nodemask, '(null)');
  assert.equal(e.memsAllowed, '0-3');
  assert.equal(e.cpuset, 'docker-083afd1a06b8b612ab5d974e12200d7fd1d35be6a44f0e368179399ef6c6e84d.scope');
  assert.equal(e.trigger!.oomScoreAdj, 916);
  assert.equal(e.trigger!.pid, 48975);
  assert.equal(e.mono, 20148402.291616);
  assert.deepEqual(e.memory, { usageKb: 32461112, limitKb: 33554432, failcnt: 0 });
  assert.deepEqual(e.memsw, { usageKb: 35651584, limitKb: 35651584, failcnt: 24208655 });
  assert.equal(e.kmem!.usageKb, 478036);
  assert.equal(e.memcgStats[0]!.form, 'v1-oneline');
  assert.equal(e.memcgStats[0]!.values.shmem, 27731164 * 1024);
  assert.equal(e.memcgStats[0]!.values.rss, 4233580 * 1024);
  assert.equal(e.memcgStats[0]!.values.unevictable, 0);
  assert.ok(e.stack.includes('shmem_getpage_gfp') && e.stack.includes('shmem_write_begin'), 'the tmpfs write path');
  assert.equal(e.victim!.pid, 321688);
  assert.equal(e.victim!.anonRssKb, 2740520);
  assert.equal(e.victim!.oomScoreAdj, null, 'not printed by 4.18');
  assert.equal(e.tasks.length, 0);
});

test('5.6 global OOM (LKML): caller-id timestamps, zone lines without "Node N", 5.x Mem-Info keys, the reaper line', () => {
  const e = only(fixture('oom_global_kernelmem_5.6_lkml.log'));
  assert.equal(e.mono, 1629.930998);
  assert.equal(e.trigger!.comm, 'idle-priority');
  assert.equal(e.memInfo.slab_unreclaimable, 268898);
  assert.equal(e.memInfo.pagetables, 127946);
  assert.equal(e.memInfo.unstable, 0, '5.x');
  assert.equal(e.memInfo.bounce, 0, 'on the mapped: line in 5.x');
  assert.deepEqual(e.zones.map((z) => [z.node, z.zone, z.kb.free, z.kb.low]), [
    [null, 'DMA', 15360, 164],
    [null, 'DMA32', 43680, 29964],
    [null, 'Normal', 43300, 54344],
  ]);
  assert.equal(e.zones[2]!.kb.kernel_stack, 313872);
  assert.equal(e.nodes[0]!.allUnreclaimable, false);
  assert.equal(e.nodes[0]!.kb.anon_thp, 3158016, '"anon_thp: 3158016kB" has a space after the colon');
  assert.equal(e.buddy.length, 3);
  assert.equal(e.hugepages.length, 2);
  assert.equal(e.pagesRam, 2096998);
  assert.deepEqual(e.reaped, { pid: 23173, comm: 'normal-priority', anonRssKb: 0, fileRssKb: 0, shmemRssKb: 0 });
  assert.equal(e.victim!.oomScoreAdj, 1000);
  assert.equal(e.constraint, 'CONSTRAINT_NONE');
  assert.equal(e.cpuset, null);
});

test('6.18 cgroup v1 OOM captured here: dmesg and /dev/kmsg framings give the same event (and the same merge key)', () => {
  const d = only(fixture('oom_memcg_v1_6.18_local.dmesg.log'));
  const k = only(fixture('oom_memcg_v1_6.18_local.kmsg'));
  assert.deepEqual(k, d);
  assert.equal(oomEventKey(k), oomEventKey(d));
  assert.equal(d.memcgStats[0]!.form, 'v1', 'a v1 hierarchy dumps v1 keys in bytes');
  assert.equal(d.memcgStats[0]!.values.total_rss, 66772992);
  assert.equal(d.memcgStats[0]!.values.hierarchical_memory_limit, 67108864);
  assert.deepEqual(d.memsw, { usageKb: 65536, limitKb: 65536, failcnt: 0 });
  assert.equal(d.oomMemcg, '/osdeck-probe-oom-exp');
  assert.equal(d.tasks[0]!.rssAnon, 16288);
  assert.equal(d.victim!.comm, 'python3');
  assert.ok(d.stack.includes('do_anonymous_page'));
});

test('kernel-log-lines: kmsg records (escapes, multi-line records, dictionaries, user facility), journal, syslog and ISO framings', () => {
  assert.equal(unescapeKmsg('a\\x0ab\\x5cc'), 'a\nb\\c');
  // show_mem prints Mem-Info in one printk; /dev/kmsg escapes its newlines
  const kmsg = [
    '4,100,5000000,-;Mem-Info:',
    '4,101,5000100,-;active_anon:10 inactive_anon:20 isolated_anon:0\\x0a active_file:30 inactive_file:40 isolated_file:0',
    ' SUBSYSTEM=memory',
    ' DEVICE=+memory:x',
    '12,102,5000200,-;someone[77]: Memory cgroup out of memory: Killed process 1 (init) total-vm:1kB',
  ].join('\n');
  const ll = kernelLogLines(kmsg);
  assert.deepEqual(
    ll.lines.map((l) => [l.text, l.mono, l.tag, l.seq]),
    [
      ['Mem-Info:', 5, 'kernel', 100],
      ['active_anon:10 inactive_anon:20 isolated_anon:0', 5.0001, 'kernel', 101],
      [' active_file:30 inactive_file:40 isolated_file:0', 5.0001, 'kernel', 101],
      ['Memory cgroup out of memory: Killed process 1 (init) total-vm:1kB', 5.0002, 'someone', 102],
    ],
  );
  assert.equal(parseOomLog(ll.lines).events.length, 0, 'a userspace write to /dev/kmsg is not a kernel report');

  const journal = kernelLogLines('[ 9029.679832] myhost kernel: python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n                               active_file:30 inactive_file:40\n[ 9029.700000] myhost systemd[1]: Started x.');
  assert.deepEqual(journal.lines.map((l) => [l.framing, l.tag, l.mono]), [['journal', 'kernel', 9029.679832], ['journal', 'kernel', 9029.679832], ['journal', 'systemd', 9029.7]]);
  // a dmesg line that merely looks like "host tag:" stays dmesg
  assert.equal(kernelLogLines('[   12.5] usb 1-1: new high-speed USB device').lines[0]!.framing, 'dmesg');

  const sys = kernelLogLines('Jun  4 17:19:10 iZ23tpcto8eZ kernel: [ 1234.5] Out of memory: Kill process 5424 (java) score 800 or sacrifice child').lines[0]!;
  assert.deepEqual([sys.framing, sys.tag, sys.mono, sys.wall, sys.wallText, sys.text], ['syslog', 'kernel', 1234.5, null, 'Jun  4 17:19:10', 'Out of memory: Kill process 5424 (java) score 800 or sacrifice child']);
  const iso = kernelLogLines('2026-04-12T19:04:42+0100 host systemd-oomd[939]: Killed /a.scope due to memory pressure').lines[0]!;
  assert.equal(iso.wall, Date.UTC(2026, 3, 12, 18, 4, 42));
  assert.equal(iso.tag, 'systemd-oomd');
  assert.equal(kernelLogLines('2026-04-12T19:04:42 host kernel: x').lines[0]!.wall, null, 'no zone: no wall time');
  const x = kernelLogLines('kern  :warn  : [ 9241.316436] python3 invoked oom-killer: order=0').lines[0]!;
  assert.deepEqual([x.framing, x.mono, x.text], ['dmesg', 9241.316436, 'python3 invoked oom-killer: order=0']);
  const stackEnd = kernelLogLines('[ 9029.680294]  </TASK>').lines[0]!;
  assert.equal(stackEnd.truncated, false, '"</TASK>" is not a pager mark');
});

test('the same report read from kmsg and from the journal has one merge key', () => {
  const dmesg = fixture('oom_memcg_v1_6.18_local.dmesg.log');
  // journalctl -k -o short-monotonic puts "host kernel:" after the same printk time
  const journal = dmesg.replace(/^(\[\s*\d+\.\d+\]) /gm, '$1 testhost kernel: ');
  const j = only(journal);
  const k = only(fixture('oom_memcg_v1_6.18_local.kmsg'));
  assert.equal(oomEventKey(j), oomEventKey(k));
  assert.deepEqual(j, k);
});

test('3.x/2.6.32 pieces: a split "Task in" line, nr_ptes and cpu/oom_adj headers, "Kill process … or sacrifice child", ", UID N," kills', () => {
  // from a public LXC write-up (3.x, memcg) — the "Task in" line came out in pr_cont pieces
  const lxc = [
    '[15447.035569] big_alloc invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0',
    '[15447.035779] Task in /lxc/foo',
    '[15447.035785] killed as a result of limit of ',
    '[15447.035789] /lxc/foo',
    '[15447.035795] memory: usage 3072kB, limit 3072kB, failcnt 127',
    '[15447.035800] memory+swap: usage 3072kB, limit 3072kB, failcnt 0',
    '[15447.035805] kmem: usage 0kB, limit 18014398509481983kB, failcnt 0',
    '[15447.035808] Memory cgroup stats for /lxc/foo: cache:32KB rss:3040KB rss_huge:0KB mapped_file:0KB writeback:0KB swap:0KB inactive_anon:1588KB active_anon:1448KB inactive_file:16KB active_file:16KB unevictable:0KB',
    '[15447.035836] [pid] uid tgid total_vm rss nr_ptes swapents oom_score_adj name',
    '[15447.035963] [9225] 0 9225 942 308 10 0 0 init.lxc',
    '[15447.035971] [9228] 0 9228 833 698 6 0 0 sh',
    '[15447.035978] [9252] 0 9252 16106 843 36 0 0 big_alloc',
    '[15447.035983] Memory cgroup out of memory: Kill process 9252 (big_alloc) score 1110 or sacrifice child',
    '[15447.035990] Killed process 9252 (big_alloc) total-vm:64424kB, anon-rss:2396kB, file-rss:976kB ',
  ].join('\n');
  const e = only(lxc);
  assert.deepEqual(e.taskIn, { task: '/lxc/foo', limitOf: '/lxc/foo' });
  assert.deepEqual(e.selected, { pid: 9252, comm: 'big_alloc', score: 1110 });
  assert.equal(e.victim!.pid, 9252);
  assert.equal(e.victim!.scope, null, 'the old "Killed process" line has no prefix');
  assert.equal(e.tasks.length, 3);
  assert.equal(e.tasks[2]!.pgtablesBytes, 36 * 4096, 'nr_ptes pages');
  assert.equal(e.victim!.shmemRssKb, null);

  // RHEL6 (2.6.32) global OOM in /var/log/messages, from a public write-up
  const rhel6 = [
    'Nov 24 19:52:22 dr-2 kernel: haproxy invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0',
    'Nov 24 19:52:22 dr-2 kernel: [ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name',
    'Nov 24 19:52:22 dr-2 kernel: [ 2448]     0  2448     2762        0   2     -17         -1000 udevd',
    'Nov 24 19:52:22 dr-2 kernel: [20557]   188 20557  2140125     3183   0       0             0 haproxy',
    'Nov 24 19:52:22 dr-2 kernel: Out of memory: Kill process 20557 (haproxy) score 133 or sacrifice child',
    'Nov 24 19:52:22 dr-2 kernel: Killed process 20557, UID 188, (haproxy) total-vm:8560500kB, anon-rss:12468kB, file-rss:264kB',
    'Nov 24 19:52:40 dr-2 kernel: __ratelimit: 8552 callbacks suppressed',
  ].join('\n');
  const r = only(rhel6);
  assert.equal(r.wallText, 'Nov 24 19:52:22');
  assert.deepEqual(r.taskColumns, ['uid', 'tgid', 'total_vm', 'rss', 'cpu', 'oom_adj', 'oom_score_adj', 'name']);
  assert.deepEqual(r.tasks.map((t) => [t.pid, t.rss, t.oomScoreAdj]), [[2448, 0, -1000], [20557, 3183, 0]]);
  assert.deepEqual([r.victim!.pid, r.victim!.comm, r.victim!.uid, r.victim!.anonRssKb], [20557, 'haproxy', 188, 12468]);
  assert.deepEqual(r.selected, { pid: 20557, comm: 'haproxy', score: 133 });
});

test('oom-kill: fields with comma lists and a comm holding commas; memory.oom.group kills; several reports in a row', () => {
  assert.deepEqual(oomKillFields('constraint=CONSTRAINT_MEMORY_POLICY,nodemask=0-1,3,cpuset=/,mems_allowed=0-3,global_oom,task_memcg=/x,task=a,b,pid=5,uid=0'), {
    constraint: 'CONSTRAINT_MEMORY_POLICY',
    nodemask: '0-1,3',
    cpuset: '/',
    mems_allowed: '0-3',
    global_oom: '1',
    task_memcg: '/x',
    task: 'a,b',
    pid: '5',
    uid: '0',
  });
  const group = [
    'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/app,task_memcg=/app/w1,task=w,pid=10,uid=0',
    'Memory cgroup out of memory: Killed process 10 (w) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
    'Tasks in /app are going to be killed due to memory.oom.group set',
    'Memory cgroup out of memory: Killed process 11 (w) total-vm:100kB, anon-rss:40kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
    'Memory cgroup out of memory: Killed process 12 (w) total-vm:100kB, anon-rss:30kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0',
    'oom_reaper: reaped process 10 (w), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    'x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
    'Out of memory and no killable processes...',
  ].join('\n');
  const log = parse(group);
  assert.equal(log.events.length, 2);
  const [a, b] = log.events as [OomEvent, OomEvent];
  assert.equal(a.partial, true, 'began before the log');
  assert.equal(a.oomGroup, '/app');
  assert.deepEqual(a.alsoKilled.map((k) => k.pid), [11, 12]);
  assert.equal(a.reaped!.pid, 10);
  assert.equal(b.noKillable, true);
  assert.equal(b.victim, null);
  assert.deepEqual(colonTokens('Node 0 active_anon:1kB isolated(anon):2kB shmem_thp: 3kB all_unreclaimable? no'), { active_anon: 1, 'isolated(anon)': 2, shmem_thp: 3 });
});

test('malformed, truncated and hostile input never throws and yields no NaN', () => {
  const samples = [
    '',
    '\u0000\u0001\u0002',
    'invoked oom-killer:',
    ' invoked oom-killer: gfp_mask=0xzz, order=abc',
    'x invoked oom-killer: order=99999999999999999999999999',
    'oom-kill:',
    'oom-kill:constraint=,,,,pid=,uid=',
    'Killed process 1 (',
    'Killed process 99999999999 (x) total-vm:1kB',
    'memory: usage 1kB, limit 99999999999999999999999kB, failcnt 1',
    '[  pid  ]',
    '[  pid  ]   uid  tgid total_vm      rss name\n[ 1] x y z w v\n[ 2]',
    'Mem-Info:\nactive_anon:NaN free:Infinity\nNode 0 Normal free:-kB low:kB',
    'Node 0 DMA: 1*4kB = ',
    '4,1,99999999999999999999999,-;x invoked oom-killer: order=0',
    '\\x00\\xff' + 'a'.repeat(100_000),
    fixture('oom_global_6.12_rpi.log').slice(0, 1500),
    fixture('oom_memcg_shmem_oldformat_rhel8_4.18.log').slice(700),
    fixture('oom_memcg_v2_6.1_debian_arm64.log').split('\n').reverse().join('\n'),
    '<script>alert(1)</script> invoked oom-killer: gfp_mask=0xcc0(<b>)',
    'x invoked oom-killer: order=0\n' + '[ 1] 0 1 1 1 1 1 1 x\n'.repeat(5000),
  ];
  for (const s of samples) {
    const log = parse(s);
    assertFiniteDeep(log, s.slice(0, 40));
  }
  // a huge hostile line is bounded
  const big = kernelLogLines('x'.repeat(1_000_000));
  assert.ok(big.lines[0]!.text.length <= 4096);
  // the line cap keeps the newest lines
  const capped = kernelLogLines('a\nb\nc\nd', { maxLines: 2 });
  assert.deepEqual([capped.lines.map((l) => l.text), capped.droppedLines], [['c', 'd'], 2]);
});
