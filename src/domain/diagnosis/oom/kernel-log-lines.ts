/**
 * Kernel log text, in whatever framing it arrives, becomes plain message lines with their times.
 *
 * Framings read (one input may mix them, e.g. an uploaded file made of several pastes):
 *   /dev/kmsg     `PRI,SEQ,TS_us,FLAGS[,caller=T1];text`; text escapes bytes < 0x20, >= 0x7f and `\` as
 *                 `\xNN` (so a multi-line printk, like Mem-Info, is ONE record holding `\x0a`); the lines
 *                 after a record that start with a space are its KEY=VALUE dictionary, not text.
 *   journalctl    `-o short-monotonic`: `[  123.456789] host kernel: text`; `-o short`/syslog files:
 *                 `Nov 21 08:11:02 host kernel: [  123.456789] text`; `-o short-iso[-precise]`: ISO time;
 *                 `-o cat`: bare text. Multi-line messages continue on indented lines without a prefix.
 *                 The pager (less -S) chops long lines and marks them with a trailing `>`.
 *   dmesg         `[  123.456789] text`, `[  123.456789][T14021] text` (CONFIG_PRINTK_CALLER), `dmesg -x`
 *                 `kern  :warn  : [ ts] text`, `dmesg -r` `<4>[ ts] text`, `dmesg -T` `[Tue Nov 21 08:11:02 2023] text`,
 *                 or no time at all.
 * Nothing here throws; a line that fits no framing is kept as bare text.
 */
import { kernelNumber, printable } from '../../metrics/proc-tokens';

export type LineFraming = 'kmsg' | 'journal' | 'syslog' | 'iso' | 'dmesg' | 'dmesg-ctime' | 'plain';

export interface KernelLine {
  /** seconds since boot (printk's clock), when the framing carries it */
  mono: number | null;
  /** ms since the epoch, only when the framing gives an absolute time with a year and a zone */
  wall: number | null;
  /** the time as written when it cannot become `wall` (syslog has no year, dmesg -T no zone) */
  wallText: string | null;
  /** syslog identifier: 'kernel' for kernel lines, 'systemd-oomd', …; null when the framing has none */
  tag: string | null;
  /** the message text, printable, bounded */
  text: string;
  /** the pager cut this line: its last token is incomplete */
  truncated: boolean;
  /** /dev/kmsg sequence number (to merge with other sources) */
  seq: number | null;
  framing: LineFraming;
}

export interface KernelLogLines {
  lines: KernelLine[];
  framings: Partial<Record<LineFraming, number>>;
  truncatedLines: number;
  /** input lines dropped because of the line cap */
  droppedLines: number;
}

const MAX_LINE = 4096;
const DEFAULT_MAX_LINES = 400_000;

const KMSG = /^(\d{1,4}),(\d{1,20}),(\d{1,20}),[^;]{0,200};(.*)$/;
const MONO = /^\[\s*(\d{1,12}\.\d{1,9})\](?:\[\s*[TC]\d{1,10}\])?\s?(.*)$/;
// host, then an identifier: "kernel", or "name[pid]" (so "usb 1-1: …" from dmesg is not mistaken for it)
const HOST_TAG = /^(\S{1,255})\s+(kernel|[\w.@/-]{1,64}\[\d{1,10}\]|systemd-oomd|earlyoom):\s?(.*)$/;
const SYSLOG = /^([A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d(?:\.\d{1,9})?)\s+(\S{1,255})\s+([^\s:[\]]{1,64})(?:\[(\d{1,10})\])?:\s?(.*)$/;
const ISO = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?)(Z|[+-]\d\d:?\d\d)?\s+(\S{1,255})\s+([^\s:[\]]{1,64})(?:\[(\d{1,10})\])?:\s?(.*)$/;
const CTIME = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2}\s+\d{1,2} \d\d:\d\d:\d\d \d{4})\]\s?(.*)$/;
const DMESG_X = /^[a-z]{2,8}\s*:[a-z]{2,8}\s*:\s?(.*)$/;
const RAW_PRI = /^<\d{1,3}>(.*)$/;

/** `\xNN` escapes of /dev/kmsg back to bytes (only the ones the kernel writes). */
export function unescapeKmsg(s: string): string {
  return s.includes('\\x') ? s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;
}

function isoWall(date: string, zone: string | undefined): number | null {
  if (!zone) return null; // no zone: local time of an unknown host
  const z = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const t = Date.parse(`${date.replace(' ', 'T').replace(',', '.').replace(/(\.\d{3})\d+/, '$1')}${z}`);
  return Number.isFinite(t) ? t : null;
}

// The pager's chop mark: a trailing '>' glued to text ("sec_paget>"), not an HTML-like "</TASK>".
function chopped(l: string): boolean {
  if (l.length < 40) return false;
  if (l.endsWith('…')) return true;
  return l.endsWith('>') && !/<\/?[A-Za-z0-9_]{1,16}>$/.test(l) && !/\s>$/.test(l) && !/->$/.test(l);
}

