/**
 * Parses probes/migrate-facts.sh output into MigrationFacts. Hostile text never throws: a
 * section that does not parse leaves its fact empty and adds a note the report shows.
 */
import { parseSections, section, type Sections } from '../diagnosis/probe-sections';
import { decodeBase64Text, parseOsRelease } from '../tuning/facts';

export interface InstalledPackage {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
  vendor: string;
  signed: boolean;
}

export interface RepoSection {
  id: string;
  file: string;
  name: string;
  enabled: boolean;
  baseurl: string[];
  mirrorlist: string | null;
}

export interface MigrationFacts {
  mode: 'online' | 'offline';
  os: { id: string; versionId: string; pretty: string; idLike: string[] };
  uid: number | null;
  arch: string;
  packageManager: 'dnf' | 'yum' | null;
  release: { name: string; version: string; release: string } | null;
  packages: InstalledPackage[];
  rpmdb: { ok: boolean; errors: string };
  kmods: Array<{ path: string; owner: string | null; kernel: string }>;
  runningKernel: string | null;
  loadedModules: Array<{ name: string; taint: string }>;
  fips: boolean;
  firmware: 'uefi' | 'bios' | null;
  secureBoot: boolean | null;
  nics: string[];
  memoryKiB: number | null;
  selinux: { config: string | null; runtime: string | null };
  bootloader: string[];
  grubDefault: Record<string, string>;
  df: Array<{ path: string; sizeKiB: number; availKiB: number }>;
  rootFsType: string | null;
  container: string[];
  ifcfg: string[];
  pam: Array<{ file: string; modules: string[] }>;
  repos: RepoSection[];
  repoVars: Record<string, string>;
  leappReport: string | null;
  repoCheck: { exit: number; output: string } | null;
  targetCheck: { exit: number; output: string } | null;
  notes: string[];
}

const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean);

function exitBlock(text: string): { exit: number; output: string } | null {
  const first = /^exit (\d+)\n?/.exec(text);
  if (!first) return null;
  return { exit: Number(first[1]), output: text.slice(first[0].length).trim() };
}

