/**
 * The network diagnoses against real loss and jitter (root needed; without it these fail rather than
 * skip). The test builds its own pair of network namespaces, osdeck-dt-a-<pid> and osdeck-dt-b-<pid>,
 * joined by a veth pair in 198.19.250.0/24 (it never touches the lab's osdeck-lab* names or bridge),
 * and runs each diagnosis INSIDE namespace a through NetnsTransport, so /proc/net, ss and ping see
 * only the pair's traffic.
 *
 * The impairment is `tc qdisc … netem loss 5% delay 10ms 5ms` on both veth ends where the kernel has
 * sch_netem. The test kernel does not (CONFIG_NET_SCH_NETEM unset, no modules), so there the loss is
 * nftables' `numgen random mod 100 < 5 drop` on each namespace's prerouting hook (5% of the packets
 * arriving at either end vanish, as on a lossy link; dropping on output instead would only make the
 * sender retry locally, not retransmit), and the jitter is real queueing: a tbf qdisc (20 Mbit/s,
 * at most 40 ms of queue) on a's end with bulk TCP filling it while the pings go through.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import type { Report } from '../src/domain/report/report-shape';
import { runDiagnosisHere } from './support/diagnose-local';
import { NetnsTransport } from './support/netns-transport';

const isRoot = process.getuid?.() === 0;
const A = `osdeck-dt-a-${process.pid}`;
const B = `osdeck-dt-b-${process.pid}`;
const VA = `odta${process.pid}`.slice(0, 15);
const VB = `odtb${process.pid}`.slice(0, 15);
const ADDR_A = '198.19.250.1';
const ADDR_B = '198.19.250.2';

const run = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
const inNs = (ns: string, args: string[], input?: string) => run('ip', ['netns', 'exec', ns, ...args], input);
const tryRun = (f: () => unknown) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

/** A node process inside a namespace (`ip netns exec` execs it, so the pid is node's); resolves when it printed "ready". */
function nodeIn(ns: string, code: string, procs: ChildProcess[]): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`node in ${ns} exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`node in ${ns} not ready`)), 10_000);
  });
}

const rows = (r: Report, title: string) => {
  const t = r.tables.find((x) => x.title === title);
  assert.ok(t, `table ${title}`);
  return t.rows.map((row) => Object.fromEntries(t.columns.map((c, i) => [c, row[i]])));
};
const stats = (r: Report) => r.evidence.stats as { p50: number; p99: number; max: number; stddev: number };

const RECEIVER = `require('net').createServer((s) => { s.on('error', () => {}); s.resume(); }).listen(5001, '${ADDR_B}', () => console.log('ready'))`;
const SENDER = `const net = require('net'); let n = 0;
for (let i = 0; i < 2; i++) { const s = net.connect(5001, '${ADDR_B}'); const b = Buffer.alloc(65536);
  const w = () => { while (s.write(b)); }; s.on('connect', () => { w(); if (++n === 2) console.log('ready'); }); s.on('drain', w); s.on('error', () => {}); }`;
// A listener with backlog 1 whose event loop never runs again, so nothing is ever accept()ed.
const DEAF = `require('net').createServer().listen({ port: 5002, host: '${ADDR_A}', backlog: 1 }, () => { console.log('ready'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); })`;
const CLIENTS = `const net = require('net'); for (let i = 0; i < 30; i++) net.connect(5002, '${ADDR_A}').on('error', () => {}); console.log('ready'); setTimeout(() => process.exit(0), 30000)`;

test('network diagnoses in a namespace pair with real loss and jitter', { timeout: 240_000 }, async (t) => {
  assert.ok(isRoot, 'the network live tests need root (ip netns, tc, nft)');
  const procs: ChildProcess[] = [];
  t.after(() => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    tryRun(() => run('ip', ['netns', 'del', A]));
    tryRun(() => run('ip', ['netns', 'del', B]));
  });
  run('ip', ['netns', 'add', A]);
  run('ip', ['netns', 'add', B]);
  run('ip', ['link', 'add', VA, 'netns', A, 'type', 'veth', 'peer', 'name', VB, 'netns', B]);
  for (const [ns, dev, addr] of [[A, VA, ADDR_A], [B, VB, ADDR_B]] as const) {
    run('ip', ['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev]);
    run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  const inA = new NetnsTransport(A, 'ns-a');

  let control: Report | null = null;
  await t.test('control: net-jitter across the clean veth sees no loss', async (tt) => {
    control = (await runDiagnosisHere('net-jitter', { target: ADDR_B, count: 20 }, inA)).report;
    tt.diagnostic(control.conclusion);
    assert.equal(control.evidence.method, 'icmp');
    assert.equal(control.evidence.sent, 20);
    assert.equal(control.evidence.lossPct, 0, control.conclusion);
    assert.match(control.conclusion, /loss 0% \(0 of 20\) — a clean path/);
  });

  // 5% loss each way: netem where the kernel has it, else nftables on each end's prerouting hook.
  const netem = tryRun(() => {
    inNs(A, ['tc', 'qdisc', 'add', 'dev', VA, 'root', 'netem', 'loss', '5%', 'delay', '10ms', '5ms']);
    inNs(B, ['tc', 'qdisc', 'add', 'dev', VB, 'root', 'netem', 'loss', '5%', 'delay', '10ms', '5ms']);
  });
  if (!netem) {
    const rules = 'table inet osdeck_dt {\n chain pre {\n  type filter hook prerouting priority -300; policy accept;\n  numgen random mod 100 < 5 counter drop\n }\n}\n';
    for (const ns of [A, B]) {
      assert.ok(tryRun(() => inNs(ns, ['nft', '-f', '-'], rules)), 'no sch_netem in this kernel and no working nft: install nftables');
    }
  }
  t.diagnostic(`impairment: ${netem ? 'tc netem loss 5% delay 10ms 5ms' : 'nft numgen 5% drop on each end'}`);

  await nodeIn(B, RECEIVER, procs);
  const sender = await nodeIn(A, SENDER, procs);

  await t.test('net-retrans sees a retransmission rate above 1% and names the peer socket', async (tt) => {
    const { report } = await runDiagnosisHere('net-retrans', { interval: 4 }, inA);
    tt.diagnostic(report.conclusion);
    const pctValue = report.evidence.retransPct as number;
    assert.ok(pctValue > 1, `retransmission rate ${pctValue}%: ${report.conclusion}`);
    assert.ok(['medium', 'high'].includes(report.severity));
    assert.match(report.conclusion, new RegExp(`connection\\(s\\) to ${ADDR_B.replaceAll('.', '\\.')}:5001 \\(node\\(${sender.pid}\\)\\)`));
    const socks = rows(report, 'Connections retransmitting now');
    assert.ok(socks.length >= 1 && socks.every((s) => s.peer === `${ADDR_B}:5001` && s.process === `node(${sender.pid})`));
    assert.ok(socks.every((s) => (s['retransmits in interval'] as number) > 0 && (s['rtt (ms)'] as number) > 0));
  });

  if (netem) sender.kill('SIGKILL'); // netem's own delay is the jitter; a full netem queue would add to it
  else inNs(A, ['tc', 'qdisc', 'add', 'dev', VA, 'root', 'tbf', 'rate', '20mbit', 'burst', '16kb', 'latency', '40ms']);

  await t.test('net-jitter to the peer reports loss and a jitter that matches the impairment', async (tt) => {
    const { report } = await runDiagnosisHere('net-jitter', { target: ADDR_B, count: 80 }, inA);
    tt.diagnostic(report.conclusion);
    const st = stats(report);
    assert.equal(report.evidence.method, 'icmp');
    assert.ok((report.evidence.lossPct as number) > 0, report.conclusion);
    assert.ok(rows(report, 'RTT histogram').length >= 2, 'the RTTs spread over several buckets');
    const base = stats(control!);
    if (netem) {
      // 10 ms ± 5 ms each way: a median RTT near 20 ms, spread of a few ms
      assert.ok(st.p50 >= 12 && st.p50 <= 40, `p50 ${st.p50}`);
      assert.ok(st.stddev >= 1 && st.stddev <= 15, `stddev ${st.stddev}`);
    } else {
      // queueing behind bulk TCP in a tbf queue that holds at most 40 ms
      assert.ok(st.stddev >= 1, `stddev ${st.stddev}`);
      assert.ok(st.stddev > 10 * base.stddev && st.p50 > base.p50, `impaired ${JSON.stringify(st)} vs clean ${JSON.stringify(base)}`);
      assert.ok(st.max < 250, `max ${st.max}`);
    }
    assert.match(report.conclusion, /loss [\d.]+% \(\d+ of \d+\)/);
  });

  await t.test('net-jitter over TCP connects (perl or bash 5 on the host) to the receiver port', async (tt) => {
    const { report } = await runDiagnosisHere('net-jitter', { target: ADDR_B, count: 20, method: 'tcp', port: 5001 }, inA);
    tt.diagnostic(report.conclusion);
    assert.equal(report.evidence.method, 'tcp', report.conclusion);
    assert.ok((report.evidence.replies as number) > 10, report.conclusion);
    assert.match(report.conclusion, /over TCP: p50 [\d.]+ ms/);
  });

  await t.test('net-drops: a listener that never accepts overflows its accept queue', async (tt) => {
    await nodeIn(A, DEAF, procs);
    await nodeIn(A, CLIENTS, procs);
    const { report } = await runDiagnosisHere('net-drops', { interval: 4 }, inA);
    tt.diagnostic(report.conclusion);
    assert.match(report.conclusion, /accept queue full \(ListenOverflows\) \+\d+/);
    assert.equal(report.severity, 'high');
    const l = rows(report, 'Listen queues (fullest first)')[0]!;
    assert.equal(l.listener, `${ADDR_A}:5002`);
    assert.ok((l['accept queue now'] as number) >= (l['backlog limit'] as number));
    assert.ok(report.recommendations.some((r) => r.commands?.some((c) => c.startsWith('ss -lnt'))));
  });
});
