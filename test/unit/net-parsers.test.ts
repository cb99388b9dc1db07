import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isNicLossCounter, nicCounterMeaning, parseEthtoolStats } from '../../src/domain/diagnosis/net/ethtool-stats';
import { isJitterTarget } from '../../src/domain/diagnosis/net/jitter-target';
import { parseListenQueues } from '../../src/domain/diagnosis/net/listen-queues';
import { counterDelta, parseNetCounters } from '../../src/domain/diagnosis/net/net-counters';
import { parseInterfaceCounters } from '../../src/domain/diagnosis/net/net-dev-counters';
import { parsePing } from '../../src/domain/diagnosis/net/ping-output';
import { decodeProcAddress, parseProcNetTcp } from '../../src/domain/diagnosis/net/proc-net-tcp';
import { retransByPeer, retransSockets } from '../../src/domain/diagnosis/net/retrans-sockets';
import { rttHistogram, rttStats } from '../../src/domain/diagnosis/net/rtt-distribution';
import { parseSoftnetStat, softnetDeltas } from '../../src/domain/diagnosis/net/softnet-stat';
import { parseRate, parseSsTcpInfo, splitAddress } from '../../src/domain/diagnosis/net/ss-tcp-info';
import { parseTcpConnectTimes } from '../../src/domain/diagnosis/net/tcp-connect-times';

// Real samples: *.local* from the 6.18 test machine; ss/ping *.netns-loss* captured between two
// namespaces with 5% random loss each way (nft numgen), iproute2 6.1 / iputils 20221126 / busybox 1.35.
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'linux');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const JUNK = '\u0000\u202e\u00ff garbage ::: -1 NaN Infinity 99999999999999999999999999\n\n@@osdeck x y\n';

test('net-counters: snmp + netstat by header name, deltas refuse counters that went backwards', () => {
  const issues: string[] = [];
  const c = parseNetCounters(`${fixture('net_snmp.local.txt')}\n${fixture('net_netstat.local.txt')}`, issues);
  assert.deepEqual(issues, []);
  const snmp = fixture('net_snmp.local.txt').split('\n').filter((l) => l.startsWith('Tcp:'));
  const head = snmp[0]!.split(/\s+/);
  const vals = snmp[1]!.split(/\s+/);
  assert.equal(c.get('Tcp.RetransSegs'), Number(vals[head.indexOf('RetransSegs')]));
  assert.equal(c.get('Tcp.OutSegs'), Number(vals[head.indexOf('OutSegs')]));
  assert.equal(c.get('Tcp.MaxConn'), -1);
  assert.ok(c.has('TcpExt.ListenOverflows') && c.has('TcpExt.TCPTimeouts') && c.has('IpExt.InNoRoutes') && c.has('Udp.RcvbufErrors'));
  const after = new Map(c);
  after.set('Tcp.RetransSegs', c.get('Tcp.RetransSegs')! + 7);
  after.set('Tcp.OutSegs', 0);
  assert.equal(counterDelta(c, after, 'Tcp.RetransSegs'), 7);
  assert.equal(counterDelta(c, after, 'Tcp.OutSegs'), null);
  assert.equal(counterDelta(c, after, 'Tcp.Nope'), null);
});

test('softnet-stat: 15 hex columns with the CPU id in column 13 (5.10+), older rows fall back to the row index', () => {
  const issues: string[] = [];
  const rows = parseSoftnetStat(fixture('softnet_stat.local.txt'), issues);
  assert.deepEqual(issues, []);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => [r.cpu, r.cpuFromKernel, r.processed]), [[0, true, 0x16], [1, true, 0x442d]]);
  // CPU 1 offline: the second row is CPU 2, which only column 13 says.
  const offline = parseSoftnetStat('00000010 00000002 00000001 0 0 0 0 0 0 0 0 0 00000000\n00000020 00000005 00000000 0 0 0 0 0 0 0 0 0 00000002\n');
  assert.deepEqual(offline.map((r) => r.cpu), [0, 2]);
  const old = parseSoftnetStat('00000010 00000002 00000001 0 0 0 0 0 0 0 0\n');
  assert.equal(old[0]!.cpuFromKernel, false);
  assert.equal(old[0]!.backlogLen, null);
  const later = parseSoftnetStat('00000030 00000004 00000001 0 0 0 0 0 0 0 0 0 00000000\n00000020 00000009 00000003 0 0 0 0 0 0 0 0 0 00000002\n');
  const d = softnetDeltas(offline, later);
  assert.deepEqual(d.map((x) => [x.cpu, x.processed, x.dropped, x.timeSqueeze]), [[0, 0x20, 2, 0], [2, 0, 4, 3]]);
  const bad: string[] = [];
  assert.deepEqual(parseSoftnetStat(`zz 00 00\n${JUNK}`, bad), []);
  assert.ok(bad.length > 0);
});

