import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { assess } from '../../src/domain/migration/assessment';
import { failingRepoIds } from '../../src/domain/migration/checks/repositories';
import { parseMigrationFacts, parseRepoFile } from '../../src/domain/migration/facts';
import type { CheckContext, TargetPackage } from '../../src/domain/migration/findings';
import { importLeappReport } from '../../src/domain/migration/leapp';
import { planPackages, stripDist } from '../../src/domain/migration/package-plan';
import { type MigrationPath, renderRepoFile, resolveTargetRepos, validatePath } from '../../src/domain/migration/path';
import { diffSnapshots, parseSnapshot } from '../../src/domain/migration/snapshot';
import { planWaves, waveVerdict } from '../../src/domain/migration/waves';

const PATHS = join(import.meta.dirname, '..', '..', 'src', 'migration-paths');
function path(id: string): MigrationPath {
  const r = validatePath(parse(readFileSync(join(PATHS, `${id}.yaml`), 'utf8')), id);
  assert.ok('path' in r, JSON.stringify(r));
  return r.path;
}

test('every built-in path file is valid, and a broken one lists each problem', () => {
  for (const f of readdirSync(PATHS)) {
    const r = validatePath(parse(readFileSync(join(PATHS, f), 'utf8')), f);
    assert.ok('path' in r, `${f}: ${JSON.stringify(r)}`);
  }
  const r = validatePath({ id: 'Bad Id', method: 'leapp', source: {}, target: { repos: [{ id: 'x', name: 'x', baseurl: 'ftp://x' }, { id: 'x', name: 'y', baseurl: '/a' }] }, kernel: { default: 'zz', choices: {} }, minimums: {} }, 'bad.yaml');
  assert.ok('problems' in r);
  const text = r.problems.join('\n');
  for (const want of [/bad\.yaml\.id/, /only distro-sync/, /baseurl: must start with/, /repository id x appears twice/, /kernel\.default: zz is not one of the choices/, /minimums\.bootMiB/]) assert.match(text, want);
});

test('target repositories: mirror, per-repo overrides, kernel repo, gpg and hostile URLs', () => {
  const p = path('anolis7');
  const repos = resolveTargetRepos(p, { mirror: 'http://mirror.example/anolis/' });
  assert.equal(repos[0]!.baseurl, 'http://mirror.example/anolis/7.9/os/$basearch/os/');
  assert.equal(repos[0]!.gpgkey, 'http://mirror.example/anolis/RPM-GPG-KEY-ANOLIS');
  assert.equal(resolveTargetRepos(p, { repoUrls: { os: '/srv/os' } })[0]!.baseurl, '/srv/os');
  assert.ok(resolveTargetRepos(p, { kernel: 'anck' }).some((r) => r.id === 'Plus'));
  assert.throws(() => resolveTargetRepos(p, { repoUrls: { nope: 'http://x/' } }), /has no repository nope/);
  assert.throws(() => resolveTargetRepos(p, { mirror: 'http://x/ y' }), /must be an http/);
  assert.throws(() => resolveTargetRepos(p, { repoUrls: { os: "http://x/'$(id)'" } }), /must be an http/);
  assert.throws(() => resolveTargetRepos(p, { kernel: 'rt' }), /unknown kernel choice/);
  assert.deepEqual(resolveTargetRepos(p, { repoUrls: { updates: 'none' } }).map((r) => r.id), ['os']);
  assert.throws(() => resolveTargetRepos(p, { repoUrls: { os: 'none' } }), /os is required/);
  const file = renderRepoFile(p, resolveTargetRepos(p, { repoUrls: { os: '/srv/os' } }));
  assert.match(file, /\[osdeck-os\]\nname=Anolis OS 7.9 - os\nbaseurl=file:\/\/\/srv\/os\nenabled=1\ngpgcheck=1\ngpgkey=https:\/\/mirrors/);
  assert.match(renderRepoFile(p, resolveTargetRepos(p, {}), false), /gpgcheck=0/);
});

