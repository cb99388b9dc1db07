import type { Diagnosis, DiagnosisParams } from '../diagnosis';
import { kernelLogLines, type KernelLogLines } from '../oom/kernel-log-lines';
import { parseOomHostFacts } from '../oom/oom-counters';
import { oomEventKey, parseOomLog } from '../oom/oom-log';
import { buildOomReport, type SourcedOomEvent } from '../oom/oom-report';
import { parseUserspaceOomKills, type UserspaceOomKill } from '../oom/userspace-oom-kills';
import { parseSections, section } from '../probe-sections';

// Sections holding kernel log text, oldest source first (an earlier boot's journal, then this boot).
const LOG_SECTIONS = ['journal-older', 'journal', 'kmsg', 'dmesg'] as const;

function settings(p: DiagnosisParams) {
  return {
    sinceHours: typeof p.sinceHours === 'number' ? p.sinceHours : 168,
    maxEvents: typeof p.maxEvents === 'number' ? p.maxEvents : 50,
  };
}

export const oomDiagnosis: Diagnosis = {
  id: 'oom',
  title: 'OOM kills',
  category: 'oom',
  description:
    'Finds OOM-killer reports in the kernel log (/dev/kmsg, the journal or dmesg; or an uploaded log) in every format from 3.10 to 6.x, and tells for each kill the cgroup or host limit that was hit, the cause (memory cgroup limit, global, cpuset, mempolicy, fragmentation, kernel/slab leak, tmpfs/shm, many copies of one program, huge pages), the victim and the top consumers; also systemd-oomd/earlyoom kills and the kernel OOM counters.',
  permission: 'diagnose.run',
  params: [
    { name: 'source', type: 'string', enum: ['auto', 'kmsg', 'journal', 'dmesg'], default: 'auto', description: 'where to read the kernel log: auto = /dev/kmsg (dmesg if unreadable) plus the journal when the ring buffer has rotated' },
    { name: 'sinceHours', type: 'integer', min: 0, max: 87600, default: 168, description: 'only events of the last N hours (0 = the whole log); an uploaded log is read whole' },
    { name: 'maxEvents', type: 'integer', min: 1, max: 1000, default: 50, description: 'events shown in the timeline' },
    { name: 'maxLogMiB', type: 'integer', min: 1, max: 64, default: 8, description: 'read at most the last N MiB of each log source' },
  ],
  probe(p) {
    const maxLogMiB = typeof p.maxLogMiB === 'number' ? p.maxLogMiB : 8;
    const maxBytes = maxLogMiB * 1024 * 1024;
    return {
      file: 'diag-oom.sh',
      env: { OSDECK_SOURCE: String(p.source ?? 'auto'), OSDECK_SINCE_HOURS: String(p.sinceHours ?? 168), OSDECK_MAX_BYTES: String(maxBytes) },
      timeoutSec: 150,
      // kmsg/dmesg + journal + earlier boots, plus counters
      maxOutputBytes: Math.round(maxBytes * 2.6) + 2 * 1024 * 1024,
    };
  },
  analyze(raw, ctx) {
    const s = parseSections(raw, ctx.mark);
    const facts = parseOomHostFacts((n) => section(s, n));
    const { sinceHours, maxEvents } = settings(ctx.params);
    const seen = new Set<string>();
    const events: SourcedOomEvent[] = [];
    const used: string[] = [];
    const issues: string[] = [];
    let truncatedLines = 0;
    let linesRead = 0;
    let droppedEvents = 0;
    for (const name of LOG_SECTIONS) {
      if (!s.has(name)) continue;
      const ll: KernelLogLines = kernelLogLines(section(s, name));
      if (!ll.lines.length) continue;
      used.push(name);
      linesRead += ll.lines.length;
      truncatedLines += ll.truncatedLines;
      const log = parseOomLog(ll.lines);
      droppedEvents += log.droppedEvents;
      issues.push(...log.issues.map((i) => `${name}: ${i}`));
      for (const event of log.events) {
        // kmsg and this boot's journal carry the same printk time: one kill, counted once
        const key = name === 'journal-older' ? `older:${oomEventKey(event)}` : oomEventKey(event);
        if (seen.has(key)) continue;
        seen.add(key);
        events.push({ event, source: name });
      }
    }
    // journal-older, then this boot ordered by printk time
    events.sort((a, b) => {
      const ao = a.source === 'journal-older' ? 0 : 1;
      const bo = b.source === 'journal-older' ? 0 : 1;
      if (ao !== bo) return ao - bo;
      if (ao === 0) return (a.event.wall ?? 0) - (b.event.wall ?? 0);
      return (a.event.mono ?? 0) - (b.event.mono ?? 0);
    });
    const oomd: UserspaceOomKill[] = s.has('oomd') ? parseUserspaceOomKills(kernelLogLines(section(s, 'oomd')).lines) : [];
    const sourceLabel = used.length ? used.join(' + ') : 'no readable kernel log';
    if (!used.length) issues.push('the probe could read no kernel log (not root, or dmesg_restrict=1 and no journal)');
    return buildOomReport({ host: ctx.host, now: ctx.now, sinceHours, maxEvents, origin: 'probe', sourceLabel, events, userspace: oomd, facts, truncatedLines, linesRead, droppedEvents, issues });
  },
  analyzeText(text, ctx) {
    const { maxEvents } = settings(ctx.params);
    const ll = kernelLogLines(text);
    const log = parseOomLog(ll.lines);
    return buildOomReport({
      host: ctx.host,
      now: ctx.now,
      // an upload is read whole: its times may be old, relative to its own host or missing
      sinceHours: 0,
      maxEvents,
      origin: 'upload',
      sourceLabel: 'the uploaded log',
      events: log.events.map((event) => ({ event, source: 'upload' })),
      userspace: parseUserspaceOomKills(ll.lines),
      facts: null,
      truncatedLines: ll.truncatedLines,
      linesRead: ll.lines.length,
      droppedEvents: log.droppedEvents,
      issues: log.issues,
    });
  },
};
