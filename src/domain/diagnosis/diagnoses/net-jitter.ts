/**
 * net-jitter: the RTT distribution and loss from the host to a target, from `count` ICMP echoes
 * (ping) or timed TCP connects (perl or bash 5 on the host), `intervalMs` apart. "Between two hosts"
 * is this with the other host's address as the target.
 */
import { OsdeckError } from '../../errors';
import type { Report, Severity } from '../../report/report-shape';
import type { Diagnosis } from '../diagnosis';
import { JITTER_TARGET_PATTERN } from '../net/jitter-target';
import { parsePing } from '../net/ping-output';
import { rttHistogram, rttStats, type RttStats } from '../net/rtt-distribution';
import { parseTcpConnectTimes } from '../net/tcp-connect-times';
import { parseSections, section } from '../probe-sections';
import { makeReport, shq, table, worst } from '../report-kit';

interface Measured {
  method: 'icmp' | 'tcp';
  firstSeq: number;
  sent: number;
  replies: Array<{ seq: number; ms: number }>;
  lost: number;
  errors: number;
  stats: RttStats | null;
  lossPct: number;
  mdev: number | null;
  note: string | null;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

function lossSeverity(p: number): Severity {
  return p >= 5 ? 'high' : p >= 1 ? 'medium' : p > 0 ? 'low' : 'ok';
}

function jitterSeverity(s: RttStats): Severity {
  if (s.stddev >= 30) return 'high';
  if (s.stddev >= 10 || (s.p99 - s.p50 >= 20 && s.p99 >= 3 * s.p50)) return 'medium';
  if (s.stddev >= 5) return 'low';
  return 'ok';
}

function fromIcmp(text: string, count: number): Measured | null {
  if (!text.trim()) return null;
  const p = parsePing(text);
  const sent = p.transmitted ?? (p.replies.length ? Math.max(count, p.replies.length) : 0);
  const received = Math.min(p.received, sent || p.received);
  const lost = Math.max(0, sent - received);
  return {
    method: 'icmp', firstSeq: p.firstSeq, sent, replies: p.replies, lost, errors: p.errors, stats: rttStats(p.replies.map((x) => x.ms)),
    lossPct: sent ? r2((lost / sent) * 100) : 0, mdev: p.mdev,
    note: p.problem ?? (p.transmitted === null && !p.replies.length ? 'ping printed no result' : null),
  };
}

function fromTcp(text: string): Measured | null {
  if (!text.trim()) return null;
  const t = parseTcpConnectTimes(text);
  const sent = t.replies.length + t.timeouts;
  const refused = t.replies.filter((x) => x.refused).length;
  return {
    method: 'tcp', firstSeq: 1, sent, replies: t.replies, lost: t.timeouts, errors: t.errors, stats: rttStats(t.replies.map((x) => x.ms)),
    lossPct: sent ? r2((t.timeouts / sent) * 100) : 0, mdev: null,
    note: t.problem ?? (refused ? `${refused} connect(s) were refused (the port is closed; the RST still measured the round trip)` : t.tool ? `timed with ${t.tool}` : null),
  };
}

export const netJitterDiagnosis: Diagnosis = {
  id: 'net-jitter',
  title: 'Network RTT and jitter',
  category: 'network',
  description: 'Round-trip time distribution (min/avg/p50/p90/p99/max, jitter) and loss from the host to a target address or another host, from repeated ICMP echoes or timed TCP connects.',
  permission: 'diagnose.run',
  params: [
    { name: 'target', type: 'string', required: true, maxLength: 253, pattern: JITTER_TARGET_PATTERN, hostAddress: true, description: 'IPv4 or IPv6 address or host name to measure to, or host:NAME for another osdeck host' },
    { name: 'count', type: 'integer', min: 1, max: 1000, default: 50, description: 'number of probes' },
    { name: 'intervalMs', type: 'integer', min: 200, max: 10000, default: 200, description: 'milliseconds between probes (200 is the smallest ping allows without root)' },
    { name: 'method', type: 'string', enum: ['auto', 'icmp', 'tcp'], default: 'auto', description: 'icmp (ping), tcp (timed connects to port; every probe opens and closes a connection), or auto: icmp, then tcp when ICMP gets no answer and a port is given' },
    { name: 'port', type: 'integer', min: 0, max: 65535, default: 0, description: 'TCP port for method tcp (and the auto fallback); 0 = none' },
    { name: 'timeoutMs', type: 'integer', min: 100, max: 10000, default: 1000, description: 'a probe not answered within this time counts as lost' },
  ],
  probe(p) {
    if (p.method === 'tcp' && !Number(p.port)) throw new OsdeckError('INVALID_PARAM', 'net-jitter: method tcp needs a port', 400, { diagnosis: 'net-jitter', param: 'port' });
    const count = Number(p.count);
    const per = (Number(p.intervalMs) + Number(p.timeoutMs)) / 1000;
    return {
      file: 'diag-net-jitter.sh',
      env: { OSDECK_TARGET: String(p.target), OSDECK_COUNT: String(count), OSDECK_INTERVAL_MS: String(p.intervalMs), OSDECK_METHOD: String(p.method), OSDECK_PORT: String(p.port), OSDECK_TIMEOUT_MS: String(p.timeoutMs) },
      // icmp, then possibly tcp, plus the busybox retry at 1 s per probe
      timeoutSec: Math.ceil(count * (per + 1) * 2) + 30,
      maxOutputBytes: 4 * 1024 * 1024,
    };
  },
  analyze(raw, ctx): Report {
    const s = parseSections(raw, ctx.mark);
    const target = String(ctx.params.target);
    const count = Number(ctx.params.count ?? 50);
    if (s.has('error')) {
      return makeReport({ kind: 'diagnosis:net-jitter', title: `RTT to ${target} from ${ctx.host}`, now: ctx.now, conclusion: `The probe refused to run: ${section(s, 'error').trim().slice(0, 200)}.`, severity: 'medium', findings: [{ severity: 'medium', summary: section(s, 'error').trim().slice(0, 200) }], tables: [], recommendations: [], evidence: {} });
    }
    const icmp = s.has('icmp') ? fromIcmp(section(s, 'icmp'), count) : null;
    const tcp = s.has('tcp') ? fromTcp(section(s, 'tcp')) : null;
    const runs = [icmp, tcp].filter((m): m is Measured => m !== null);
    // The headline is the method that got answers (ICMP first); both are tabled.
    const main = runs.find((m) => m.replies.length > 0) ?? runs.find((m) => m.sent > 0) ?? runs[0] ?? null;

    const findings: Report['findings'] = [];
    const recommendations: Report['recommendations'] = [];
    for (const m of runs) if (m.note) findings.push({ severity: 'info', summary: `${m.method}: ${m.note}` });
    let conclusion: string;
    let severity: Severity;
    if (!main || main.sent === 0) {
      severity = 'medium';
      conclusion = `Could not measure the RTT from ${ctx.host} to ${target}: ${runs.map((m) => m.note).filter(Boolean).join('; ') || 'no probe ran'}.`;
      findings.push({ severity, summary: 'no measurement', detail: 'ping missing or not permitted, or a TCP method without perl / bash 5 on the host.' });
    } else if (!main.stats) {
      severity = 'critical';
      conclusion = `${target} did not answer any of ${main.sent} ${main.method.toUpperCase()} probes from ${ctx.host} (100% loss).`;
      findings.push({ severity, summary: `100% loss over ${main.method}`, detail: main.method === 'icmp' ? 'The host is down or unreachable, or ICMP echo is filtered: try method=tcp with a port it listens on.' : 'No TCP connect completed within the timeout.' });
      recommendations.push({ summary: `Check reachability of ${target}`, commands: [`ip route get ${shq(target)}`, `tracepath ${shq(target)}`] });
    } else {
      const st = main.stats;
      const ls = lossSeverity(main.lossPct);
      const js = jitterSeverity(st);
      severity = worst(ls, js);
      findings.push({ severity: ls, summary: `loss ${main.lossPct}% (${main.lost} of ${main.sent} ${main.method} probes)`, detail: 'Any loss above 1% hurts TCP throughput; above 5% it is a link or path problem.' });
      findings.push({ severity: js, summary: `jitter: stddev ${st.stddev} ms, consecutive-probe variation ${st.ipdv} ms`, detail: `RTT min ${st.min}, p50 ${st.p50}, p90 ${st.p90}, p99 ${st.p99}, max ${st.max} ms${main.mdev !== null ? `; ping's mdev ${main.mdev} ms` : ''}.` });
      if (st.p99 - st.p50 >= 20 && st.p99 >= 3 * st.p50) findings.push({ severity: 'medium', summary: `latency spikes: p99 ${st.p99} ms is ${r2(st.p99 / Math.max(st.p50, 0.001))}× the median` });
      const verdict = severity === 'ok' ? 'a clean path' : ls !== 'ok' && js !== 'ok' ? 'loss and jitter on the path' : ls !== 'ok' ? 'loss on the path' : 'jittery RTT';
      conclusion = `RTT from ${ctx.host} to ${target} over ${main.method.toUpperCase()}: p50 ${st.p50} ms, p99 ${st.p99} ms, jitter (stddev) ${st.stddev} ms, loss ${main.lossPct}% (${main.lost} of ${main.sent}) — ${verdict}.`;
      if (severity !== 'ok') {
        recommendations.push({
          summary: 'Find where on the path the loss or delay starts, and rule out this host',
          commands: [`mtr -rwzc 100 ${shq(target)}`, `tracepath ${shq(target)}`, 'tc qdisc show  # a netem/tbf qdisc adds delay and loss on purpose', `osdeck diagnose net-drops ${shq(ctx.host)}`],
        });
      }
    }
    const hist = main?.stats ? rttHistogram(main.replies.map((x) => x.ms)) : [];
    const maxCount = Math.max(1, ...hist.map((b) => b.count));
    const statRow = (m: Measured) => [m.method, m.sent, m.replies.length, m.lossPct, m.stats?.min ?? null, m.stats?.avg ?? null, m.stats?.p50 ?? null, m.stats?.p90 ?? null, m.stats?.p99 ?? null, m.stats?.max ?? null, m.stats?.stddev ?? null, m.stats?.ipdv ?? null, m.mdev];
    const answered = new Set(main?.replies.map((x) => x.seq));
    const lostSeqs = main && main.method === 'icmp' ? Array.from({ length: Math.min(main.sent, 1000) }, (_, i) => i + main.firstSeq).filter((q) => !answered.has(q)) : [];

    return makeReport({
      kind: 'diagnosis:net-jitter',
      title: `RTT to ${target} from ${ctx.host}`,
      now: ctx.now,
      conclusion,
      severity,
      findings,
      tables: [
        table('RTT summary (ms)', ['method', 'probes sent', 'replies', 'loss (%)', 'min', 'avg', 'p50', 'p90', 'p99', 'max', 'stddev (jitter)', 'mean |Δ| between probes', 'mdev (ping)'], runs.map(statRow)),
        table('RTT histogram', ['RTT range (ms)', 'replies', 'share (%)', 'bar'], hist.map((b) => [b.range, b.count, r2((b.count / (main?.replies.length || 1)) * 100), '#'.repeat(Math.round((b.count / maxCount) * 40))])),
        table('Probes', ['seq', 'rtt (ms)'], (main?.replies ?? []).slice(0, 1000).map((x) => [x.seq, x.ms])),
      ],
      recommendations,
      evidence: {
        target, method: main?.method ?? null, sent: main?.sent ?? 0, replies: main?.replies.length ?? 0, lossPct: main?.lossPct ?? null,
        stats: main?.stats ?? null, mdev: main?.mdev ?? null, lostSeqs: lostSeqs.slice(0, 200),
        runs: runs.map((m) => ({ method: m.method, sent: m.sent, replies: m.replies.length, lossPct: m.lossPct, errors: m.errors, note: m.note })),
      },
    });
  },
};
