import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseFacts } from '../../src/domain/facts';

const probe = join(import.meta.dirname, '..', '..', 'src', 'probes', 'facts.sh');

test('the facts probe runs under POSIX sh (dash) and parses to this machine', () => {
  const out = execFileSync('sh', ['-s'], { input: readFileSync(probe) }).toString();
  const f = parseFacts(out);
  assert.equal(f.kernel, execFileSync('uname', ['-r']).toString().trim());
  assert.equal(f.arch, execFileSync('uname', ['-m']).toString().trim());
  assert.ok(f.cpus && f.cpus >= 1);
  assert.ok(f.memTotalBytes && f.memTotalBytes > 100 * 1024 * 1024);
  assert.ok(f.uptimeSeconds && f.uptimeSeconds > 0);
  assert.match(f.osPretty ?? '', /Debian|Linux/);
});

test('a CentOS 7 style output parses; hostile values are cleaned; junk is refused', () => {
  const f = parseFacts(
    'osdeck_facts=1\nos_id=centos\nos_version_id=7\nos_pretty=CentOS Linux 7 (Core)\nkernel=3.10.0-1160.el7.x86_64\narch=x86_64\ncpus=abc\nmem_total_kb=8009876\nuptime=12345.67\nhostname=evil\u001b]0;x\u0007\n',
  );
  assert.equal(f.osId, 'centos');
  assert.equal(f.kernel, '3.10.0-1160.el7.x86_64');
  assert.equal(f.cpus, null);
  assert.equal(f.memTotalBytes, 8009876 * 1024);
  assert.equal(f.uptimeSeconds, 12345.67);
  assert.equal(f.hostname, 'evil]0;x');
  assert.throws(() => parseFacts('Last login: yesterday\nwelcome'), /not recognized/);
});
