import { parseUptime } from '../../metrics/uptime';
import type { Report, ReportTable, Severity } from '../../report/report-shape';
import type { Diagnosis, DiagnosisContext } from '../diagnosis';
import { awaitBaseline, deviation, type Baseline, type DeviceLatencyEvidence } from '../io/await-baseline';
import { describeDevice, isVirtualDevice, parseBlockDevices, utilMeansSaturation, type BlockDevice, PARTITION_NAME } from '../io/block-devices';
import { bootAverages, deviceRates, type DeviceRates } from '../io/diskstats-delta';
import { neverUsed, parseDiskstatsRecords, type DiskRecord } from '../io/diskstats-sample';
import { parseSections, section } from '../probe-sections';
import { makeReport, severityRank, shq, table } from '../report-kit';

/** await above this many times the device's own baseline … */
export const DEVIATION_FACTOR = 3;
/** … and above this absolute floor (ms) is flagged: a RAM disk going from 0.05 to 0.3 ms is not news. */
export const AWAIT_FLOOR_MS = 10;
/** an interval with fewer completed requests says little about latency */
export const MIN_INTERVAL_IOS = 5;
export const UTIL_BUSY = 90;

interface DeviceView {
  name: string;
  info: BlockDevice | undefined;
  rates: DeviceRates;
  boot: ReturnType<typeof bootAverages>;
  baseline: Baseline | null;
  factor: number | null;
  severity: Severity;
  why: string[];
}

function fmt(n: number | null, unit = ''): string {
  return n === null ? '–' : `${n}${unit}`;
}

function baselineText(b: Baseline): string {
  const parts: string[] = [];
  if (b.bootAwait !== null) parts.push(`${b.bootAwait} ms since boot`);
  if (b.historyMedian !== null) parts.push(`${Math.round(b.historyMedian * 100) / 100} ms median of ${b.historyRuns} past run${b.historyRuns > 1 ? 's' : ''}`);
  return parts.join('; ');
}

function judge(v: DeviceView, intervalS: number): void {
  const r = v.rates;
  if (r.inFlightStart > 0 && r.inFlightEnd > 0 && r.ios + r.flushes === 0) {
    v.severity = 'high';
    v.why.push(`${r.inFlightEnd} request(s) in flight and none completed in ${intervalS} s (busy ${r.util}%): looks stuck, run the io-hang diagnosis`);
    return;
  }
  if (r.await !== null && r.ios >= MIN_INTERVAL_IOS && v.baseline && v.factor !== null && r.await > AWAIT_FLOOR_MS && v.factor > DEVIATION_FACTOR) {
    v.severity = v.factor >= 10 && r.await >= 50 ? 'high' : 'medium';
    v.why.push(`await ${r.await} ms is ${v.factor}× its own baseline (${baselineText(v.baseline)})`);
  }
  if (r.util >= UTIL_BUSY) {
    if (utilMeansSaturation(v.name, v.info)) {
      if (severityRank(v.severity) < severityRank('medium')) v.severity = 'medium';
      v.why.push(`busy ${r.util}% of the time with aqu-sz ${r.aquSz}: a single-queue rotational disk at this %util is saturated`);
    } else {
      if (severityRank(v.severity) < severityRank('info')) v.severity = 'info';
      v.why.push(`busy ${r.util}% of the time, but 100% util does not mean saturated on an SSD/NVMe or multi-queue device (it serves many requests at once); judge it by await (${fmt(r.await, ' ms')}) and aqu-sz (${r.aquSz})`);
    }
  }
}