test('ss -tinp: sockets with tcp_info from a lossy link (iproute2 6.1), with and without -p', () => {
  for (const name of ['ss-tinpH.netns-loss5-iproute2-6.1.txt', 'ss-tinH.netns-loss5-iproute2-6.1.txt']) {
    const issues: string[] = [];
    const ss = parseSsTcpInfo(fixture(name), issues);
    assert.deepEqual(issues, [], name);
    assert.equal(ss.length, 3, name);
    for (const s of ss) {
      assert.equal(s.state, 'ESTAB');
      assert.equal(s.peerHost, '198.19.250.2');
      assert.equal(s.congestion, 'bbr');
      assert.ok(s.retransTotal! > 1000 && s.retransCur !== null && s.rttMs! > 0 && s.rttVarMs! > 0 && s.cwnd! > 0 && s.lost! > 0 && s.unacked! > 0);
      assert.ok(s.deliveryRateBps! > 0 && s.bytesRetrans! > 0 && s.dataSegsOut! > s.retransTotal!);
    }
    const first = ss.find((s) => s.peerPort === '22')!;
    assert.deepEqual([first.retransCur, first.retransTotal, first.rttMs, first.rttVarMs, first.cwnd, first.lost, first.unacked, first.deliveryRateBps], [45, 10981, 0.173, 0.199, 135, 45, 270, 21720000000]);
    assert.equal(first.process, name.includes('tinpH') ? 'node(13649)' : null);
  }
});

test('ss: an old iproute2 (CentOS 7) layout with a header, human rates, IPv6 brackets; junk lines become issues', () => {
  const text = [
    'State      Recv-Q Send-Q Local Address:Port               Peer Address:Port',
    'ESTAB      0      36     10.0.0.5:22                 10.0.0.1:51234               users:(("sshd",pid=1042,fd=3))',
    '\t cubic wscale:7,7 rto:201 rtt:1.25/0.5 ato:40 mss:1448 cwnd:10 send 92.7Mbps lastsnd:1 rcv_space:29200 retrans:0/3',
    'SYN-SENT   0      1      [2001:db8::5]:40000        [2001:db8::9]:443',
    '\t cubic rto:3000 backoff:1 mss:524 cwnd:1 unacked:1 retrans:1/1 lost:1',
    'ESTAB 0 0 not-an-address',
    '\t orphan info line for the bad socket rtt:9/9',
    JUNK,
  ].join('\n');
  const issues: string[] = [];
  const ss = parseSsTcpInfo(text, issues);
  assert.equal(ss.length, 2);
  assert.deepEqual([ss[0]!.sendBps, ss[0]!.rttMs, ss[0]!.retransTotal, ss[0]!.process, ss[0]!.deliveryRateBps], [92.7e6, 1.25, 3, 'sshd(1042)', null]);
  assert.deepEqual([ss[1]!.state, ss[1]!.peerHost, ss[1]!.peerPort, ss[1]!.retransCur, ss[1]!.lost], ['SYN-SENT', '2001:db8::9', '443', 1, 1]);
  assert.ok(issues.length >= 2);
  assert.deepEqual(splitAddress('[::ffff:10.1.2.3]:8080'), ['::ffff:10.1.2.3', '8080']);
  assert.equal(parseRate('1.5Gbps'), 1.5e9);
  assert.equal(parseRate('NaNbps'), null);
  assert.equal(parseRate(undefined), null);
});

