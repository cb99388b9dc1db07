import { printable } from '../../metrics/proc-tokens';
import { parseUptime } from '../../metrics/uptime';
import type { Report, ReportTable } from '../../report/report-shape';
import type { Diagnosis, DiagnosisContext } from '../diagnosis';
import { parseBlockDevices } from '../io/block-devices';
import { diskTraffic } from '../io/disk-traffic';
import { parseDiskstatsRecords } from '../io/diskstats-sample';
import { exitedProcesses, parseProcIo, procIoDeltas, type ProcIoDelta } from '../io/proc-io';
import { parseProcessDetails, type ProcessDetails } from '../io/process-details';
import { parseSections, section } from '../probe-sections';
import { humanBytes, makeReport, table } from '../report-kit';

/** Below this much disk traffic per second the disks are called quiet. */
export const QUIET_BYTES_PER_S = 1024 * 1024;

interface Row extends ProcIoDelta {
  details: ProcessDetails | undefined;
}

const perS = (bytes: number, s: number) => Math.round(bytes / s);
// A process can be charged more than reached the disks in the interval: data it dirtied that is still
// in the page cache, IO of children it reaped, or IO to a device left out of the total (a loop device).
const share = (part: number, whole: number): number | null => (whole > 0 ? Math.min(100, Math.round((part / whole) * 1000) / 10) : null);
function shareText(part: number, whole: number, what: 'writes' | 'reads'): string {
  if (!(whole > 0)) return '';
  if (part > whole * 1.05) return `, more than all disk ${what} in the interval (${what === 'writes' ? 'data still in the page cache, ' : ''}IO of children it reaped, or of a device not in the total)`;
  return `, ${share(part, whole)}% of all disk ${what}`;
}
const rate = (bytesPerS: number) => `${humanBytes(bytesPerS)}/s`;

function name(r: Row): string {
  return `${r.comm || '?'} (pid ${r.pid})`;
}