test('packages are resolved against target metadata: same, upgrade, downgrade, replaced, missing, third-party', () => {
  const p = path('anolis7');
  const t = (name: string, version: string, release: string, extra: Partial<TargetPackage> = {}): TargetPackage => ({ name, epoch: 0, version, release, arch: 'x86_64', provides: [], obsoletes: [], ...extra });
  const target = { repos: [], packages: [t('bash', '4.2.46', '35.an7'), t('glibc', '2.17', '326.an7'), t('openssl', '1.0.2k', '19.an7'), t('chrony', '4.2', '1.an7', { obsoletes: [{ name: 'ntp', flags: 'LT', evr: { epoch: 0, version: '4.3', release: '' } }] })] };
  const inst = (name: string, version: string, release: string, vendor = 'CentOS') => ({ name, epoch: 0, version, release, arch: 'x86_64', vendor, signed: true });
  const plan = planPackages([inst('bash', '4.2.46', '34.el7'), inst('glibc', '2.17', '326.el7_9'), inst('openssl', '1.1.1', '1.el7'), inst('ntp', '4.2.6p5', '29.el7.centos'), inst('legacy-tool', '1', '1.el7'), inst('mongodb-org', '4.4', '1.el7', 'MongoDB'), inst('centos-release', '7', '9.2009.1.el7.centos'), inst('gpg-pubkey', 'f4a80eb5', '53a7ff4b')], p, target);
  assert.deepEqual(plan.map((v) => [v.pkg.name, v.fate]), [['bash', 'upgrade'], ['glibc', 'same'], ['openssl', 'downgrade'], ['ntp', 'replaced'], ['legacy-tool', 'missing'], ['mongodb-org', 'third-party'], ['centos-release', 'release'], ['gpg-pubkey', 'ignored']]);
  assert.equal(stripDist('326.el7_9'), '326');
  assert.equal(stripDist('3.module_el8.5.0+1+ab'), '3');
  assert.equal(stripDist('27.an7'), '27');
});

test('probe output: facts parse, hostile text never throws', () => {
  const m = 'MARK1234';
  const raw = [
    `@@osdeck ${m} mode`, 'online', `@@osdeck ${m} os`, 'ID="centos"', 'VERSION_ID="7"', 'PRETTY_NAME="CentOS Linux 7 (Core)"',
    `@@osdeck ${m} uid`, '0', `@@osdeck ${m} pm`, 'yum', `@@osdeck ${m} release`, 'centos-release|7|9.2009.1.el7.centos',
    `@@osdeck ${m} packages`, 'bash|0|4.2.46|34.el7|x86_64|CentOS|RSA/SHA256, key ID 24c6a8a7f4a80eb5', 'junk line', 'x|y', 'mongodb|0|4.4|1|x86_64|(none)|(none)',
    `@@osdeck ${m} rpmdb`, 'exit 0', `@@osdeck ${m} proc-modules`, 'e1000 151552 0 - Live 0x0', 'vboxdrv 1 0 - Live 0x0 (OE)', '$(rm -rf /) 1 2',
    `@@osdeck ${m} df`, '/ 10485760 524288', '/boot 1038336 51200', 'garbage', `@@osdeck ${m} nics`, 'eth0', 'eth1', 'lo',
    `@@osdeck ${m} efi`, 'uefi', 'secureboot 1', `@@osdeck ${m} repofiles`, `/etc/yum.repos.d/a.repo ${Buffer.from('[base]\nname=b\nbaseurl=http://a/\n  http://b/\nenabled=1\n[x]\nenabled=0\n').toString('base64')}`, '/etc/yum.repos.d/bad.repo !!!notbase64',
    `@@osdeck ${m} end`,
  ].join('\n');
  const f = parseMigrationFacts(raw, m);
  assert.equal(f.os.id, 'centos');
  assert.deepEqual(f.packages.map((p) => [p.name, p.vendor, p.signed]), [['bash', 'CentOS', true], ['mongodb', '', false]]);
  assert.deepEqual(f.loadedModules.map((x) => [x.name, x.taint]), [['e1000', ''], ['vboxdrv', 'OE']]);
  assert.deepEqual(f.df, [{ path: '/', sizeKiB: 10485760, availKiB: 524288 }, { path: '/boot', sizeKiB: 1038336, availKiB: 51200 }]);
  assert.deepEqual(f.nics, ['eth0', 'eth1']);
  assert.equal(f.secureBoot, true);
  assert.deepEqual(f.repos.map((r) => [r.id, r.enabled, r.baseurl]), [['base', true, ['http://a/', 'http://b/']], ['x', false, []]]);
  assert.ok(f.notes.some((n) => /bad\.repo/.test(n)));
  assert.deepEqual(parseMigrationFacts('nothing at all', m).packages, []);
  assert.ok(parseMigrationFacts('nothing at all', m).notes.length > 0);
  assert.deepEqual(parseRepoFile('x', '[main]\ngpgcheck=1\n').length, 0);
});

