import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, redactedConfig } from '../../src/infra/config';

test('defaults < file < env < flags, and redaction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-cfg-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'listen: 0.0.0.0:9000\ndata_dir: /srv/osdeck\ndefault_forks: 20\n');
  const c = loadConfig({ dataDir: '/flag/data' }, { OSDECK_DEFAULT_FORKS: '30', OSDECK_DATABASE_URL: 'postgres://u:hunter2@db/osdeck' }, file);
  assert.equal(c.listen, '0.0.0.0:9000');
  assert.equal(c.dataDir, '/flag/data');
  assert.equal(c.defaultForks, 30);
  const shown = JSON.stringify(redactedConfig(c));
  assert.doesNotMatch(shown, /hunter2/);
  assert.match(shown, /postgres:\/\/u:redacted@db\/osdeck/);
});

test('bad config is refused with the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-cfg-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'listn: 1\n');
  assert.throws(() => loadConfig({}, {}, file), /unknown key 'listn'/);
  assert.throws(() => loadConfig({ listen: 'nope' }, {}, '/nonexistent'), /HOST:PORT/);
  assert.throws(() => loadConfig({}, { OSDECK_DEFAULT_FORKS: '-1' }, '/nonexistent'), /positive integer/);
});
