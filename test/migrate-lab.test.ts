/**
 * OS migration on lab hosts over real SSH, through the server and the CLI. Each lab host runs its
 * own sshd chrooted into an RPM-managed root ("CentOS 7" installed from the lab's repositories);
 * the repositories are served over HTTP on the lab bridge, so a repository can vanish mid-run.
 * The host's state is read from outside (rpm --root and sha256 of /etc on the host's root
 * directory), never through osdeck.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LAB_FAIL_SCRIPTLET_FLAG, type LabMirror, buildLabRepos, ensureBaseRootfs, installSourceOs, labRpmPath, startLabMirror, type LabRepos } from '../src/infra/lab/rpm-lab';
import { labDown, labUp } from '../src/infra/lab/netns-lab';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';

const N = 20;
let server: RunningServer;
let env: NodeJS.ProcessEnv;
let token: string;
let mirror: LabMirror;
let repos: LabRepos;
let targetRepo: string;
const labDir = mkdtempSync(join(tmpdir(), 'osdeck-miglab-'));
const names = Array.from({ length: N }, (_, i) => `lab-${i + 1}`);
const rootOf = (h: string) => join(labDir, 'hosts', h, 'root');

interface RunView { id: string; host: string; state: string; step: string | null; ponr: boolean; message: string | null; wave: number }

/** A host's package set and every /etc entry (type, mode, owner, content hash or link target). */
function state(h: string): { packages: string; etc: string } {
  const root = rootOf(h);
  const packages = execFileSync('rpm', [`--root=${root}`, '-qa', '--qf', '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\n'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort().join('\n');
  const etc = execFileSync('sh', ['-c', 'cd "$1/etc" && find . -printf "%p %y %m %U:%G %l\\n" | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum', 'sh', root], { encoding: 'utf8' });
  return { packages, etc };
}
const osId = (h: string) => /^ID="?([^"\n]+)/m.exec(readFileSync(join(rootOf(h), 'etc/os-release'), 'utf8'))?.[1];
const packagesOf = (h: string) => execFileSync('rpm', [`--root=${rootOf(h)}`, '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
const cli = (args: string[], timeoutMs = 600_000) => runCli(args, { env, timeoutMs });
function out<T>(r: { code: number | null; stdout: string; stderr: string }): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    throw new Error(`the CLI printed no JSON (exit ${r.code}; ${(e as Error).message}): ${r.stderr.slice(-2000)} ${r.stdout.slice(0, 300)} … ${r.stdout.slice(-300)}`);
  }
}
const runArgs = () => ['--to', 'anolis7', '--repo', targetRepo, '--repo', 'updates=none', '--no-gpgcheck', '--yes', '--json'];