test('checks: disk, kernel modules, NICs, Secure Boot, root, already migrated', () => {
  const p = path('anolis7');
  const m = 'MARK5678';
  const facts = parseMigrationFacts([
    `@@osdeck ${m} mode`, 'online', `@@osdeck ${m} os`, 'ID="centos"', 'VERSION_ID="7"', `@@osdeck ${m} uid`, '1000', `@@osdeck ${m} pm`, 'yum',
    `@@osdeck ${m} packages`, 'kernel|0|3.10.0|1160.el7|x86_64|CentOS|sig', `@@osdeck ${m} rpmdb`, 'exit 0',
    `@@osdeck ${m} proc-modules`, 'e1000 1 0 - Live 0x0', 'floppy 1 0 - Live 0x0', `@@osdeck ${m} running-kernel`, '3.10.0-1160.el7.x86_64',
    `@@osdeck ${m} df`, '/ 10485760 9999999', '/boot 1038336 51200', `@@osdeck ${m} nics`, 'eth0', 'eth1', `@@osdeck ${m} efi`, 'uefi', 'secureboot 1',
    `@@osdeck ${m} bootloader`, '/boot/grub2/grub.cfg', `@@osdeck ${m} memory`, '16000000', `@@osdeck ${m} end`,
  ].join('\n'), m);
  const target = { repos: [{ id: 'os', url: 'http://x/', ok: true, packages: 1 }], packages: [{ name: 'kernel', epoch: 0, version: '3.10.0', release: '1160.an7', arch: 'x86_64', provides: [], obsoletes: [], files: ['/lib/modules/3.10.0-1160.an7.x86_64/kernel/drivers/net/e1000/e1000.ko.xz'] }] };
  const ctx: CheckContext = { facts, path: p, repos: [], target, kernelChoice: 'rhck' };
  const a = assess('h', ctx);
  const keys = a.findings.map((f) => `${f.severity} ${f.key}`);
  for (const want of ['inhibitor path-support:root', 'inhibitor disk-space:/boot', 'high kernel-modules:loaded', 'medium system-config:nic-names', 'high boot:secureboot']) assert.ok(keys.includes(want), `${want} in ${keys.join(', ')}`);
  assert.deepEqual(a.findings.find((f) => f.key === 'kernel-modules:loaded')!.related, ['floppy']);
  assert.equal(a.readiness, 'blocked');
  const done = assess('h', { ...ctx, facts: { ...facts, os: { ...facts.os, id: 'anolis' } } });
  assert.ok(done.findings.some((f) => f.key === 'path-support:already' && f.severity === 'inhibitor'));
});

test('repo errors name the failing repositories (dnf and yum wording)', () => {
  assert.deepEqual(failingRepoIds("Errors during downloading metadata for repository 'acme':\nError: Failed to download metadata for repo 'acme': Cannot download repomd.xml"), ['acme']);
  assert.deepEqual(failingRepoIds('http://x/repodata/repomd.xml: [Errno 14]\nfailure: repodata/repomd.xml from epel: [Errno 256] No more mirrors to try.'), ['epel']);
});

