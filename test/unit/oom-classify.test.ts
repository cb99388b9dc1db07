import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { oomDiagnosis } from '../../src/domain/diagnosis/diagnoses/oom';
import { cgroupOwner } from '../../src/domain/diagnosis/oom/cgroup-owner';
import { kernelLogLines } from '../../src/domain/diagnosis/oom/kernel-log-lines';
import { classifyOom, nodeListCount, type OomClassification } from '../../src/domain/diagnosis/oom/oom-classify';
import { parseOomLog } from '../../src/domain/diagnosis/oom/oom-log';
import { parseUserspaceOomKills } from '../../src/domain/diagnosis/oom/userspace-oom-kills';
import type { Report } from '../../src/domain/report/report-shape';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
function classify(text: string): OomClassification {
  const events = parseOomLog(kernelLogLines(text).lines).events;
  assert.equal(events.length, 1);
  return classifyOom(events[0]!);
}
const ids = (c: OomClassification) => c.causes.map((x) => x.id);
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const upload = (text: string): Report => oomDiagnosis.analyzeText!(text, { host: 'web1', now: NOW, params: { source: 'auto', sinceHours: 168, maxEvents: 50, maxLogMiB: 8 } });
const MARK = 'abcdef0123456789';
const probeRaw = (sections: Record<string, string>) => Object.entries(sections).map(([k, v]) => `@@osdeck ${MARK} ${k}\n${v}`).join('\n');
const analyze = (raw: string, params: Record<string, string | number> = {}): Report =>
  oomDiagnosis.analyze(raw, { host: 'web1', now: NOW, mark: MARK, history: [], params: { source: 'auto', sinceHours: 168, maxEvents: 50, maxLogMiB: 8, ...params } });
