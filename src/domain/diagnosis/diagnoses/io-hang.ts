import { kernelNumber, lines } from '../../metrics/proc-tokens';
import { parsePressure } from '../../metrics/pressure';
import { parseUptime } from '../../metrics/uptime';
import type { Report, ReportTable, Severity } from '../../report/report-shape';
import type { Diagnosis, DiagnosisContext } from '../diagnosis';
import { describeDevice, parseBlockDevices, PARTITION_NAME } from '../io/block-devices';
import { parseDStateList, parseTaskDetail, type DTask, type TaskDetail } from '../io/d-state-tasks';
import { diskDeltas } from '../io/diskstats-delta';
import { parseDiskstatsRecords } from '../io/diskstats-sample';
import { parseHungTaskLog, type HungTaskEvent } from '../io/hung-task-log';
import { classifyStack, isIoWait, type StackClass } from '../io/kernel-stack-class';
import { deviceIndex, devicesOfTask, mountOf, parseMountinfo } from '../io/task-devices';
import { parseSections, section, sectionsWithPrefix } from '../probe-sections';
import { makeReport, shq, table, worst } from '../report-kit';

/** An interval where requests stay in flight but complete this slowly (ms each) is called very slow. */
export const VERY_SLOW_AWAIT_MS = 1000;
/** Hung-task reports younger than this (s) are news; older ones are history. */
export const RECENT_HUNG_S = 600;
export const PSI_FULL_MEDIUM = 20;
export const PSI_FULL_HIGH = 50;

interface DeviceState {
  name: string;
  kind: string;
  inFlightStart: number;
  inFlightEnd: number;
  completed: number;
  busyPct: number;
  awaitMs: number | null;
  verdict: 'stuck' | 'very slow' | 'busy' | 'ok';
}

interface TaskView {
  task: DTask;
  detail: TaskDetail | undefined;
  seen: 'both samples' | 'end only';
  cls: StackClass;
  devices: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const who = (t: { comm: string; tgid?: number; tid?: number; pid?: number }) => `${t.comm} (pid ${t.tgid ?? t.pid ?? t.tid})`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function topFrames(frames: string[]): string {
  return frames.filter((f) => !/^(__schedule|schedule|schedule_timeout|io_schedule\w*|__pfx_\w+|srso_\w+)$/.test(f)).slice(0, 5).join(' ← ');
}

function parseHungSysctls(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines(text)) {
    const m = /^(?:.*\/)?(hung_task_\w+):(\S+)$/.exec(l.trim());
    const v = m ? kernelNumber(m[2]) : null;
    if (m && v !== null) out[m[1]!] = v;
  }
  return out;
}