async function runsOfJob(job: string): Promise<RunView[]> {
  return (await api<RunView[]>(server, token, 'GET', `/migrate/runs?job=${job}`)).body;
}
async function waitJob(id: string, timeoutMs = 600_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const j = await api<{ status: string }>(server, token, 'GET', `/jobs/${id}`);
    if (!['queued', 'running', 'interrupted'].includes(j.body.status)) return j.body.status;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`job ${id} did not finish`);
}

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the lab needs root (CI runs as root)');
  const base = await ensureBaseRootfs();
  repos = await buildLabRepos(join(tmpdir(), 'osdeck-lab-repos'));
  const lab = await labUp({ dir: labDir, hosts: N, rootfs: { base } });
  mirror = await startLabMirror(repos.dir);
  targetRepo = `os=${mirror.url}/anolis/7.9/os/x86_64/`;
  for (let i = 0; i < N; i += 5) await Promise.all(names.slice(i, i + 5).map((h) => installSourceOs(rootOf(h), { el: 7, mirror })));
  server = await startServer();
  ({ token, env } = await bootstrap(server));
  const key = readFileSync(lab.privateKeyPath, 'utf8');
  for (const h of lab.hosts) {
    const r = await api(server, token, 'POST', '/hosts', { name: h.name, ssh: `${h.user}@${h.address}:${h.port}`, privateKey: key, groups: ['lab'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});

after(async () => {
  await server?.stop();
  await mirror?.close();
  await labDown({ dir: labDir }).catch(() => {});
  rmSync(labDir, { recursive: true, force: true });
});

test('a batch of 20 with 2 failing scriptlets: 18 migrated, 2 rolled back to exactly what they were', async () => {
  for (const h of ['lab-4', 'lab-7']) {
    mkdirSync(join(rootOf(h), 'etc/osdeck-lab'), { recursive: true });
    writeFileSync(join(rootOf(h), LAB_FAIL_SCRIPTLET_FLAG), 'fail\n');
  }
  const beforeStates = Object.fromEntries(names.map((h) => [h, state(h)]));
  const r = await cli(['migrate', 'run', 'group:lab', ...runArgs(), '--concurrency', '10', '--canary', '1', '--wave-size', '10']);
  const runs = out<RunView[]>(r);
  assert.equal(runs.length, 20, r.stderr);
  const byState = (s: string) => runs.filter((x) => x.state === s).map((x) => x.host).sort();
  assert.deepEqual(byState('rolled-back'), ['lab-4', 'lab-7'], JSON.stringify(runs.filter((x) => x.state !== 'done')));
  assert.equal(byState('done').length, 18);
  assert.equal(runs.find((x) => x.host === 'lab-1')!.wave, 0, 'lab-1 is the canary');
  for (const x of runs.filter((y) => y.state === 'rolled-back')) {
    assert.match(x.message ?? '', /sync failed.*restored from the backup/);
    assert.deepEqual(state(x.host), beforeStates[x.host], `${x.host} is back to its package set and /etc`);
  }
  for (const x of runs.filter((y) => y.state === 'done')) {
    assert.equal(osId(x.host), 'anolis', x.host);
    for (const p of packagesOf(x.host)) assert.match(p, /\.an7\.(x86_64|noarch)$/, `${x.host}: ${p} comes from the target`);
  }
  // the clean host's evidence: result, before/after diff, comparison report
  const one = runs.find((x) => x.host === 'lab-1')!;
  const detail = await api<{ result: { checked: boolean; notFromTarget: string[]; fromTarget: number; total: number } }>(server, token, 'GET', `/migrate/runs/${one.id}`);
  assert.equal(detail.body.result.checked, true);
  assert.deepEqual(detail.body.result.notFromTarget, []);
  const diff = await api<{ evidence: { diffs: Array<{ category: string; added: string[]; removed: string[] }> } }>(server, token, 'GET', `/migrate/runs/${one.id}/diff`);
  assert.equal(diff.status, 200);
  assert.ok(diff.body.evidence.diffs.find((d) => d.category === 'packages')!.added.some((x) => x.startsWith('anolis-release')));
  const compare = await api<{ kind?: string; title?: string }>(server, token, 'GET', `/migrate/runs/${one.id}/compare`);
  assert.equal(compare.status, 200, JSON.stringify(compare.body));

  // on-demand rollback of the 18 after the point of no return: every host identical to before
  const done = runs.filter((x) => x.state === 'done').map((x) => x.id);
  const rb = await cli(['migrate', 'rollback', ...done, '--yes']);
  assert.equal(rb.code, 0, rb.stdout + rb.stderr);
  for (const h of names) assert.deepEqual(state(h), beforeStates[h], `${h} rolled back`);
});

test('with a failure-rate threshold the batch stops after the failing canary wave', async () => {
  for (const h of ['lab-4', 'lab-7']) rmSync(join(rootOf(h), LAB_FAIL_SCRIPTLET_FLAG), { force: true });
  // hosts are taken in name order: lab-1 and lab-10 are the canary wave
  for (const h of ['lab-1', 'lab-10']) {
    mkdirSync(join(rootOf(h), 'etc/osdeck-lab'), { recursive: true });
    writeFileSync(join(rootOf(h), LAB_FAIL_SCRIPTLET_FLAG), 'fail\n');
  }
  const beforeStates = Object.fromEntries(names.map((h) => [h, state(h)]));
  const r = await cli(['migrate', 'run', 'group:lab', ...runArgs(), '--concurrency', '10', '--canary', '2', '--wave-size', '9', '--max-failure-rate', '0.25']);
  const runs = out<RunView[]>(r);
  assert.deepEqual(runs.filter((x) => x.state === 'rolled-back').map((x) => x.host).sort(), ['lab-1', 'lab-10']);
  const skipped = runs.filter((x) => x.state === 'skipped');
  assert.equal(skipped.length, 18, JSON.stringify(runs.map((x) => [x.host, x.state])));
  // the batch stops as soon as the canary failure rate is above the threshold
  assert.match(skipped[0]!.message ?? '', /wave 1 not started: [12] of [12] host\(s\) in earlier waves failed \(100% > 25%\)/);
  for (const h of names) assert.deepEqual(state(h), beforeStates[h], `${h} untouched or rolled back`);
  for (const h of ['lab-1', 'lab-10']) rmSync(join(rootOf(h), LAB_FAIL_SCRIPTLET_FLAG));
});

test('faults: repository gone mid-transaction and /var full roll back exactly; a killed SSH connection resumes to success', async () => {
  // repository gone while the packages download (before the point of no return)
  const h1 = 'lab-2';
  const b1 = state(h1);
  // nothing cached from earlier runs: the packages must come from the mirror
  rmSync(join(rootOf(h1), 'var/cache/dnf'), { recursive: true, force: true });
  mirror.setFault({ kind: 'gone', prefix: '/anolis/', afterRpms: 2 });
  const gone = await cli(['migrate', 'run', h1, ...runArgs()]);
  mirror.setFault(null);
  const [g] = out<RunView[]>(gone);
  assert.equal(g!.state, 'rolled-back', gone.stdout);
  assert.equal(g!.ponr, false);
  assert.deepEqual(state(h1), b1, 'repository gone: package set and /etc as before');

  // /var full: the download cache fills up; the test transaction fails, the changes are undone
  const h2 = 'lab-3';
  const b2 = state(h2);
  const paused = await cli(['migrate', 'run', h2, ...runArgs(), '--stop-after', 'release']);
  const [p] = out<RunView[]>(paused);
  assert.equal(p!.state, 'paused', paused.stdout);
  assert.equal(osId(h2), 'anolis', 'the release package was swapped before the pause');
  const pid = readFileSync(join(labDir, 'hosts', h2, 'root', 'run', 'sshd.pid'), 'utf8').trim();
  execFileSync('nsenter', ['-t', pid, '-m', '-r', 'sh', '-c', 'rm -rf /var/cache/dnf/* && mount -t tmpfs -o size=64k osdeck-full /var/cache/dnf']);
  const resumed = await cli(['migrate', 'resume', p!.id, '--json']);
  execFileSync('nsenter', ['-t', pid, '-m', '-r', 'umount', '/var/cache/dnf']);
  const full = out<RunView>(resumed);
  assert.equal(full.state, 'rolled-back', resumed.stdout);
  assert.match(full.message ?? '', /test failed/);
  assert.deepEqual(state(h2), b2, '/var full: package set and /etc as before');

  // SSH connections killed while the agent works: the run carries on and the server reconnects
  const h3 = 'lab-5';
  const job = await api<{ id: string }>(server, token, 'POST', '/migrate/run', { selector: h3, path: 'anolis7', repos: { os: `${mirror.url}/anolis/7.9/os/x86_64/`, updates: 'none' }, gpgcheck: false });
  assert.equal(job.status, 202);
  const sshdPid = readFileSync(join(labDir, 'hosts', h3, 'root', 'run', 'sshd.pid'), 'utf8').trim();
  let killed = 0;
  for (let i = 0; i < 60 && killed < 3; i++) {
    const [run] = await runsOfJob(job.body.id);
    if (run && run.state === 'migrating') {
      // every sshd session process under the host's listener (not the listener itself)
      const children = execFileSync('sh', ['-c', `pgrep -P ${sshdPid} || true`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const c of children) execFileSync('kill', ['-9', c]);
      if (children.length) killed++;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(killed > 0, 'SSH sessions were killed while the run was migrating');
  assert.equal(await waitJob(job.body.id), 'succeeded');
  const [ok] = await runsOfJob(job.body.id);
  assert.equal(ok!.state, 'done', JSON.stringify(ok));
  assert.equal(osId(h3), 'anolis');
});

test('assessment of a planted host reports each planted problem with its severity, nothing else; JSON, HTML and XLSX', async () => {
  const h = 'lab-20';
  const root = rootOf(h);
  // planted: a package missing in the target, a downgrade, third-party packages and a kmod, a
  // duplicate, a PAM module the target lacks, an unreachable enabled repository, a leapp report
  const acme = join(repos.dir, 'acme/el7');
  for (const f of [await labRpmPath(repos, 'centos/7/os/x86_64', 'lab-legacy'), await labRpmPath(repos, 'centos/7/os/x86_64', 'lab-newer'), join(acme, readdirRpm(acme, 'acme-agent')), join(acme, readdirRpm(acme, 'kmod-acme')), await labRpmPath(repos, 'centos/7/os/x86_64', 'lab-dup', '1.1')]) {
    execFileSync('rpm', [`--root=${root}`, '-i', '--nodeps', f], { stdio: 'pipe' });
  }
  mkdirSync(join(root, 'etc/pam.d'), { recursive: true });
  writeFileSync(join(root, 'etc/pam.d/smartcard-auth'), 'auth sufficient pam_pkcs11.so nodebug\n');
  writeFileSync(join(root, 'etc/yum.repos.d/broken.repo'), '[broken]\nname=gone vendor\nbaseurl=http://198.18.0.1:9/nothing/\ngpgcheck=0\n');
  mkdirSync(join(root, 'var/log/leapp'), { recursive: true });
  writeFileSync(join(root, 'var/log/leapp/leapp-report.json'), JSON.stringify({ leapp_run_id: 'x', entries: [
    { title: 'Missing required answers in the answer file', summary: 'remove_pam_pkcs11_module_check.confirm', severity: 'high', groups: ['inhibitor'], key: 'k1', detail: { remediations: [{ type: 'command', context: ['leapp', 'answer', '--section', 'remove_pam_pkcs11_module_check.confirm=True'] }] } },
    { title: 'SElinux relabeling will be scheduled', summary: 'relabel', severity: 'low', groups: ['selinux'], key: 'k2' },
  ] }));

  const r = await cli(['migrate', 'assess', `${h},lab-6`, '--to', 'anolis7', '--repo', targetRepo, '--repo', 'updates=none', '--no-gpgcheck', '--json', '--xlsx', join(labDir, 'a.xlsx'), '--html', join(labDir, 'a.html')]);
  const reports = out<Array<{ evidence: { host: string; readiness: string; findings: Array<{ key: string; severity: string; title: string; related?: string[] }> } }>>(r);
  const planted = reports.find((x) => x.evidence.host === h)!.evidence;
  const got = planted.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.key}`).sort();
  assert.deepEqual(got, [
    'high kernel-modules:kmods',
    'high packages:missing',
    'high repositories:unreachable',
    'high rpmdb:duplicates',
    'inhibitor leapp:k1',
    'low leapp:k2',
    'medium packages:downgrade',
    'medium packages:third-party',
    'medium system-config:pam',
  ]);
  const f = (k: string) => planted.findings.find((x) => x.key === k)!;
  assert.deepEqual(f('packages:missing').related?.map((x) => x.split('-')[0]), ['lab']);
  assert.match(f('packages:missing').title, /1 package/);
  assert.match(JSON.stringify(f('packages:third-party')), /acme-agent.*kmod-acme|kmod-acme.*acme-agent/);
  assert.match(JSON.stringify(f('repositories:unreachable')), /broken/);
  assert.equal(planted.readiness, 'blocked');
  const clean = reports.find((x) => x.evidence.host === 'lab-6')!.evidence;
  assert.deepEqual(clean.findings.filter((x) => x.severity !== 'info'), [], 'a clean host: nothing spurious');
  assert.equal(clean.readiness, 'ready');
  assert.match(readFileSync(join(labDir, `a-${h}.html`), 'utf8'), /lab-legacy/);
  assert.doesNotMatch(readFileSync(join(labDir, 'a-lab-6.html'), 'utf8'), /lab-legacy/);
  assert.equal(readFileSync(join(labDir, `a-${h}.xlsx`)).subarray(0, 2).toString(), 'PK');

  // the inhibitor blocks a run; nothing changes
  const b = state(h);
  const blocked = await cli(['migrate', 'run', h, ...runArgs()]);
  const [run] = out<RunView[]>(blocked);
  assert.equal(run!.state, 'blocked');
  assert.match(run!.message ?? '', /leapp:k1/);
  assert.deepEqual(state(h), b);
});

function readdirRpm(dir: string, name: string): string {
  const f = execFileSync('sh', ['-c', 'ls "$1" | grep "^$2-[0-9]" | head -n 1', 'sh', dir, name], { encoding: 'utf8' }).trim();
  assert.ok(f, `${name} in ${dir}`);
  return f;
}
