/**
 * Before/after snapshots of a migrated host and their diff: packages, enabled services,
 * listening ports, mounts, sysctl, kernel modules and boot entries.
 */
import { parseSections, section } from '../diagnosis/probe-sections';
import type { Report, ReportTable } from '../report/report-shape';
import { parseOsRelease } from '../tuning/facts';

export interface Snapshot {
  os: string;
  osId: string;
  /** name.arch → "evr vendor" */
  packages: Record<string, string>;
  services: string[];
  ports: string[];
  mounts: string[];
  sysctl: Record<string, string>;
  modules: string[];
  boot: string[];
  kernel: string | null;
  /** uname -m: the architecture the target repositories are read for */
  arch: string;
}

const lines = (t: string) => t.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');

export function parseSnapshot(raw: string, mark: string): Snapshot {
  const s = parseSections(raw, mark);
  const os = parseOsRelease(section(s, 'os'));
  const packages: Record<string, string> = {};
  for (const l of lines(section(s, 'packages'))) {
    const [name, evr, arch, vendor] = l.split('|');
    if (name && evr) packages[`${name}.${arch ?? ''}`] = `${evr}${vendor && vendor !== '(none)' ? ` ${vendor}` : ''}`;
  }
  const sysctl: Record<string, string> = {};
  for (const l of lines(section(s, 'sysctl'))) {
    const i = l.indexOf(' = ');
    if (i > 0) sysctl[l.slice(0, i)] = l.slice(i + 3);
  }
  return {
    os: os.pretty,
    osId: os.id,
    packages,
    services: lines(section(s, 'services')),
    ports: lines(section(s, 'ports')),
    mounts: lines(section(s, 'mounts')),
    sysctl,
    modules: lines(section(s, 'modules')),
    boot: lines(section(s, 'boot')),
    kernel: section(s, 'kernel').trim() || null,
    arch: /^[A-Za-z0-9_]+$/.test(section(s, 'arch').trim()) ? section(s, 'arch').trim() : 'x86_64',
  };
}

export interface CategoryDiff {
  category: string;
  added: string[];
  removed: string[];
  changed: Array<{ item: string; before: string; after: string }>;
  same: number;
}

function diffSets(category: string, before: string[], after: string[]): CategoryDiff {
  const b = new Set(before);
  const a = new Set(after);
  return { category, added: [...a].filter((x) => !b.has(x)).sort(), removed: [...b].filter((x) => !a.has(x)).sort(), changed: [], same: [...a].filter((x) => b.has(x)).length };
}

function diffMaps(category: string, before: Record<string, string>, after: Record<string, string>): CategoryDiff {
  const d: CategoryDiff = { category, added: [], removed: [], changed: [], same: 0 };
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) d.added.push(`${k} ${v}`);
    else if (before[k] !== v) d.changed.push({ item: k, before: before[k]!, after: v });
    else d.same++;
  }
  for (const [k, v] of Object.entries(before)) if (!(k in after)) d.removed.push(`${k} ${v}`);
  d.added.sort();
  d.removed.sort();
  d.changed.sort((x, y) => (x.item < y.item ? -1 : 1));
  return d;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): CategoryDiff[] {
  return [
    diffMaps('packages', before.packages, after.packages),
    diffSets('services', before.services, after.services),
    diffSets('ports', before.ports, after.ports),
    diffSets('mounts', before.mounts, after.mounts),
    diffMaps('sysctl', before.sysctl, after.sysctl),
    diffSets('modules', before.modules, after.modules),
    diffSets('boot', before.boot, after.boot),
  ];
}

export function diffReport(host: string, before: Snapshot, after: Snapshot, generatedAt: string): Report {
  const diffs = diffSnapshots(before, after);
  const rows: ReportTable['rows'] = [];
  for (const d of diffs) {
    for (const x of d.added) rows.push([d.category, 'added', x, '', '']);
    for (const x of d.removed) rows.push([d.category, 'removed', x, '', '']);
    for (const c of d.changed) rows.push([d.category, 'changed', c.item, c.before, c.after]);
  }
  const lost = diffs.filter((d) => ['services', 'ports', 'mounts'].includes(d.category) && d.removed.length > 0);
  return {
    kind: 'migration-diff',
    title: `Before/after: ${host} (${before.os} → ${after.os})`,
    generatedAt,
    conclusion: lost.length > 0 ? `${lost.map((d) => `${d.removed.length} ${d.category}`).join(', ')} present before are gone after the migration: check them first.` : `No enabled service, listening port or mount was lost; ${diffs[0]!.changed.length + diffs[0]!.added.length} package changes.`,
    severity: lost.length > 0 ? 'medium' : 'ok',
    findings: diffs.map((d) => ({ severity: ['services', 'ports', 'mounts'].includes(d.category) && d.removed.length > 0 ? 'medium' : 'info', summary: `${d.category}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.same} unchanged` })),
    tables: [{ title: 'Differences', columns: ['category', 'change', 'item', 'before', 'after'], rows }],
    recommendations: lost.length > 0 ? [{ summary: 'Re-enable or reconfigure what went missing, then run the comparison report under load.' }] : [],
    evidence: { host, before: { os: before.os, kernel: before.kernel }, after: { os: after.os, kernel: after.kernel }, diffs },
  };
}