/** A .repo file's sections (ini). */
export function parseRepoFile(file: string, text: string): RepoSection[] {
  const out: RepoSection[] = [];
  let cur: RepoSection | null = null;
  let lastKey = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*[#;]/.test(line) || line.trim() === '') continue;
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (sec) {
      if (sec[1]!.trim() === 'main') {
        cur = null;
        continue;
      }
      cur = { id: sec[1]!.trim(), file, name: '', enabled: true, baseurl: [], mirrorlist: null };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    // continuation lines of baseurl (indented URLs)
    if (/^\s+\S/.test(line) && lastKey === 'baseurl') {
      cur.baseurl.push(...line.trim().split(/[\s,]+/).filter(Boolean));
      continue;
    }
    const kv = /^\s*([A-Za-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1]!.toLowerCase();
    const value = kv[2]!.trim();
    lastKey = key;
    if (key === 'name') cur.name = value;
    else if (key === 'enabled') cur.enabled = !/^(0|false|no|off)$/i.test(value);
    else if (key === 'baseurl') cur.baseurl.push(...value.split(/[\s,]+/).filter(Boolean));
    else if (key === 'mirrorlist' || key === 'metalink') cur.mirrorlist = value;
  }
  return out;
}

export function parsePackages(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const line of lines(text)) {
    const f = line.split('|');
    if (f.length < 7) continue;
    const [name, epoch, version, release, arch, vendor, sig] = f as [string, string, string, string, string, string, string];
    if (!name || !version) continue;
    out.push({
      name,
      epoch: /^\d+$/.test(epoch) ? Number(epoch) : 0,
      version,
      release,
      arch,
      vendor: vendor === '(none)' ? '' : vendor,
      signed: sig !== '' && sig !== '(none)',
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function parseMigrationFacts(raw: string, mark: string): MigrationFacts {
  const s: Sections = parseSections(raw, mark);
  const notes: string[] = [];
  if (!s.has('end')) notes.push('the probe output ended early; facts after the last section are missing');
  const os = parseOsRelease(section(s, 'os'));
  const rel = lines(section(s, 'release'))[0]?.split('|');
  const kmods = lines(section(s, 'kmods')).map((l) => {
    const [p = '', owner = ''] = l.split('|');
    return { path: p, owner: owner || null, kernel: /^\/lib\/modules\/([^/]+)\//.exec(p)?.[1] ?? '' };
  });
  const loadedModules = lines(section(s, 'proc-modules')).map((l) => {
    const f = l.split(/\s+/);
    const taint = /\(([A-Z]+)\)\s*$/.exec(l)?.[1] ?? '';
    return { name: f[0] ?? '', taint };
  }).filter((m) => /^[A-Za-z0-9_-]+$/.test(m.name));
  const efi = lines(section(s, 'efi'));
  const sb = /^secureboot (\d+|unknown)$/.exec(efi[1] ?? '');
  const df = lines(section(s, 'df')).map((l) => {
    const [p = '', size = '', avail = ''] = l.split(/\s+/);
    return { path: p, sizeKiB: Number(size), availKiB: Number(avail) };
  }).filter((d) => d.path.startsWith('/') && Number.isFinite(d.sizeKiB) && Number.isFinite(d.availKiB));
  const repos: RepoSection[] = [];
  for (const l of lines(section(s, 'repofiles'))) {
    const sp = l.indexOf(' ');
    if (sp < 0) continue;
    const file = l.slice(0, sp);
    const text = decodeBase64Text(l.slice(sp + 1));
    if (text === null) {
      notes.push(`repo file ${file} is not UTF-8 text; skipped`);
      continue;
    }
    repos.push(...parseRepoFile(file, text));
  }
  const repoVars: Record<string, string> = {};
  for (const l of lines(section(s, 'repovars'))) {
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(l);
    if (m) repoVars[m[1]!] = m[2]!;
  }
  const leappB64 = section(s, 'leapp').trim();
  const leappReport = leappB64 ? decodeBase64Text(leappB64) : null;
  if (leappB64 && leappReport === null) notes.push('leapp-report.json is not UTF-8 text; not imported');
  const grubDefault: Record<string, string> = {};
  for (const l of lines(section(s, 'grub-default'))) {
    const m = /^(GRUB_[A-Z_]+)=(.*)$/.exec(l);
    if (m) grubDefault[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  }
  const pm = section(s, 'pm').trim();
  const uid = section(s, 'uid').trim();
  const mem = section(s, 'memory').trim();
  const selinuxConfig = /^SELINUX=(\S+)/m.exec(section(s, 'selinux-config'))?.[1] ?? null;
  const rpmdb = exitBlock(section(s, 'rpmdb'));
  return {
    mode: section(s, 'mode').trim() === 'offline' ? 'offline' : 'online',
    os: { id: os.id, versionId: os.versionId, pretty: os.pretty, idLike: os.idLike },
    uid: /^\d+$/.test(uid) ? Number(uid) : null,
    arch: section(s, 'arch').trim() || 'x86_64',
    packageManager: pm === 'dnf' || pm === 'yum' ? pm : null,
    release: rel && rel.length >= 3 && rel[0] ? { name: rel[0], version: rel[1] ?? '', release: rel[2] ?? '' } : null,
    packages: parsePackages(section(s, 'packages')),
    rpmdb: { ok: rpmdb ? rpmdb.exit === 0 && !/error/i.test(rpmdb.output) : false, errors: rpmdb?.output ?? 'rpm did not answer' },
    kmods,
    runningKernel: section(s, 'running-kernel').trim() || null,
    loadedModules,
    fips: section(s, 'fips').trim() === '1',
    firmware: efi[0] === 'uefi' ? 'uefi' : efi[0] === 'bios' ? 'bios' : null,
    secureBoot: sb ? (sb[1] === 'unknown' ? null : sb[1] === '1') : null,
    nics: lines(section(s, 'nics')).filter((n) => n !== 'lo' && /^[A-Za-z0-9_.:@-]+$/.test(n)),
    memoryKiB: /^\d+$/.test(mem) ? Number(mem) : null,
    selinux: { config: selinuxConfig, runtime: section(s, 'selinux-mode').trim() || null },
    bootloader: lines(section(s, 'bootloader')),
    grubDefault,
    df,
    rootFsType: section(s, 'fstype').trim() || null,
    container: lines(section(s, 'container')),
    ifcfg: lines(section(s, 'ifcfg')),
    pam: lines(section(s, 'pam')).map((l) => {
      const [file = '', ...mods] = l.split(/\s+/);
      return { file, modules: mods.filter(Boolean) };
    }),
    repos,
    repoVars,
    leappReport,
    repoCheck: exitBlock(section(s, 'repo-check')),
    targetCheck: exitBlock(section(s, 'target-check')),
    notes,
  };
}
