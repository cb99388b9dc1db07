import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  LAB_BRIDGE_ADDRESS,
  LAB_BRIDGE_NAME,
  LAB_MAX_HOSTS,
  MAX_INTERFACE_NAME_LENGTH,
  isInLabNetwork,
  labHostAddress,
  labHostCountProblem,
  labHostIndices,
  labHostMac,
  labMacForAddress,
  LAB_BRIDGE_MAC,
  labHostName,
  labNetnsName,
  labVethName,
  parseLabHostName,
  parseLabNetnsName,
  parseLabVethName,
} from '../src/domain/lab-addressing';

test('names follow the index', () => {
  assert.equal(labHostName(1), 'lab-1');
  assert.equal(labHostName(42), 'lab-42');
  assert.equal(labNetnsName(1), 'osdeck-lab-1');
  assert.equal(labNetnsName(1000), 'osdeck-lab-1000');
  assert.equal(labVethName(7), 'osdl7');
});

test('addresses start right after the bridge and skip .0, .1 and .255', () => {
  assert.equal(LAB_BRIDGE_ADDRESS, '198.18.0.1');
  assert.equal(labHostAddress(1), '198.18.0.2');
  assert.equal(labHostAddress(250), '198.18.0.251');
  assert.equal(labHostAddress(251), '198.18.1.2');
  assert.equal(labHostAddress(1000), '198.18.3.251');
});

test('every valid index gets a unique in-range address and short interface names', () => {
  const addresses = new Set<string>();
  for (let index = 1; index <= LAB_MAX_HOSTS; index++) {
    const address = labHostAddress(index);
    assert.ok(isInLabNetwork(address), `${address} is inside 198.18.0.0/15`);
    assert.notEqual(address, LAB_BRIDGE_ADDRESS);
    const last = Number(address.split('.')[3]);
    assert.ok(last >= 2 && last <= 251, `${address} does not end in .0/.1/.255`);
    addresses.add(address);
    assert.ok(labVethName(index).length <= MAX_INTERFACE_NAME_LENGTH);
  }
  assert.equal(addresses.size, LAB_MAX_HOSTS);
  assert.ok(LAB_BRIDGE_NAME.length <= MAX_INTERFACE_NAME_LENGTH);
});

test('indices outside 1..1000 are rejected', () => {
  for (const bad of [0, -1, 1001, 1.5, Number.NaN]) {
    assert.throws(() => labHostAddress(bad), RangeError);
    assert.throws(() => labNetnsName(bad), RangeError);
    assert.throws(() => labVethName(bad), RangeError);
    assert.throws(() => labHostName(bad), RangeError);
  }
});

test('host count validation', () => {
  assert.equal(labHostCountProblem(1), null);
  assert.equal(labHostCountProblem(200), null);
  assert.equal(labHostCountProblem(1000), null);
  assert.match(labHostCountProblem(0) ?? '', /between 1 and 1000/);
  assert.match(labHostCountProblem(1001) ?? '', /between 1 and 1000/);
  assert.match(labHostCountProblem(2.5) ?? '', /integer/);
  assert.deepEqual(labHostIndices(3), [1, 2, 3]);
  assert.throws(() => labHostIndices(0), RangeError);
});

test('parsing names is the exact inverse of naming', () => {
  for (const index of [1, 9, 10, 255, 1000]) {
    assert.equal(parseLabNetnsName(labNetnsName(index)), index);
    assert.equal(parseLabVethName(labVethName(index)), index);
    assert.equal(parseLabHostName(labHostName(index)), index);
  }
  // Lookalikes must never be mistaken for ours (teardown deletes what these match).
  for (const foreign of ['osdeck-lab-', 'osdeck-lab-0', 'osdeck-lab-01', 'osdeck-lab-1001', 'osdeck-lab-1x', 'osdeck-lab0', 'xosdeck-lab-1']) {
    assert.equal(parseLabNetnsName(foreign), null, foreign);
  }
  for (const foreign of ['osdl', 'osdl0', 'osdl01', 'osdl1001', 'osdl1@if2', 'eth0', LAB_BRIDGE_NAME]) {
    assert.equal(parseLabVethName(foreign), null, foreign);
  }
  assert.equal(parseLabHostName('lab-0'), null);
  assert.equal(parseLabHostName('lab-1 '), null);
});

test('MACs embed the address, so they are unique and distinct from the bridge', () => {
  assert.equal(labMacForAddress(LAB_BRIDGE_ADDRESS), LAB_BRIDGE_MAC);
  assert.equal(labHostMac(1), '02:00:c6:12:00:02');
  assert.equal(labHostMac(1000), '02:00:c6:12:03:fb');
  const macs = new Set<string>([LAB_BRIDGE_MAC]);
  for (let index = 1; index <= LAB_MAX_HOSTS; index++) {
    const mac = labHostMac(index);
    assert.match(mac, /^02:00(:[0-9a-f]{2}){4}$/, 'locally administered unicast');
    macs.add(mac);
  }
  assert.equal(macs.size, LAB_MAX_HOSTS + 1);
  assert.throws(() => labMacForAddress('10.0.0.1'), RangeError);
});

test('lab network membership', () => {
  assert.ok(isInLabNetwork('198.18.0.0'));
  assert.ok(isInLabNetwork('198.19.255.255'));
  assert.ok(!isInLabNetwork('198.20.0.1'));
  assert.ok(!isInLabNetwork('198.17.255.255'));
  assert.ok(!isInLabNetwork('10.0.0.1'));
  assert.ok(!isInLabNetwork('198.18.0.256'));
  assert.ok(!isInLabNetwork('198.18.0'));
});