test('retrans-sockets: per-interval retransmits per connection and per peer, new connections count from zero', () => {
  const before = parseSsTcpInfo(fixture('ss-tinpH.netns-loss5-iproute2-6.1.txt'));
  const after = before.map((s) => ({ ...s, retransTotal: s.retransTotal! + (s.peerPort === '22' ? 10 : 100) }));
  after.push({ ...before[0]!, local: '198.19.250.1:1', peer: '198.19.250.3:80', peerHost: '198.19.250.3', peerPort: '80', retransTotal: 5 });
  const rs = retransSockets(before, after);
  assert.deepEqual(rs.map((r) => [r.peer, r.retransInInterval, r.isNew]), [['198.19.250.2:22', 10, false], ['198.19.250.2:5001', 100, false], ['198.19.250.2:5001', 100, false], ['198.19.250.3:80', 5, true]]);
  const peers = retransByPeer(rs);
  assert.equal(peers[0]!.peer, '198.19.250.2', 'two peer ports, two local ports: the host alone');
  assert.equal(peers[0]!.host, '198.19.250.2');
  assert.equal(peers[0]!.connections, 3);
  assert.equal(peers[0]!.retrans, 210);
  assert.ok(Math.abs(peers[0]!.share - 210 / 215) < 1e-9);
  const one = retransByPeer(retransSockets([], after.slice(1, 3)));
  assert.equal(one[0]!.peer, '198.19.250.2:5001');
});

test('proc-net-tcp: the no-ss fallback decodes little-endian addresses and the head-of-queue retransmit count', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0',
    '   1: 01FA13C6:9C40 02FA13C6:1389 01 0003F000:00000000 01:00000033 00000003     0        0 2 4 0000000000000000 20 4 30 10 -1',
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000000000000000000001000000:0016 00000000000000000000000001000000:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0',
    '   9: zz',
  ].join('\n');
  const issues: string[] = [];
  const s = parseProcNetTcp(text, issues);
  assert.equal(issues.length, 1);
  assert.equal(s.length, 2, 'LISTEN is skipped');
  assert.deepEqual([s[0]!.local, s[0]!.peer, s[0]!.state, s[0]!.retransCur, s[0]!.sendQ], ['198.19.250.1:40000', '198.19.250.2:5001', 'ESTAB', 3, 0x3f000]);
  assert.equal(s[1]!.peer, '[::1]:50000');
  assert.equal(decodeProcAddress('0000000000000000FFFF00000100007F:0050')![0], '::ffff:127.0.0.1');
  assert.equal(decodeProcAddress('nope'), null);
});

test('listen-queues: accept queue and backlog per listener from ss -lntp, with or without its header', () => {
  const issues: string[] = [];
  const l = parseListenQueues('State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 2      1      198.19.250.1:5002      0.0.0.0:*    users:(("node",pid=6667,fd=18))\nLISTEN 0 4096 [::]:22 [::]:*\n129 128 0.0.0.0:80 0.0.0.0:*\nLISTEN x y z\n', issues);
  assert.deepEqual(l.map((x) => [x.local, x.recvQ, x.sendQ, x.process]), [['198.19.250.1:5002', 2, 1, 'node(6667)'], ['[::]:22', 0, 4096, null], ['0.0.0.0:80', 129, 128, null]]);
  assert.equal(issues.length, 1);
});

test('ethtool -S blocks: counters per NIC, loss-looking names and their meaning', () => {
  const issues: string[] = [];
  const st = parseEthtoolStats('== eth0\nNIC statistics:\n     rx_packets: 10\n     rx_missed_errors: 7\n     tx_timeout_count: 1\n     rx_queue_0_drops: 3\n     xdp_pass: 9\n     bogus line\n== eth1\n     rx_crc_errors: 2\n', issues);
  assert.equal(issues.length, 1);
  assert.deepEqual([...st.get('eth0')!], [['rx_packets', 10], ['rx_missed_errors', 7], ['tx_timeout_count', 1], ['rx_queue_0_drops', 3], ['xdp_pass', 9]]);
  assert.deepEqual([...st.get('eth0')!.keys()].filter(isNicLossCounter), ['rx_missed_errors', 'tx_timeout_count', 'rx_queue_0_drops']);
  assert.match(nicCounterMeaning('rx_missed_errors'), /ring was full/);
  assert.match(nicCounterMeaning('rx_crc_errors'), /cable/);
  assert.match(nicCounterMeaning('tx_timeout_count'), /timed out/);
  assert.deepEqual(parseEthtoolStats(JUNK), new Map());
});

test('net-dev-counters: /proc/net/dev as rx_/tx_ records per interface', () => {
  const c = parseInterfaceCounters(fixture('net_dev.local.txt'));
  const lo = fixture('net_dev.local.txt').split('\n').find((l) => l.trim().startsWith('lo:'))!.split(':')[1]!.trim().split(/\s+/).map(Number);
  assert.equal(c.get('lo')!.rx_bytes, lo[0]);
  assert.equal(c.get('lo')!.rx_drop, lo[3]);
  assert.equal(c.get('lo')!.tx_carrier, lo[14]);
});

