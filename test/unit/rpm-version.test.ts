import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  compareEvr,
  distTag,
  formatEvr,
  formatNevra,
  parseEvr,
  parseNevra,
  rpmvercmp,
} from '../../src/domain/migration/rpm-version';

// [a, b, rpmvercmp(a, b)]: every expectation was produced by rpm 4.18 itself (python3-rpm's
// labelCompare on the release slot, which is rpmvercmp with no parsing) and is kept literal here.
const TABLE: Array<[string, string, -1 | 0 | 1]> = [
  ["1.0", "1.0", 0], ["1.0", "2.0", -1], ["2.0", "1.0", 1], ["2.0.1", "2.0.1", 0], ["2.0", "2.0.1", -1],
  ["2.0.1", "2.0", 1], ["2.0.1a", "2.0.1a", 0], ["2.0.1a", "2.0.1", 1], ["2.0.1", "2.0.1a", -1],
  ["5.5p1", "5.5p1", 0], ["5.5p1", "5.5p2", -1], ["5.5p2", "5.5p1", 1], ["5.5p10", "5.5p10", 0],
  ["5.5p1", "5.5p10", -1], ["5.5p10", "5.5p1", 1], ["10xyz", "10.1xyz", -1], ["10.1xyz", "10xyz", 1],
  ["xyz10", "xyz10", 0], ["xyz10", "xyz10.1", -1], ["xyz10.1", "xyz10", 1], ["xyz.4", "xyz.4", 0],
  ["xyz.4", "8", -1], ["8", "xyz.4", 1], ["xyz.4", "2", -1], ["2", "xyz.4", 1], ["5.5p2", "5.6p1", -1],
  ["5.6p1", "5.5p2", 1], ["5.6p1", "6.5p1", -1], ["6.5p1", "5.6p1", 1], ["6.0.rc1", "6.0", 1],
  ["6.0", "6.0.rc1", -1], ["10b2", "10a1", 1], ["10a2", "10b2", -1], ["1.0aa", "1.0aa", 0],
  ["1.0a", "1.0aa", -1], ["1.0aa", "1.0a", 1], ["10.0001", "10.0001", 0], ["10.0001", "10.1", 0],
  ["10.1", "10.0001", 0], ["10.0001", "10.0039", -1], ["10.0039", "10.0001", 1], ["4.999.9", "5.0", -1],
  ["5.0", "4.999.9", 1], ["20101121", "20101121", 0], ["20101121", "20101122", -1],
  ["20101122", "20101121", 1], ["2_0", "2_0", 0], ["2.0", "2_0", 0], ["2_0", "2.0", 0], ["a", "a", 0],
  ["a+", "a+", 0], ["a+", "a_", 0], ["a_", "a+", 0], ["+a", "+a", 0], ["+a", "_a", 0], ["_a", "+a", 0],
  ["+_", "+_", 0], ["_+", "+_", 0], ["_+", "_", 0], ["+", "_", 0], ["_", "+", 0], ["1.0~rc1", "1.0~rc1", 0],
  ["1.0~rc1", "1.0", -1], ["1.0", "1.0~rc1", 1], ["1.0~rc1", "1.0~rc2", -1], ["1.0~rc2", "1.0~rc1", 1],
  ["1.0~rc1~git123", "1.0~rc1~git123", 0], ["1.0~rc1~git123", "1.0~rc1", -1],
  ["1.0~rc1", "1.0~rc1~git123", 1], ["1.0^", "1.0^", 0], ["1.0^", "1.0", 1], ["1.0", "1.0^", -1],
  ["1.0^git1", "1.0^git1", 0], ["1.0^git1", "1.0", 1], ["1.0", "1.0^git1", -1], ["1.0^git1", "1.0^git2", -1],
  ["1.0^git2", "1.0^git1", 1], ["1.0^git1", "1.01", -1], ["1.01", "1.0^git1", 1],
  ["1.0^20160101", "1.0^20160101", 0], ["1.0^20160101", "1.0.1", -1], ["1.0.1", "1.0^20160101", 1],
  ["1.0^20160101^git1", "1.0^20160101^git1", 0], ["1.0^20160102", "1.0^20160101^git1", 1],
  ["1.0^20160101^git1", "1.0^20160102", -1], ["1.0~rc1^git1", "1.0~rc1^git1", 0],
  ["1.0~rc1^git1", "1.0~rc1", 1], ["1.0~rc1", "1.0~rc1^git1", -1], ["1.0^git1~pre", "1.0^git1~pre", 0],
  ["1.0^git1", "1.0^git1~pre", 1], ["1.0^git1~pre", "1.0^git1", -1], ["1.0", "1.0a", -1], ["1.0a", "1.0", 1],
  ["1", "a", 1], ["a", "1", -1], ["", "", 0], ["", "1", -1], ["1", "", 1], ["~", "", -1], ["", "~", 1],
  ["^", "", 1], ["", "^", -1], ["1.2.3", "1.2.3.0", -1], ["1.02", "1.2", 0], ["1.el7", "1.el7_9", -1],
  ["34.el7", "34.el7.centos", -1], ["2.an8", "2.el8", -1], ["3.el8_5", "3.el8_5.rocky", -1],
  ["1.el8", "1.el8.0.1", -1], ["0.1", "0.01", 0], ["007", "7", 0], ["1.0", "1.0.", 0], ["1.0.", "1.0", 0],
  ["ÿ1", "1", 0], ["1é2", "1.2", 0], ["a1", "A1", 1], ["Z", "a", -1], ["abc", "abd", -1],
  ["1.0a", "1.0.a", 0], ["1.0.1", "1.0a", 1], ["2.6.32", "2.6.32-754", -1],
  ["4.18.0-305.el8", "4.18.0-348.el8", -1], ["r1", "1", -1], ["1.fc38", "1.fc38~", 1],
  ["99999999999999999999", "99999999999999999998", 1], ["0000000000000000000001", "1", 0],
];

