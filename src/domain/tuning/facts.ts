/**
 * Parses the output of probes/tune-facts.sh into TuneFacts.
 *
 * Sections (see diagnosis/probe-sections.ts for the marker that makes them unforgeable):
 *   os          /etc/os-release
 *   kernel      uname -r
 *   uid         id -u
 *   systemd     1 when systemd is PID 1
 *   glob.N      the Nth requested pattern's matches, one base64 path per line
 *   file.N      base64 path / "exists mode uid gid size" / base64 real path / state / base64 content lines
 *   value.N     base64 path / "=VALUE" or "!" (values a plan touches, read back to verify it)
 *   sysctl:KEY  "=VALUE" or "!" when the key does not exist
 *   cmd:NAME    "exit N", then the command's output
 *   svc:NAME    "ENABLED ACTIVE"
 */
import { parseSections, section, sectionsWithPrefix } from '../diagnosis/probe-sections';
import type { FileFact, OsFamily, TuneFacts } from './tuning';

const EL_IDS = ['rhel', 'centos', 'anolis', 'rocky', 'almalinux', 'ol', 'fedora', 'openeuler', 'alinux'];
const DEBIAN_IDS = ['debian', 'ubuntu'];

function unquote(v: string): string {
  const t = v.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

export function parseOsRelease(text: string): TuneFacts['os'] {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) kv.set(m[1]!, unquote(m[2]!));
  }
  const id = (kv.get('ID') ?? '').toLowerCase();
  const idLike = (kv.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const all = [id, ...idLike];
  const family: OsFamily = all.some((x) => EL_IDS.includes(x)) ? 'el' : all.some((x) => DEBIAN_IDS.includes(x)) ? 'debian' : 'other';
  const versionId = kv.get('VERSION_ID') ?? '';
  const major = /^\d+/.test(versionId) ? Number(/^\d+/.exec(versionId)![0]) : null;
  return { id, idLike, versionId, family, major, pretty: kv.get('PRETTY_NAME') ?? id };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** base64 → UTF-8 text; null when it is not valid base64 or not UTF-8. */
export function decodeBase64Text(b64: string): string | null {
  try {
    const bin = atob(b64.replace(/\s+/g, ''));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function parseFile(text: string): FileFact | null {
  const lines = text.split('\n');
  const path = decodeBase64Text(lines[0] ?? '');
  if (!path || !path.startsWith('/')) return null;
  const [exists, mode, uid, gid, size] = (lines[1] ?? '').trim().split(/\s+/);
  const realPath = decodeBase64Text(lines[2] ?? '') || path;
  const state = (lines[3] ?? '').trim();
  const fact: FileFact = {
    path,
    exists: exists === '1',
    realPath: realPath.startsWith('/') ? realPath : path,
    mode: /^[0-7]{3,4}$/.test(mode ?? '') ? mode!.replace(/^0(?=[0-7]{3}$)/, '') : '644',
    uid: Number(uid) || 0,
    gid: Number(gid) || 0,
    size: Number(size) || 0,
    content: null,
  };
  if (!fact.exists) return fact;
  if (state !== 'content') {
    fact.unreadable = state === 'toolarge' ? `larger than the 1 MiB osdeck reads` : state === 'notfile' ? 'not a regular file' : 'unreadable';
    return fact;
  }
  const content = decodeBase64Text(lines.slice(4).join(''));
  if (content === null) fact.unreadable = 'not UTF-8 text';
  else fact.content = content;
  return fact;
}

export function parseTuneFacts(raw: string, mark: string, globsRequested: string[]): TuneFacts {
  const s = parseSections(raw, mark);
  if (!s.has('os') || !s.has('uid')) throw new Error('tuning probe output not recognized (no os/uid sections)');
  const files = new Map<string, FileFact>();
  for (const [, text] of sectionsWithPrefix(s, 'file.')) {
    const f = parseFile(text);
    if (f && !files.has(f.path)) files.set(f.path, f);
  }
  const globs = new Map<string, string[]>();
  globsRequested.forEach((pattern, i) => {
    const paths = section(s, `glob.${i}`).split('\n').map((l) => decodeBase64Text(l.trim())).filter((p): p is string => !!p && p.startsWith('/'));
    globs.set(pattern, [...new Set(paths)].sort());
  });
  const sysctl = new Map<string, string | null>();
  for (const [name, text] of sectionsWithPrefix(s, 'sysctl:')) {
    const first = text.split('\n')[0] ?? '';
    sysctl.set(name.slice(7), first.startsWith('=') ? first.slice(1) : null);
  }
  const values = new Map<string, string | null>();
  for (const [, text] of sectionsWithPrefix(s, 'value.')) {
    const [pathLine, valueLine] = text.split('\n');
    const path = decodeBase64Text(pathLine ?? '');
    if (path) values.set(path, valueLine?.startsWith('=') ? valueLine.slice(1) : null);
  }
  const commands = new Map<string, { exit: number; out: string }>();
  for (const [name, text] of sectionsWithPrefix(s, 'cmd:')) {
    const nl = text.indexOf('\n');
    const head = nl < 0 ? text : text.slice(0, nl);
    const m = /^exit (\d+)/.exec(head);
    commands.set(name.slice(4), { exit: m ? Number(m[1]) : 127, out: nl < 0 ? '' : text.slice(nl + 1) });
  }
  const services = new Map<string, { enabled: string; active: string }>();
  for (const [name, text] of sectionsWithPrefix(s, 'svc:')) {
    const [enabled, active] = text.trim().split(/\s+/);
    services.set(name.slice(4), { enabled: enabled || 'unknown', active: active || 'unknown' });
  }
  return {
    os: parseOsRelease(section(s, 'os')),
    kernel: section(s, 'kernel').trim(),
    uid: Number(section(s, 'uid').trim()),
    systemd: section(s, 'systemd').trim() === '1',
    files,
    globs,
    sysctl,
    commands,
    services,
    values,
  };
}

/** The file's text; '' when absent. Rules call this only after checking `unreadable`. */
export function fileText(f: TuneFacts, path: string): string {
  return f.files.get(path)?.content ?? '';
}

export function fileExists(f: TuneFacts, path: string): boolean {
  return f.files.get(path)?.exists ?? false;
}

/** Kernel version as [major, minor]; [0, 0] when unreadable. */
export function kernelVersion(f: TuneFacts): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(f.kernel);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

export function kernelAtLeast(f: TuneFacts, major: number, minor: number): boolean {
  const [a, b] = kernelVersion(f);
  return a > major || (a === major && b >= minor);
}
