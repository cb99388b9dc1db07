import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalJobStatus, summaryLine } from '../../src/domain/job-status';
import { LoginThrottle } from '../../src/domain/login-throttle';
import { roleAtMost, roleGrants } from '../../src/domain/roles';

test('roles: viewer reads, operator runs, admin administers', () => {
  assert.equal(roleGrants('viewer', 'host.read'), true);
  assert.equal(roleGrants('viewer', 'host.exec'), false);
  assert.equal(roleGrants('operator', 'host.exec'), true);
  assert.equal(roleGrants('operator', 'host.trust'), false);
  assert.equal(roleGrants('operator', 'user.admin'), false);
  assert.equal(roleGrants('admin', 'user.admin'), true);
  assert.equal(roleAtMost('admin', 'operator'), false);
  assert.equal(roleAtMost('viewer', 'operator'), true);
});

test('login throttle blocks after repeated failures and recovers after the window', () => {
  const t = new LoginThrottle(3, 60_000);
  const keys = ['user:a', 'ip:1.2.3.4'];
  for (let i = 0; i < 3; i++) t.fail(keys, 1000 + i);
  assert.ok(t.retryAfter(keys, 2000) > 0);
  assert.ok(t.retryAfter(['user:b', 'ip:1.2.3.4'], 2000) > 0, 'same address, other user is blocked too');
  assert.equal(t.retryAfter(keys, 1000 + 60_001 + 3), 0);
  t.succeed(keys);
  assert.equal(t.retryAfter(keys, 2000), 0);
});

test('job status from step counts, and the summary line', () => {
  assert.equal(finalJobStatus({ ok: 3 }, false), 'succeeded');
  assert.equal(finalJobStatus({ ok: 2, unreachable: 1 }, false), 'failed');
  assert.equal(finalJobStatus({ ok: 1, cancelled: 2 }, true), 'cancelled');
  assert.equal(finalJobStatus({ ok: 1, interrupted: 1 }, false), 'failed');
  assert.equal(summaryLine({ ok: 3, failed: 1, timeout: 2 }), '3 ok, 1 failed, 0 unreachable, 2 timeout');
});
