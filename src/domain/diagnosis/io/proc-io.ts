/**
 * Per-process IO counters (/proc/PID/io, Documentation/filesystems/proc.rst) as the io-traffic probe
 * prints them, one process a line:
 *
 *   4242 rchar:N wchar:N syscr:N syscw:N read_bytes:N write_bytes:N cancelled_write_bytes:N dd
 *
 * rchar/wchar count bytes passed to read()/write()-like syscalls (page cache hits, pipes, sockets
 * too); read_bytes/write_bytes are what the task made the block layer fetch or dirtied for it
 * (writeback is charged to the task that dirtied the page, at dirty time); cancelled_write_bytes is
 * dirty data dropped before writeback (a truncate). A reaped child's counters are added to its parent.
 */
import { excerpt, kernelNumber, lines, printable } from '../../metrics/proc-tokens';

export interface ProcIo {
  pid: number;
  rchar: number;
  wchar: number;
  syscr: number;
  syscw: number;
  readBytes: number;
  writeBytes: number;
  cancelledWriteBytes: number;
  comm: string;
}

const KEYS: Record<string, keyof Omit<ProcIo, 'pid' | 'comm'>> = {
  rchar: 'rchar',
  wchar: 'wchar',
  syscr: 'syscr',
  syscw: 'syscw',
  read_bytes: 'readBytes',
  write_bytes: 'writeBytes',
  cancelled_write_bytes: 'cancelledWriteBytes',
};

export function parseProcIo(text: string, issues: string[] = []): Map<number, ProcIo> {
  const out = new Map<number, ProcIo>();
  for (const line of lines(text)) {
    const tokens = line.split(' ');
    const pid = kernelNumber(tokens[0]);
    if (pid === null || pid <= 0 || !Number.isInteger(pid)) {
      issues.push(`bad io line ${excerpt(line)}`);
      continue;
    }
    const p: ProcIo = { pid, rchar: 0, wchar: 0, syscr: 0, syscw: 0, readBytes: 0, writeBytes: 0, cancelledWriteBytes: 0, comm: '' };
    let i = 1;
    let found = 0;
    let bad = false;
    for (; i < tokens.length; i++) {
      const m = /^([a-z_]+):(.*)$/.exec(tokens[i]!);
      const key = m ? KEYS[m[1]!] : undefined;
      if (!m || !key) break;
      const v = kernelNumber(m[2]);
      if (v === null || v < 0) {
        bad = true;
        break;
      }
      p[key] = v;
      found++;
    }
    if (bad || found < 6) {
      issues.push(`bad io line ${excerpt(line)}`);
      continue;
    }
    p.comm = printable(tokens.slice(i).join(' '), 64);
    if (!out.has(pid)) out.set(pid, p);
  }
  return out;
}

export interface ProcIoDelta extends ProcIo {
  /** not in the first pass: started during the interval (or had done no IO before) */
  fresh: boolean;
}

const FIELDS = ['rchar', 'wchar', 'syscr', 'syscw', 'readBytes', 'writeBytes', 'cancelledWriteBytes'] as const;

/**
 * What each process did between the passes. A pid missing from the first pass counts from zero
 * (the probe leaves out all-zero processes, and a process started in the interval did everything in
 * it); a counter that went down means the pid was reused, so the new process counts from zero too.
 */
export function procIoDeltas(before: Map<number, ProcIo>, after: Map<number, ProcIo>): ProcIoDelta[] {
  const out: ProcIoDelta[] = [];
  for (const b of after.values()) {
    const a = before.get(b.pid);
    const reused = !!a && FIELDS.some((k) => b[k] < a[k]);
    const base = a && !reused ? a : null;
    const d: ProcIoDelta = { ...b, fresh: !base };
    for (const k of FIELDS) d[k] = b[k] - (base ? base[k] : 0);
    out.push(d);
  }
  return out;
}

/** Processes of the first pass that are gone in the second: their IO in the interval is lost (unless a parent reaped them). */
export function exitedProcesses(before: Map<number, ProcIo>, after: Map<number, ProcIo>): ProcIo[] {
  return [...before.values()].filter((p) => !after.has(p.pid));
}
