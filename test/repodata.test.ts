import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fetchRepoIndex, probeRepo, RepodataError, type RepoIndex, type RepoPackage } from '../src/infra/migration/repodata';

// Real repositories: RPMs built with rpmbuild, indexed with createrepo_c, served over node:http.
const have = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const tools = have('rpmbuild') && have('createrepo_c') && have('rpm');

const SPECS: Record<string, string> = {
  alpha: `Name: alpha
Epoch: 2
Version: 1.2.3
Release: 4.el8
Summary: Alpha & friends <test>
License: MIT
Vendor: Rocky Enterprise Software Foundation
Provides: alpha-compat = 1.0
Provides: webserver
Obsoletes: oldalpha < 1.0-2
Obsoletes: mid-alpha <= 1:3.0
Obsoletes: ancient-alpha
%description
Alpha.
%install
mkdir -p %{buildroot}/usr/share/alpha %{buildroot}/lib/modules/5.4.0-test/extra
echo hi > %{buildroot}/usr/share/alpha/readme
echo ko > %{buildroot}/lib/modules/5.4.0-test/extra/alpha.ko
%files
/usr/share/alpha/readme
/lib/modules/5.4.0-test/extra/alpha.ko
`,
  beta: `Name: beta
Version: 0.9~rc1
Release: 1.an8
Summary: Beta
License: MIT
BuildArch: noarch
%description
Beta.
%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\\n' > %{buildroot}/usr/bin/beta
%files
%attr(0755,root,root) /usr/bin/beta
`,
  'kmod-gamma': `Name: kmod-gamma
Version: 10
Release: 1.el8_5
Summary: Gamma driver
License: GPLv2
Vendor: AlmaLinux
Obsoletes: gamma-kmod
%description
Gamma.
%install
mkdir -p %{buildroot}/lib/modules/4.18.0-348.el8.x86_64/extra/gamma %{buildroot}/etc/depmod.d
echo ko > %{buildroot}/lib/modules/4.18.0-348.el8.x86_64/extra/gamma/gamma.ko
echo 'override gamma * extra/gamma' > %{buildroot}/etc/depmod.d/gamma.conf
%files
%dir /lib/modules/4.18.0-348.el8.x86_64/extra/gamma
/lib/modules/4.18.0-348.el8.x86_64/extra/gamma/gamma.ko
%config(noreplace) /etc/depmod.d/gamma.conf
`,
  delta: `Name: delta
Version: 1.0^git20230101.abc
Release: 2.el9
Summary: Delta (Δ)
License: MIT
BuildArch: noarch
%description
Delta.
%install
mkdir -p %{buildroot}/usr/share/delta
echo d > %{buildroot}/usr/share/delta/data
%files
/usr/share/delta/data
`,
};

const sha = (algo: string, data: Buffer | string) => createHash(algo).update(data).digest('hex');

