/**
 * The RPM migration lab end to end: lab hosts whose root is an RPM-managed chroot (an overlay
 * over the cached Debian base root), synthetic CentOS/Anolis/Acme repositories built with
 * rpmbuild + createrepo_c, served by the lab mirror with fault injection, the source OS installed
 * with dnf --installroot from this machine, and everything checked from inside the hosts over
 * real SSH with the system client. Needs root (fails without it, saying so). The first
 * run on a machine builds the base root (debootstrap, about a minute); later runs reuse it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { labDown, labHostRoot, labStatus, labUp, readLabState, type LabHost, type LabState } from '../src/infra/lab/netns-lab';
import {
  LAB_CLEAN_PACKAGES,
  LAB_FAIL_SCRIPTLET_FLAG,
  LAB_REPO_PATHS,
  buildLabRepos,
  ensureBaseRootfs,
  installSourceOs,
  labRpmPath,
  rpmInstallExtra,
  rpmQueryAll,
  startLabMirror,
  type LabMirror,
} from '../src/infra/lab/rpm-lab';


interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The system ssh client with the lab's key; resolves with the exit code, never rejects. */
function ssh(state: LabState, host: LabHost, command: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      'ssh',
      [
        '-i', state.privateKeyPath,
        '-o', 'StrictHostKeyChecking=no',
        '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'BatchMode=yes',
        '-o', 'LogLevel=ERROR',
        '-o', 'ConnectTimeout=10',
        '-p', String(host.port),
        `${host.user}@${host.address}`,
        command,
      ],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function sshOk(state: LabState, host: LabHost, command: string): Promise<string> {
  const ran = await ssh(state, host, command);
  assert.equal(ran.code, 0, `${host.name}: ${command} exited ${ran.code}: ${ran.stderr}${ran.stdout}`);
  return ran.stdout;
}

const QUERY_ALL = "rpm -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n' | sort";

async function mountsUnder(dir: string): Promise<string[]> {
  const text = await fs.readFile('/proc/self/mounts', 'utf8');
  return text.split('\n').map((line) => line.split(' ')[1] ?? '').filter((mountPoint) => mountPoint.startsWith(`${dir}/`));
}

test('RPM lab: CentOS hosts in chroot roots, repos, mirror faults, a half-done transaction', { timeout: 15 * 60_000 }, async (t) => {
  assert.equal(process.getuid?.(), 0, 'the RPM lab needs root (network namespaces, overlay mounts, debootstrap); CI runs tests as root');
  const timings: string[] = [];
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  const base = await timed('base rootfs (cached after the first build)', () => ensureBaseRootfs());
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'osdeck-rpm-lab-'));
  const labDir = path.join(work, 'lab');
  let mirror: LabMirror | undefined;
  try {
    const repos = await timed('repos', () => buildLabRepos(path.join(work, 'repos')));
    const again = Date.now();
    assert.deepEqual(await buildLabRepos(repos.dir), repos, 'a second build with the same content is a no-op');
    assert.ok(Date.now() - again < 2_000, 'the idempotent build does not run rpmbuild');

    const state = await timed('labUp (2 hosts)', () => labUp({ dir: labDir, hosts: 2, rootfs: { base } }));
    assert.deepEqual(state.rootfs, { base });
    assert.deepEqual(await readLabState(labDir), state);
    const [el7, el8] = state.hosts as [LabHost, LabHost];
    const root7 = labHostRoot(state, el7.name);
    const root8 = labHostRoot(state, el8.name);
    assert.equal(root7, path.join(labDir, 'hosts', 'lab-1', 'root'));
    assert.equal(el7.rootDir, root7);
    for (const status of await labStatus({ dir: labDir })) {
      assert.ok(status.netnsExists && status.sshdRunning && status.reachable, `${status.name} is up: ${JSON.stringify(status)}`);
    }

    mirror = await startLabMirror(repos.dir);
    assert.match(mirror.url, /^http:\/\/198\.18\.0\.1:\d+$/);
    const served = mirror;

    await timed('install EL7 (clean) + EL8 (with extras)', async () => {
      await installSourceOs(root7, { el: 7, mirror: served });
      await installSourceOs(root8, {
        el: 8,
        mirror: served,
        thirdParty: true,
        packages: [...LAB_CLEAN_PACKAGES, 'lab-legacy', 'acme-agent', 'kmod-acme'],
      });
      // the duplicate: a second lab-dup next to 1.0, which dnf would never do
      await rpmInstallExtra(root8, [await labRpmPath(repos, LAB_REPO_PATHS.centos[8], 'lab-dup', '1.1')]);
    });
    assert.ok(served.requests >= 15, `the mirror served the packages (${served.requests} .rpm GETs)`);

    const expected7 = [
      'centos-release-7.9.2009-1.el7.centos.noarch',
      'kernel-3.10.0-1160.el7.x86_64',
      'lab-base-1.0-1.el7.x86_64',
      'lab-dup-1.0-1.el7.x86_64',
      'lab-ntp-4.2-1.el7.x86_64',
      'lab-scriptlet-1.0-1.el7.x86_64',
    ];
    const expected8 = [
      'acme-agent-3.1-1.noarch',
      'centos-release-8.5.2111-1.el8.centos.noarch',
      'kernel-4.18.0-348.el8.x86_64',
      'kmod-acme-1.0-1.el8.x86_64',
      'lab-base-1.0-1.el8.x86_64',
      'lab-dup-1.0-1.el8.x86_64',
      'lab-dup-1.1-1.el8.x86_64',
      'lab-legacy-1.0-1.el8.x86_64',
      'lab-ntp-4.2-1.el8.x86_64',
      'lab-scriptlet-1.0-1.el8.x86_64',
    ];
    assert.deepEqual(await rpmQueryAll(root7), expected7, 'rpm --root from the machine');

    await t.test('inside the hosts: CentOS, its rpm database, its repo files', async () => {
      assert.equal((await sshOk(state, el7, 'hostname')).trim(), 'lab-1');
      assert.equal((await sshOk(state, el7, '. /etc/os-release; echo "$ID $VERSION_ID $PRETTY_NAME"')).trim(), 'centos 7 CentOS Linux 7 (Core)');
      assert.equal((await sshOk(state, el8, '. /etc/os-release; echo "$ID $VERSION_ID $PRETTY_NAME"')).trim(), 'centos 8 CentOS Linux 8');
      assert.equal((await sshOk(state, el7, 'cat /etc/redhat-release')).trim(), 'CentOS Linux release 7.9.2009 (Core)');
      assert.deepEqual((await sshOk(state, el7, QUERY_ALL)).trim().split('\n'), expected7);
      assert.deepEqual((await sshOk(state, el8, QUERY_ALL)).trim().split('\n'), expected8);
      assert.equal((await sshOk(state, el8, "rpm -q --qf '%{VENDOR}' acme-agent")).trim(), 'Acme Corp');
      assert.equal((await sshOk(state, el7, "rpm -q --qf '%{VENDOR}' lab-base")).trim(), 'CentOS');
      for (const host of [el7, el8]) {
        for (const command of ['dnf -q repolist', 'yum -q repolist']) {
          assert.match(await sshOk(state, host, command), /^base\s+CentOS-[78] - Base$/m, `${host.name}: ${command}`);
        }
      }
      // The config sshd runs is the root's own.
      assert.match(await sshOk(state, el7, 'cat /etc/ssh/sshd_config'), /^ListenAddress 198\.18\.0\.2$/m);
    });

    await t.test('mirror fault `gone`: dnf fails while it lasts, works once cleared', async () => {
      served.setFault({ kind: 'gone' });
      const gone = await ssh(state, el7, 'dnf --refresh makecache');
      assert.notEqual(gone.code, 0, `makecache must fail on a gone repo: ${gone.stdout}${gone.stderr}`);
      assert.match(gone.stderr + gone.stdout, /404|Cannot download repomd\.xml/);
      served.setFault(null);
      await sshOk(state, el7, 'dnf --refresh makecache');

      // afterRpms: the first package still comes, then the repo is gone mid-download.
      const before = served.requests;
      served.setFault({ kind: 'gone', prefix: `/${LAB_REPO_PATHS.centos[7]}/`, afterRpms: 1 });
      const half = await ssh(state, el7, 'dnf -y install lab-legacy lab-newer');
      served.setFault(null);
      assert.notEqual(half.code, 0, `install must fail when the repo goes away: ${half.stdout}${half.stderr}`);
      assert.equal(served.requests - before, 1, 'exactly one package was served before the repo went away');
      assert.deepEqual((await sshOk(state, el7, QUERY_ALL)).trim().split('\n'), expected7, 'nothing was installed');
    });

    let backgroundPid = 0;
    await t.test('a background job outlives its SSH session', async () => {
      backgroundPid = Number((await sshOk(state, el8, 'setsid nohup sleep 900 >/dev/null 2>&1 </dev/null & echo $!')).trim());
      assert.ok(backgroundPid > 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await fs.readlink(`/proc/${backgroundPid}/root`), root8, 'still running, chrooted into lab-2');
    });

    await t.test('the failing %pre leaves a half-done distro-sync (exit 1, mixed package set)', async () => {
      await fs.mkdir(path.join(root7, path.dirname(LAB_FAIL_SCRIPTLET_FLAG)), { recursive: true });
      await fs.writeFile(path.join(root7, LAB_FAIL_SCRIPTLET_FLAG), '');
      const anolis = `http://${served.hostPort}/${LAB_REPO_PATHS.anolis[7]}/`;
      const sync = await ssh(
        state,
        el7,
        `dnf -y --disablerepo='*' --repofrompath=anolis,${anolis} --setopt=anolis.gpgcheck=0 distro-sync`,
      );
      assert.equal(sync.code, 1, `distro-sync exits 1: ${sync.stdout}${sync.stderr}`);
      assert.match(sync.stdout + sync.stderr, /Error in PREIN scriptlet in rpm package lab-scriptlet/);
      assert.deepEqual((await sshOk(state, el7, QUERY_ALL)).trim().split('\n'), [
        'centos-release-7.9.2009-1.el7.centos.noarch',
        'kernel-3.10.0-1160.el7.x86_64',
        'kernel-4.19.91-27.an7.x86_64',
        'lab-base-1.0-1.an7.x86_64',
        'lab-chrony-4.2-1.an7.x86_64',
        'lab-dup-1.1-1.an7.x86_64',
        'lab-scriptlet-1.0-1.el7.x86_64',
      ]);
    });

    await mirror.close();
    mirror = undefined;
    const down = await labDown({ dir: labDir });
    assert.equal(down.removedNetns, 2);
    assert.ok(down.killedSshd >= 3, `killed both sshds and the background job: ${down.killedSshd}`);
    assert.deepEqual(await mountsUnder(labDir), [], 'the host roots are unmounted');
    assert.equal(await fs.readlink(`/proc/${backgroundPid}/root`).catch(() => 'gone'), 'gone', 'labDown killed the background job');
    t.diagnostic(`timings: ${timings.join(', ')}`);
  } finally {
    await mirror?.close();
    await labDown({ dir: labDir }).catch(() => {});
    if ((await mountsUnder(labDir)).length === 0) await fs.rm(work, { recursive: true, force: true });
  }
});
