/**
 * The oom diagnosis against a real OOM kill made on this machine (root and the cgroup v1 memory
 * controller needed; without them this fails rather than skips, so a misconfigured CI is visible):
 * a v1 memory cgroup limited to 64 MiB (memory and memory+swap), `tail /dev/zero` in it (it keeps one
 * ever-growing line in memory), the kernel's memcg OOM killer kills it, and the diagnosis — the real
 * probe reading /dev/kmsg and the counters — must name that cgroup and that process.
 * Also: the uploaded-log path (analyzeText) on every real sample through the registry.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findDiagnosis } from '../src/domain/diagnosis/registry';
import { runDiagnosisHere } from './support/diagnose-local';

const V1 = '/sys/fs/cgroup/memory';
const FIXTURES = join(import.meta.dirname, 'fixtures', 'linux');

interface EvidenceEvent {
  scope: string;
  cause: string;
  memcg: string | null;
  victim: { pid: number; comm: string; anonBytes: number | null } | null;
  limitBytes: number | null;
}

test('a memory hog in a 64 MiB v1 memory cgroup is OOM-killed, and the diagnosis names the cgroup and the victim', async (t) => {
  assert.equal(process.getuid?.(), 0, 'this test needs root');
  assert.ok(existsSync(`${V1}/memory.limit_in_bytes`), 'this test needs the cgroup v1 memory controller at /sys/fs/cgroup/memory');
  const name = `osdeck-test-oom-${process.pid}`;
  const dir = `${V1}/${name}`;
  let hog: ReturnType<typeof spawn> | null = null;
  t.after(async () => {
    if (hog && hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
    // the cgroup can only go once its last task has gone
    for (let i = 0; i < 50 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  // create it only now, so the t.after above always removes it
  mkdirSync(dir);
  writeFileSync(`${dir}/memory.limit_in_bytes`, String(64 * 1024 * 1024));
  if (existsSync(`${dir}/memory.memsw.limit_in_bytes`)) writeFileSync(`${dir}/memory.memsw.limit_in_bytes`, String(64 * 1024 * 1024));

  // the shell joins the cgroup, then becomes tail (same pid, comm "tail")
  hog = spawn('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && exec tail /dev/zero`], { stdio: 'ignore' });
  const pid = hog.pid!;
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const timer = setTimeout(() => hog!.kill('SIGKILL'), 60_000);
    hog!.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  assert.equal(exit.signal, 'SIGKILL', 'the hog was killed');
  const oomKills = Number(/oom_kill (\d+)/.exec(readFileSync(`${dir}/memory.oom_control`, 'utf8'))?.[1]);
  assert.ok(oomKills >= 1, `the kernel counted the kill in ${dir}/memory.oom_control`);

  const { report, raw } = await runDiagnosisHere('oom', { sinceHours: 1 });
  assert.equal(report.kind, 'diagnosis:oom');
  const events = report.evidence.events as EvidenceEvent[];
  assert.ok(events.length >= 1, `events found; conclusion: ${report.conclusion}`);
  const newest = events.at(-1)!;
  assert.equal(newest.scope, 'memcg', 'the newest event is a memcg OOM');
  // other tests on this machine may OOM too: ours is the newest in our cgroup
  const ours = events.filter((e) => e.memcg === `/${name}`);
  assert.ok(ours.length >= 1, `an event in /${name}; got ${events.map((e) => e.memcg).join(', ')}`);
  const e = ours.at(-1)!;
  assert.deepEqual([e.victim?.pid, e.victim?.comm], [pid, 'tail']);
  assert.equal(e.limitBytes, 64 * 1024 * 1024);
  assert.equal(e.cause, 'memcg-anon', 'tail holds its line in anonymous memory');
  if (newest.memcg === `/${name}`) {
    assert.match(report.conclusion, new RegExp(`the memory cgroup /${name} hit its 64 MiB limit; the victim was tail \\(pid ${pid}, `));
    const timeline = report.tables.find((x) => x.title.startsWith('OOM events'))!;
    assert.deepEqual(timeline.rows[0]!.slice(2, 7), ['memcg', `/${name}`, null, 'tail', pid]);
  }
  // the probe read the counters: the cgroup still exists, with its oom_kill count
  const counters = report.tables.find((x) => x.title.startsWith('Memory cgroups with OOM kills'))!;
  assert.ok(counters.rows.some((r) => r[0] === `/${name}` && r[1] === 1 && Number(r[3]) >= 1), JSON.stringify(counters.rows));
  assert.ok(Number(report.evidence.vmstatOomKill) >= 1);
  assert.ok(raw.includes(' kmsg\n') || raw.includes(' dmesg\n'), 'the probe read the kernel log');
  assert.ok(report.recommendations.some((r) => r.commands?.some((c) => c.includes(`${V1}/${name}/memory.limit_in_bytes`))));
});

test('analyzeText (the upload path) gives each real sample the cause the reference describes', () => {
  const d = findDiagnosis('oom')!;
  const read = (f: string) => d.analyzeText!(readFileSync(join(FIXTURES, f), 'utf8'), { host: 'upload', now: Date.now(), params: { source: 'auto', sinceHours: 168, maxEvents: 50, maxLogMiB: 8 } });
  const cause = (f: string) => ((read(f).evidence.events as EvidenceEvent[])[0] ?? { scope: 'none', cause: 'none' });
  assert.deepEqual([cause('oom_memcg_v2_6.1_debian_arm64.log').scope, cause('oom_memcg_v2_6.1_debian_arm64.log').cause], ['memcg', 'memcg-anon']);
  assert.deepEqual([cause('oom_global_6.12_rpi.log').scope, cause('oom_global_6.12_rpi.log').cause], ['global', 'global-anon']);
  assert.deepEqual([cause('oom_memcg_shmem_oldformat_rhel8_4.18.log').scope, cause('oom_memcg_shmem_oldformat_rhel8_4.18.log').cause], ['memcg', 'memcg-shmem']);
  assert.deepEqual([cause('oom_global_kernelmem_5.6_lkml.log').scope, cause('oom_global_kernelmem_5.6_lkml.log').cause], ['global', 'kernel-heavy']);
  assert.deepEqual([cause('oom_memcg_v1_6.18_local.kmsg').scope, cause('oom_memcg_v1_6.18_local.kmsg').cause], ['memcg', 'memcg-anon']);
});

test('the probe\'s journal branch (this host has no journald, so a stand-in journalctl answers): arguments, earlier boots, merge with kmsg, systemd-oomd', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-oom-journal-'));
  const savedPath = process.env.PATH;
  t.after(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
  const dayAgo = iso(Date.now() - 24 * 3600e3);
  // this boot: the 6.18 report in -o short-monotonic form; an earlier boot: the 6.1 report in -o short-iso form
  const journal = readFileSync(join(FIXTURES, 'oom_memcg_v1_6.18_local.dmesg.log'), 'utf8').replace(/^(\[\s*\d+\.\d+\]) /gm, '$1 web1 kernel: ');
  const older = readFileSync(join(FIXTURES, 'oom_memcg_v2_6.1_debian_arm64.log'), 'utf8').split('\n').filter(Boolean).map((l) => `${dayAgo} web1 kernel: ${l}`).join('\n');
  const oomd = `${dayAgo} web1 systemd-oomd[581]: Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-x.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 86.80% > 50.00% for > 20s with reclaim activity`;
  writeFileSync(join(dir, 'this-boot'), journal);
  writeFileSync(join(dir, 'older'), older);
  writeFileSync(join(dir, 'oomd'), oomd);
  writeFileSync(
    join(dir, 'journalctl'),
    `#!/bin/sh
echo "$*" >> ${dir}/args
case " $* " in
  *" -n 1 "*) echo "${dayAgo} web1 kernel: hello" ;;
  *" -t systemd-oomd "*) cat ${dir}/oomd ;;
  *" -o short-monotonic "*) cat ${dir}/this-boot ;;
  *" -o short-iso "*) cat ${dir}/older ;;
esac
`,
  );
  chmodSync(join(dir, 'journalctl'), 0o755);
  process.env.PATH = `${dir}:${savedPath}`;

  const { report } = await runDiagnosisHere('oom', { source: 'journal', sinceHours: 168 });
  const args = readFileSync(join(dir, 'args'), 'utf8');
  assert.match(args, /^-k -b -q --no-pager -a -o short-monotonic --since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
  assert.match(args, /^-k -q --no-pager -a -o short-iso --since \S+ \S+ --until \S+ \S+$/m, 'earlier boots are asked for up to this boot');
  assert.match(args, /^-q --no-pager -a -o short-iso -t systemd-oomd -t earlyoom --since /m);
  const events = report.evidence.events as Array<EvidenceEvent & { source: string; time: string }>;
  const older1 = events.find((e) => e.memcg === '/user.slice/user-1000.slice/dans-slice')!;
  assert.equal(older1.source, 'journal-older');
  assert.equal(older1.time, new Date(Date.parse(dayAgo.replace('+0000', 'Z'))).toISOString().replace('.000Z', 'Z'));
  assert.equal(events.filter((e) => e.victim?.pid === 8068).length, 1, 'this boot\'s journal and kmsg copies count once');
  assert.equal((report.evidence.userspaceKills as unknown[]).length, 1);
  assert.match(report.conclusion, /plus 1 userspace OOM kill/);
});