export function analyzeIoHang(raw: string, ctx: DiagnosisContext): Report {
  const s = parseSections(raw, ctx.mark);
  const issues: string[] = [];
  const devices = parseBlockDevices(section(s, 'devices'), issues);
  const before = parseDiskstatsRecords(section(s, 'diskstats0'), issues);
  const after = parseDiskstatsRecords(section(s, 'diskstats1'), issues);
  const up0 = parseUptime(section(s, 'uptime0'), []);
  const up1 = parseUptime(section(s, 'uptime1'), []);
  const askedS = Number(ctx.params.interval ?? 5);
  const measured = up0 && up1 ? up1.uptimeSeconds - up0.uptimeSeconds : 0;
  const intervalS = round1(measured > 0 && measured < askedS * 10 + 5 ? measured : askedS);
  const mounts = parseMountinfo(section(s, 'mountinfo'));
  const idx = deviceIndex(after, devices);

  // 1. devices: requests in flight at both samples and no completion in between
  const prev = new Map(before.map((r) => [r.name, r]));
  const devs: DeviceState[] = [];
  for (const b of after) {
    if (devices.size ? !devices.has(b.name) : PARTITION_NAME.test(b.name)) continue;
    const a = prev.get(b.name);
    const d = a ? diskDeltas(a, b) : null;
    if (!a || !d) continue;
    const completed = d.rdIos + d.wrIos + d.dcIos + d.flIos;
    if (!completed && !a.inFlight && !b.inFlight) continue;
    const ios = d.rdIos + d.wrIos + d.dcIos;
    const awaitMs = ios ? round1((d.rdTicks + d.wrTicks + d.dcTicks) / ios) : null;
    const busyPct = round1(Math.min(100, (d.ioTicks / (intervalS * 1000)) * 100));
    const inFlight = a.inFlight > 0 && b.inFlight > 0;
    const verdict: DeviceState['verdict'] = inFlight && completed === 0 ? 'stuck' : inFlight && awaitMs !== null && awaitMs >= VERY_SLOW_AWAIT_MS ? 'very slow' : busyPct >= 90 ? 'busy' : 'ok';
    devs.push({ name: b.name, kind: describeDevice(b.name, devices.get(b.name)), inFlightStart: a.inFlight, inFlightEnd: b.inFlight, completed, busyPct, awaitMs, verdict });
  }
  const stuck = devs.filter((d) => d.verdict === 'stuck');
  const slow = devs.filter((d) => d.verdict === 'very slow');

  // 2. tasks in D state, at both samples (blocked for the whole interval) or only at the end
  const t0 = parseDStateList(section(s, 'dstate0'), issues);
  const t1 = parseDStateList(section(s, 'dstate1'), issues);
  const details = new Map<number, TaskDetail>();
  for (const [name, text] of sectionsWithPrefix(s, 'task:')) {
    const tid = kernelNumber(name.slice(5));
    if (tid !== null) details.set(tid, parseTaskDetail(text));
  }
  const tasks: TaskView[] = [...t1.values()].map((task) => {
    const detail = details.get(task.tid);
    const earlier = t0.get(task.tid);
    const seen = earlier && earlier.startTime === task.startTime ? 'both samples' : 'end only';
    return { task, detail, seen, cls: classifyStack(detail?.stack ?? [], detail?.wchan ?? null), devices: devicesOfTask(task.comm, detail?.fds ?? [], null, mounts, idx) };
  });
  const stuckNames = new Set(stuck.map((d) => d.name));
  const rank = (t: TaskView) => (t.devices.some((d) => stuckNames.has(d)) ? 4 : 0) + (t.seen === 'both samples' ? 2 : 0) + (isIoWait(t.cls.key) ? 1 : 0);
  tasks.sort((a, b) => rank(b) - rank(a) || a.task.tid - b.task.tid);
  const blocked = tasks.filter((t) => t.seen === 'both samples');
  const blockedIo = blocked.filter((t) => isIoWait(t.cls.key));

  // 3. the hung-task detector
  const sysctl = parseHungSysctls(section(s, 'hung'));
  const events = parseHungTaskLog(section(s, 'kmsg'));
  const now = up1?.uptimeSeconds ?? null;
  const ageOf = (e: HungTaskEvent) => (now !== null && e.at !== null ? Math.max(0, Math.round(now - e.at)) : null);
  const latestByPid = new Map<number, HungTaskEvent>();
  for (const e of events) latestByPid.set(e.pid, e);
  const hung = [...latestByPid.values()].sort((a, b) => (b.at ?? 0) - (a.at ?? 0));
  const recentHung = hung.filter((e) => {
    const age = ageOf(e);
    return age !== null && age <= RECENT_HUNG_S;
  });

  // 4. PSI io
  const psiSamples = parsePressure('io', section(s, 'psi'), []);
  const psi = (n: string) => psiSamples.find((x) => x.name === `node_pressure_io_${n}`)?.value ?? null;
  const fullAvg10 = psi('full_avg10');
  const someAvg10 = psi('some_avg10');

  // findings
  const findings: Report['findings'] = [];
  for (const d of stuck) {
    // one long request (a slow flush) can span a very short sample; a few seconds of nothing is a hang
    findings.push({ severity: intervalS >= 3 ? 'critical' : 'high', summary: `${d.name}: ${plural(d.inFlightEnd, 'request')} in flight and none completed in ${intervalS} s (busy ${d.busyPct}% of the time)`, detail: d.kind || undefined });
  }
  for (const d of slow) findings.push({ severity: 'high', summary: `${d.name}: requests take ${d.awaitMs} ms on average and ${d.inFlightEnd} stay in flight` });
  for (const t of tasks.slice(0, 20)) {
    const onStuck = t.devices.some((d) => stuckNames.has(d));
    const sev: Severity = t.seen === 'both samples' ? (onStuck || isIoWait(t.cls.key) ? 'high' : 'medium') : 'info';
    findings.push({
      severity: sev,
      summary: `${who(t.task)}${t.task.tid !== t.task.tgid ? ` thread ${t.task.tid}` : ''} in D state${t.seen === 'both samples' ? ` for the whole ${intervalS} s` : ''}: ${t.cls.cause}${t.devices.length ? ` (${t.devices.join(', ')})` : ''}`,
      detail: t.detail?.stack.length ? topFrames(t.detail.stack) : t.detail?.wchan ? `wchan ${t.detail.wchan}` : undefined,
    });
  }
  if (tasks.length > 20) findings.push({ severity: 'info', summary: `${tasks.length - 20} more task(s) in D state (see the table)` });
  if (tasks.length && tasks.every((t) => !t.detail?.stackRead)) findings.push({ severity: 'info', summary: 'kernel stacks of the blocked tasks could not be read (they need root); causes come from wchan only' });
  for (const e of recentHung.slice(0, 10)) {
    // still blocked now: high; recovered since: the stall was real but is over
    const still = [...t1.values()].some((t) => t.tid === e.pid || t.tgid === e.pid);
    findings.push({ severity: still ? 'high' : 'medium', summary: `kernel reported ${who(e)} blocked for more than ${e.blockedSeconds} s, ${ageOf(e)} s ago${e.workqueue ? ` (workqueue ${e.workqueue})` : ''}: ${classifyStack(e.frames, null).cause}` });
  }
  const older = hung.length - recentHung.length;
  if (older > 0) findings.push({ severity: 'low', summary: `${plural(older, 'older hung-task report')} in the kernel log since boot`, detail: hung.filter((e) => !recentHung.includes(e)).slice(0, 5).map((e) => `${who(e)} ${e.blockedSeconds} s${ageOf(e) !== null ? `, ${ageOf(e)} s ago` : ''}`).join('; ') });
  const detectCount = sysctl.hung_task_detect_count;
  if (detectCount !== undefined && detectCount > 0 && !hung.length) findings.push({ severity: 'low', summary: `the hung-task detector counted ${detectCount} hung task(s) since boot, but their reports are no longer in the kernel log` });
  if (sysctl.hung_task_timeout_secs === 0) findings.push({ severity: 'info', summary: 'the hung-task detector is off (kernel.hung_task_timeout_secs = 0)' });
  if (fullAvg10 !== null && fullAvg10 >= PSI_FULL_MEDIUM) findings.push({ severity: fullAvg10 >= PSI_FULL_HIGH ? 'high' : 'medium', summary: `all non-idle tasks were stalled on IO ${fullAvg10}% of the last 10 s (PSI io full avg10; some ${someAvg10 ?? '?'}%)` });
  else if (someAvg10 !== null && someAvg10 >= 30) findings.push({ severity: 'low', summary: `some task was stalled on IO ${someAvg10}% of the last 10 s (PSI io some avg10)` });
  if (!section(s, 'psi').trim()) findings.push({ severity: 'info', summary: 'PSI is not available (kernel older than 4.20, or booted without psi=1)' });
  if (issues.length) findings.push({ severity: 'info', summary: `${issues.length} probe line(s) could not be read`, detail: issues.slice(0, 5).join('; ') });
  if (!findings.some((f) => f.severity !== 'info')) findings.unshift({ severity: 'ok', summary: 'no device with requests stuck in flight, no task blocked in D state through the interval, no recent hung-task report' });

  // conclusion
  const taskText = (ts: TaskView[]) =>
    ts.slice(0, 3).map((t) => `${who(t.task)} ${t.cls.cause.replace(/^waiting/, 'waits').replace(/^blocked/, 'is blocked')}${t.devices.length ? ` [${t.devices.join(', ')}]` : ''}`).join('; ') + (ts.length > 3 ? `; and ${ts.length - 3} more` : '');
  let conclusion: string;
  if (stuck.length) {
    const on = tasks.filter((t) => t.devices.some((d) => stuckNames.has(d)) || /^kworker\/.*\+/.test(t.task.comm) || isIoWait(t.cls.key));
    conclusion = `IO is hung on ${stuck.map((d) => d.name).join(', ')} on ${ctx.host}: ${stuck.map((d) => `${d.name} has ${plural(d.inFlightEnd, 'request')} in flight`).join(', ')} and none completed in ${intervalS} s${on.length ? `; ${plural(on.length, 'task')} in D state: ${taskText(on)}` : ''}${recentHung.length ? `; the kernel reported ${plural(recentHung.length, 'hung task')}` : ''}.`;
  } else if (slow.length) {
    conclusion = `IO is very slow on ${slow.map((d) => d.name).join(', ')} on ${ctx.host} (${slow.map((d) => `${d.awaitMs} ms per request`).join(', ')})${blockedIo.length ? `; ${plural(blockedIo.length, 'task')} blocked: ${taskText(blockedIo)}` : ''}.`;
  } else if (blockedIo.length) {
    conclusion = `No device has requests stuck in flight on ${ctx.host}, but ${plural(blockedIo.length, 'task')} stayed in D state for the whole ${intervalS} s: ${taskText(blockedIo)}.`;
  } else if (recentHung.length) {
    const e = recentHung[0]!;
    conclusion = `No IO is stuck right now on ${ctx.host}, but the kernel reported ${plural(recentHung.length, 'hung task')} in the last ${Math.round(RECENT_HUNG_S / 60)} min, latest ${who(e)} blocked for more than ${e.blockedSeconds} s (${classifyStack(e.frames, null).cause}).`;
  } else if (blocked.length) {
    conclusion = `No IO hang on ${ctx.host}; ${plural(blocked.length, 'task')} stayed in D state for other reasons: ${taskText(blocked)}.`;
  } else if (fullAvg10 !== null && fullAvg10 >= PSI_FULL_MEDIUM) {
    conclusion = `No IO hang on ${ctx.host}, but every runnable task was stalled on IO ${fullAvg10}% of the last 10 s: the disks are overloaded (run io-latency and io-traffic).`;
  } else {
    conclusion = `No IO hang on ${ctx.host}: no device has requests stuck in flight, no task stayed in D state through the ${intervalS} s sample${hung.length ? `, and the ${plural(hung.length, 'hung-task report')} in the kernel log are older than ${Math.round(RECENT_HUNG_S / 60)} min` : ', and the kernel log has no hung-task reports'}.`;
  }

  // tables
  const tables: ReportTable[] = [
    table(`Block devices over ${intervalS} s`, ['device', 'kind', 'in flight (start)', 'in flight (end)', 'completed', '%util', 'await (ms)', 'verdict'],
      devs.sort((a, b) => Number(b.verdict === 'stuck') - Number(a.verdict === 'stuck') || b.inFlightEnd - a.inFlightEnd || b.busyPct - a.busyPct)
        .map((d) => [d.name, d.kind || null, d.inFlightStart, d.inFlightEnd, d.completed, d.busyPct, d.awaitMs, d.verdict])),
    table('Tasks in D state', ['pid', 'tid', 'command', 'seen', 'waiting for', 'device(s)', 'wchan', 'kernel stack (innermost first)'],
      tasks.slice(0, 100).map((t) => [t.task.tgid, t.task.tid, t.task.comm, t.seen, t.cls.cause, t.devices.join(', ') || null, t.detail?.wchan ?? null, t.detail?.stack.length ? topFrames(t.detail.stack) : null])),
    table('Hung-task reports in the kernel log (latest per task)', ['seconds after boot', 'age (s)', 'command', 'pid', 'blocked for more than (s)', 'workqueue', 'waiting for', 'call trace (innermost first)'],
      hung.slice(0, 50).map((e) => [e.at, ageOf(e), e.comm, e.pid, e.blockedSeconds, e.workqueue, classifyStack(e.frames, null).cause, topFrames(e.frames) || null])),
  ];

  // recommendations
  const recommendations: Report['recommendations'] = [];
  for (const d of stuck.slice(0, 3)) {
    const q = shq(d.name);
    const cmds = [`cat /sys/block/${q}/inflight /sys/block/${q}/stat`, `dmesg -T | grep -iE ${shq(`${d.name}|I/O error|timed? ?out|reset|abort`)} | tail -n 50`];
    const info = devices.get(d.name);
    if (/^loop\d/.test(d.name)) cmds.push(`losetup -l /dev/${q}`);
    if (/^dm-\d/.test(d.name)) cmds.push(`dmsetup info ${shq(info?.dmName ?? d.name)}`, `dmsetup resume ${shq(info?.dmName ?? d.name)}   # if it shows SUSPENDED`);
    if (/^nvme/.test(d.name)) cmds.push(`nvme smart-log /dev/${q}`);
    if (/^(sd|hd)/.test(d.name)) cmds.push(`smartctl -a /dev/${q}`);
    recommendations.push({ summary: `Find out why ${d.name} completes nothing: the device, its path or what it is stacked on`, commands: cmds });
  }
  const frozen = tasks.filter((t) => t.cls.key === 'frozen-fs');
  if (frozen.length) {
    const mps = new Set<string>();
    for (const t of frozen) {
      for (const fd of t.detail?.fds ?? []) if (fd.startsWith('/')) mps.add(mountOf(fd, mounts)?.mountPoint ?? '');
      for (const d of t.devices) {
        const back = devices.get(d)?.backingFile;
        if (back) mps.add(mountOf(back, mounts)?.mountPoint ?? '');
      }
    }
    mps.delete('');
    mps.delete('/');
    recommendations.push({
      summary: `Tasks wait on a frozen filesystem${mps.size ? ` (${[...mps].join(', ')})` : ''}: if a snapshot or backup froze it and did not thaw it, thaw it`,
      commands: mps.size ? [...mps].slice(0, 3).map((mp) => `fsfreeze -u ${shq(mp)}`) : ['grep -E " (ext4|xfs|btrfs) " /proc/mounts   # then: fsfreeze -u MOUNTPOINT'],
    });
  }
  if (tasks.length) {
    const t = tasks[0]!;
    recommendations.push({
      summary: 'Look at the blocked tasks\' kernel stacks now, and dump every blocked task to the kernel log',
      commands: [`cat /proc/${t.task.tgid}/task/${t.task.tid}/stack`, "ps -eLo pid,tid,stat,wchan:32,comm | awk '$3 ~ /D/'", 'echo w > /proc/sysrq-trigger && dmesg | tail -n 200'],
    });
  }
  if (hung.length) recommendations.push({ summary: 'Read the hung-task reports in full', commands: ["dmesg -T | grep -A 40 'blocked for more than'"] });

  return makeReport({
    kind: 'diagnosis:io-hang',
    title: `IO hang on ${ctx.host}`,
    now: ctx.now,
    conclusion,
    severity: worst(...findings.map((f) => f.severity)),
    findings,
    tables,
    recommendations,
    evidence: {
      intervalSec: intervalS,
      stuckDevices: stuck.map((d) => d.name),
      devices: devs.map(({ name, inFlightStart, inFlightEnd, completed, busyPct, awaitMs, verdict }) => ({ name, inFlightStart, inFlightEnd, completed, busyPct, awaitMs, verdict })),
      dStateTasks: tasks.slice(0, 50).map((t) => ({ pid: t.task.tgid, tid: t.task.tid, comm: t.task.comm, seen: t.seen, cause: t.cls.key, frame: t.cls.frame, devices: t.devices })),
      hungTaskReports: hung.slice(0, 20).map((e) => ({ pid: e.pid, comm: e.comm, blockedSeconds: e.blockedSeconds, at: e.at, ageSeconds: ageOf(e), workqueue: e.workqueue, cause: classifyStack(e.frames, null).key })),
      hungTaskDetectCount: detectCount ?? null,
      hungTaskTimeoutSecs: sysctl.hung_task_timeout_secs ?? null,
      kernelLog: section(s, 'kmsg_source').trim() || null,
      psi: { someAvg10, fullAvg10, someAvg60: psi('some_avg60'), fullAvg60: psi('full_avg60') },
      issues: issues.slice(0, 50),
    },
  });
}

export const ioHangDiagnosis: Diagnosis = {
  id: 'io-hang',
  title: 'IO hang',
  category: 'io',
  description:
    'Finds stuck IO: devices with requests in flight and no completions over the interval, tasks in D state with their kernel stacks (what they wait for, on which device), hung-task reports from the kernel log, and IO pressure (PSI).',
  permission: 'diagnose.run',
  params: [{ name: 'interval', type: 'integer', min: 1, max: 60, default: 5, description: 'seconds between the two samples' }],
  probe(p) {
    return { file: 'diag-io-hang.sh', env: { OSDECK_INTERVAL: String(p.interval ?? 5) }, timeoutSec: Number(p.interval ?? 5) + 60, maxOutputBytes: 8 * 1024 * 1024 };
  },
  analyze: analyzeIoHang,
};