/**
 * Splits kernel log text into message lines. `maxLines` bounds the work on a hostile upload; the
 * newest lines are kept (the log's end is what matters for recent OOMs).
 */
export function kernelLogLines(text: string, opts: { maxLines?: number } = {}): KernelLogLines {
  const maxLines = opts.maxLines ?? DEFAULT_MAX_LINES;
  let raw = text.split('\n');
  let droppedLines = 0;
  if (raw.length > maxLines) {
    droppedLines = raw.length - maxLines;
    raw = raw.slice(-maxLines);
  }
  const out: KernelLine[] = [];
  const framings: Partial<Record<LineFraming, number>> = {};
  let truncatedLines = 0;
  // the previous record, for continuation lines (indented, no prefix)
  const last: { line: KernelLine | null } = { line: null };

  const push = (base: Omit<KernelLine, 'text' | 'truncated'>, body: string) => {
    // one record may hold several lines (kmsg's \x0a, or a pasted multi-line message)
    for (const part of body.split('\n')) {
      const p = part.endsWith('\r') ? part.slice(0, -1) : part;
      const truncated = chopped(p);
      if (truncated) truncatedLines++;
      const line: KernelLine = { ...base, text: printable(p, MAX_LINE), truncated };
      out.push(line);
      last.line = line;
    }
    framings[base.framing] = (framings[base.framing] ?? 0) + 1;
  };

  for (const rawLine of raw) {
    const l = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (l.trim() === '') continue;
    const line = l.length > MAX_LINE * 4 ? l.slice(0, MAX_LINE * 4) : l;
    let m: RegExpExecArray | null;

    if ((m = KMSG.exec(line))) {
      const pri = kernelNumber(m[1]) ?? 0;
      const us = kernelNumber(m[3]);
      let body = unescapeKmsg(m[4] ?? '');
      let tag: string | null = pri >> 3 === 0 ? 'kernel' : null;
      if (tag === null) {
        // userspace writes to /dev/kmsg ("systemd[1]: …")
        const t = /^([\w.@/-]{1,64})(?:\[\d{1,10}\])?:\s?(.*)$/s.exec(body);
        if (t) {
          tag = t[1]!;
          body = t[2]!;
        }
      }
      push({ mono: us === null ? null : us / 1e6, wall: null, wallText: null, tag, seq: kernelNumber(m[2]), framing: 'kmsg' }, body);
      continue;
    }
    const p = last.line;
    if (p !== null && p.framing === 'kmsg' && /^\s/.test(line)) continue; // kmsg dictionary (SUBSYSTEM=…, DEVICE=…)

    if ((m = SYSLOG.exec(line))) {
      let body = m[5] ?? '';
      let mono: number | null = null;
      const inner = MONO.exec(body);
      if (inner) {
        mono = Number(inner[1]);
        body = inner[2] ?? '';
      }
      push({ mono, wall: null, wallText: m[1]!, tag: m[3]!, seq: null, framing: 'syslog' }, body);
      continue;
    }
    if ((m = ISO.exec(line))) {
      let body = m[6] ?? '';
      let mono: number | null = null;
      const inner = MONO.exec(body);
      if (inner) {
        mono = Number(inner[1]);
        body = inner[2] ?? '';
      }
      push({ mono, wall: isoWall(m[1]!, m[2]), wallText: `${m[1]}${m[2] ?? ''}`, tag: m[4]!, seq: null, framing: 'iso' }, body);
      continue;
    }
    let rest = line;
    const x = DMESG_X.exec(rest);
    if (x && /^\[/.test(x[1] ?? '')) rest = x[1]!;
    const r = RAW_PRI.exec(rest);
    if (r) rest = r[1]!;
    if ((m = MONO.exec(rest))) {
      const mono = Number(m[1]);
      const body = m[2] ?? '';
      const ht = HOST_TAG.exec(body);
      if (ht) {
        push({ mono, wall: null, wallText: null, tag: ht[2]!.replace(/\[\d+\]$/, ''), seq: null, framing: 'journal' }, ht[3] ?? '');
      } else {
        push({ mono, wall: null, wallText: null, tag: null, seq: null, framing: 'dmesg' }, body);
      }
      continue;
    }
    if ((m = CTIME.exec(rest))) {
      push({ mono: null, wall: null, wallText: m[1]!, tag: null, seq: null, framing: 'dmesg-ctime' }, m[2] ?? '');
      continue;
    }
    // A bare line: the continuation of a prefixed multi-line record when indented, else plain text.
    if (p !== null && p.framing !== 'plain' && /^\s/.test(line)) {
      push({ mono: p.mono, wall: p.wall, wallText: p.wallText, tag: p.tag, seq: p.seq, framing: p.framing }, line.trimStart());
      continue;
    }
    push({ mono: null, wall: null, wallText: null, tag: null, seq: null, framing: 'plain' }, line);
  }
  return { lines: out, framings, truncatedLines, droppedLines };
}