export function analyzeIoTraffic(raw: string, ctx: DiagnosisContext): Report {
  const s = parseSections(raw, ctx.mark);
  const issues: string[] = [];
  const top = Number(ctx.params.top ?? 20);
  const devices = parseBlockDevices(section(s, 'devices'), issues);
  const up0 = parseUptime(section(s, 'uptime0'), []);
  const up1 = parseUptime(section(s, 'uptime1'), []);
  const askedS = Number(ctx.params.interval ?? 5);
  const measured = up0 && up1 ? up1.uptimeSeconds - up0.uptimeSeconds : 0;
  const intervalS = measured > 0 && measured < askedS * 10 + 5 ? measured : askedS;
  const io0 = parseProcIo(section(s, 'io0'), issues);
  const io1 = parseProcIo(section(s, 'io1'), issues);
  const details = parseProcessDetails(section(s, 'details'), issues);
  const disks = diskTraffic(parseDiskstatsRecords(section(s, 'diskstats0'), issues), parseDiskstatsRecords(section(s, 'diskstats1'), issues), devices);
  const counts = /seen=(\d+) unreadable=(\d+)/.exec(section(s, 'nprocs').split('\n').filter(Boolean).at(-1) ?? '');
  const seenProcs = counts ? Number(counts[1]) : null;
  const unreadable = counts ? Number(counts[2]) : 0;

  const rows: Row[] = procIoDeltas(io0, io1).map((d) => ({ ...d, details: details.get(d.pid) }));
  const exited = exitedProcesses(io0, io1);
  const diskR = disks.readBytes / intervalS;
  const diskW = disks.writeBytes / intervalS;
  const writers = rows.filter((r) => r.writeBytes > 0).sort((a, b) => b.writeBytes - a.writeBytes);
  const readers = rows.filter((r) => r.readBytes > 0).sort((a, b) => b.readBytes - a.readBytes);
  const callers = rows.filter((r) => r.rchar + r.wchar > 0).sort((a, b) => b.rchar + b.wchar - (a.rchar + a.wchar));
  const sumW = writers.reduce((t, r) => t + r.writeBytes, 0) / intervalS;
  const sumR = readers.reduce((t, r) => t + r.readBytes, 0) / intervalS;
  const tw = writers[0];
  const tr = readers[0];

  const cgroupCell = (r: Row) => r.details?.container ?? r.details?.cgroup ?? null;
  const cmdCell = (r: Row) => r.details?.cmdline ?? (r.details ? `[${r.comm}]` : null);
  const tables: ReportTable[] = [
    table(`Top writers (block layer, over ${Math.round(intervalS * 10) / 10} s)`,
      ['pid', 'command', 'written (bytes/s)', 'written', '% of disk writes', 'write() (bytes/s)', 'cancelled (bytes/s)', 'container / cgroup', 'cmdline'],
      writers.slice(0, top).map((r) => [r.pid, r.comm, perS(r.writeBytes, intervalS), rate(r.writeBytes / intervalS), share(r.writeBytes / intervalS, diskW), perS(r.wchar, intervalS), perS(r.cancelledWriteBytes, intervalS), cgroupCell(r), cmdCell(r)])),
    table(`Top readers (block layer, over ${Math.round(intervalS * 10) / 10} s)`,
      ['pid', 'command', 'read (bytes/s)', 'read', '% of disk reads', 'read() (bytes/s)', 'container / cgroup', 'cmdline'],
      readers.slice(0, top).map((r) => [r.pid, r.comm, perS(r.readBytes, intervalS), rate(r.readBytes / intervalS), share(r.readBytes / intervalS, diskR), perS(r.rchar, intervalS), cgroupCell(r), cmdCell(r)])),
    table('Top read()/write() callers (page cache hits, pipes and sockets included)',
      ['pid', 'command', 'read() (bytes/s)', 'write() (bytes/s)', 'read calls/s', 'write calls/s', 'container / cgroup'],
      callers.slice(0, top).map((r) => [r.pid, r.comm, perS(r.rchar, intervalS), perS(r.wchar, intervalS), Math.round((r.syscr / intervalS) * 10) / 10, Math.round((r.syscw / intervalS) * 10) / 10, cgroupCell(r)])),
    table('Disks', ['device', 'read (bytes/s)', 'written (bytes/s)', 'read', 'written', 'in host total'],
      disks.devices.map((d) => [d.device, perS(d.readBytes, intervalS), perS(d.writeBytes, intervalS), rate(d.readBytes / intervalS), rate(d.writeBytes / intervalS), d.counted ? 'yes' : `no: ${d.why}`])),
  ];

  const findings: Report['findings'] = [];
  const quiet = diskR + diskW < QUIET_BYTES_PER_S;
  const notable = (r: Row | undefined, key: 'writeBytes' | 'readBytes', total: number) => !!r && r[key] / intervalS >= Math.max(64 * 1024, total * 0.05);
  if (tw && notable(tw, 'writeBytes', diskW)) {
    findings.push({ severity: 'info', summary: `${name(tw)} wrote ${rate(tw.writeBytes / intervalS)}${shareText(tw.writeBytes / intervalS, diskW, 'writes')}`, detail: tw.details?.cmdline ?? undefined });
  }
  if (tr && notable(tr, 'readBytes', diskR)) {
    findings.push({ severity: 'info', summary: `${name(tr)} read ${rate(tr.readBytes / intervalS)}${shareText(tr.readBytes / intervalS, diskR, 'reads')}`, detail: tr.details?.cmdline ?? undefined });
  }
  const unexplainedW = diskW - sumW;
  if (diskW >= QUIET_BYTES_PER_S && unexplainedW > diskW * 0.3) {
    findings.push({
      severity: 'info',
      summary: `${rate(unexplainedW)} of disk writes (${share(unexplainedW, diskW)}%) is not explained by running processes`,
      detail: 'write_bytes is charged when a page is dirtied, so writeback of data dirtied before the interval, the filesystem journal, swap-out, processes that exited, and IO of other guests on a shared device are not in any process row.',
    });
  }
  const cancelled = rows.filter((r) => r.cancelledWriteBytes / intervalS >= QUIET_BYTES_PER_S).sort((a, b) => b.cancelledWriteBytes - a.cancelledWriteBytes)[0];
  if (cancelled) findings.push({ severity: 'info', summary: `${name(cancelled)} dropped ${rate(cancelled.cancelledWriteBytes / intervalS)} of dirty data before it was written (truncate or delete of files it was writing)` });
  if (exited.length) findings.push({ severity: 'info', summary: `${exited.length} process(es) with IO exited during the interval; their IO shows in their parent only once it reaps them`, detail: exited.slice(0, 10).map((p) => `${p.comm} (pid ${p.pid})`).join(', ') });
  if (unreadable > 0 && seenProcs !== null && unreadable > seenProcs / 2) findings.push({ severity: 'low', summary: `${unreadable} of ${seenProcs} processes' /proc/PID/io could not be read: run as root to see every process` });
  if (issues.length) findings.push({ severity: 'info', summary: `${issues.length} probe line(s) could not be read`, detail: issues.slice(0, 5).map((i) => printable(i, 80)).join('; ') });
  if (!findings.length || quiet) findings.unshift({ severity: 'ok', summary: `disks moved ${rate(diskR)} read and ${rate(diskW)} written` });

  let conclusion: string;
  const sec = `${Math.round(intervalS * 10) / 10} s`;
  if (quiet && !(tw && tw.writeBytes / intervalS >= QUIET_BYTES_PER_S) && !(tr && tr.readBytes / intervalS >= QUIET_BYTES_PER_S)) {
    conclusion = `Disks were quiet on ${ctx.host} over ${sec}: ${rate(diskR)} read and ${rate(diskW)} written${tw ? `; the top writer was ${name(tw)} at ${rate(tw.writeBytes / intervalS)}` : ''}.`;
  } else {
    const parts: string[] = [];
    const wFirst = (tw?.writeBytes ?? 0) >= (tr?.readBytes ?? 0);
    const wText = tw ? `${name(tw)} wrote ${rate(tw.writeBytes / intervalS)}${shareText(tw.writeBytes / intervalS, diskW, 'writes')}` : null;
    const rText = tr ? `${name(tr)} read ${rate(tr.readBytes / intervalS)}${shareText(tr.readBytes / intervalS, diskR, 'reads')}` : null;
    if (wFirst && wText) parts.push(wText);
    if (rText && notable(tr, 'readBytes', diskR) && (tr!.readBytes / intervalS >= QUIET_BYTES_PER_S || !wText)) parts.push(rText);
    if (!wFirst && wText && notable(tw, 'writeBytes', diskW)) parts.push(wText);
    conclusion = parts.length
      ? `${parts.join('; ')} on ${ctx.host} over ${sec}.`
      : `Disks moved ${rate(diskR)} read and ${rate(diskW)} written on ${ctx.host} over ${sec}, but no running process accounts for it (writeback of older dirty data, journal, swap, or exited processes).`;
  }

  const recommendations: Report['recommendations'] = [];
  for (const r of [tw, tr].filter((x): x is Row => !!x && (x.writeBytes + x.readBytes) / intervalS >= QUIET_BYTES_PER_S).filter((x, i, a) => a.indexOf(x) === i)) {
    recommendations.push({
      summary: `See what ${name(r)} is reading or writing, and lower its IO priority if it should not compete`,
      commands: [`cat /proc/${r.pid}/io`, `ls -l /proc/${r.pid}/fd | grep -v -e socket: -e pipe: -e anon_inode:`, `pidstat -d -p ${r.pid} 1 5`, `ionice -c 3 -p ${r.pid}`],
    });
  }
  if (recommendations.length) recommendations.push({ summary: 'Watch per-process disk IO live', commands: ['iotop -oPa -d 2', 'pidstat -d 1 10'] });

  const pick = (r: Row) => ({ pid: r.pid, comm: r.comm, readBytes: r.readBytes, writeBytes: r.writeBytes, rchar: r.rchar, wchar: r.wchar, cancelledWriteBytes: r.cancelledWriteBytes, container: r.details?.container ?? null });
  return makeReport({
    kind: 'diagnosis:io-traffic',
    title: `IO traffic per process on ${ctx.host}`,
    now: ctx.now,
    conclusion,
    severity: quiet && !(tw && tw.writeBytes / intervalS >= QUIET_BYTES_PER_S) ? 'ok' : 'info',
    findings,
    tables,
    recommendations,
    evidence: {
      intervalSec: Math.round(intervalS * 100) / 100,
      disk: { readBytes: disks.readBytes, writeBytes: disks.writeBytes, devices: disks.devices },
      processes: { seen: seenProcs, unreadable, withIo: rows.length, exited: exited.length, sumReadBytes: Math.round(sumR * intervalS), sumWriteBytes: Math.round(sumW * intervalS) },
      topWriters: writers.slice(0, 10).map(pick),
      topReaders: readers.slice(0, 10).map(pick),
      issues: issues.slice(0, 50),
    },
  });
}

export const ioTrafficDiagnosis: Diagnosis = {
  id: 'io-traffic',
  title: 'IO traffic per process',
  category: 'io',
  description:
    'Reads /proc/PID/io of every process twice and ranks the top readers and writers (block-layer bytes, plus read()/write() bytes), with their command line and container, and the share of the disks\' traffic (from /proc/diskstats over the same interval) each one explains.',
  permission: 'diagnose.run',
  params: [
    { name: 'interval', type: 'integer', min: 1, max: 60, default: 5, description: 'seconds between the two samples' },
    { name: 'top', type: 'integer', min: 1, max: 200, default: 20, description: 'rows in each top table' },
  ],
  probe(p) {
    return {
      file: 'diag-io-traffic.sh',
      env: { OSDECK_INTERVAL: String(p.interval ?? 5), OSDECK_TOP: String(p.top ?? 20) },
      timeoutSec: Number(p.interval ?? 5) + 60,
      maxOutputBytes: 16 * 1024 * 1024,
    };
  },
  analyze: analyzeIoTraffic,
};
