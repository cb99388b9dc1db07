/**
 * Kills by userspace OOM daemons, which the kernel log never shows:
 *   systemd-oomd  `Killed <cgroup> due to memory pressure for <cgroup> being 64.25% > 50.00% for > 20s with reclaim activity`
 *                 `Killed <cgroup> due to memory used (N) / total (N) and swap used (N) / total (N) being more than 90.00%`
 *                 (systemd src/oom/oomd-manager.c)
 *   earlyoom      `sending SIGTERM to process 1234 uid 1000 "firefox": badness 900, VmRSS 2000 MiB`
 */
import { kernelNumber, printable } from '../../metrics/proc-tokens';
import type { KernelLine } from './kernel-log-lines';

export interface UserspaceOomKill {
  killer: 'systemd-oomd' | 'earlyoom';
  mono: number | null;
  wall: number | null;
  wallText: string | null;
  /** the cgroup (systemd-oomd) or process name (earlyoom) */
  target: string;
  pid: number | null;
  reason: 'memory-pressure' | 'swap-used' | 'low-memory';
  /** the monitored cgroup and the figures, as logged */
  detail: string;
}

const MAX = 1000;

export function parseUserspaceOomKills(lines: KernelLine[]): UserspaceOomKill[] {
  const out: UserspaceOomKill[] = [];
  for (const l of lines) {
    if (l.tag === 'kernel') continue;
    const t = l.text.trim();
    let m: RegExpExecArray | null;
    // `-o cat` output has no identifier: the message itself is specific enough
    if ((l.tag === null || l.tag === 'systemd-oomd') && (m = /^Killed (\/\S{0,1024}) due to (memory pressure|memory used|swap used)(.*)$/.exec(t))) {
      out.push({
        killer: 'systemd-oomd',
        mono: l.mono,
        wall: l.wall,
        wallText: l.wallText,
        target: printable(m[1]!, 512),
        pid: null,
        reason: m[2] === 'memory pressure' ? 'memory-pressure' : 'swap-used',
        detail: printable(`${m[2]}${m[3]}`, 400),
      });
    } else if ((l.tag === null || l.tag === 'earlyoom') && (m = /sending SIG(?:TERM|KILL) to process (\d{1,10})(?: uid \d{1,10})? "(.{0,64}?)"(?::\s*(.*))?$/.exec(t))) {
      out.push({
        killer: 'earlyoom',
        mono: l.mono,
        wall: l.wall,
        wallText: l.wallText,
        target: printable(m[2]!, 64),
        pid: kernelNumber(m[1]),
        reason: 'low-memory',
        detail: printable(m[3] ?? '', 400),
      });
    }
    if (out.length > MAX) out.shift();
  }
  return out;
}
