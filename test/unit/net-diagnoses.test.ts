import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnosis, DiagnosisParams } from '../../src/domain/diagnosis/diagnosis';
import { netDropsDiagnosis } from '../../src/domain/diagnosis/diagnoses/net-drops';
import { netJitterDiagnosis } from '../../src/domain/diagnosis/diagnoses/net-jitter';
import { netRetransDiagnosis } from '../../src/domain/diagnosis/diagnoses/net-retrans';
import { parseNetCounters } from '../../src/domain/diagnosis/net/net-counters';
import { validateParams } from '../../src/domain/diagnosis/params';
import { parseSections, section } from '../../src/domain/diagnosis/probe-sections';
import type { Report } from '../../src/domain/report/report-shape';

// Whole probe outputs captured on the test machine (see test/diag-net.test.ts for how the conditions
// were made): a namespace pair with 5% loss each way and bulk TCP, and a listener with backlog 1 that
// never accepts while 30 clients connect.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const markOf = (raw: string) => /^@@osdeck (\S+) /.exec(raw)![1]!;
const MARK = 'testmark0123456789';
const NOW = Date.UTC(2025, 0, 1);

function run(d: Diagnosis, raw: string, input: Record<string, unknown> = {}, mark = markOf(raw)): Report {
  const params: DiagnosisParams = validateParams(d, input);
  const r = d.analyze(raw, { host: 'h1', now: NOW, params, mark, history: [] });
  assert.equal(r.kind, `diagnosis:${d.id}`);
  assert.ok(r.conclusion.length > 10);
  assert.doesNotMatch(JSON.stringify(r), /NaN|Infinity|undefined/);
  return r;
}

const col = (r: Report, title: string, name: string) => {
  const t = r.tables.find((x) => x.title === title)!;
  const i = t.columns.indexOf(name);
  return t.rows.map((row) => row[i]);
};

test('net-drops: a listener that never accepts → ListenOverflows grew, its meaning, the full queue and what to run', () => {
  const raw = fixture('diag-net-drops.probe-netns-listen-overflow.local.txt');
  const r = run(netDropsDiagnosis, raw, { interval: 3 });
  assert.match(r.conclusion, /accept queue full \(ListenOverflows\) \+\d+/);
  assert.match(r.conclusion, /does not accept\(\) new connections fast enough/);
  assert.equal(r.severity, 'high');
  const s = parseSections(raw, markOf(raw));
  const c0 = parseNetCounters(section(s, 'netstat.0'));
  const c1 = parseNetCounters(section(s, 'netstat.1'));
  const grown = c1.get('TcpExt.ListenOverflows')! - c0.get('TcpExt.ListenOverflows')!;
  assert.ok(grown > 0);
  assert.equal(r.findings[0]!.summary, `accept queue full (ListenOverflows) grew by ${grown}`);
  assert.match(r.findings[0]!.detail!, /198\.19\.250\.1:5002 node\(\d+\) 2\/1/);
  assert.deepEqual(col(r, 'Listen queues (fullest first)', 'listener')[0], '198.19.250.1:5002');
  const rec = r.recommendations.find((x) => x.summary.startsWith('accept queue full'))!;
  assert.ok(rec.commands!.some((c) => c.startsWith('ss -lnt')));
  assert.ok(rec.commands!.some((c) => c.startsWith('sysctl -w net.core.somaxconn=16384')), 'raised from the host value 4096');
  assert.equal((r.evidence.grew as Record<string, number>)['TcpExt.ListenOverflows'], grown);
  assert.equal(r.evidence.softnetRowsHaveCpuId, true);
  assert.deepEqual(col(r, 'Softnet per CPU', 'CPU'), [0, 1]);
});

test('net-drops: quiet counters are reported as since-boot totals, info counters never make the headline', () => {
  const raw = fixture('diag-net-drops.probe-netns-listen-overflow.local.txt');
  const s = parseSections(raw, markOf(raw));
  // the same snapshot twice: nothing grew
  const same = ['uptime', 'dev', 'softnet', 'snmp', 'netstat'].map((n) => `@@osdeck ${MARK} ${n}.0\n${section(s, `${n}.1`)}\n@@osdeck ${MARK} ${n}.1\n${section(s, `${n}.1`)}`).join('\n');
  const r = run(netDropsDiagnosis, same, {}, MARK);
  assert.match(r.conclusion, /^No drop or error counter grew in \d+ s on h1; since boot the largest is /);
  assert.equal(r.findings[0]!.severity, 'ok');
  assert.deepEqual(col(r, 'Counters that grew during the interval', 'key'), []);
  assert.ok(col(r, 'Drop and error counters since boot (not growing now)', 'key').includes('TcpExt.ListenOverflows'));
});