export function analyzeIoLatency(raw: string, ctx: DiagnosisContext): Report {
  const s = parseSections(raw, ctx.mark);
  const issues: string[] = [];
  const devices = parseBlockDevices(section(s, 'devices'), issues);
  const before = parseDiskstatsRecords(section(s, 'diskstats0'), issues);
  const after = parseDiskstatsRecords(section(s, 'diskstats1'), issues);
  const up0 = parseUptime(section(s, 'uptime0'), []);
  const up1 = parseUptime(section(s, 'uptime1'), []);
  const askedS = Number(ctx.params.interval ?? 5);
  const measuredMs = up0 && up1 ? Math.round((up1.uptimeSeconds - up0.uptimeSeconds) * 1000) : 0;
  // /proc/uptime has 10 ms resolution; a missing or absurd pair falls back to the interval asked for
  const intervalMs = measuredMs > 0 && measuredMs < askedS * 1000 * 10 + 5000 ? measuredMs : askedS * 1000;
  const intervalS = Math.round(intervalMs / 100) / 10;
  const title = `IO latency on ${ctx.host}`;

  if (!after.length) {
    return makeReport({
      kind: 'diagnosis:io-latency', title, now: ctx.now, severity: 'info',
      conclusion: `${ctx.host} has no readable /proc/diskstats (a container without /proc, or a non-Linux host), so disk latency cannot be measured.`,
      findings: [{ severity: 'info', summary: '/proc/diskstats is missing or empty', detail: issues.slice(0, 5).join('; ') || undefined }],
      tables: [], recommendations: [], evidence: { intervalSec: intervalS, devices: {}, issues: issues.slice(0, 50) },
    });
  }

  const prev = new Map(before.map((r) => [r.name, r]));
  const whole = (r: DiskRecord) => (devices.size ? devices.has(r.name) : !PARTITION_NAME.test(r.name));
  const views: DeviceView[] = [];
  const skipped: string[] = [];
  for (const b of after) {
    if (!whole(b)) continue;
    const a = prev.get(b.name);
    if (!a) {
      issues.push(`${b.name} appeared during the interval`);
      continue;
    }
    if (neverUsed(b)) {
      skipped.push(b.name);
      continue;
    }
    const rates = deviceRates(a, b, intervalMs);
    if (!rates) {
      issues.push(`${b.name}: counters went backwards (device re-created?)`);
      continue;
    }
    // loop and RAM disks that did nothing in the interval are noise in a latency table
    if (isVirtualDevice(b.name) && rates.ios + rates.flushes === 0 && b.inFlight === 0) {
      skipped.push(b.name);
      continue;
    }
    const boot = bootAverages(b);
    const baseline = awaitBaseline(ctx.history, b.name, boot.await);
    const factor = rates.await !== null && baseline ? deviation(rates.await, baseline) : null;
    const v: DeviceView = { name: b.name, info: devices.get(b.name), rates, boot, baseline, factor, severity: 'ok', why: [] };
    judge(v, intervalS);
    views.push(v);
  }

  const flagged = views.filter((v) => severityRank(v.severity) >= severityRank('medium'));
  const byConcern = [...views].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || (b.factor ?? 0) - (a.factor ?? 0) || b.rates.util - a.rates.util,
  );
  const active = views.filter((v) => v.rates.ios > 0);
  const busiest = [...active].sort((a, b) => b.rates.util - a.rates.util || b.rates.ios - a.rates.ios)[0];

  let conclusion: string;
  const worstDev = byConcern[0];
  if (flagged.length && worstDev) {
    const r = worstDev.rates;
    const stuck = r.ios + r.flushes === 0 && r.inFlightEnd > 0;
    conclusion = stuck
      ? `${worstDev.name} on ${ctx.host} has ${r.inFlightEnd} request(s) in flight and completed none in ${intervalS} s; run io-hang to see who is blocked.`
      : worstDev.factor !== null && worstDev.factor > DEVIATION_FACTOR && r.await !== null && r.await > AWAIT_FLOOR_MS && worstDev.baseline
        ? `${worstDev.name} is slow on ${ctx.host}: await ${r.await} ms over ${intervalS} s is ${worstDev.factor}× its own baseline of ${Math.round(worstDev.baseline.value * 100) / 100} ms (${worstDev.baseline.source === 'history' ? `median of ${worstDev.baseline.historyRuns} past runs` : 'since-boot average'}), at ${Math.round((r.ios / intervalMs) * 1000)} IO/s and ${r.util}% util.`
        : `${worstDev.name} is saturated on ${ctx.host}: busy ${r.util}% with ${r.aquSz} requests queued on average and await ${fmt(r.await, ' ms')}.`;
    if (flagged.length > 1) conclusion = conclusion.replace(/\.$/, `; ${flagged.length - 1} more device(s) flagged.`);
  } else if (busiest && busiest.rates.ios < MIN_INTERVAL_IOS) {
    const r = busiest.rates;
    conclusion = `Disks were nearly idle on ${ctx.host} over ${intervalS} s: ${busiest.name} completed ${r.ios} request(s) at ${fmt(r.await, ' ms')} on average, too few to judge${busiest.boot.await !== null ? ` (its since-boot average is ${busiest.boot.await} ms)` : ''}.`;
  } else if (busiest) {
    const r = busiest.rates;
    const b = busiest.baseline;
    const vs = busiest.factor !== null && b ? ` (${busiest.factor}× its baseline of ${Math.round(b.value * 100) / 100} ms${busiest.factor > DEVIATION_FACTOR ? `, but under the ${AWAIT_FLOOR_MS} ms floor` : ''})` : '';
    conclusion = `Disk latency is normal on ${ctx.host}: the busiest device ${busiest.name} answered in ${fmt(r.await, ' ms')} on average${vs} at ${Math.round((r.ios / intervalMs) * 10000) / 10} IO/s and ${r.util}% util over ${intervalS} s.`;
  } else {
    const known = views.find((v) => v.boot.await !== null);
    conclusion = `No disk completed any IO during the ${intervalS} s sample on ${ctx.host}${known ? `; since boot ${known.name} averaged ${known.boot.await} ms per request` : ''}.`;
  }

  const findings: Report['findings'] = [];
  for (const v of byConcern) for (const w of v.why) findings.push({ severity: v.severity, summary: `${v.name}: ${w}` });
  if (!findings.length) {
    findings.push({
      severity: 'ok',
      summary: views.length
        ? `${views.length} device(s) within ${DEVIATION_FACTOR}× their own latency baseline (or under ${AWAIT_FLOOR_MS} ms)`
        : 'no active block device',
    });
  }
  if (ctx.history.length === 0) findings.push({ severity: 'info', summary: 'no past runs of io-latency on this host yet: baselines are the since-boot averages; later runs compare with this one' });
  if (issues.length) findings.push({ severity: 'info', summary: `${issues.length} probe line(s) could not be read`, detail: issues.slice(0, 5).join('; ') });

  const rows: ReportTable['rows'] = byConcern.map((v) => {
    const r = v.rates;
    return [
      v.name, describeDevice(v.name, v.info) || null, r.rPerS, r.wPerS, r.rkBPerS, r.wkBPerS, r.rAwait, r.wAwait, r.await, r.aquSz, r.util, r.areqSz,
      r.inFlightEnd, v.boot.await, v.baseline?.historyMedian != null ? Math.round(v.baseline.historyMedian * 100) / 100 : null,
      v.baseline?.historyRuns ?? 0, v.factor,
    ];
  });
  const tables: ReportTable[] = [
    table(`Block devices, iostat -x over ${intervalS} s`, [
      'device', 'kind', 'r/s', 'w/s', 'rkB/s', 'wkB/s', 'r_await (ms)', 'w_await (ms)', 'await (ms)', 'aqu-sz', '%util', 'areq-sz (kB)',
      'in flight', 'since-boot await (ms)', 'history median await (ms)', 'past runs', '× baseline',
    ], rows),
  ];

  const recommendations: Report['recommendations'] = [];
  for (const v of flagged.slice(0, 3)) {
    const dev = shq(v.name);
    const cmds = [`iostat -x ${dev} 1 10`, `cat /sys/block/${dev}/inflight /sys/block/${dev}/queue/scheduler`, `dmesg -T | grep -iE ${shq(`${v.name}|I/O error|timeout|reset`)} | tail -n 50`];
    if (!isVirtualDevice(v.name) && !/^(dm-|md)/.test(v.name)) cmds.push(`smartctl -a /dev/${dev}`);
    recommendations.push({ summary: `See who loads ${v.name} (run the io-traffic diagnosis) and whether the device itself reports errors`, commands: cmds });
  }
  if (flagged.some((v) => v.rates.ios + v.rates.flushes === 0)) {
    recommendations.push({ summary: 'Look for blocked tasks and their kernel stacks (the io-hang diagnosis does this)', commands: ['ps -eo pid,stat,wchan:32,comm | awk \'$2 ~ /D/\'', 'cat /proc/pressure/io'] });
  }

  const evidenceDevices: Record<string, DeviceLatencyEvidence> = {};
  for (const v of views) {
    evidenceDevices[v.name] = { await: v.rates.await, rAwait: v.rates.rAwait, wAwait: v.rates.wAwait, util: v.rates.util, ios: v.rates.ios, bootAwait: v.boot.await };
  }
  return makeReport({
    kind: 'diagnosis:io-latency',
    title,
    now: ctx.now,
    conclusion,
    findings,
    tables,
    recommendations,
    evidence: { intervalSec: intervalS, devices: evidenceDevices, skippedIdle: skipped.slice(0, 100), issues: issues.slice(0, 50) },
  });
}

export const ioLatencyDiagnosis: Diagnosis = {
  id: 'io-latency',
  title: 'IO latency per device',
  category: 'io',
  description:
    'Samples /proc/diskstats twice and computes iostat -x figures per device (r/s, w/s, await, aqu-sz, %util); flags devices whose await is far above their own baseline (the since-boot average and past runs of this diagnosis) and rotational disks at full utilisation.',
  permission: 'diagnose.run',
  historyRuns: 20,
  params: [{ name: 'interval', type: 'integer', min: 1, max: 60, default: 5, description: 'seconds between the two samples' }],
  probe(p) {
    return { file: 'diag-io-latency.sh', env: { OSDECK_INTERVAL: String(p.interval ?? 5) }, timeoutSec: Number(p.interval ?? 5) + 30, maxOutputBytes: 8 * 1024 * 1024 };
  },
  analyze: analyzeIoLatency,
};
