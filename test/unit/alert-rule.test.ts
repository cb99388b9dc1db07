import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule, nextAlertState } from '../../src/domain/alerts/alert-rule';

const rule = { name: 'cpu-hot', selector: 'group:web', metric: 'cpu.busy', op: '>' as const, threshold: 90, forSec: 300, webhookUrl: null };

test('state machine: fire on breach, resolve on recovery, no data changes nothing', () => {
  assert.deepEqual(nextAlertState(null, 95, rule), { state: 'firing', transition: 'firing' });
  assert.deepEqual(nextAlertState('firing', 97, rule), { state: 'firing', transition: null });
  assert.deepEqual(nextAlertState('firing', null, rule), { state: 'firing', transition: null });
  assert.deepEqual(nextAlertState('firing', 50, rule), { state: 'resolved', transition: 'resolved' });
  assert.deepEqual(nextAlertState('resolved', 50, rule), { state: 'resolved', transition: null });
  assert.deepEqual(nextAlertState(null, 50, rule), { state: null, transition: null });
  assert.deepEqual(nextAlertState(null, 5, { op: '<', threshold: 10 }), { state: 'firing', transition: 'firing' });
});

test('rules are validated', () => {
  assert.doesNotThrow(() => checkRule(rule));
  assert.throws(() => checkRule({ ...rule, metric: 'cpu.hotness' }), { code: 'UNKNOWN_METRIC' });
  assert.throws(() => checkRule({ ...rule, forSec: 1 }), { code: 'INVALID_DURATION' });
  assert.throws(() => checkRule({ ...rule, threshold: Number.NaN }), { code: 'INVALID_THRESHOLD' });
  assert.throws(() => checkRule({ ...rule, webhookUrl: 'file:///etc/passwd' }), { code: 'INVALID_WEBHOOK' });
  assert.throws(() => checkRule({ ...rule, selector: 'group:' }), { code: 'INVALID_NAME' });
});
