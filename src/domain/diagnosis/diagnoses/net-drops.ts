/**
 * net-drops: which packet drop and error counters grow right now, what each one means, and what to
 * run about it. Interface (/proc/net/dev), softnet (per CPU), IP/TCP/UDP (/proc/net/snmp, netstat)
 * and NIC-private (`ethtool -S`) counters are read twice, `interval` seconds apart.
 */
import { kernelNumber } from '../../metrics/proc-tokens';
import type { Report, Severity } from '../../report/report-shape';
import type { Diagnosis } from '../diagnosis';
import { counterMeaning, type CounterMeaning } from '../net/drop-counters';
import { isNicLossCounter, nicCounterMeaning, parseEthtoolStats } from '../net/ethtool-stats';
import { parseListenQueues } from '../net/listen-queues';
import { parseInterfaceCounters } from '../net/net-dev-counters';
import { counterDelta, parseNetCounters } from '../net/net-counters';
import { parseSoftnetStat, softnetDeltas } from '../net/softnet-stat';
import { parseSysctlLines } from '../net/sysctl-lines';
import { parseSections, section } from '../probe-sections';
import { makeReport, severityRank, table } from '../report-kit';

interface Observed {
  meaning: CounterMeaning;
  /** interface, CPU list or '' for host-wide counters */
  where: string;
  delta: number;
  total: number;
}

const MAX_ROWS = 30;

function uptime(text: string): number | null {
  return kernelNumber(text.trim().split(/\s+/)[0]);
}

function rate(n: number, sec: number): number {
  return sec > 0 ? Math.round((n / sec) * 10) / 10 : 0;
}

function commandsFor(o: Observed, sysctl: ReadonlyMap<string, string>): string[] {
  const iface = o.meaning.key.startsWith('dev.') || o.meaning.key.startsWith('nic.') ? o.where : '<interface>';
  return o.meaning.commands(sysctl).map((cmd) => cmd.replaceAll('{if}', iface));
}

function label(o: Observed): string {
  return `${o.meaning.title}${o.where ? ` (${o.where})` : ''}`;
}

