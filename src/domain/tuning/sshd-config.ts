/**
 * sshd_config as sshd reads it: for each keyword the first value wins (Port and a few others
 * accumulate), `Include` pulls drop-ins in at its position (EL9 and Debian 12 include
 * sshd_config.d/*.conf at the top), and everything after the first `Match` is conditional.
 * Edits are minimal: replace the line that is in effect, or put a new one where it will be.
 */
import { fileText } from './facts';
import type { TuneFacts } from './tuning';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
export const SSHD_DROPINS = '/etc/ssh/sshd_config.d/*.conf';

/** Defaults of current OpenSSH (≥ 7.0) for the keywords rules look at. */
const DEFAULTS: Record<string, string> = {
  usedns: 'no',
  gssapiauthentication: 'no',
  permitrootlogin: 'prohibit-password',
  passwordauthentication: 'yes',
  port: '22',
};

const MULTI = new Set(['port', 'listenaddress', 'hostkey', 'include', 'acceptenv', 'subsystem']);

function keywordOf(line: string): { key: string; value: string } | null {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*?)\s*$/.exec(line);
  if (!m || line.trim().startsWith('#')) return null;
  return { key: m[1]!.toLowerCase(), value: m[2]!.replace(/^"(.*)"$/, '$1') };
}

function firstMatchIndex(lines: string[]): number {
  const i = lines.findIndex((l) => keywordOf(l)?.key === 'match');
  return i < 0 ? lines.length : i;
}

/** Drop-in files an Include line pulls in, when they are the standard sshd_config.d ones the probe read. */
function included(f: TuneFacts, pattern: string): string[] {
  const abs = pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`;
  return abs === SSHD_DROPINS ? (f.globs.get(SSHD_DROPINS) ?? []) : [];
}

/** keyword → values in effect, from the files (used when `sshd -T` cannot run). */
export function sshdFromFiles(f: TuneFacts): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (text: string, depth: number) => {
    const lines = text.split('\n');
    const end = firstMatchIndex(lines);
    for (const line of lines.slice(0, end)) {
      const kw = keywordOf(line);
      if (!kw) continue;
      if (kw.key === 'include') {
        if (depth < 3) for (const pattern of kw.value.split(/\s+/)) for (const p of included(f, pattern)) walk(fileText(f, p), depth + 1);
        continue;
      }
      const have = out.get(kw.key);
      if (!have) out.set(kw.key, [kw.value]);
      else if (MULTI.has(kw.key)) have.push(kw.value);
    }
  };
  walk(fileText(f, SSHD_CONFIG), 0);
  return out;
}

/** `sshd -T` output (lowercase keyword, value) when it ran; null otherwise. */
function sshdT(f: TuneFacts): Map<string, string[]> | null {
  const c = f.commands.get('sshd-config');
  if (!c || c.exit !== 0) return null;
  const out = new Map<string, string[]>();
  for (const line of c.out.split('\n')) {
    const m = /^([a-z0-9]+) (.*)$/.exec(line.trim());
    if (!m) continue;
    const have = out.get(m[1]!);
    if (have) have.push(m[2]!);
    else out.set(m[1]!, [m[2]!]);
  }
  return out.size ? out : null;
}

export interface SshdValue {
  values: string[];
  source: 'sshd -T' | 'sshd_config' | 'default';
}

/** The value sshd uses: from `sshd -T` when it could run, else from the files, else the default. */
export function sshdEffective(f: TuneFacts, keyword: string): SshdValue {
  const key = keyword.toLowerCase();
  const t = sshdT(f);
  if (t) {
    const v = t.get(key);
    if (v) return { values: v, source: 'sshd -T' };
  }
  const v = sshdFromFiles(f).get(key);
  if (v) return { values: v, source: 'sshd_config' };
  return { values: DEFAULTS[key] ? [DEFAULTS[key]] : [], source: 'default' };
}

export function sshdPresent(f: TuneFacts): boolean {
  const file = f.files.get(SSHD_CONFIG);
  return !!file?.exists && file.content !== null;
}

/** Where a new line for a keyword goes so it takes effect: before the first Include, else before the first Match. */
function insertionPoint(lines: string[]): number {
  const end = firstMatchIndex(lines);
  const inc = lines.slice(0, end).findIndex((l) => keywordOf(l)?.key === 'include');
  if (inc >= 0) return inc;
  let at = end;
  while (at > 0 && lines[at - 1]!.trim() === '') at--;
  return at;
}

/** Sets a single-valued keyword so it is the one in effect. */
export function sshdSet(content: string, keyword: string, value: string): string {
  const lines = content.split('\n');
  const end = firstMatchIndex(lines);
  const key = keyword.toLowerCase();
  const firstInclude = lines.slice(0, end).findIndex((l) => keywordOf(l)?.key === 'include');
  const at = lines.slice(0, end).findIndex((l) => keywordOf(l)?.key === key);
  if (at >= 0 && (firstInclude < 0 || at < firstInclude)) {
    lines[at] = `${keyword} ${value}`;
    return lines.join('\n');
  }
  lines.splice(insertionPoint(lines), 0, `${keyword} ${value}`);
  return lines.join('\n');
}

/** Ports listed in the main file before any Match (the lines a port change rewrites). */
export function sshdPortsInFile(content: string): number[] {
  const lines = content.split('\n');
  return lines
    .slice(0, firstMatchIndex(lines))
    .map(keywordOf)
    .filter((k) => k?.key === 'port')
    .map((k) => Number(k!.value))
    .filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
}

/** Replaces every Port line with one line per port, at the first Port line's place (or where a new keyword goes). */
export function sshdSetPorts(content: string, ports: number[]): string {
  const lines = content.split('\n');
  const end = firstMatchIndex(lines);
  const positions = lines.slice(0, end).map((l, i) => (keywordOf(l)?.key === 'port' ? i : -1)).filter((i) => i >= 0);
  const fresh = ports.map((p) => `Port ${p}`);
  if (!positions.length) {
    lines.splice(insertionPoint(lines), 0, ...fresh);
    return lines.join('\n');
  }
  const first = positions[0]!;
  const kept = lines.filter((_, i) => !positions.includes(i));
  kept.splice(first, 0, ...fresh);
  return kept.join('\n');
}

/** ListenAddress lines that carry their own port make Port irrelevant for them. */
export function sshdListenPinsPort(f: TuneFacts): boolean {
  return (sshdFromFiles(f).get('listenaddress') ?? []).some((a) => /^\[.*\]:\d+$/.test(a) || /^[^:]+:\d+$/.test(a));
}