test('net-drops: empty, truncated and hostile probe output never throws', () => {
  assert.match(run(netDropsDiagnosis, '', {}, MARK).conclusion, /Could not read the network counters/);
  const hostile = `@@osdeck ${MARK} snmp.0\nTcp: A B\nTcp: 1\n@@osdeck ${MARK} dev.1\nInter-|\n eth0: 1 2 x\n\u202eevil: ${'9'.repeat(40)}\n@@osdeck ${MARK} softnet.1\nzzzz\n@@osdeck ${MARK} ethtool.1\n== eth0\n  rx_missed_errors: -\n@@osdeck ${MARK} listen\nLISTEN a b c\n`;
  const r = run(netDropsDiagnosis, hostile, {}, MARK);
  assert.ok(r.findings.some((f) => /could not be parsed/.test(f.summary)));
  const truncated = fixture('diag-net-drops.probe-netns-listen-overflow.local.txt').slice(0, 5000);
  run(netDropsDiagnosis, truncated);
});

test('net-retrans: 5% loss each way → rate well above 1%, the cause breakdown and the peer that retransmits', () => {
  const raw = fixture('diag-net-retrans.probe-netns-loss5.local.txt');
  const r = run(netRetransDiagnosis, raw, { interval: 3 });
  const s = parseSections(raw, markOf(raw));
  const a = parseNetCounters(section(s, 'snmp.0'));
  const b = parseNetCounters(section(s, 'snmp.1'));
  const pctValue = Math.round(((b.get('Tcp.RetransSegs')! - a.get('Tcp.RetransSegs')!) / (b.get('Tcp.OutSegs')! - a.get('Tcp.OutSegs')!)) * 10000) / 100;
  assert.equal(r.evidence.retransPct, pctValue);
  assert.ok(pctValue > 1);
  assert.equal(r.severity, 'high');
  assert.match(r.conclusion, new RegExp(`retransmitted ${pctValue.toString().replace('.', '\\.')}% of segments`));
  assert.match(r.conclusion, /3 connection\(s\) to 198\.19\.250\.2:5001 \(node\(\d+\)\) account for 100% of them/);
  assert.deepEqual(col(r, 'Peers with retransmitting connections', 'peer'), ['198.19.250.2:5001']);
  const perSocket = col(r, 'Connections retransmitting now', 'retransmits in interval') as number[];
  assert.equal(perSocket.length, 3);
  assert.ok(perSocket.every((n) => n > 0));
  assert.ok((r.evidence.breakdown as Record<string, number>)['TcpExt.TCPFastRetrans']! > 0);
  assert.ok(r.recommendations[0]!.commands!.includes('osdeck diagnose net-jitter h1 --param target=198.19.250.2'));
});

test('net-retrans: too little traffic is said so; /proc/net/tcp fallback; malformed input', () => {
  const raw = fixture('diag-net-retrans.probe-netns-loss5.local.txt');
  const s = parseSections(raw, markOf(raw));
  const idle = `@@osdeck ${MARK} snmp.0\n${section(s, 'snmp.1')}\n@@osdeck ${MARK} snmp.1\n${section(s, 'snmp.1')}\n@@osdeck ${MARK} proctcp.0\n@@osdeck ${MARK} proctcp.1\n   1: 01FA13C6:9C40 02FA13C6:1389 01 0003F000:00000000 01:00000033 00000003     0        0 2 4 0\n`;
  const r = run(netRetransDiagnosis, idle, {}, MARK);
  assert.match(r.conclusion, /^Too little TCP traffic on h1/);
  assert.equal(r.severity, 'info');
  assert.ok(r.findings.some((f) => /ss is not installed/.test(f.summary)));
  assert.deepEqual(col(r, 'Connections retransmitting now', 'peer'), ['198.19.250.2:5001']);
  assert.match(run(netRetransDiagnosis, '', {}, MARK).conclusion, /Could not read the TCP counters/);
  run(netRetransDiagnosis, `@@osdeck ${MARK} ss.1\nESTAB 1 2\n\t rtt:x/y retrans:a/b\n${'\u0000'.repeat(50)}\n`, {}, MARK);
});

const jitterRaw = (body: string) => `@@osdeck ${MARK} params\ntarget=198.19.250.2\n${body}`;

