/**
 * Where a sysctl's boot-time value comes from. systemd-sysctl and `sysctl --system` read
 * *.conf from /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and
 * /lib/sysctl.d — a file name in an earlier directory hides the same name in later ones — in
 * file-name order, then /etc/sysctl.conf; the last assignment of a key wins.
 */
import { TuneRefusal, type Change, type TuneFacts } from './tuning';

export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
export const SYSCTL_GLOBS = SYSCTL_DIRS.map((d) => `${d}/*.conf`);
export const SYSCTL_CONF = '/etc/sysctl.conf';
/** osdeck's own file; sorts after vendor 99-* files with earlier names. */
export const OSDECK_SYSCTL_FILE = '/etc/sysctl.d/99-zz-osdeck-tune.conf';
const HEADER = '# Written by osdeck tune. Revert with `osdeck tune revert`; rules named in comments.\n';

export const SYSCTL_READS = { files: [SYSCTL_CONF, OSDECK_SYSCTL_FILE], globs: SYSCTL_GLOBS };

function base(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The files in the order they are applied. */
export function sysctlFiles(f: TuneFacts): string[] {
  const byName = new Map<string, string>();
  for (const dir of SYSCTL_DIRS) {
    const matches = [...(f.globs.get(`${dir}/*.conf`) ?? [])];
    if (dir === '/etc/sysctl.d' && f.files.get(OSDECK_SYSCTL_FILE)?.exists && !matches.includes(OSDECK_SYSCTL_FILE)) matches.push(OSDECK_SYSCTL_FILE);
    for (const p of matches) if (!byName.has(base(p))) byName.set(base(p), p);
  }
  const ordered = [...byName.keys()].sort().map((k) => byName.get(k)!);
  const real = new Set(ordered.map((p) => f.files.get(p)?.realPath ?? p));
  if (f.files.get(SYSCTL_CONF)?.exists && !real.has(f.files.get(SYSCTL_CONF)!.realPath)) ordered.push(SYSCTL_CONF);
  return ordered;
}

export function normalizeKey(k: string): string {
  return k.trim().replace(/^-/, '').replace(/\//g, '.');
}

/** Whitespace-insensitive comparison (ip_local_port_range prints a tab). */
export function sameValue(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b;
  return a.trim().split(/\s+/).join(' ') === b.trim().split(/\s+/).join(' ');
}

export interface Assignment {
  path: string;
  line: number;
  value: string;
}

function assignmentsIn(path: string, text: string, key: string): Assignment[] {
  const out: Assignment[] = [];
  text.split('\n').forEach((raw, line) => {
    const l = raw.trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) return;
    const eq = l.indexOf('=');
    if (eq <= 0) return;
    if (normalizeKey(l.slice(0, eq)) === key) out.push({ path, line, value: l.slice(eq + 1).trim() });
  });
  return out;
}

/** Every assignment of the key, in the order they are applied. */
export function sysctlAssignments(f: TuneFacts, key: string): Assignment[] {
  return sysctlFiles(f).flatMap((p) => assignmentsIn(p, f.files.get(p)?.content ?? '', key));
}

/** The value the key gets at boot, and where it is set; null when no file sets it. */
export function sysctlPersisted(f: TuneFacts, key: string): Assignment | null {
  return sysctlAssignments(f, key).at(-1) ?? null;
}

function withValue(text: string, line: number, key: string, value: string): string {
  const lines = text.split('\n');
  const raw = lines[line]!;
  const indent = /^\s*/.exec(raw)![0];
  const ignoreErrors = raw.trim().startsWith('-') ? '-' : '';
  lines[line] = `${indent}${ignoreErrors}${key} = ${value}`;
  return lines.join('\n');
}

/** osdeck's file with the key set (kept sorted by rule order of arrival: a key's line is updated in place). */
function setInOurFile(f: TuneFacts, key: string, value: string, rule: string): string {
  const text = f.files.get(OSDECK_SYSCTL_FILE)?.content ?? '';
  const have = assignmentsIn(OSDECK_SYSCTL_FILE, text, key);
  if (have.length) return withValue(text, have.at(-1)!.line, key, value);
  const body = text || HEADER;
  return `${body}${body.endsWith('\n') ? '' : '\n'}# ${rule}\n${key} = ${value}\n`;
}

/**
 * The changes that make the key's boot-time value `value`: edit the line in effect when it is in
 * /etc (one place to look), else add it to osdeck's file. Refuses when a file outside /etc would
 * still win.
 */
export function persistSysctl(f: TuneFacts, key: string, value: string, rule: string): Change[] {
  const last = sysctlPersisted(f, key);
  if (last && sameValue(last.value, value)) return [];
  if (last && last.path.startsWith('/etc/') && f.files.get(last.path)?.content !== null && f.files.get(last.path)?.content !== undefined) {
    const fact = f.files.get(last.path)!;
    return [{ kind: 'file', path: last.path, content: withValue(fact.content!, last.line, key, value) }];
  }
  const content = setInOurFile(f, key, value, rule);
  // would it win? simulate with the new file in place
  const probe: TuneFacts = { ...f, files: new Map(f.files) };
  probe.files.set(OSDECK_SYSCTL_FILE, { path: OSDECK_SYSCTL_FILE, realPath: OSDECK_SYSCTL_FILE, exists: true, mode: '644', uid: 0, gid: 0, size: content.length, content });
  const after = sysctlPersisted(probe, key);
  if (!after || !sameValue(after.value, value)) {
    throw new TuneRefusal(`${after?.path ?? 'a later file'} sets ${key} = ${after?.value} after osdeck's ${OSDECK_SYSCTL_FILE}; change it there`);
  }
  return [{ kind: 'file', path: OSDECK_SYSCTL_FILE, content, mode: '644' }];
}

/** Comments out every assignment of a key in files under /etc (for keys that must not be set at all). */
export function removeSysctl(f: TuneFacts, key: string): Change[] {
  const byFile = new Map<string, number[]>();
  for (const a of sysctlAssignments(f, key)) {
    if (!a.path.startsWith('/etc/')) throw new TuneRefusal(`${a.path} sets ${key} and is not under /etc; override it by hand`);
    byFile.set(a.path, [...(byFile.get(a.path) ?? []), a.line]);
  }
  return [...byFile].map(([path, lines]) => {
    const text = f.files.get(path)!.content!.split('\n');
    for (const i of lines) text[i] = `# ${text[i]!.trim()}  # disabled by osdeck tune: ${key} no longer exists or is unsafe`;
    return { kind: 'file', path, content: text.join('\n') } satisfies Change;
  });
}

export function procPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}