test('leapp-report.json import: inhibitors, severities, remediations; bad JSON is a note', () => {
  const r = importLeappReport(JSON.stringify({ entries: [
    { title: 'A', summary: 's', severity: 'high', groups: ['inhibitor'], key: 'k', detail: { remediations: [{ type: 'hint', context: 'do x' }, { type: 'command', context: ['leapp', 'answer'] }], related_resources: [{ scheme: 'package', title: 'pam_pkcs11' }] } },
    { title: 'B', severity: 'weird', flags: [] }, 'not an object', { summary: 'no title' },
  ] }));
  assert.deepEqual(r.findings.map((f) => [f.severity, f.title, f.source]), [['inhibitor', 'A', 'leapp'], ['info', 'B', 'leapp']]);
  assert.deepEqual(r.findings[0]!.remediation, { hint: 'do x', commands: ['leapp answer'] });
  assert.deepEqual(r.findings[0]!.related, ['package:pam_pkcs11']);
  assert.match(importLeappReport('{oops').error!, /not JSON/);
});

test('waves: canary first, the next wave waits, and a failure rate above the threshold stops the batch', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const w = planWaves(hosts, { canary: 1, size: 3, maxFailureRate: 0.5 });
  assert.deepEqual({ ...w }, { a: 0, b: 1, c: 1, d: 1, e: 2, f: 2, g: 2 });
  assert.deepEqual(planWaves(['a', 'b', 'c'], { canary: 0, size: 2, maxFailureRate: 1 }), { a: 0, b: 0, c: 1 });
  const run = (host: string, state: string) => ({ host, wave: w[host]!, state, terminal: !['queued', 'migrating'].includes(state), ok: state === 'done' });
  assert.equal(waveVerdict(w, 0, [], 0.5, 7).go, true);
  assert.equal(waveVerdict(w, 1, [run('a', 'migrating')], 0.5, 7).go, false);
  assert.equal(waveVerdict(w, 1, [run('a', 'done')], 0.5, 7).go, true);
  const stop = waveVerdict(w, 1, [run('a', 'rolled-back')], 0.5, 7);
  assert.equal(stop.stop, true);
  assert.match(stop.reason, /1 of 1 host\(s\) in earlier waves failed \(100% > 50%\)/);
  // a wave waits for every earlier host, even ones whose run row does not exist yet
  assert.equal(waveVerdict(w, 2, [run('a', 'done'), run('b', 'done'), run('c', 'done')], 0.5, 7).go, false);
  assert.equal(waveVerdict(w, 2, [run('a', 'done'), run('b', 'done'), run('c', 'rolled-back'), run('d', 'done')], 0.5, 7).go, true);
});

test('before/after snapshots diff packages, services, ports, mounts, sysctl and boot entries', () => {
  const m = 'SNAP1234';
  const snap = (os: string, pk: string[], extra: string[]) => parseSnapshot([`@@osdeck ${m} os`, `ID=${os}`, `PRETTY_NAME="${os}"`, `@@osdeck ${m} packages`, ...pk, ...extra, `@@osdeck ${m} end`].join('\n'), m);
  const a = snap('centos', ['bash|0:4.2-1.el7|x86_64|CentOS', 'ntp|0:4.2-1.el7|x86_64|CentOS'], [`@@osdeck ${m} services`, 'sshd.service', 'ntpd.service', `@@osdeck ${m} ports`, 'tcp 0.0.0.0:22', `@@osdeck ${m} sysctl`, 'vm.swappiness = 30']);
  const b = snap('anolis', ['bash|0:4.2-1.an7|x86_64|OpenAnolis Community', 'chrony|0:4.2-1.an7|x86_64|OpenAnolis Community'], [`@@osdeck ${m} services`, 'sshd.service', 'chronyd.service', `@@osdeck ${m} ports`, 'tcp 0.0.0.0:22', `@@osdeck ${m} sysctl`, 'vm.swappiness = 10']);
  const d = Object.fromEntries(diffSnapshots(a, b).map((x) => [x.category, x]));
  assert.deepEqual(d.packages!.changed.map((c) => c.item), ['bash.x86_64']);
  assert.deepEqual(d.packages!.added, ['chrony.x86_64 0:4.2-1.an7 OpenAnolis Community']);
  assert.deepEqual(d.services!.removed, ['ntpd.service']);
  assert.equal(d.ports!.same, 1);
  assert.deepEqual(d.sysctl!.changed, [{ item: 'vm.swappiness', before: '30', after: '10' }]);
});
