/**
 * net-retrans: how much TCP retransmits right now (ΔRetransSegs / ΔOutSegs over `interval` seconds),
 * why (the TcpExt breakdown: fast retransmit, RTO, TLP, SYN…), and which connections do it (tcp_info
 * from two `ss -tinp` samples, or /proc/net/tcp where there is no ss).
 */
import { kernelNumber } from '../../metrics/proc-tokens';
import type { Report, Severity } from '../../report/report-shape';
import type { Diagnosis } from '../diagnosis';
import { counterDelta, parseNetCounters } from '../net/net-counters';
import { parseProcNetTcp } from '../net/proc-net-tcp';
import { RETRANS_KINDS } from '../net/retrans-counters';
import { retransByPeer, retransSockets } from '../net/retrans-sockets';
import { parseSsTcpInfo, type SsTcpSocket } from '../net/ss-tcp-info';
import { parseSections, section } from '../probe-sections';
import { makeReport, shq, table } from '../report-kit';

/** Below this many segments sent in the interval a percentage says nothing. */
const MIN_SEGMENTS = 200;
const TOP = 15;

function round(n: number, d = 2): number {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

function ratePct(n: number, whole: number): number {
  return whole > 0 ? round((n / whole) * 100, 2) : 0;
}

function rateSeverity(pctValue: number, enough: boolean): Severity {
  if (!enough) return 'info';
  if (pctValue >= 3) return 'high';
  if (pctValue >= 1) return 'medium';
  if (pctValue >= 0.5) return 'low';
  return 'ok';
}

export const netRetransDiagnosis: Diagnosis = {
  id: 'net-retrans',
  title: 'TCP retransmissions',
  category: 'network',
  description: 'The share of TCP segments retransmitted right now, split by cause (fast retransmit, timeouts, tail loss probes, SYN retries), and the connections and peers that retransmit most, from tcp_info (ss -ti).',
  permission: 'diagnose.run',
  params: [{ name: 'interval', type: 'integer', min: 1, max: 300, default: 5, description: 'seconds between the two samples' }],
  probe(p) {
    return { file: 'diag-net-retrans.sh', env: { OSDECK_INTERVAL: String(p.interval) }, timeoutSec: Number(p.interval) + 60, maxOutputBytes: 32 * 1024 * 1024 };
  },
  analyze(raw, ctx): Report {
    const s = parseSections(raw, ctx.mark);
    const issues: string[] = [];
    const up0 = kernelNumber(section(s, 'uptime.0').trim().split(/\s+/)[0]);
    const up1 = kernelNumber(section(s, 'uptime.1').trim().split(/\s+/)[0]);
    const sec = up0 !== null && up1 !== null && up1 > up0 ? up1 - up0 : Number(ctx.params.interval ?? 5);

    const n0 = parseNetCounters(`${section(s, 'snmp.0')}\n${section(s, 'netstat.0')}`, issues);
    const n1 = parseNetCounters(`${section(s, 'snmp.1')}\n${section(s, 'netstat.1')}`, []);
    const out = counterDelta(n0, n1, 'Tcp.OutSegs');
    const retr = counterDelta(n0, n1, 'Tcp.RetransSegs');
    const haveCounters = out !== null && retr !== null;
    const outSegs = out ?? 0;
    const retrans = retr ?? 0;
    const pctValue = ratePct(retrans, outSegs);
    const enough = outSegs >= MIN_SEGMENTS;

    const breakdown = RETRANS_KINDS.map((k) => ({ ...k, delta: counterDelta(n0, n1, k.key), total: n1.get(k.key) ?? null })).filter((k) => k.total !== null);
    const mainCause = breakdown.filter((k) => (k.delta ?? 0) > 0 && !['TcpExt.TCPLossProbeRecovery', 'TcpExt.TCPDSACKRecv', 'TcpExt.TCPSpuriousRTOs'].includes(k.key)).sort((a, b) => b.delta! - a.delta!);

    const fromSs = s.has('ss.1');
    const parse = (name: string): SsTcpSocket[] => (fromSs ? parseSsTcpInfo(section(s, `ss.${name}`), issues) : parseProcNetTcp(section(s, `proctcp.${name}`), issues));
    const sockets = retransSockets(parse('0'), parse('1'));
    const busy = sockets.filter((x) => x.retransInInterval > 0).sort((a, b) => b.retransInInterval - a.retransInInterval || (b.retransTotal ?? 0) - (a.retransTotal ?? 0));
    const lifetime = sockets.filter((x) => x.retransInInterval === 0 && (x.retransTotal ?? 0) > 0).sort((a, b) => (b.retransTotal ?? 0) - (a.retransTotal ?? 0));
    const peers = retransByPeer(sockets);
    const topPeer = peers[0];

    const severity = haveCounters ? rateSeverity(pctValue, enough) : 'medium';
    const findings: Report['findings'] = [];
    if (!haveCounters) findings.push({ severity: 'medium', summary: 'no TCP counters', detail: '/proc/net/snmp could not be read twice.' });
    else findings.push({
      severity,
      summary: enough ? `${pctValue}% of TCP segments were retransmitted (${retrans} of ${outSegs} in ${sec.toFixed(1)} s)` : `too little TCP traffic to judge: ${outSegs} segment(s) sent, ${retrans} retransmitted in ${sec.toFixed(1)} s`,
      detail: 'Below 1% is normal on a LAN or the Internet; above 1% costs throughput, above 3% is a loss problem on the path or at one end.',
    });
    for (const k of mainCause.slice(0, 4)) findings.push({ severity: 'info', summary: `${k.title}: +${k.delta}`, detail: k.meaning });
    const spurious = breakdown.find((k) => k.key === 'TcpExt.TCPSpuriousRTOs');
    if (spurious?.delta) findings.push({ severity: 'low', summary: `spurious RTOs: +${spurious.delta}`, detail: spurious.meaning });
    if (topPeer) {
      findings.push({
        severity: severity === 'ok' ? 'info' : severity,
        summary: `${topPeer.connections} connection(s) to ${topPeer.peer} account for ${Math.round(topPeer.share * 100)}% of the sockets' retransmits (${topPeer.retrans})`,
        detail: topPeer.processes.length ? `process: ${topPeer.processes.join(', ')}` : undefined,
      });
    } else if (haveCounters && retrans > 0) {
      findings.push({ severity: 'info', summary: 'no open connection shows retransmits', detail: 'They came from connections that closed before the second sample (short-lived connections).' });
    }
    if (!fromSs && s.has('proctcp.1')) findings.push({ severity: 'info', summary: 'ss is not installed: per-connection figures come from /proc/net/tcp', detail: 'It has no total per connection, only the retransmissions of the segment at the head of the queue right now (no RTT, cwnd, lost).' });
    if (issues.length) findings.push({ severity: 'info', summary: `${issues.length} line(s) could not be parsed`, detail: issues.slice(0, 5).join('; ') });

    const recommendations: Report['recommendations'] = [];
    if (severity !== 'ok' && severity !== 'info' && topPeer) {
      const host = topPeer.host;
      recommendations.push({
        summary: `Measure loss and RTT on the path to ${topPeer.peer}`,
        commands: [`osdeck diagnose net-jitter ${shq(ctx.host)} --param target=${shq(host)}`, `ping -c 100 -i 0.2 ${shq(host)}`, `mtr -rwzc 100 ${shq(host)}  # where on the path the loss starts`, `ss -tin dst ${shq(host)}  # watch retrans:cur/total and rtt`],
      });
    }
    if (severity === 'medium' || severity === 'high') {
      recommendations.push({ summary: 'Rule out this host: NIC errors, drops and a shaping or emulation qdisc', commands: ['osdeck diagnose net-drops ' + shq(ctx.host), 'ip -s link', 'tc qdisc show  # a netem or tbf here causes loss on purpose'] });
      if (mainCause[0]?.key === 'TcpExt.TCPTimeouts') recommendations.push({ summary: 'Mostly RTO timeouts: whole flights or ACKs are lost, or the path black-holes big packets', commands: ['tracepath <peer>  # path MTU', 'sysctl net.ipv4.tcp_mtu_probing'] });
      if (mainCause[0]?.key === 'TcpExt.TCPSynRetrans') recommendations.push({ summary: 'Mostly SYN retransmits: the peer does not answer new connections', commands: ['ss -tn state syn-sent', 'osdeck diagnose net-drops <peer host>  # ListenOverflows / SYN queue on the server'] });
    }

    const conclusion = !haveCounters
      ? `Could not read the TCP counters on ${ctx.host}.`
      : !enough
        ? `Too little TCP traffic on ${ctx.host} in ${sec.toFixed(0)} s to judge (${outSegs} segments sent, ${retrans} retransmitted)${topPeer ? `; ${topPeer.peer} retransmitted most` : ''}.`
        : `TCP on ${ctx.host} retransmitted ${pctValue}% of segments in ${sec.toFixed(0)} s (normal < 1%)${mainCause[0] ? `, mostly ${mainCause[0].title}` : ''}${topPeer ? `; ${topPeer.connections} connection(s) to ${topPeer.peer}${topPeer.processes[0] ? ` (${topPeer.processes[0]})` : ''} account for ${Math.round(topPeer.share * 100)}% of them` : ''}.`;

    const sockRow = (x: (typeof sockets)[number]) => [
      x.peer, x.local, x.state, x.process, x.retransInInterval, x.retransTotal, x.retransCur, x.lost, x.unacked, x.rttMs, x.rttVarMs, x.cwnd,
      x.deliveryRateBps, x.bytesRetrans, x.dataSegsOut && x.retransTotal !== null ? round((x.retransTotal / x.dataSegsOut) * 100, 2) : null,
    ];
    const sockCols = ['peer', 'local', 'state', 'process', 'retransmits in interval', 'retransmits total', 'retrans now (cur)', 'lost', 'unacked', 'rtt (ms)', 'rttvar (ms)', 'cwnd', 'delivery rate (bit/s)', 'retransmitted (bytes)', 'retransmitted % of data segments'];

    return makeReport({
      kind: 'diagnosis:net-retrans',
      title: `TCP retransmissions on ${ctx.host}`,
      now: ctx.now,
      conclusion,
      severity: findings.some((f) => f.severity === 'high') ? 'high' : severity,
      findings,
      tables: [
        table('Retransmissions by cause (TcpExt)', ['cause', 'counter', 'in interval', 'since boot', 'meaning'], breakdown.map((k) => [k.title, k.key, k.delta, k.total, k.meaning])),
        table('Peers with retransmitting connections', ['peer', 'connections', 'retransmits in interval', 'share (%)', 'processes'], peers.slice(0, TOP).map((p) => [p.peer, p.connections, p.retrans, round(p.share * 100, 1), p.processes.join(', ')])),
        table('Connections retransmitting now', sockCols, busy.slice(0, TOP).map(sockRow)),
        ...(lifetime.length ? [table('Open connections that retransmitted earlier (not in this interval)', sockCols, lifetime.slice(0, TOP).map(sockRow))] : []),
      ],
      recommendations,
      evidence: {
        intervalSec: round(sec),
        outSegs, retransSegs: retrans, retransPct: pctValue,
        breakdown: Object.fromEntries(breakdown.map((k) => [k.key, k.delta])),
        socketsSeen: sockets.length, socketSource: fromSs ? 'ss' : 'proc',
        topSockets: busy.slice(0, 10).map((x) => ({ peer: x.peer, local: x.local, process: x.process, retrans: x.retransInInterval, total: x.retransTotal, rttMs: x.rttMs, rttVarMs: x.rttVarMs, lost: x.lost })),
        peers: peers.slice(0, 10),
        issues: issues.slice(0, 20),
      },
    });
  },
};
