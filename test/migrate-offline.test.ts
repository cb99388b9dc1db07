/**
 * Offline migration: the same engine on a root file system mounted at a path (--root), through
 * the server and the CLI on the built-in `local` host. The root is a real RPM-managed tree (a
 * Debian minimal root with rpm and dnf, "CentOS 7" packages from the lab's repositories installed
 * with dnf --installroot). The test reads the root's state itself (rpm --root, sha256 of /etc),
 * not through osdeck.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type LabMirror, buildLabRepos, ensureBaseRootfs, installSourceOs, startLabMirror } from '../src/infra/lab/rpm-lab';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';

let server: RunningServer;
let env: NodeJS.ProcessEnv;
let token: string;
let mirror: LabMirror;
const work = mkdtempSync(join(tmpdir(), 'osdeck-offline-'));
const root = join(work, 'root');

/** The root's package set and every /etc entry (type, mode, owner, content hash or link target). */
function rootState(): { packages: string; etc: string } {
  const packages = execFileSync('rpm', [`--root=${root}`, '-qa', '--qf', '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\n'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort().join('\n');
  const etc = execFileSync('sh', ['-c', 'cd "$1/etc" && find . -printf "%p %y %m %U:%G %l\\n" | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum', 'sh', root], { encoding: 'utf8' });
  return { packages, etc };
}

const cli = (args: string[], timeoutMs = 300_000) => runCli(args, { env, timeoutMs });

before(async () => {
  assert.equal(process.getuid?.(), 0, 'offline migration of a root needs root (CI runs as root)');
  const base = await ensureBaseRootfs();
  const repos = await buildLabRepos(join(tmpdir(), 'osdeck-lab-repos'));
  mirror = await startLabMirror(repos.dir, { host: '127.0.0.1', port: 0 });
  for (const d of ['upper', 'work', 'root']) mkdirSync(join(work, d));
  execFileSync('mount', ['-t', 'overlay', 'osdeck-offline', '-o', `lowerdir=${base},upperdir=${join(work, 'upper')},workdir=${join(work, 'work')}`, root]);
  await installSourceOs(root, { el: 7, mirror: mirror.hostPort });
  server = await startServer();
  ({ token, env } = await bootstrap(server));
});

after(async () => {
  await server?.stop();
  await mirror?.close();
  try {
    execFileSync('umount', [root]);
  } catch {
    /* not mounted */
  }
  rmSync(work, { recursive: true, force: true });
});

test('an offline root is assessed, migrated, compared and rolled back through the CLI', async () => {
  const targetRepo = `os=${mirror.url}/anolis/7.9/os/x86_64/`;
  const beforeState = rootState();
  assert.match(readFileSync(join(root, 'etc/os-release'), 'utf8'), /ID="centos"/);

  // assessment of the root: nothing above info on a clean root, JSON/HTML/XLSX
  const a = await cli(['migrate', 'assess', 'local', '--to', 'anolis7', '--root', root, '--repo', targetRepo, '--repo', 'updates=none', '--no-gpgcheck', '--json']);
  assert.equal(a.code, 0, a.stderr + a.stdout);
  const reports = JSON.parse(a.stdout) as Array<{ evidence: { readiness: string; findings: Array<{ severity: string; key: string; title: string }>; mode: string } }>;
  assert.equal(reports.length, 1);
  const ev = reports[0]!.evidence;
  assert.equal(ev.mode, 'offline');
  const problems = ev.findings.filter((f) => f.severity !== 'info');
  assert.deepEqual(problems, [], `a clean root has no problems: ${JSON.stringify(problems)}`);
  assert.equal(ev.readiness, 'ready');
  assert.ok(ev.findings.some((f) => f.key === 'packages:replaced'), 'lab-ntp → lab-chrony is reported as a rename');

  // migration (the agent runs detached on "local", on the root at the path)
  const run = await cli(['migrate', 'run', 'local', '--to', 'anolis7', '--root', root, '--repo', targetRepo, '--repo', 'updates=none', '--no-gpgcheck', '--yes', '--json']);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const [r] = JSON.parse(run.stdout) as Array<{ id: string; state: string; root: string; backupId: string }>;
  assert.equal(r!.state, 'done', run.stdout);
  assert.equal(r!.root, root);
  assert.match(readFileSync(join(root, 'etc/os-release'), 'utf8'), /ID="anolis"/);
  const after = execFileSync('rpm', [`--root=${root}`, '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  assert.ok(after.length >= 5);
  for (const p of after) assert.match(p, /\.an7\.(x86_64|noarch)$/, `every package comes from the target: ${p}`);
  assert.ok(after.includes('lab-chrony-4.2-1.an7.x86_64'), 'the renamed package replaced the old one');

  const detail = await api<{ result: { checked: boolean; fromTarget: number; total: number; notFromTarget: string[] } }>(server, token, 'GET', `/migrate/runs/${r!.id}`);
  assert.equal(detail.body.result.checked, true);
  assert.deepEqual(detail.body.result.notFromTarget, []);
  assert.equal(detail.body.result.fromTarget, detail.body.result.total);

  // before/after diff
  const diff = await api<{ kind: string; evidence: { diffs: Array<{ category: string; added: string[]; removed: string[]; changed: unknown[] }> } }>(server, token, 'GET', `/migrate/runs/${r!.id}/diff`);
  assert.equal(diff.status, 200);
  const pk = diff.body.evidence.diffs.find((d) => d.category === 'packages')!;
  assert.ok(pk.added.some((x) => x.startsWith('lab-chrony.x86_64')) && pk.removed.some((x) => x.startsWith('lab-ntp.x86_64')), JSON.stringify(pk));
  const html = await cli(['migrate', 'diff', r!.id, '--html', join(work, 'diff.html')]);
  assert.equal(html.code, 0, html.stderr);
  assert.match(readFileSync(join(work, 'diff.html'), 'utf8'), /lab-chrony/);

  // on-demand rollback from the verified backup: package set and /etc identical to before
  const rb = await cli(['migrate', 'rollback', r!.id, '--yes']);
  assert.equal(rb.code, 0, rb.stderr + rb.stdout);
  const back = rootState();
  assert.equal(back.packages, beforeState.packages);
  assert.equal(back.etc, beforeState.etc);
  const status = await api<{ state: string }>(server, token, 'GET', `/migrate/runs/${r!.id}`);
  assert.equal(status.body.state, 'rolled-back');
});

test('bad input to migrate gets clear errors and changes nothing', async () => {
  const before = rootState();
  const unknown = await cli(['migrate', 'assess', 'local', '--to', 'nowhere9']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /no migration path "nowhere9"; known: .*anolis7/);
  const badRoot = await cli(['migrate', 'run', 'local', '--to', 'anolis7', '--root', 'relative/dir', '--yes']);
  assert.notEqual(badRoot.code, 0);
  assert.match(badRoot.stderr, /--root must be an absolute path/);
  const badRepo = await cli(['migrate', 'assess', 'local', '--to', 'anolis7', '--repo', 'nosuch=http://x/']);
  assert.match(badRepo.stderr, /has no repository nosuch/);
  const badPkg = await cli(['migrate', 'run', 'local', '--to', 'anolis7', '--root', root, '--remove', 'x;rm -rf /', '--yes']);
  assert.match(badPkg.stderr, /is not a package name/);
  assert.deepEqual(rootState(), before);
});