test(`rpmvercmp agrees with rpm 4.18 on ${TABLE.length} pairs`, () => {
  assert.ok(TABLE.length >= 40);
  const wrong = TABLE.filter(([a, b, want]) => rpmvercmp(a, b) !== want).map(([a, b, want]) => `${a} vs ${b}: want ${want}, got ${rpmvercmp(a, b)}`);
  assert.deepEqual(wrong, []);
});

test('rpmvercmp is antisymmetric and reflexive on the table', () => {
  for (const [a, b] of TABLE) {
    assert.equal(rpmvercmp(a, b), -rpmvercmp(b, a) || 0, `${a} vs ${b}`);
    assert.equal(rpmvercmp(a, a), 0);
  }
});

const haveRpm = spawnSync('rpm', ['--version']).status === 0;

test('200 random pairs compare as rpm.vercmp does (one rpm process)', () => {
  assert.ok(haveRpm, 'rpm is needed (scripts/test-deps.sh installs it)');
  // A fixed-seed generator, so a failure is reproducible. No '-' or ':' (rpm.vercmp parses E:V-R)
  // and no empty strings (it refuses them); the literal table above covers those.
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const atoms = ['0', '1', '2', '9', '00', '010', '10', '99', 'a', 'b', 'z', 'A', 'Z', 'rc', 'el', 'el7', '.', '.', '_', '+', '~', '~', '^', '^', 'é'];
  const word = () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => atoms[Math.floor(next() * atoms.length)]).join('');
  const pairs: Array<[string, string]> = [];
  for (let k = 0; k < 200; k++) {
    const a = word();
    // A third of the pairs share a prefix, where the interesting cases (~, ^, end of string) live.
    pairs.push([a, next() < 0.33 ? a + word() : word()]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-vercmp-'));
  try {
    const script = join(dir, 'pairs.lua');
    const quote = (s: string) => `"${[...Buffer.from(s, 'utf8')].map((c) => `\\${c}`).join('')}"`;
    writeFileSync(
      script,
      `local t = {\n${pairs.map(([a, b]) => `{${quote(a)}, ${quote(b)}},`).join('\n')}\n}\n` +
        'local out = {}\nfor _, p in ipairs(t) do out[#out + 1] = tostring(rpm.vercmp(p[1], p[2])) end\nprint(table.concat(out, " "))\n',
    );
    const got = execFileSync('rpm', ['--eval', `%{lua: dofile("${script}")}`]).toString().trim().split(' ').map(Number);
    assert.equal(got.length, pairs.length);
    const wrong = pairs.flatMap(([a, b], k) => (rpmvercmp(a, b) === got[k] ? [] : [`${a} vs ${b}: rpm ${got[k]}, ours ${rpmvercmp(a, b)}`]));
    assert.deepEqual(wrong, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseEvr / formatEvr / compareEvr', () => {
  assert.deepEqual(parseEvr('1:2.3-4.el7'), { epoch: 1, version: '2.3', release: '4.el7' });
  assert.deepEqual(parseEvr('2.3-4.el7'), { epoch: 0, version: '2.3', release: '4.el7' });
  assert.deepEqual(parseEvr('2.3'), { epoch: 0, version: '2.3', release: '' });
  assert.deepEqual(parseEvr(':2.3-1'), { epoch: 0, version: '2.3', release: '1' });
  assert.deepEqual(parseEvr('4.18.0-305.3.1.el8_4'), { epoch: 0, version: '4.18.0', release: '305.3.1.el8_4' });
  assert.throws(() => parseEvr(''), /INVALID_EVR|invalid/);
  assert.throws(() => parseEvr('1:2:3-4'), /invalid/);
  assert.equal(formatEvr({ epoch: 1, version: '2.3', release: '4.el7' }), '1:2.3-4.el7');
  assert.equal(formatEvr({ epoch: 0, version: '2.3', release: '4.el7' }), '2.3-4.el7');
  assert.equal(formatEvr({ epoch: 0, version: '2.3', release: '4.el7' }, { epoch: 'always' }), '0:2.3-4.el7');
  assert.equal(formatEvr({ epoch: 0, version: '2.3', release: '' }), '2.3');
  const c = (a: string, b: string) => compareEvr(parseEvr(a), parseEvr(b));
  assert.equal(c('1:1.0-1', '0:9.9-9'), 1); // epoch wins
  assert.equal(c('2.0-1', '10.0-1'), -1);
  assert.equal(c('1.0-1.el7', '1.0-1.el7_9'), -1);
  assert.equal(c('1.0-10.el8', '1.0-9.el8'), 1);
  assert.equal(c('3.10.0-1160.el7', '3.10.0-1160.el7'), 0);
  assert.equal(c('2.28-151.el8', '2.28-151.an8'), 1); // "el" > "an": a same-version rebuild is not an upgrade by release alone
  assert.equal(c('1.0~rc1-1', '1.0-1'), -1);
});

test('parseNevra / formatNevra', () => {
  const bash = { name: 'bash', epoch: 0, version: '4.2.46', release: '34.el7', arch: 'x86_64' };
  assert.deepEqual(parseNevra('bash-0:4.2.46-34.el7.x86_64'), bash);
  assert.deepEqual(parseNevra('bash-4.2.46-34.el7.x86_64'), bash);
  assert.deepEqual(parseNevra('0:bash-4.2.46-34.el7.x86_64'), bash);
  assert.deepEqual(parseNevra('bash-4.2.46-34.el7.x86_64.rpm'), bash);
  assert.deepEqual(parseNevra('python3-dnf-plugin-versionlock-4.0.21-3.el8.noarch'), {
    name: 'python3-dnf-plugin-versionlock', epoch: 0, version: '4.0.21', release: '3.el8', arch: 'noarch',
  });
  assert.deepEqual(parseNevra('kernel-core-4.18.0-348.7.1.el8_5.x86_64').release, '348.7.1.el8_5');
  assert.deepEqual(parseNevra('perl-Git-2:1.8.3.1-25.el7_9.noarch'), {
    name: 'perl-Git', epoch: 2, version: '1.8.3.1', release: '25.el7_9', arch: 'noarch',
  });
  assert.equal(parseNevra('gpg-pubkey-f4a80eb5-53a7ff4b.(none)'.replace('(none)', 'noarch')).name, 'gpg-pubkey');
  for (const junk of ['bash', 'bash-4.2.46', 'bash-4.2.46.x86_64', '-1-2.x86_64', 'bash-1-2.', 'bash-1-2.x86 64', '1:bash-2:1-2.noarch']) {
    assert.throws(() => parseNevra(junk), /invalid/, junk);
  }
  assert.equal(formatNevra(bash), 'bash-4.2.46-34.el7.x86_64');
  assert.equal(formatNevra(bash, { epoch: 'always' }), 'bash-0:4.2.46-34.el7.x86_64');
  assert.equal(formatNevra({ ...bash, epoch: 1 }, { epoch: 'nonzero' }), 'bash-1:4.2.46-34.el7.x86_64');
  for (const s of ['bash-0:4.2.46-34.el7.x86_64', 'glibc-2.28-151.an8.i686']) assert.equal(formatNevra(parseNevra(s), { epoch: s.includes(':') ? 'always' : 'nonzero' }), s);
});

test('distTag', () => {
  assert.equal(distTag('1.el7.centos'), 'el7.centos');
  assert.equal(distTag('34.el7'), 'el7');
  assert.equal(distTag('348.7.1.el8_5'), 'el8_5');
  assert.equal(distTag('3.el9_2.1'), 'el9_2.1');
  assert.equal(distTag('151.an8'), 'an8');
  assert.equal(distTag('1.0.1.an8_4'), 'an8_4');
  assert.equal(distTag('2.fc38'), 'fc38');
  assert.equal(distTag('1.el8.rocky.0.1'), 'el8.rocky.0.1');
  assert.equal(distTag('3.module+el8.5.0+715+58f51d49'), 'module+el8.5.0+715+58f51d49');
  assert.equal(distTag('1'), null);
  assert.equal(distTag('0.rc1.1'), null);
  assert.equal(distTag('1.elegant'), null);
});