function assertFiniteDeep(v: unknown, path = '$'): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path} = ${v}`);
  else if (Array.isArray(v)) v.forEach((x, i) => assertFiniteDeep(x, `${path}[${i}]`));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) assertFiniteDeep(x, `${path}.${k}`);
}

test('6.1 v2 fixture: a memcg OOM driven by anonymous memory at its 20 MiB limit; victim bigleak2', () => {
  const c = classify(fixture('oom_memcg_v2_6.1_debian_arm64.log'));
  assert.equal(c.scope, 'memcg');
  assert.equal(c.memcg, '/user.slice/user-1000.slice/dans-slice');
  assert.equal(c.cgroupVersion, 2);
  assert.equal(c.limitKind, 'memory');
  assert.equal(c.limitBytes, 20480 * 1024);
  assert.equal(c.primary.id, 'memcg-anon');
  assert.ok(ids(c).includes('memcg-limit'));
  assert.ok(!ids(c).includes('memcg-shmem'));
  assert.equal(c.numbers.memcgAnonBytes, 20705280);
  assert.deepEqual([c.victim!.pid, c.victim!.comm, c.victim!.anonBytes, c.victim!.rssBytes], [4045, 'bigleak2', 20020 * 1024, (20020 + 1172) * 1024]);
  assert.deepEqual(c.topConsumers.map((t) => [t.name, t.rssBytes]), [['bigleak2', 5298 * 4096], ['bash', 1257 * 4096]]);
  assert.equal(c.owner?.kind, 'cgroup');
});

test('6.12 fixture: a global OOM — process memory filled RAM and swap; no leak verdict, no fork storm', () => {
  const c = classify(fixture('oom_global_6.12_rpi.log'));
  assert.equal(c.scope, 'global');
  assert.equal(c.memcg, null);
  assert.equal(c.primary.id, 'global-anon');
  assert.ok(ids(c).includes('swap-exhausted'));
  for (const no of ['kernel-leak-slab', 'kernel-leak-pages', 'kernel-heavy', 'fork', 'fragmentation', 'cpuset', 'shmem']) assert.ok(!ids(c).includes(no as never), no);
  assert.equal(c.numbers.ramBytes, 114688 * 4096);
  assert.equal(c.numbers.swapUsedBytes, 425980 * 1024);
  assert.deepEqual([c.victim!.pid, c.victim!.comm, c.victim!.anonBytes], [996, 'python', 122228 * 1024]);
  assert.deepEqual([c.topConsumers[0]!.pid, c.topConsumers[0]!.swapBytes], [996, 31936 * 4096]);
  assert.deepEqual(c.groups[0], { name: 'python', count: 4, rssBytes: (30557 + 138 + 12717 + 2145) * 4096 });
});

test('RHEL8 4.18 fixture: a memcg OOM at the memory+swap limit with tmpfs/shm dominating; k8s pod and container from the path', () => {
  const c = classify(fixture('oom_memcg_shmem_oldformat_rhel8_4.18.log'));
  assert.equal(c.scope, 'memcg');
  assert.equal(c.cgroupVersion, 1);
  assert.equal(c.limitKind, 'memory+swap');
  assert.equal(c.limitBytes, 35651584 * 1024);
  assert.equal(c.usageBytes, 32461112 * 1024);
  assert.equal(c.primary.id, 'memcg-shmem');
  assert.ok(ids(c).includes('memcg-swap-limit'));
  assert.equal(c.numbers.memcgShmemBytes, 27731164 * 1024);
  assert.match(c.primary.summary, /85% of its usage/);
  assert.match(c.primary.summary, /tmpfs write/);
  assert.match(c.primary.detail!, /does not free them/);
  assert.equal(c.victim!.shmemBytes, 0);
  assert.deepEqual(
    [c.owner!.kind, c.owner!.podUid, c.owner!.qos, c.owner!.runtime, c.owner!.containerId],
    ['k8s', 'd63c4bbe-5f18-11ec-bdcd-d094668d7dd6', 'burstable', 'docker', '083afd1a06b8b612ab5d974e12200d7fd1d35be6a44f0e368179399ef6c6e84d'],
  );
});

test('5.6 LKML report: kernel memory (slab, page tables, stacks) dominates; the victim was chosen by oom_score_adj 1000', () => {
  const c = classify(fixture('oom_global_kernelmem_5.6_lkml.log'));
  assert.equal(c.scope, 'global');
  assert.equal(c.primary.id, 'kernel-heavy');
  assert.match(c.primary.summary, /unreclaimable slab 1.03 GiB/);
  assert.equal(c.numbers.slabUnreclaimableBytes, 268898 * 4096);
  assert.equal(c.numbers.pagetablesBytes, 127946 * 4096);
  assert.equal(c.numbers.kernelStackBytes, 313872 * 1024);
  // 1 GiB of slab on 8 GiB is below sysak's leak thresholds (> 6 GiB, or > 10 % and > 1.5 GiB)
  assert.ok(!ids(c).includes('kernel-leak-slab'));
  assert.ok(!ids(c).includes('fragmentation'), 'order 0');
  const policy = c.causes.find((x) => x.id === 'policy-victim')!;
  assert.match(policy.summary, /oom_score_adj 1000/);
  assert.equal(c.victim!.rssBytes, 88 * 1024);
});

// The rules below are exercised on the real reports with one value changed (said in each case).
test('rules on altered real reports: slab leak, tmpfs, fragmentation, cpuset, mempolicy, hugetlb, fork, parent cgroup', () => {
  const lkml = fixture('oom_global_kernelmem_5.6_lkml.log');
  const rpi = fixture('oom_global_6.12_rpi.log');
  const v2 = fixture('oom_memcg_v2_6.1_debian_arm64.log');

  // unreclaimable slab 268898 → 1700000 pages (6.5 GiB of 8 GiB)
  const leak = classify(lkml.replace('slab_unreclaimable:268898', 'slab_unreclaimable:1700000'));
  assert.equal(leak.primary.id, 'kernel-leak-slab');
  assert.equal(leak.primary.severity, 'critical');

  // shmem 10475 → 1000000 pages (3.8 GiB, 48 % of RAM)
  assert.equal(classify(lkml.replace('shmem:10475', 'shmem:1000000')).primary.id, 'shmem');

  // order 0 → 2 and the Normal zone above its low watermark
  const frag = classify(lkml.replace('order=0, oom_score_adj=0', 'order=2, oom_score_adj=0').replace('Normal free:43300kB', 'Normal free:90000kB'));
  assert.equal(frag.primary.id, 'fragmentation');
  assert.match(frag.primary.summary, /order-2 \(16 KiB contiguous\)/);

  // a second NUMA node: mems_allowed=0 covers 1 of 2 nodes and node 0's zone is low
  const twoNodes = rpi.replace('572 total pagecache pages', 'Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB\nNode 1 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB\n572 total pagecache pages');
  assert.equal(classify(twoNodes).scope, 'cpuset');
  assert.ok(ids(classify(twoNodes)).includes('cpuset'));
  assert.equal(classify(twoNodes.replace('nodemask=(null)', 'nodemask=1').replace('mems_allowed=0,', 'mems_allowed=0-1,').replace('Node 0 DMA free:17380kB', 'Node 0 DMA free:60000kB')).scope, 'mempolicy');
  assert.equal(classify(rpi.replace('CONSTRAINT_NONE', 'CONSTRAINT_MEMORY_POLICY')).scope, 'mempolicy');

  // 40 × 2 MiB huge pages (80 MiB of 448 MiB), all free
  const huge = classify(rpi.replace('572 total pagecache pages', 'Node 0 hugepages_total=40 hugepages_free=40 hugepages_surp=0 hugepages_size=2048kB\n572 total pagecache pages'));
  assert.ok(ids(huge).includes('hugetlb'));

  // three more python workers of 20000 pages each
  const extra = ['[   1100]  1000  1100   159057    20000    20000        0         0   454656     0             0 python', '[   1101]  1000  1101   159057    20000    20000        0         0   454656     0             0 python', '[   1102]  1000  1102   159057    20000    20000        0         0   454656     0             0 python'].join('\n');
  const fork = classify(rpi.replace('oom-kill:constraint', `${extra}\noom-kill:constraint`));
  assert.ok(ids(fork).includes('fork'));
  assert.match(fork.causes.find((x) => x.id === 'fork')!.summary, /^7 copies of python/);

  // the victim lives in a child of the cgroup whose limit was hit
  const parent = classify(v2.replace('task_memcg=/user.slice/user-1000.slice/dans-slice', 'task_memcg=/user.slice/user-1000.slice/dans-slice/job1'));
  assert.equal(parent.scope, 'parent-memcg');
  assert.equal(parent.primary.id, 'parent-limit');
  assert.equal(parent.taskMemcg, '/user.slice/user-1000.slice/dans-slice/job1');
});

test('cgroup owners and node lists', () => {
  assert.deepEqual(cgroupOwner('/kubepods/besteffort/pod0b5f6f1e-1c3a-4c1e-9c8e-1234567890ab/3f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c')?.label, 'k8s pod 0b5f6f1e-1c3a-4c1e-9c8e-1234567890ab container 3f1c2d3e4f5a (besteffort)');
  assert.equal(cgroupOwner('/kubepods.slice/kubepods-pod0b5f6f1e_1c3a_4c1e_9c8e_1234567890ab.slice/cri-containerd-3f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c.scope')?.qos, 'guaranteed');
  assert.equal(cgroupOwner('/system.slice/docker-3f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c.scope')?.kind, 'docker');
  assert.deepEqual([cgroupOwner('/system.slice/nginx.service')?.kind, cgroupOwner('/system.slice/nginx.service')?.unit], ['systemd', 'nginx.service']);
  assert.equal(cgroupOwner('/osdeck-test')?.kind, 'cgroup');
  assert.equal(cgroupOwner(null), null);
  assert.deepEqual(['0-3', '0,2', '0-1,3', '(null)', 'x', '5-1'].map(nodeListCount), [4, 2, 3, null, null, null]);
});

test('analyzeText on each fixture: the conclusion names the cause and the victim, with exact advice', () => {
  const v2 = upload(fixture('oom_memcg_v2_6.1_debian_arm64.log'));
  assert.equal(v2.kind, 'diagnosis:oom');
  assert.equal(v2.conclusion, '1 OOM kill in the uploaded log: the memory cgroup /user.slice/user-1000.slice/dans-slice hit its 20 MiB limit; the victim was bigleak2 (pid 4045, 19.6 MiB anon).');
  assert.equal(v2.severity, 'medium');
  const timeline = v2.tables.find((t) => t.title.startsWith('OOM events'))!;
  assert.deepEqual(timeline.rows[0]!.slice(2, 8), ['memcg', '/user.slice/user-1000.slice/dans-slice', null, 'bigleak2', 4045, (20020 + 1172) * 1024]);
  assert.ok(v2.tables.some((t) => t.title.startsWith('Top consumers')));
  assert.ok(v2.recommendations.some((r) => r.commands?.includes('echo 31457280 > /sys/fs/cgroup/user.slice/user-1000.slice/dans-slice/memory.max')));

  const rhel = upload(fixture('oom_memcg_shmem_oldformat_rhel8_4.18.log'));
  assert.match(rhel.conclusion, /k8s pod d63c4bbe-5f18-11ec-bdcd-d094668d7dd6 container 083afd1a06b8 \(burstable\) hit its memory\+swap limit of 34 GiB, 85% of it tmpfs\/shared memory/);
  assert.match(rhel.conclusion, /the victim was java \(pid 321688, 2.61 GiB anon\)/);
  assert.equal(rhel.severity, 'high');
  const cmds = rhel.recommendations.flatMap((r) => r.commands ?? []);
  assert.ok(cmds.includes('du -x --max-depth=2 /dev/shm 2>/dev/null | sort -h | tail'));
  assert.ok(cmds.includes('ipcs -m'));
  assert.ok(cmds.some((c) => c.endsWith('/memory.memsw.limit_in_bytes') && c.startsWith('echo ')));
  assert.ok(cmds.some((c) => c.includes('kubectl get pods') && c.includes('d63c4bbe-5f18-11ec-bdcd-d094668d7dd6')));

  const rpi = upload(fixture('oom_global_6.12_rpi.log'));
  assert.match(rpi.conclusion, /^1 OOM kill in the uploaded log: the host ran out of memory \(448 MiB RAM, swap full\), filled by process memory; the victim was python \(pid 996, 119 MiB anon\)\.$/);
  assert.ok(rpi.findings.some((f) => f.severity === 'low' && /cut by a pager/.test(f.summary)));

  const lkml = upload(fixture('oom_global_kernelmem_5.6_lkml.log'));
  assert.match(lkml.conclusion, /kernel memory \(slab, page tables, stacks\) at 23% of RAM; the victim was normal-priority/);
  assert.ok(lkml.recommendations.some((r) => r.commands?.includes('slabtop -o -s c | head -20')));

  const none = upload('[    0.000000] Linux version 6.1.0\n[    1.000000] usb 1-1: new device');
  assert.equal(none.severity, 'ok');
  assert.equal(none.conclusion, 'No OOM kill found in the uploaded log.');
});

test('analyze(): kmsg and journal copies merge, printk time becomes wall time, the window filters, counters are read', () => {
  const kmsg = fixture('oom_memcg_v1_6.18_local.kmsg');
  const journal = fixture('oom_memcg_v1_6.18_local.dmesg.log').replace(/^(\[\s*\d+\.\d+\]) /gm, '$1 web1 kernel: ');
  const btime = NOW / 1000 - 10_000; // booted 10,000 s ago; the OOM came at 9029.68 s
  const common = {
    now: String(NOW / 1000),
    uptime: '10000.00 19000.00',
    'stat-btime': `btime ${btime}`,
    'vmstat-oom': 'oom_kill 1',
    sysctl: 'panic_on_oom 0\noom_dump_tasks 1',
    'cgroup-mounts': 'cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime 0 0',
    'log-source': 'requested=auto\nkmsg=1 first_seq=98915\njournal=1 used=1',
    'memcg-oom': [
      '/sys/fs/cgroup/memory/osdeck-probe-oom-exp/memory.oom_control\toom_kill_disable 0 under_oom 0 oom_kill 1',
      '/sys/fs/cgroup/unified/app/memory.events\tlow 0 high 0 max 4 oom 2 oom_kill 2 oom_group_kill 0',
      '/sys/fs/cgroup/unified/app/memory.events.local\tlow 0 high 0 max 4 oom 1 oom_kill 1 oom_group_kill 0',
    ].join('\n'),
  };
  const r = analyze(probeRaw({ ...common, journal, kmsg }));
  const timeline = r.tables.find((t) => t.title.startsWith('OOM events'))!;
  assert.equal(timeline.rows.length, 1, 'the journal copy of the kmsg report is not counted twice');
  assert.equal(timeline.rows[0]![0], new Date((btime + 9029.679832) * 1000).toISOString());
  assert.match(r.conclusion, /^1 OOM kill in the last 7 days on web1: the memory cgroup \/osdeck-probe-oom-exp hit its 64 MiB limit; the victim was python3 \(pid 8068, 63.6 MiB anon\)\.$/);
  const perCg = r.tables.find((t) => t.title.startsWith('OOM kills per cgroup'))!;
  assert.deepEqual(perCg.rows[0]!.slice(0, 4), ['/osdeck-probe-oom-exp', null, 1, 1]);
  const counters = r.tables.find((t) => t.title.startsWith('Memory cgroups with OOM kills'))!;
  assert.deepEqual(counters.rows.map((x) => [x[0], x[1], x[3], x[6]]), [['/osdeck-probe-oom-exp', 1, 1, 'no'], ['/app', 2, 1, 'no']]);
  assert.deepEqual(r.evidence.source, 'journal + kmsg');
  assert.ok(r.recommendations[0]!.commands!.includes('echo 100663296 > /sys/fs/cgroup/memory/osdeck-probe-oom-exp/memory.limit_in_bytes'));

  // the OOM was 970 s ago: outside a window that starts later, inside "0 = all"
  const old = analyze(probeRaw({ ...common, uptime: '1000000.00 1.00', 'stat-btime': `btime ${NOW / 1000 - 1_000_000}`, kmsg }), { sinceHours: 1 });
  assert.match(old.conclusion, /^No OOM kill found in the kernel log of web1 \(kmsg\) in the last 1 h; \/proc\/vmstat oom_kill = 1, 2 memory cgroup\(s\) with oom_kill > 0\.$/);
  assert.equal(analyze(probeRaw({ ...common, uptime: '1000000.00 1.00', kmsg }), { sinceHours: 0 }).tables[0]!.rows.length, 1);

  // the counter says 3 kills but the ring buffer kept one report
  const lost = analyze(probeRaw({ ...common, 'vmstat-oom': 'oom_kill 3', kmsg }));
  assert.ok(lost.findings.some((f) => /counted 3 OOM kill\(s\) since boot .* holds 1/.test(f.summary)));

  // nothing readable
  const blind = analyze(probeRaw({ ...common, 'log-source': 'requested=auto\nkmsg=0 dmesg=0' }));
  assert.match(blind.conclusion, /^Could not read the kernel log of web1/);
});

test('systemd-oomd and earlyoom kills from the journal', () => {
  const lines = kernelLogLines(
    [
      '2026-11-21T09:15:58+0000 web1 systemd-oomd[581]: Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-foo.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 86.80% > 50.00% for > 20s with reclaim activity',
      '2026-11-21T10:00:00+0000 web1 systemd-oomd[581]: Killed /system.slice/batch.service due to memory used (31000000000) / total (32000000000) and swap used (7900000000) / total (8000000000) being more than 90.00%',
      '2026-11-21T10:05:00+0000 web1 earlyoom[700]: sending SIGTERM to process 1234 uid 1000 "firefox": badness 900, VmRSS 2000 MiB',
      '2026-11-21T10:06:00+0000 web1 kernel: Killed /fake due to memory pressure',
    ].join('\n'),
  ).lines;
  const kills = parseUserspaceOomKills(lines);
  assert.deepEqual(kills.map((k) => [k.killer, k.target, k.reason, k.pid]), [
    ['systemd-oomd', '/user.slice/user-1000.slice/user@1000.service/app.slice/app-foo.scope', 'memory-pressure', null],
    ['systemd-oomd', '/system.slice/batch.service', 'swap-used', null],
    ['earlyoom', 'firefox', 'low-memory', 1234],
  ]);
  assert.equal(kills[0]!.wall, Date.UTC(2026, 10, 21, 9, 15, 58));
  const r = analyze(probeRaw({ now: String(NOW / 1000), uptime: '100.0 1.0', 'stat-btime': `btime ${NOW / 1000 - 100}`, 'vmstat-oom': 'oom_kill 0', kmsg: '6,1,1000,-;hello', oomd: lines.slice(0, 3).map((l) => `${l.wallText} web1 ${l.tag}[1]: ${l.text}`).join('\n') }));
  assert.match(r.conclusion, /^No kernel OOM kill in the last 7 days on web1, but userspace OOM killers killed 3 time\(s\)/);
  assert.equal(r.severity, 'medium');
  assert.equal(r.tables.find((t) => t.title.startsWith('Userspace OOM kills'))!.rows.length, 3);
});

test('hostile input to analyze() and analyzeText() gives a report, never an exception or a NaN', () => {
  const junk = ['\u0000'.repeat(1000), 'Killed process x (y)', 'oom-kill:' + ','.repeat(10000), '@@osdeck nope kmsg\nx invoked oom-killer: order=1', fixture('oom_global_6.12_rpi.log').replace(/\d/g, '9'.repeat(30))];
  for (const j of junk) {
    assertFiniteDeep(upload(j));
    assertFiniteDeep(analyze(probeRaw({ uptime: j, 'stat-btime': j, 'vmstat-oom': j, 'memcg-oom': `${j}\t${j}`, 'cgroup-mounts': j, kmsg: j, journal: j, oomd: j, tmpfs: j, 'sysvipc-shm': j })));
  }
});