test('net-jitter: real ping with 10% loss → loss, percentiles, histogram, lost sequence numbers', () => {
  const text = fixture('ping.iputils-20221126.netns-loss10.txt');
  const r = run(netJitterDiagnosis, jitterRaw(`@@osdeck ${MARK} icmp\n${text}`), { target: '198.19.250.2', count: 40 }, MARK);
  assert.equal(r.evidence.lossPct, 10);
  assert.equal(r.evidence.sent, 40);
  assert.equal(r.evidence.replies, 36);
  assert.equal((r.evidence.lostSeqs as number[]).length, 4);
  assert.match(r.conclusion, /^RTT from h1 to 198\.19\.250\.2 over ICMP: p50 [\d.]+ ms, p99 [\d.]+ ms, jitter \(stddev\) [\d.]+ ms, loss 10% \(4 of 40\) — loss on the path\.$/);
  assert.equal(r.severity, 'high');
  const hist = r.tables.find((t) => t.title === 'RTT histogram')!;
  assert.equal(hist.rows.reduce((a, row) => a + (row[1] as number), 0), 36);
  const bb = run(netJitterDiagnosis, jitterRaw(`@@osdeck ${MARK} icmp\n${fixture('ping.busybox-1.35.netns-loss10.txt')}`), { target: '198.19.250.2', count: 20 }, MARK);
  assert.equal(bb.evidence.lossPct, 5);
  assert.equal((bb.evidence.lostSeqs as number[]).length, 1, 'busybox counts from seq=0');
});

test('net-jitter: 100% loss, the tcp fallback, a refused probe, nothing measurable', () => {
  const dead = run(netJitterDiagnosis, jitterRaw(`@@osdeck ${MARK} icmp\nPING 10.9.9.9 (10.9.9.9) 56(84) bytes of data.\n\n--- 10.9.9.9 ping statistics ---\n5 packets transmitted, 0 received, 100% packet loss, time 4000ms\n`), { target: '10.9.9.9', count: 5 }, MARK);
  assert.equal(dead.severity, 'critical');
  assert.match(dead.conclusion, /did not answer any of 5 ICMP probes/);
  const fallback = run(netJitterDiagnosis, jitterRaw(`@@osdeck ${MARK} icmp\n5 packets transmitted, 0 received, 100% packet loss\n@@osdeck ${MARK} tcp\ntool perl\nseq=1 ok ms=20.5\nseq=2 ok ms=22.5\nseq=3 timeout\nseq=4 ok ms=21.0\n`), { target: 'db.example.com', count: 4, method: 'auto', port: 5432 }, MARK);
  assert.equal(fallback.evidence.method, 'tcp');
  assert.equal(fallback.evidence.lossPct, 25);
  assert.match(fallback.conclusion, /over TCP: p50 21 ms/);
  assert.equal((fallback.tables[0]!.rows as unknown[][]).length, 2, 'both methods are tabled');
  const none = run(netJitterDiagnosis, jitterRaw(`@@osdeck ${MARK} icmp\nosdeck: no ping command on this host\n`), { target: '10.0.0.1' }, MARK);
  assert.match(none.conclusion, /^Could not measure the RTT/);
  const refused = run(netJitterDiagnosis, `@@osdeck ${MARK} error\ninvalid target\n`, { target: '10.0.0.1' }, MARK);
  assert.match(refused.conclusion, /refused to run: invalid target/);
  run(netJitterDiagnosis, jitterRaw(`@@osdeck ${MARK} icmp\n${'\u202e'.repeat(10)}64 bytes from x: icmp_seq=99999999 time=1e400 ms\n`), { target: '10.0.0.1' }, MARK);
});

test('net-jitter parameters: strict target, tcp needs a port, probe env', () => {
  assert.throws(() => validateParams(netJitterDiagnosis, { target: '-f' }), /invalid format/);
  assert.throws(() => validateParams(netJitterDiagnosis, { target: '1.2.3.4;id' }), /invalid format/);
  assert.throws(() => validateParams(netJitterDiagnosis, {}), /required/);
  assert.throws(() => validateParams(netJitterDiagnosis, { target: '10.0.0.1', intervalMs: 10 }), /at least 200/);
  assert.throws(() => netJitterDiagnosis.probe(validateParams(netJitterDiagnosis, { target: '10.0.0.1', method: 'tcp' })), /needs a port/);
  const spec = netJitterDiagnosis.probe(validateParams(netJitterDiagnosis, { target: 'fe80::1%eth0', count: 10 }));
  assert.deepEqual(spec.env, { OSDECK_TARGET: 'fe80::1%eth0', OSDECK_COUNT: '10', OSDECK_INTERVAL_MS: '200', OSDECK_METHOD: 'auto', OSDECK_PORT: '0', OSDECK_TIMEOUT_MS: '1000' });
});