/** A repository written by hand: primary (and filelists) as given, checksums made to match. */
function handRepo(dir: string, files: { primary?: Buffer; filelists?: Buffer; ext?: string; checksum?: string; rootTag?: string }) {
  mkdirSync(join(dir, 'repodata'), { recursive: true });
  const algo = files.checksum ?? 'sha256';
  const data = (['primary', 'filelists'] as const)
    .filter((t) => files[t])
    .map((t) => {
      const body = files[t]!;
      const sum = sha(algo === 'sha' ? 'sha1' : algo, body);
      const href = `repodata/${sum}-${t}.xml${files.ext ?? '.gz'}`;
      writeFileSync(join(dir, href), body);
      return `  <data type="${t}">\n    <checksum type="${algo}">${sum}</checksum>\n    <location href="${href}"/>\n    <size>${body.length}</size>\n  </data>\n`;
    });
  const root = files.rootTag ?? 'repomd';
  writeFileSync(
    join(dir, 'repodata', 'repomd.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n  <revision>hand-1</revision>\n${data.join('')}</${root}>\n`,
  );
}

async function rejects(p: Promise<unknown>, code: RepodataError['code'], re?: RegExp): Promise<RepodataError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RepodataError, `expected a RepodataError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return e;
  }
  assert.fail(`expected ${code}, it resolved`);
}

const byName = (idx: RepoIndex) => [...idx.packages].sort((a, b) => a.name.localeCompare(b.name));

describe('repodata', () => {
  test('the tools are installed (scripts/test-deps.sh installs them)', () => {
    assert.ok(tools, 'rpmbuild, createrepo_c and rpm are needed (Debian: rpm, createrepo-c)');
  });
  let root: string;
  let repo: string;
  let server: Server;
  let http: string;
  const hits = new Map<string, number>();
  const auths: string[] = [];
  const count = (suffix: string) => [...hits].filter(([p]) => p.endsWith(suffix)).reduce((n, [, c]) => n + c, 0);

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'osdeck-repodata-'));
    const top = join(root, 'rpmbuild');
    repo = join(root, 'repo');
    mkdirSync(join(repo, 'Packages'), { recursive: true });
    for (const [name, spec] of Object.entries(SPECS)) {
      const file = join(root, `${name}.spec`);
      writeFileSync(file, `%global debug_package %{nil}\n${spec}`);
      execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', `_tmppath ${root}/tmp`, '--define', '__os_install_post %{nil}', file], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    }
    for (const arch of readdirSync(join(top, 'RPMS'))) {
      for (const f of readdirSync(join(top, 'RPMS', arch))) cpSync(join(top, 'RPMS', arch, f), join(repo, 'Packages', f));
    }
    execFileSync('createrepo_c', ['--no-database', repo], { stdio: 'ignore' });
    for (const kind of ['xz', 'bz2']) {
      cpSync(join(repo, 'Packages'), join(root, `repo-${kind}`, 'Packages'), { recursive: true });
      execFileSync('createrepo_c', ['--no-database', `--general-compress-type=${kind}`, join(root, `repo-${kind}`)], { stdio: 'ignore' });
    }

    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (req.headers.authorization) auths.push(`${path} ${req.headers.authorization}`);
      if (path.startsWith('/hang/')) return; // accepts, never answers
      if (path.startsWith('/drip/')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.write('<?xml version="1.0"?>\n<repomd>'); // then nothing more
        return;
      }
      if (path.includes('..')) {
        res.writeHead(400).end();
        return;
      }
      try {
        const body = readFileSync(join(root, path));
        res.writeHead(200, { 'content-length': body.length }).end(body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    http = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('an absolute path: every field, checked against rpm -qp', async () => {
    const idx = await fetchRepoIndex(repo);
    assert.equal(idx.baseUrl, repo);
    assert.equal(idx.revision, /<revision>(.*)<\/revision>/.exec(readFileSync(join(repo, 'repodata', 'repomd.xml'), 'utf8'))![1]);
    assert.ok(idx.fetchedAt && !Number.isNaN(Date.parse(idx.fetchedAt)));
    const pkgs = byName(idx);
    assert.deepEqual(pkgs.map((p) => p.name), ['alpha', 'beta', 'delta', 'kmod-gamma']);
    const [alpha, beta, delta, gamma] = pkgs as [RepoPackage, RepoPackage, RepoPackage, RepoPackage];
    assert.deepEqual(alpha, {
      name: 'alpha',
      epoch: 2,
      version: '1.2.3',
      release: '4.el8',
      arch: 'x86_64',
      vendor: 'Rocky Enterprise Software Foundation',
      sourcerpm: 'alpha-1.2.3-4.el8.src.rpm',
      provides: ['alpha', 'alpha(x86-64)', 'alpha-compat', 'webserver'],
      obsoletes: [
        { name: 'ancient-alpha' },
        { name: 'mid-alpha', flags: 'LE', evr: { epoch: 1, version: '3.0', release: '' } },
        { name: 'oldalpha', flags: 'LT', evr: { epoch: 0, version: '1.0', release: '2' } },
      ],
      location: 'Packages/alpha-1.2.3-4.el8.x86_64.rpm',
    });
    assert.equal('files' in alpha, false);
    assert.equal(beta.version, '0.9~rc1');
    assert.equal(beta.arch, 'noarch');
    assert.equal(beta.vendor, undefined);
    assert.deepEqual(beta.obsoletes, []);
    assert.equal(delta.version, '1.0^git20230101.abc');
    assert.equal(gamma.vendor, 'AlmaLinux');
    assert.deepEqual(gamma.obsoletes, [{ name: 'gamma-kmod' }]);

    // The same facts, as rpm itself reads them from each package file.
    for (const p of pkgs) {
      const file = join(repo, p.location);
      const q = (fmt: string) => execFileSync('rpm', ['-qp', '--nosignature', '--qf', fmt, file]).toString();
      const [name, epoch, version, release, arch, vendor, srpm] = q('%{NAME}|%{EPOCHNUM}|%{VERSION}|%{RELEASE}|%{ARCH}|%{VENDOR}|%{SOURCERPM}').split('|');
      assert.deepEqual(
        { name: p.name, epoch: p.epoch, version: p.version, release: p.release, arch: p.arch, vendor: p.vendor ?? '(none)', sourcerpm: p.sourcerpm },
        { name, epoch: Number(epoch), version, release, arch, vendor, sourcerpm: srpm },
      );
      const provides = q('[%{PROVIDENAME}\n]').trim().split('\n').sort();
      assert.deepEqual([...p.provides].sort(), provides);
      const obsoletes = q('[%{OBSOLETENAME} %{OBSOLETEFLAGS:deptype}\n]').trim().split('\n').filter(Boolean).map((l) => l.split(' ')[0]).sort();
      assert.deepEqual(p.obsoletes.map((o) => o.name).sort(), obsoletes);
    }
  });

  test('a file:// URL and an http:// URL read the same packages', async () => {
    const local = byName(await fetchRepoIndex(repo));
    const viaFile = await fetchRepoIndex(pathToFileURL(repo).href + '/');
    assert.deepEqual(byName(viaFile), local);
    const viaHttp = await fetchRepoIndex(`${http}/repo/`);
    assert.equal(viaHttp.baseUrl, `${http}/repo`);
    assert.deepEqual(byName(viaHttp), local);
    assert.ok(count('-primary.xml.gz') >= 1);
    assert.equal(count('-filelists.xml.gz'), 0); // only fetched when keepFiles asks
  });

  test('keepFiles keeps only /lib/modules paths, from filelists, joined by pkgid', async () => {
    const asked = new Set<string>();
    const keep = (pkg: string, path: string) => {
      asked.add(pkg);
      return path.startsWith('/lib/modules/');
    };
    for (const base of [repo, `${http}/repo`]) {
      const [alpha, beta, delta, gamma] = byName(await fetchRepoIndex(base, { keepFiles: keep }));
      assert.deepEqual(alpha!.files, ['/lib/modules/5.4.0-test/extra/alpha.ko']);
      assert.deepEqual(beta!.files, []);
      assert.deepEqual(delta!.files, []);
      assert.deepEqual([...gamma!.files!].sort(), [
        '/lib/modules/4.18.0-348.el8.x86_64/extra/gamma',
        '/lib/modules/4.18.0-348.el8.x86_64/extra/gamma/gamma.ko',
      ]);
    }
    assert.deepEqual([...asked].sort(), ['alpha', 'beta', 'delta', 'kmod-gamma']);
  });

  test('cacheDir: an unchanged repomd.xml means no second download; a changed one refreshes and prunes', async () => {
    const cached = join(root, 'cached');
    cpSync(repo, cached, { recursive: true });
    const cacheDir = join(root, 'cache');
    const base = `${http}/cached`;
    const keepFiles = (_: string, p: string) => p.startsWith('/lib/modules/');
    const first = await fetchRepoIndex(base, { cacheDir, keepFiles });
    assert.equal(count('/cached/repodata/repomd.xml'), 1);
    const primaryHits = () => [...hits].filter(([p]) => p.startsWith('/cached/') && p.endsWith('-primary.xml.gz')).reduce((n, [, c]) => n + c, 0);
    const filelistHits = () => [...hits].filter(([p]) => p.startsWith('/cached/') && p.endsWith('-filelists.xml.gz')).reduce((n, [, c]) => n + c, 0);
    assert.equal(primaryHits(), 1);
    assert.equal(filelistHits(), 1);
    const second = await fetchRepoIndex(base, { cacheDir, keepFiles });
    assert.equal(count('/cached/repodata/repomd.xml'), 2);
    assert.equal(primaryHits(), 1);
    assert.equal(filelistHits(), 1);
    assert.deepEqual(second.packages, first.packages);

    // A new package: createrepo_c writes new metadata; the next call downloads it and drops the old files.
    cpSync(join(repo, 'Packages'), join(cached, 'Packages'), { recursive: true });
    rmSync(join(cached, 'Packages', readdirSync(join(cached, 'Packages')).find((f) => f.startsWith('beta'))!));
    execFileSync('createrepo_c', ['--no-database', cached], { stdio: 'ignore' });
    const third = await fetchRepoIndex(base, { cacheDir, keepFiles });
    assert.deepEqual(third.packages.map((p) => p.name).sort(), ['alpha', 'delta', 'kmod-gamma']);
    assert.equal(primaryHits(), 2);
    const [sub] = readdirSync(cacheDir);
    const kept = readdirSync(join(cacheDir, sub!)).sort();
    assert.equal(kept.length, 3, kept.join(' ')); // source.txt + the current primary and filelists
    const now = readFileSync(join(cached, 'repodata', 'repomd.xml'), 'utf8');
    for (const f of kept.filter((f) => f !== 'source.txt')) assert.ok(now.includes(f.replace(/^sha256-/, '').slice(0, 64)), f);
  });

  test('a corrupted primary.xml.gz is REPO_CHECKSUM (local and http)', async () => {
    const bad = join(root, 'corrupt');
    cpSync(repo, bad, { recursive: true });
    const file = join(bad, 'repodata', readdirSync(join(bad, 'repodata')).find((f) => f.endsWith('-primary.xml.gz'))!);
    const body = readFileSync(file);
    body[Math.floor(body.length / 2)]! ^= 0xff;
    writeFileSync(file, body);
    await rejects(fetchRepoIndex(bad), 'REPO_CHECKSUM', /primary\.xml\.gz: sha256 is [0-9a-f]{64}, repomd\.xml says/);
    await rejects(fetchRepoIndex(`${http}/corrupt`), 'REPO_CHECKSUM');
    // Truncated too (a download cut short by a proxy):
    writeFileSync(file, body.subarray(0, 100));
    await rejects(fetchRepoIndex(`${http}/corrupt`), 'REPO_CHECKSUM');
  });

  test('404, a closed port, a server that never answers: REPO_UNREACHABLE, quickly', async () => {
    const e404 = await rejects(fetchRepoIndex(`${http}/nope`), 'REPO_UNREACHABLE', /HTTP 404/);
    assert.equal(e404.url, `${http}/nope/repodata/repomd.xml`);
    await rejects(fetchRepoIndex(join(root, 'nope')), 'REPO_UNREACHABLE', /ENOENT/);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    let t0 = performance.now();
    await rejects(fetchRepoIndex(`http://127.0.0.1:${port}/repo`), 'REPO_UNREACHABLE', /ECONNREFUSED/);
    assert.ok(performance.now() - t0 < 2000);

    t0 = performance.now();
    await rejects(fetchRepoIndex(`${http}/hang/repo`, { timeoutMs: 300 }), 'REPO_UNREACHABLE', /timed out after 0\.3s/);
    const drip = await probeRepo(`${http}/drip/repo`, { timeoutMs: 300 }); // headers, then a body that stalls
    assert.deepEqual(drip.ok ? drip : drip.code, 'REPO_UNREACHABLE');
    assert.match(drip.ok ? '' : drip.error, /drip\/repo\/repodata\/repomd\.xml: timed out after 0\.3s/);
    assert.ok(performance.now() - t0 < 3000);

    // The caller's signal: its reason comes back as it is, at once.
    const ac = new AbortController();
    t0 = performance.now();
    const p = fetchRepoIndex(`${http}/hang/repo`);
    setTimeout(() => ac.abort(new Error('user cancelled')), 50);
    await assert.rejects(fetchRepoIndex(`${http}/hang/repo`, { signal: ac.signal }), /user cancelled/);
    assert.ok(performance.now() - t0 < 2000);
    server.closeAllConnections(); // lets the un-signalled request above fail instead of waiting 60 s
    await p.catch(() => {});
  });

  test('xz and bzip2 metadata are read with the xz/bzip2 programs; without them, REPO_UNSUPPORTED names the compression', async (t) => {
    const expected = byName(await fetchRepoIndex(repo, { keepFiles: () => true }));
    for (const kind of ['xz', 'bz2']) {
      const tool = kind === 'xz' ? 'xz' : 'bzip2';
      if (!have(tool)) {
        await rejects(fetchRepoIndex(join(root, `repo-${kind}`)), 'REPO_UNSUPPORTED', new RegExp(tool));
        t.diagnostic(`${tool} is not installed: only the refusal was checked`);
        continue;
      }
      assert.deepEqual(byName(await fetchRepoIndex(join(root, `repo-${kind}`), { keepFiles: () => true })), expected);
      assert.deepEqual(byName(await fetchRepoIndex(`${http}/repo-${kind}`)), byName(await fetchRepoIndex(repo)));
    }
    const path = process.env.PATH;
    const empty = mkdtempSync(join(root, 'nopath-'));
    process.env.PATH = empty;
    try {
      await rejects(fetchRepoIndex(join(root, 'repo-xz')), 'REPO_UNSUPPORTED', /primary is xz-compressed.*'xz' program is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });

  test('zstd (hand-made, as Fedora ships it) is read when Node or the zstd program can', async () => {
    assert.ok(have('zstd'), 'zstd is needed (scripts/test-deps.sh installs it)');
    const dir = join(root, 'repo-zst');
    const xml = execFileSync('gzip', ['-dc', join(repo, 'repodata', readdirSync(join(repo, 'repodata')).find((f) => f.endsWith('-primary.xml.gz'))!)]);
    handRepo(dir, { primary: execFileSync('zstd', ['-c', '-q'], { input: xml }), ext: '.zst' });
    assert.deepEqual(byName(await fetchRepoIndex(dir)), byName(await fetchRepoIndex(repo)));
  });

  test('bad metadata is REPO_BAD_METADATA; bad base URLs are REPO_UNSUPPORTED', async () => {
    const d = (n: string) => join(root, 'bad', n);
    const pkg = (name: string) =>
      `<package type="rpm"><name>${name}</name><arch>noarch</arch><version epoch="0" ver="1" rel="1"/><checksum type="sha256" pkgid="YES">${sha('sha256', name)}</checksum><location href="${name}.rpm"/><format/></package>`;
    const meta = (body: string, n = 1) => `<?xml version="1.0"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" packages="${n}">${body}</metadata>\n`;

    mkdirSync(join(d('html'), 'repodata'), { recursive: true });
    writeFileSync(join(d('html'), 'repodata', 'repomd.xml'), '<!DOCTYPE html><html><body>mirror moved</body></html>');
    await rejects(fetchRepoIndex(d('html')), 'REPO_BAD_METADATA', /not a repomd\.xml/);
    mkdirSync(join(d('garbage'), 'repodata'), { recursive: true });
    writeFileSync(join(d('garbage'), 'repodata', 'repomd.xml'), 'HTTP/1.1 200 OK but not xml');
    await rejects(fetchRepoIndex(d('garbage')), 'REPO_BAD_METADATA', /not well-formed/);

    handRepo(d('noprimary'), {});
    await rejects(fetchRepoIndex(d('noprimary')), 'REPO_BAD_METADATA', /no primary/);
    assert.deepEqual(await probeRepo(d('noprimary')).then((r) => r.ok || r.code), 'REPO_BAD_METADATA');

    handRepo(d('malformed'), { primary: gzipSync(meta(pkg('a')).replace('</name>', '</nam>')) });
    await rejects(fetchRepoIndex(d('malformed')), 'REPO_BAD_METADATA', /not well-formed XML/);
    handRepo(d('truncated'), { primary: gzipSync(meta(pkg('a')).slice(0, 200)) });
    await rejects(fetchRepoIndex(d('truncated')), 'REPO_BAD_METADATA', /not well-formed XML/);
    handRepo(d('badgzip'), { primary: Buffer.concat([gzipSync(meta(pkg('a'))).subarray(0, 30), Buffer.alloc(50, 7)]) });
    await rejects(fetchRepoIndex(d('badgzip')), 'REPO_BAD_METADATA', /does not decompress/);
    handRepo(d('count'), { primary: gzipSync(meta(pkg('a') + pkg('b'), 3)) });
    await rejects(fetchRepoIndex(d('count')), 'REPO_BAD_METADATA', /packages="3"> but 2 packages/);
    handRepo(d('noname'), { primary: gzipSync(meta(pkg('a').replace('<name>a</name>', ''))) });
    await rejects(fetchRepoIndex(d('noname')), 'REPO_BAD_METADATA', /lacks a name/);
    handRepo(d('wrongroot'), { primary: gzipSync('<filelists packages="0"></filelists>') });
    await rejects(fetchRepoIndex(d('wrongroot')), 'REPO_BAD_METADATA', /expected <metadata>/);
    handRepo(d('nofilelists'), { primary: gzipSync(meta(pkg('a'))) });
    await rejects(fetchRepoIndex(d('nofilelists'), { keepFiles: () => true }), 'REPO_BAD_METADATA', /no filelists/);
    handRepo(d('lz4'), { primary: Buffer.from([0x04, 0x22, 0x4d, 0x18, 1, 2, 3]), ext: '.lz4' });
    await rejects(fetchRepoIndex(d('lz4')), 'REPO_UNSUPPORTED', /lz4-compressed/);
    handRepo(d('md4'), { primary: gzipSync(meta(pkg('a'))), checksum: 'sha1' });
    writeFileSync(join(d('md4'), 'repodata', 'repomd.xml'), readFileSync(join(d('md4'), 'repodata', 'repomd.xml'), 'utf8').replace('type="sha1"', 'type="md4"'));
    await rejects(fetchRepoIndex(d('md4')), 'REPO_UNSUPPORTED', /checksum type 'md4'/);

    // Old checksum names and plain (uncompressed) XML are fine.
    handRepo(d('sha1'), { primary: Buffer.from(meta(pkg('a'))), ext: '', checksum: 'sha' });
    assert.deepEqual((await fetchRepoIndex(d('sha1'))).packages.map((p) => p.name), ['a']);
    assert.equal((await fetchRepoIndex(d('sha1'))).revision, 'hand-1');

    await rejects(fetchRepoIndex('relative/path'), 'REPO_UNSUPPORTED', /absolute path/);
    await rejects(fetchRepoIndex('ftp://mirror.example/centos'), 'REPO_UNSUPPORTED');
    await rejects(fetchRepoIndex('file://remotehost/repo'), 'REPO_UNSUPPORTED');
    // user:password in the base URL: sent as Basic auth, never shown.
    const e = await rejects(fetchRepoIndex(`http://user:s%40cret@127.0.0.1:${new URL(http).port}/private`), 'REPO_UNREACHABLE', /HTTP 404/);
    assert.doesNotMatch(e.message + e.url, /cret/);
    assert.deepEqual(auths, [`/private/repodata/repomd.xml Basic ${Buffer.from('user:s@cret').toString('base64')}`]);
    cpSync(repo, join(root, 'private'), { recursive: true });
    const cacheDir = join(root, 'private-cache');
    assert.equal((await fetchRepoIndex(`http://user:s%40cret@127.0.0.1:${new URL(http).port}/private`, { cacheDir })).packages.length, 4);
    assert.equal(auths.length, 3); // repomd.xml and primary, both with the header
    const [sub] = readdirSync(cacheDir);
    assert.equal(readFileSync(join(cacheDir, sub!, 'source.txt'), 'utf8'), `http://127.0.0.1:${new URL(http).port}/private\n`);
  });

  test('probeRepo reads repomd.xml only', async () => {
    const before = count('-primary.xml.gz');
    const rev = /<revision>(.*)<\/revision>/.exec(readFileSync(join(repo, 'repodata', 'repomd.xml'), 'utf8'))![1];
    assert.deepEqual(await probeRepo(`${http}/repo`), { ok: true, revision: rev });
    assert.deepEqual(await probeRepo(pathToFileURL(repo).href), { ok: true, revision: rev });
    assert.equal(count('-primary.xml.gz'), before);
    const r = await probeRepo(`${http}/nope`);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /repomd\.xml: HTTP 404/);
  });

  test('streaming: 30 000 packages (primary + filelists, sha512) parse in a few seconds', async (t) => {
    const N = 30_000;
    const prim: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${N}">\n`];
    const fl: string[] = [`<?xml version="1.0" encoding="UTF-8"?>\n<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="${N}">\n`];
    for (let k = 0; k < N; k++) {
      const name = `pkg${k}`;
      const id = sha('sha256', name);
      prim.push(`<package type="rpm">
  <name>${name}</name>
  <arch>${k % 3 ? 'x86_64' : 'noarch'}</arch>
  <version epoch="${k % 7 === 0 ? 1 : 0}" ver="${k % 100}.${k % 13}.0" rel="${k % 50}.el8_${k % 10}"/>
  <checksum type="sha256" pkgid="YES">${id}</checksum>
  <summary>Package number ${k} &amp; its &lt;friends&gt;</summary>
  <description>${'A fairly long description line that makes this entry the size of a real one. '.repeat(6)}</description>
  <packager>Rocky Linux Build System (Peridot) &lt;releng@rockylinux.org&gt;</packager>
  <url>https://example.org/${name}</url>
  <time file="1700000000" build="1690000000"/>
  <size package="${1000 + k}" installed="${4000 + k}" archive="${5000 + k}"/>
  <location href="Packages/${name[3]}/${name}-${k % 100}.${k % 13}.0-${k % 50}.el8_${k % 10}.rpm"/>
  <format>
    <rpm:license>GPLv2+</rpm:license>
    <rpm:vendor>Rocky Enterprise Software Foundation</rpm:vendor>
    <rpm:group>Unspecified</rpm:group>
    <rpm:buildhost>build-${k % 17}.rockylinux.org</rpm:buildhost>
    <rpm:sourcerpm>${name}-src-1.0-1.el8.src.rpm</rpm:sourcerpm>
    <rpm:header-range start="4504" end="${9000 + k}"/>
    <rpm:provides>
      <rpm:entry name="${name}" flags="EQ" epoch="0" ver="1" rel="1"/>
      <rpm:entry name="${name}(x86-64)" flags="EQ" epoch="0" ver="1" rel="1"/>
      <rpm:entry name="lib${name}.so.1()(64bit)"/>
    </rpm:provides>
    <rpm:requires>
      <rpm:entry name="glibc" flags="GE" epoch="0" ver="2.28"/>
      <rpm:entry name="libc.so.6(GLIBC_2.14)(64bit)"/>
      <rpm:entry name="/bin/sh" pre="1"/>
    </rpm:requires>
    ${k % 5 === 0 ? `<rpm:obsoletes><rpm:entry name="old-${name}" flags="LT" epoch="0" ver="2" rel="1"/></rpm:obsoletes>` : ''}
    <file>/usr/bin/${name}</file>
  </format>
</package>
`);
      fl.push(`<package pkgid="${id}" name="${name}" arch="x86_64"><version epoch="0" ver="1" rel="1"/><file>/usr/bin/${name}</file><file>/usr/share/doc/${name}/README</file>${k % 1000 === 0 ? `<file type="dir">/lib/modules/4.18.0-${k}.el8</file><file>/lib/modules/4.18.0-${k}.el8/vmlinuz</file>` : ''}<file>/usr/lib64/lib${name}.so.1</file></package>\n`);
    }
    prim.push('</metadata>\n');
    fl.push('</filelists>\n');
    const primary = gzipSync(prim.join(''));
    const dir = join(root, 'big');
    handRepo(dir, { primary, filelists: gzipSync(fl.join('')), checksum: 'sha512' });

    const t0 = performance.now();
    const idx = await fetchRepoIndex(`${http}/big`, { keepFiles: (_, p) => p.startsWith('/lib/modules/') });
    const ms = performance.now() - t0;
    assert.equal(idx.packages.length, N);
    const p7 = idx.packages[7]!;
    assert.deepEqual(
      { ...p7, provides: p7.provides.length },
      { name: 'pkg7', epoch: 1, version: '7.7.0', release: '7.el8_7', arch: 'x86_64', vendor: 'Rocky Enterprise Software Foundation', sourcerpm: 'pkg7-src-1.0-1.el8.src.rpm', provides: 3, obsoletes: [], files: [], location: 'Packages/7/pkg7-7.7.0-7.el8_7.rpm' },
    );
    assert.deepEqual(idx.packages[5_000]!.obsoletes, [{ name: 'old-pkg5000', flags: 'LT', evr: { epoch: 0, version: '2', release: '1' } }]);
    assert.deepEqual(idx.packages[29_000]!.files, ['/lib/modules/4.18.0-29000.el8', '/lib/modules/4.18.0-29000.el8/vmlinuz']);
    assert.equal(idx.packages.filter((p) => p.files!.length).length, 30);
    const mb = Buffer.byteLength(prim.join('')) / 1e6;
    t.diagnostic(`${N} packages, primary ${mb.toFixed(1)} MB (${(primary.length / 1e6).toFixed(1)} MB gz) + filelists: ${ms.toFixed(0)} ms over http`);
    assert.ok(ms < 8000, `${ms} ms`);
  });
});