export const netDropsDiagnosis: Diagnosis = {
  id: 'net-drops',
  title: 'Network drops',
  category: 'network',
  description: 'Which packet drop and error counters grow right now (interfaces, per-CPU softnet backlog, IP/TCP/UDP, NIC statistics), what each one means in plain words and the command to act on it.',
  permission: 'diagnose.run',
  params: [{ name: 'interval', type: 'integer', min: 1, max: 300, default: 5, description: 'seconds between the two samples of the counters' }],
  probe(p) {
    return { file: 'diag-net-drops.sh', env: { OSDECK_INTERVAL: String(p.interval) }, timeoutSec: Number(p.interval) + 60, maxOutputBytes: 8 * 1024 * 1024 };
  },
  analyze(raw, ctx): Report {
    const s = parseSections(raw, ctx.mark);
    const issues: string[] = [];
    const up0 = uptime(section(s, 'uptime.0'));
    const up1 = uptime(section(s, 'uptime.1'));
    const sec = up0 !== null && up1 !== null && up1 > up0 ? up1 - up0 : Number(ctx.params.interval ?? 5);
    const sysctl = parseSysctlLines(section(s, 'sysctl'));
    const observed: Observed[] = [];

    // IP / TCP / UDP
    const n0 = parseNetCounters(`${section(s, 'snmp.0')}\n${section(s, 'netstat.0')}`, issues);
    const n1 = parseNetCounters(`${section(s, 'snmp.1')}\n${section(s, 'netstat.1')}`, []);
    for (const [key, total] of n1) {
      const m = counterMeaning(key);
      if (m) observed.push({ meaning: m, where: '', delta: counterDelta(n0, n1, key) ?? 0, total });
    }

    // softnet: summed over CPUs, the CPUs that grew named
    const sn = softnetDeltas(parseSoftnetStat(section(s, 'softnet.0'), issues), parseSoftnetStat(section(s, 'softnet.1'), []));
    for (const [col, pick, tot] of [
      ['dropped', (d: (typeof sn)[number]) => d.dropped, (d: (typeof sn)[number]) => d.totalDropped],
      ['time_squeeze', (d: (typeof sn)[number]) => d.timeSqueeze, (d: (typeof sn)[number]) => d.totalTimeSqueeze],
      ['flow_limit', (d: (typeof sn)[number]) => d.flowLimitCount, (d: (typeof sn)[number]) => d.totalFlowLimit],
    ] as const) {
      const delta = sn.reduce((a, d) => a + pick(d), 0);
      const total = sn.reduce((a, d) => a + tot(d), 0);
      const cpus = sn.filter((d) => (delta > 0 ? pick(d) : tot(d)) > 0).sort((a, b) => (delta > 0 ? pick(b) - pick(a) : tot(b) - tot(a))).slice(0, 8);
      if (total > 0) observed.push({ meaning: counterMeaning(`softnet.${col}`)!, where: cpus.length ? `CPU ${cpus.map((d) => d.cpu).join(', ')}` : '', delta, total });
    }

    // interfaces
    const d0 = parseInterfaceCounters(section(s, 'dev.0'), issues);
    const d1 = parseInterfaceCounters(section(s, 'dev.1'), []);
    const ifaceRows: Array<Array<string | number | null>> = [];
    for (const [dev, c1] of d1) {
      const c0 = d0.get(dev) ?? {};
      const dlt = (k: string) => Math.max(0, (c1[k] ?? 0) - (c0[k] ?? c1[k] ?? 0));
      for (const k of Object.keys(c1)) {
        const m = counterMeaning(`dev.${k}`);
        if (m && (c1[k] ?? 0) > 0) observed.push({ meaning: m, where: dev, delta: dlt(k), total: c1[k]! });
      }
      ifaceRows.push([dev, rate(dlt('rx_packets'), sec), rate(dlt('tx_packets'), sec), dlt('rx_drop'), dlt('rx_errs'), dlt('rx_fifo'), dlt('tx_drop'), dlt('tx_errs'), c1.rx_drop ?? 0, c1.tx_drop ?? 0]);
    }

    // NIC-private counters (ethtool -S): only loss/error-looking names, only when they grew
    const e0 = parseEthtoolStats(section(s, 'ethtool.0'), issues);
    const e1 = parseEthtoolStats(section(s, 'ethtool.1'), []);
    const nicRows: Array<Array<string | number | null>> = [];
    for (const [dev, stats] of e1) {
      for (const [name, total] of stats) {
        if (!isNicLossCounter(name)) continue;
        const before = e0.get(dev)?.get(name);
        const delta = before === undefined || total < before ? 0 : total - before;
        if (delta <= 0) continue;
        nicRows.push([dev, name, delta, rate(delta, sec), total, nicCounterMeaning(name)]);
        observed.push({
          meaning: { key: `nic.${name}`, title: `NIC ${name}`, severity: 'medium', loss: true, meaning: nicCounterMeaning(name), commands: () => ['ethtool -S {if}', 'ethtool -g {if}'] },
          where: dev, delta, total,
        });
      }
    }

    const listeners = parseListenQueues(section(s, 'listen'), issues).sort((a, b) => b.recvQ / Math.max(b.sendQ, 1) - a.recvQ / Math.max(a.sendQ, 1));
    const fullListeners = listeners.filter((l) => l.sendQ > 0 && l.recvQ >= l.sendQ * 0.8);

    const grew = observed.filter((o) => o.delta > 0).sort((a, b) => severityRank(b.meaning.severity) - severityRank(a.meaning.severity) || b.delta - a.delta);
    // Informational counters (refused connects, resets, closed UDP ports) never make the headline.
    const significant = grew.filter((o) => o.meaning.severity !== 'info');
    const quiet = observed.filter((o) => o.delta === 0 && o.total > 0 && o.meaning.severity !== 'info').sort((a, b) => b.total - a.total);
    const haveSamples = n1.size > 0 || d1.size > 0;

    const findings: Report['findings'] = [];
    for (const o of grew.slice(0, 20)) {
      let detail = `${o.meaning.meaning}. +${o.delta} in ${sec.toFixed(1)} s (${rate(o.delta, sec)}/s), ${o.total} since boot.`;
      if (o.meaning.key === 'TcpExt.ListenOverflows' && fullListeners.length) {
        detail += ` Full accept queues now: ${fullListeners.slice(0, 5).map((l) => `${l.local}${l.process ? ` ${l.process}` : ''} ${l.recvQ}/${l.sendQ}`).join('; ')}.`;
      }
      findings.push({ severity: o.meaning.severity, summary: `${label(o)} grew by ${o.delta}`, detail });
    }
    for (const o of quiet.slice(0, 8)) {
      findings.push({ severity: o.total >= 1000 && severityRank(o.meaning.severity) >= severityRank('medium') ? 'low' : 'info', summary: `${label(o)}: ${o.total} since boot, not growing now`, detail: `${o.meaning.meaning}.` });
    }
    if (!significant.length) findings.unshift({ severity: 'ok', summary: `no drop or error counter grew in ${sec.toFixed(1)} s` });
    if (!haveSamples) findings.push({ severity: 'medium', summary: 'the probe returned no counters', detail: '/proc/net/snmp and /proc/net/dev could not be read.' });
    if (issues.length) findings.push({ severity: 'info', summary: `${issues.length} line(s) could not be parsed`, detail: issues.slice(0, 5).join('; ') });

    const recommendations: Report['recommendations'] = [];
    const seen = new Set<string>();
    for (const o of (significant.length ? significant : quiet).slice(0, 6)) {
      const key = `${o.meaning.key}|${o.where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const cmds = commandsFor(o, sysctl);
      if (cmds.length) recommendations.push({ summary: `${label(o)}: ${o.meaning.meaning}`, commands: cmds });
    }

    const lost = significant.filter((o) => o.meaning.loss);
    const top = (lost.length ? lost : significant).slice(0, 3);
    const conclusion = !haveSamples
      ? `Could not read the network counters on ${ctx.host}.`
      : significant.length
        ? `In ${sec.toFixed(0)} s on ${ctx.host}, ${top.map((o) => `${label(o)} +${o.delta}`).join(', ')}${significant.length > top.length ? ` and ${significant.length - top.length} more counter(s)` : ''} grew: ${top[0]!.meaning.meaning}.`
        : quiet.length
          ? `No drop or error counter grew in ${sec.toFixed(0)} s on ${ctx.host}; since boot the largest is ${label(quiet[0]!)} = ${quiet[0]!.total} (${quiet[0]!.meaning.meaning}).`
          : `No drop or error counter grew in ${sec.toFixed(0)} s on ${ctx.host}, and none has counted anything since boot.`;

    const sev: Severity | undefined = !haveSamples ? 'medium' : undefined;
    return makeReport({
      kind: 'diagnosis:net-drops',
      title: `Network drops on ${ctx.host}`,
      now: ctx.now,
      conclusion,
      ...(sev ? { severity: sev } : {}),
      findings,
      tables: [
        table('Counters that grew during the interval', ['counter', 'key', 'where', 'increase', 'per second', 'total since boot', 'meaning'], grew.slice(0, MAX_ROWS).map((o) => [o.meaning.title, o.meaning.key, o.where, o.delta, rate(o.delta, sec), o.total, o.meaning.meaning])),
        table('Drop and error counters since boot (not growing now)', ['counter', 'key', 'where', 'total since boot', 'meaning'], quiet.slice(0, MAX_ROWS).map((o) => [o.meaning.title, o.meaning.key, o.where, o.total, o.meaning.meaning])),
        table('Softnet per CPU', ['CPU', 'packets per second', 'dropped (increase)', 'time_squeeze (increase)', 'dropped since boot', 'time_squeeze since boot'], sn.map((d) => [d.cpu, rate(d.processed, sec), d.dropped, d.timeSqueeze, d.totalDropped, d.totalTimeSqueeze])),
        table('Interfaces', ['interface', 'rx packets per second', 'tx packets per second', 'rx drop (increase)', 'rx errors (increase)', 'rx fifo (increase)', 'tx drop (increase)', 'tx errors (increase)', 'rx drop since boot', 'tx drop since boot'], ifaceRows.slice(0, MAX_ROWS)),
        ...(nicRows.length ? [table('NIC counters that grew (ethtool -S)', ['interface', 'counter', 'increase', 'per second', 'total', 'meaning'], nicRows.slice(0, MAX_ROWS))] : []),
        ...(listeners.length ? [table('Listen queues (fullest first)', ['listener', 'process', 'accept queue now', 'backlog limit'], listeners.slice(0, 10).map((l) => [l.local, l.process, l.recvQ, l.sendQ]))] : []),
      ],
      recommendations,
      evidence: {
        intervalSec: Math.round(sec * 100) / 100,
        grew: Object.fromEntries(grew.slice(0, 50).map((o) => [`${o.meaning.key}${o.where ? `@${o.where}` : ''}`, o.delta])),
        totals: Object.fromEntries(observed.filter((o) => o.total > 0).slice(0, 80).map((o) => [`${o.meaning.key}${o.where ? `@${o.where}` : ''}`, o.total])),
        softnetRowsHaveCpuId: parseSoftnetStat(section(s, 'softnet.1'), []).every((r) => r.cpuFromKernel),
        sysctl: Object.fromEntries(sysctl),
        issues: issues.slice(0, 20),
      },
    });
  },
};
