/**
 * The tuning domain, pure: config editors, sysctl precedence, profiles, the planner and the host
 * transaction script (run for real with sh on files in a temp dir). The facts fixture is this
 * Debian 12 machine's real probe output (test/fixtures/tune/debian12-probe.txt, mark fixturemark0001).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unifiedDiff } from '../../src/domain/text-diff';
import { checkAll, invertPlan, planFixes, planMismatches, renderPlan, type TunePlan } from '../../src/domain/tuning/engine';
import { parseTuneFacts } from '../../src/domain/tuning/facts';
import { BUILTIN_PROFILES, type Profile, profileFromDocument, resolveProfile, selectRules } from '../../src/domain/tuning/profiles';
import { RULES } from '../../src/domain/tuning/registry';
import { sshdPortsInFile, sshdSet, sshdSetPorts } from '../../src/domain/tuning/sshd-config';
import { OSDECK_SYSCTL_FILE, persistSysctl, sysctlFiles, sysctlPersisted } from '../../src/domain/tuning/sysctl-conf';
import type { FileFact, TuneContext, TuneFacts } from '../../src/domain/tuning/tuning';
import { parseTransactionOutput, transactionScript } from '../../src/infra/tuning/tune-transaction';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'tune');
const real = (): TuneFacts => parseTuneFacts(readFileSync(join(FIX, 'debian12-probe.txt'), 'utf8'), 'fixturemark0001', JSON.parse(readFileSync(join(FIX, 'debian12-globs.json'), 'utf8')) as string[]);
const ctx: TuneContext = { host: 'h', address: '192.0.2.10', user: 'root', authType: 'key', port: 22 };

function file(path: string, content: string | null, extra: Partial<FileFact> = {}): FileFact {
  return { path, exists: content !== null, realPath: path, mode: '644', uid: 0, gid: 0, size: content?.length ?? 0, content, ...extra };
}

function facts(over: Partial<TuneFacts> & { fileList?: FileFact[] } = {}): TuneFacts {
  const f: TuneFacts = {
    os: { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'], versionId: '8.9', family: 'el', major: 8, pretty: 'Rocky Linux 8.9' },
    kernel: '4.18.0-513.el8.x86_64', uid: 0, systemd: true, files: new Map(), globs: new Map(), sysctl: new Map(), commands: new Map(), services: new Map(), ...over,
  };
  for (const x of over.fileList ?? []) f.files.set(x.path, x);
  return f;
}

test('the real Debian 12 probe output parses: OS, files with modes, globs, sysctls, commands', () => {
  const f = real();
  assert.equal(f.os.family, 'debian');
  assert.equal(f.os.major, 12);
  assert.equal(f.uid, 0);
  const sshd = f.files.get('/etc/ssh/sshd_config')!;
  assert.ok(sshd.exists && sshd.content!.includes('Include /etc/ssh/sshd_config.d/*.conf'));
  assert.equal(f.files.get('/etc/rc.local')?.exists, false);
  assert.ok(f.globs.get('/usr/lib/sysctl.d/*.conf')!.includes('/usr/lib/sysctl.d/50-pid-max.conf'));
  assert.match(f.sysctl.get('net.ipv4.ip_local_port_range') ?? '', /^\d+\s+\d+$/);
  assert.equal(f.sysctl.get('net.ipv4.tcp_tw_recycle'), null, 'removed in 4.12');
  assert.equal(f.commands.get('sshd-config')!.exit, 0);
  assert.equal(f.values?.get('/proc/sys/kernel/pid_max'), f.sysctl.get('kernel.pid_max'));
});

test('a forged section header in a file cannot add a section', () => {
  const raw = readFileSync(join(FIX, 'debian12-probe.txt'), 'utf8').replace('@@osdeck fixturemark0001 uid\n0', '@@osdeck fixturemark0001 uid\n0\n@@osdeck othermark sysctl:kernel.pid_max\n=1');
  assert.notEqual(parseTuneFacts(raw, 'fixturemark0001', []).sysctl.get('kernel.pid_max'), '1');
  assert.throws(() => parseTuneFacts('garbage', 'fixturemark0001', []), /not recognized/);
});

test('sshd_config: the line in effect is replaced; a new one goes above Include and Match', () => {
  const el9 = '# header\nInclude /etc/ssh/sshd_config.d/*.conf\n\nUseDNS yes\nMatch User backup\n  UseDNS yes\n';
  const out = sshdSet(el9, 'UseDNS', 'no');
  assert.equal(out, '# header\nUseDNS no\nInclude /etc/ssh/sshd_config.d/*.conf\n\nUseDNS yes\nMatch User backup\n  UseDNS yes\n');
  const plain = 'Port 22\n#UseDNS yes\nUseDNS yes\nX11Forwarding no\n';
  assert.equal(sshdSet(plain, 'usedns', 'no'), 'Port 22\n#UseDNS yes\nusedns no\nX11Forwarding no\n');
  assert.deepEqual(sshdPortsInFile('Port 22\nPort 2222\nMatch all\nPort 9\n'), [22, 2222]);
  assert.equal(sshdSetPorts('A 1\nPort 22\nB 2\nPort 23\n', [2222, 22]), 'A 1\nPort 2222\nPort 22\nB 2\n');
  assert.equal(sshdSetPorts('A 1\n', [2222]), 'A 1\nPort 2222\n');
});

test('sysctl precedence: /etc/sysctl.d hides /usr/lib of the same name, sysctl.conf comes last, the last assignment wins', () => {
  const f = facts({
    fileList: [
      file('/usr/lib/sysctl.d/50-pid-max.conf', 'kernel.pid_max = 4194304\n'),
      file('/etc/sysctl.d/50-pid-max.conf', '# local\nkernel.pid_max = 65536\n'),
      file('/etc/sysctl.d/60-net.conf', 'net/ipv4/tcp_tw_reuse=0\n'),
      file('/etc/sysctl.conf', 'net.ipv4.tcp_tw_reuse = 2\n'),
    ],
    globs: new Map([['/etc/sysctl.d/*.conf', ['/etc/sysctl.d/50-pid-max.conf', '/etc/sysctl.d/60-net.conf']], ['/usr/lib/sysctl.d/*.conf', ['/usr/lib/sysctl.d/50-pid-max.conf']]]),
  });
  assert.deepEqual(sysctlFiles(f), ['/etc/sysctl.d/50-pid-max.conf', '/etc/sysctl.d/60-net.conf', '/etc/sysctl.conf']);
  assert.deepEqual(sysctlPersisted(f, 'kernel.pid_max'), { path: '/etc/sysctl.d/50-pid-max.conf', line: 1, value: '65536' });
  assert.equal(sysctlPersisted(f, 'net.ipv4.tcp_tw_reuse')!.path, '/etc/sysctl.conf');
  // the line in effect is edited where it is, not shadowed from another file
  assert.deepEqual(persistSysctl(f, 'net.ipv4.tcp_tw_reuse', '1', 'r'), [{ kind: 'file', path: '/etc/sysctl.conf', content: 'net.ipv4.tcp_tw_reuse = 1\n' }]);
  const fresh = persistSysctl(f, 'net.core.somaxconn', '4096', 'somaxconn');
  assert.equal(fresh[0]!.kind === 'file' && fresh[0]!.path, OSDECK_SYSCTL_FILE);
  // a vendor file sorting after osdeck's and setting the key: refused, with where
  const vendor = facts({ fileList: [file('/usr/lib/sysctl.d/99-zzzz.conf', 'net.core.somaxconn = 128\n')], globs: new Map([['/usr/lib/sysctl.d/*.conf', ['/usr/lib/sysctl.d/99-zzzz.conf']]]) });
  assert.throws(() => persistSysctl(vendor, 'net.core.somaxconn', '4096', 'somaxconn'), /99-zzzz\.conf sets net\.core\.somaxconn/);
});

test('unified diff', () => {
  assert.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'f'), '--- f\n+++ f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  assert.equal(unifiedDiff(null, 'x\n', 'f'), '--- /dev/null\n+++ f\n@@ -0,0 +1,1 @@\n+x\n');
  assert.equal(unifiedDiff('same\n', 'same\n', 'f'), '');
});

test('profiles: YAML documents are checked completely; inheritance merges parameters; cycles and unknown parents are refused', () => {
  assert.throws(() => profileFromDocument({ name: 'x', rules: ['ssh-usedns', 'nope'] }), /rules\[1\]: no rule named "nope"/);
  assert.throws(() => profileFromDocument({ name: 'x', rules: [{ id: 'nofile-limit', params: { nofile: 'many' } }] }), /nofile must be an integer/);
  assert.throws(() => profileFromDocument({ name: 'x', rules: [], colour: 'red' }), /unknown key "colour"/);
  assert.throws(() => profileFromDocument({ name: 'baseline', rules: [] }), /built-in/);
  assert.throws(() => profileFromDocument({ name: 'Bad Name', rules: [] }), /name:/);
  const mine = profileFromDocument({ name: 'mine', extends: 'web-server', rules: [{ id: 'nofile-limit', params: { nofile: 500000 } }, 'pid-max'] });
  const all = new Map<string, Profile>([...BUILTIN_PROFILES, mine].map((p) => [p.name, p]));
  const sel = resolveProfile('mine', (n) => all.get(n));
  const ids = sel.map((s) => s.rule.id);
  assert.ok(ids.includes('ssh-usedns') && ids.includes('somaxconn') && ids.includes('pid-max'));
  assert.equal(ids.filter((i) => i === 'nofile-limit').length, 1);
  assert.equal(sel.find((s) => s.rule.id === 'nofile-limit')!.params.nofile, 500000);
  assert.equal(resolveProfile('hardening', (n) => all.get(n)).find((s) => s.rule.id === 'selinux')!.params.mode, 'enforcing');
  const orphan = profileFromDocument({ name: 'orphan', extends: 'gone', rules: [] });
  assert.throws(() => resolveProfile('orphan', (n) => (n === 'orphan' ? orphan : undefined)), /extends gone, which does not exist/);
  const a = { ...profileFromDocument({ name: 'a', extends: 'b', rules: [] }) };
  const b = { ...profileFromDocument({ name: 'b', extends: 'a', rules: [] }) };
  assert.throws(() => resolveProfile('a', (n) => (n === 'a' ? a : n === 'b' ? b : undefined)), /extends itself/);
  assert.throws(() => selectRules(['ssh-port'], {}), /port is required/);
});

test('every rule is a complete module: id, rationale, remediation, and it answers on the real facts without throwing', () => {
  const f = real();
  const ids = new Set<string>();
  for (const r of RULES) {
    assert.ok(!ids.has(r.id), `duplicate ${r.id}`);
    ids.add(r.id);
    assert.ok(r.rationale.length > 60 && r.remediation.length > 10, r.id);
  }
  const params = { 'ssh-port': { port: 2222 } };
  const results = checkAll(selectRules([...ids], {}, params), f, ctx);
  assert.equal(results.filter((r) => r.status === 'error').length, 0, JSON.stringify(results.filter((r) => r.status === 'error')));
  const byId = Object.fromEntries(results.map((r) => [r.rule, r]));
  assert.equal(byId['memcg-kmem']!.status, 'n/a');
  assert.equal(byId['selinux']!.status, 'n/a');
  assert.equal(byId['tcp-tw-recycle']!.status, 'pass');
  assert.match(byId['tcp-tw-recycle']!.current, /removed from this kernel/);
  assert.equal(byId['ssh-port']!.status, 'fail');
});

test('a plan composes rules on the same file, proves itself, and inverts exactly', () => {
  const f = real();
  const sel = selectRules(['ssh-usedns', 'ssh-gssapi', 'ssh-password-auth', 'nofile-limit', 'tcp-tw-reuse', 'ip-local-port-range'], {});
  const { plan } = planFixes(sel, f, ctx);
  const sshd = plan.files.find((op) => op.path === '/etc/ssh/sshd_config')!;
  assert.match(sshd.after.content!, /^PasswordAuthentication no$/m);
  assert.equal(sshd.before.content, f.files.get('/etc/ssh/sshd_config')!.content);
  assert.ok(plan.sshd.reload);
  const sysctlFile = plan.files.find((op) => op.path === OSDECK_SYSCTL_FILE)!;
  assert.match(sysctlFile.after.content!, /net\.ipv4\.tcp_tw_reuse = 1[\s\S]*net\.ipv4\.ip_local_port_range = 10240 65535/);
  assert.equal(sysctlFile.before.exists, false);
  assert.match(renderPlan(plan), /^\+PasswordAuthentication no$/m);
  const back = invertPlan(invertPlan(plan));
  assert.deepEqual(back.files, plan.files);
  assert.deepEqual(back.values, plan.values);
  // verifying: the host as it is now does not match the plan's after state, and does match the inverse
  const now = real();
  now.values = new Map(plan.values.map((v) => [v.path, v.before]));
  assert.ok(planMismatches(plan, now).length > 0);
  assert.deepEqual(planMismatches(invertPlan(plan), now), []);
});

test('lock-out and staged rules: root login "no" while osdeck is root, keys-only while osdeck uses a password, SELinux from disabled', () => {
  const f = real();
  const root = planFixes(selectRules(['ssh-root-login'], {}, { 'ssh-root-login': { value: 'no' } }), f, ctx);
  assert.equal(root.plan.files.length, 0);
  assert.match(root.results[0]!.detail!, /lock it out/);
  const pw = planFixes(selectRules(['ssh-password-auth'], {}), f, { ...ctx, authType: 'password' });
  assert.equal(pw.plan.files.length, 0);
  const el = facts({ fileList: [file('/etc/selinux/config', 'SELINUX=disabled\nSELINUXTYPE=targeted\n'), file('/.autorelabel', null)], commands: new Map([['getenforce', { exit: 0, out: 'Disabled\n' }]]) });
  const base = planFixes(selectRules(['selinux'], {}), el, ctx);
  assert.deepEqual(base.plan.files.map((op) => [op.path, op.after.content]), [['/etc/selinux/config', 'SELINUX=permissive\nSELINUXTYPE=targeted\n'], ['/.autorelabel', '']]);
  assert.deepEqual(base.plan.needsReboot, ['selinux']);
  const strict = planFixes(selectRules(['selinux'], {}, { selinux: { mode: 'enforcing' } }), el, ctx);
  assert.equal(strict.plan.files.length, 0);
  assert.match(strict.results[0]!.detail!, /permissive first/);
});

test('container hosts: unlimited container cgroups are found, a pod limit covers its containers; EL7 kmem', () => {
  const out = ['/sys/fs/cgroup/pids/docker/abc max 12', '/sys/fs/cgroup/pids/kubepods/burstable/pod1 1024 40', '/sys/fs/cgroup/pids/kubepods/burstable/pod1/ctr1 max 20', '/sys/fs/cgroup/pids/docker/def 2048 3'].join('\n');
  const f = facts({ commands: new Map([['container-cgroups', { exit: 0, out }]]) });
  const { plan, results } = planFixes(selectRules(['container-pids-limit'], {}), f, ctx);
  assert.match(results[0]!.current, /1 of 4 container cgroups unlimited: pids\/docker\/abc \(12 tasks\)/);
  assert.deepEqual(plan.values.map((v) => [v.path, v.before, v.after]), [['/sys/fs/cgroup/pids/docker/abc/pids.max', 'max', '4096']]);
  const el7 = facts({ os: { id: 'centos', idLike: ['rhel'], versionId: '7', family: 'el', major: 7, pretty: 'CentOS Linux 7' }, kernel: '3.10.0-1160.el7.x86_64', commands: new Map([['cmdline', { exit: 0, out: 'ro root=/dev/vda1\n' }]]) });
  const kmem = checkAll(selectRules(['memcg-kmem'], {}), el7, ctx)[0]!;
  assert.equal(kmem.status, 'fail');
  assert.equal(kmem.fixable, false);
  assert.equal(checkAll(selectRules(['memcg-kmem'], {}), facts(), ctx)[0]!.status, 'n/a');
});

test('kernel log: two /proc/kmsg readers, or one in a container, fail', () => {
  const out = 'host pid:[4026531836]\n612 pid:[4026531836] rsyslogd /proc/kmsg\n9001 pid:[4026532999] rsyslogd /proc/kmsg\n1 pid:[4026531836] systemd-journal /dev/kmsg\n';
  const r = checkAll(selectRules(['kernel-log-owner'], {}), facts({ commands: new Map([['kmsg-readers', { exit: 0, out }]]) }), ctx)[0]!;
  assert.equal(r.status, 'fail');
  assert.match(r.current, /rsyslogd\[9001\] in a container reads \/proc\/kmsg/);
});

test('the host transaction applies all-or-nothing, for real, with sh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-tx-'));
  const a = join(dir, 'a.conf');
  const v = join(dir, 'value');
  writeFileSync(a, 'old a\n');
  chmodSync(a, 0o640);
  writeFileSync(v, '2\n');
  const plan: TunePlan = {
    files: [
      { path: a, names: [a], before: { exists: true, content: 'old a\n', mode: '640', uid: 0, gid: 0 }, after: { exists: true, content: 'new a ✓\n', mode: '640', uid: 0, gid: 0 } },
      { path: join(dir, 'b.conf'), names: [], before: { exists: false, content: null, mode: '644', uid: 0, gid: 0 }, after: { exists: true, content: 'b\n', mode: '644', uid: 0, gid: 0 } },
    ],
    values: [{ path: v, label: 'v', before: '2', after: '1' }],
    modes: [], services: [], rules: [], sshd: { reload: false, portsBefore: [22], portsAfter: [22] }, needsReboot: [],
  };
  const run = (p: TunePlan, id: string) => parseTransactionOutput(spawnSync('sh', ['-c', transactionScript(p, { backupDir: join(dir, 'backup', id), reloadSshd: false })], { encoding: 'utf8' }).stdout);
  assert.deepEqual(run(plan, '1'), { ok: true, rolledBack: false, error: null, code: null });
  assert.equal(readFileSync(a, 'utf8'), 'new a ✓\n');
  assert.equal((statSync(a).mode & 0o777).toString(8), '640');
  assert.equal(readFileSync(join(dir, 'b.conf'), 'utf8'), 'b\n');
  assert.equal(readFileSync(v, 'utf8'), '1\n');
  assert.equal(readFileSync(join(dir, 'backup', '1', 'file.1'), 'utf8'), 'old a\n');
  // run again: the files no longer match what the plan read, so nothing happens
  const stale = run(plan, '2');
  assert.equal(stale.code, 'CHANGED');
  assert.equal(readFileSync(a, 'utf8'), 'new a ✓\n');
  // revert, with a third change that fails half-way: everything done before it is put back
  const broken = invertPlan(plan);
  broken.files.push({ path: join(dir, 'no-such-dir', 'c.conf'), names: [], before: { exists: false, content: null, mode: '644', uid: 0, gid: 0 }, after: { exists: true, content: 'c\n', mode: '644', uid: 0, gid: 0 } });
  const half = run(broken, '3');
  assert.equal(half.code, 'NODIR');
  assert.ok(half.rolledBack);
  assert.equal(readFileSync(a, 'utf8'), 'new a ✓\n');
  assert.equal(readFileSync(v, 'utf8'), '1\n');
  assert.ok(existsSync(join(dir, 'b.conf')));
  // the real revert restores bytes, mode and absence
  assert.equal(run(invertPlan(plan), '4').ok, true);
  assert.equal(readFileSync(a, 'utf8'), 'old a\n');
  assert.equal((statSync(a).mode & 0o777).toString(8), '640');
  assert.ok(!existsSync(join(dir, 'b.conf')));
  assert.equal(readFileSync(v, 'utf8'), '2\n');
  // a script cut short in transit never starts
  const script = transactionScript(plan, { backupDir: join(dir, 'backup', '5'), reloadSshd: false });
  const cut = spawnSync('sh', ['-s'], { input: script.slice(0, Math.floor(script.length * 0.9)), encoding: 'utf8' }).stdout;
  assert.equal(parseTransactionOutput(cut).ok, false);
  assert.equal(readFileSync(a, 'utf8'), 'old a\n');
});
