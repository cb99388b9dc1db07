import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSshTarget } from '../../src/domain/ssh-target';

test('USER@ADDR[:PORT] forms', () => {
  assert.deepEqual(parseSshTarget('root@10.0.0.5'), { user: 'root', address: '10.0.0.5', port: 22 });
  assert.deepEqual(parseSshTarget('ops@db-1.example.com:2222'), { user: 'ops', address: 'db-1.example.com', port: 2222 });
  assert.deepEqual(parseSshTarget('root@[fd00::1]:22'), { user: 'root', address: 'fd00::1', port: 22 });
});

test('malformed targets are refused', () => {
  for (const bad of ['10.0.0.5', 'root@', '@host', 'root@host:0', 'root@host:70000', 'ro ot@host', 'root@host;reboot', '-oProxyCommand=x@h']) {
    assert.throws(() => parseSshTarget(bad), { code: 'INVALID_SSH_TARGET' }, bad);
  }
});
