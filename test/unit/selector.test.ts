import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSelector, resolveSelector } from '../../src/domain/selector';

const hosts: Array<{ name: string; groups: string[]; tags: Record<string, string> }> = [
  { name: 'local', groups: [], tags: {} },
  { name: 'web-1', groups: ['web'], tags: { env: 'prod' } },
  { name: 'web-2', groups: ['web'], tags: { env: 'staging' } },
  { name: 'db-1', groups: ['db'], tags: { env: 'prod' } },
];

test('selector forms resolve in inventory order without duplicates', () => {
  assert.deepEqual(resolveSelector('all', hosts).map((h) => h.name), ['local', 'web-1', 'web-2', 'db-1']);
  assert.deepEqual(resolveSelector('group:web', hosts).map((h) => h.name), ['web-1', 'web-2']);
  assert.deepEqual(resolveSelector('tag:env=prod', hosts).map((h) => h.name), ['web-1', 'db-1']);
  assert.deepEqual(resolveSelector('db-1,group:web,web-1', hosts).map((h) => h.name), ['web-1', 'web-2', 'db-1']);
});

test('bad selectors get clear errors', () => {
  assert.throws(() => resolveSelector('nosuch', hosts), { code: 'UNKNOWN_HOST' });
  assert.throws(() => resolveSelector('group:none', hosts), { code: 'EMPTY_SELECTION' });
  assert.throws(() => parseSelector('web-1,,db-1'), { code: 'INVALID_SELECTOR' });
  assert.throws(() => parseSelector(''), { code: 'INVALID_SELECTOR' });
  assert.throws(() => parseSelector('frob:x'), { code: 'INVALID_SELECTOR' });
  assert.throws(() => parseSelector('$(reboot)'), { code: 'INVALID_NAME' });
  assert.throws(() => parseSelector('tag:a b=c'), { code: 'INVALID_TAG' });
});