test('ping output: iputils and busybox with real loss; duplicates, errors and a refusal', () => {
  const ip = parsePing(fixture('ping.iputils-20221126.netns-loss10.txt'));
  assert.deepEqual([ip.transmitted, ip.received, ip.replies.length, ip.firstSeq, ip.problem], [40, 36, 36, 1, null]);
  assert.ok(ip.mdev !== null && ip.mdev >= 0);
  const bb = parsePing(fixture('ping.busybox-1.35.netns-loss10.txt'));
  assert.deepEqual([bb.transmitted, bb.received, bb.replies.length, bb.firstSeq, bb.mdev], [20, 19, 19, 0, null]);
  const dup = parsePing('64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=1.0 ms\n64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=1.2 ms (DUP!)\nFrom 10.0.0.1 icmp_seq=2 Destination Host Unreachable\n3 packets transmitted, 1 received, +1 duplicates, +1 errors, 66.6667% packet loss, time 2003ms\n');
  assert.deepEqual([dup.transmitted, dup.received, dup.duplicates, dup.errors], [3, 1, 1, 1]);
  assert.match(parsePing('ping: socktype: SOCK_RAW\nping: socket: Operation not permitted\n').problem!, /not permitted/);
  const junk = parsePing(JUNK + '64 bytes from x: icmp_seq=1 time=abc ms\n');
  assert.deepEqual([junk.transmitted, junk.received, junk.replies.length], [null, 0, 0]);
});

test('tcp connect times: perl and bash helper lines; refused is a round trip, timeout a loss', () => {
  const perl = parseTcpConnectTimes('tool perl\naddress 198.19.250.2\nseq=1 ok ms=0.412\nseq=2 timeout\nseq=3 refused ms=0.100\nseq=4 error socket\n');
  assert.deepEqual([perl.tool, perl.attempts, perl.replies.map((r) => r.ms), perl.timeouts, perl.errors], ['perl', 4, [0.412, 0.1], 1, 1]);
  assert.equal(perl.replies[1]!.refused, true);
  const bash = parseTcpConnectTimes('tool bash\nseq=1 ok 1795249418.487257 1795249418.487656\nseq=2 timeout\nseq=3 fail 1795249421.527907 1795249421.528041\nseq=4 ok 5 4\n');
  assert.deepEqual([bash.tool, bash.replies.map((r) => r.ms), bash.timeouts, bash.errors], ['bash', [0.399], 1, 2]);
  assert.match(parseTcpConnectTimes('osdeck: no port given for the tcp method\n').problem!, /no port/);
  assert.equal(parseTcpConnectTimes(JUNK).attempts, 0);
});

test('rtt-distribution: percentiles, stddev, consecutive variation, histogram without NaN', () => {
  const s = rttStats([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])!;
  assert.deepEqual([s.n, s.min, s.avg, s.p50, s.p90, s.p99, s.max, s.ipdv], [10, 10, 55, 50, 90, 100, 100, 10]);
  assert.equal(s.stddev, 28.723);
  assert.equal(rttStats([]), null);
  assert.equal(rttStats([NaN, -1, Infinity]), null);
  const h = rttHistogram([0.05, 0.06, 12, 12.5, 19, 250]);
  assert.equal(h[0]!.range, '0 – 0.1');
  assert.equal(h[0]!.count, 2);
  assert.equal(h.reduce((a, b) => a + b.count, 0), 6);
  assert.equal(h.at(-1)!.range, '200 – 300');
  assert.deepEqual(rttHistogram([]), []);
});

test('jitter target: IPv4, IPv6 (with zone), host names; never options or shell syntax', () => {
  for (const ok of ['198.19.250.2', '10.0.0.1', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:10.0.0.1', 'db-1.example.com', 'localhost', 'host.'])
    assert.ok(isJitterTarget(ok), ok);
  for (const bad of ['', '-f', '--help', '1.2.3.4;reboot', '$(id)', 'a b', 'host/x', '1.2.3.4:22', 'a'.repeat(254), 'x_y.com', '-1.2.3.4', '`id`', "a'b"])
    assert.ok(!isJitterTarget(bad), bad);
});
