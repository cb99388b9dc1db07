/**
 * What happens to each installed package when the host moves to the target repositories:
 * resolved against the target's real metadata (never a built-in list).
 */
import type { InstalledPackage } from './facts';
import type { TargetIndex, TargetPackage } from './findings';
import type { MigrationPath } from './path';
import { compareEvr, type Evr } from './rpm-version';

export type PackageFate = 'release' | 'same' | 'upgrade' | 'downgrade' | 'replaced' | 'missing' | 'third-party' | 'ignored';

export interface PackageVerdict {
  pkg: InstalledPackage;
  fate: PackageFate;
  /** the target package it becomes (upgrade/downgrade/same) or the one that replaces it */
  target?: TargetPackage;
}

export const INSTALLONLY = /^(kernel|kernel-core|kernel-modules|kernel-modules-extra|kernel-devel|kernel-uek|kernel-rt|installonlypkg)$/;

const evr = (p: { epoch: number; version: string; release: string }): Evr => ({ epoch: p.epoch, version: p.version, release: p.release });

/** The release without its distribution tag: "1.el7.centos" → "1", "27.an7" → "27", "3.module_el8.5.0+1+ab" → "3". */
export function stripDist(release: string): string {
  return release.replace(/\.(?:module[_+])?(?:el|an|al|fc|ol|rl)\d[\w.+~^-]*$/, '');
}
/** Compares what the packager shipped, not whose build it is: 1.0-1.el7 and 1.0-1.an7 are the same. */
const evrNoDist = (p: { epoch: number; version: string; release: string }): Evr => ({ epoch: p.epoch, version: p.version, release: stripDist(p.release) });
const archFits = (installed: string, target: string) => installed === target || target === 'noarch' || installed === 'noarch';

function obsoleteMatches(o: TargetPackage['obsoletes'][number], pkg: InstalledPackage): boolean {
  if (o.name !== pkg.name) return false;
  if (!o.flags || !o.evr) return true;
  const c = compareEvr(evr(pkg), { epoch: o.evr.epoch, version: o.evr.version, release: o.evr.release || pkg.release });
  switch (o.flags) {
    case 'LT': return c < 0;
    case 'LE': return c <= 0;
    case 'EQ': return c === 0;
    case 'GE': return c >= 0;
    case 'GT': return c > 0;
    default: return true;
  }
}

export function isThirdParty(pkg: InstalledPackage, path: MigrationPath): boolean {
  const known = [...path.source.vendors, ...path.target.vendors];
  return pkg.vendor === '' ? false : !known.includes(pkg.vendor);
}

export function planPackages(installed: InstalledPackage[], path: MigrationPath, target: TargetIndex): PackageVerdict[] {
  const byName = new Map<string, TargetPackage[]>();
  const obsoleters: TargetPackage[] = [];
  for (const t of target.packages) {
    const list = byName.get(t.name) ?? [];
    list.push(t);
    byName.set(t.name, list);
    if (t.obsoletes.length > 0) obsoleters.push(t);
  }
  return installed.map((pkg): PackageVerdict => {
    if (pkg.name === 'gpg-pubkey') return { pkg, fate: 'ignored' };
    if (path.source.releasePackages.includes(pkg.name)) return { pkg, fate: 'release' };
    const candidates = (byName.get(pkg.name) ?? []).filter((t) => archFits(pkg.arch, t.arch));
    if (candidates.length > 0) {
      const best = candidates.reduce((a, b) => (compareEvr(evr(b), evr(a)) > 0 ? b : a));
      const c = compareEvr(evrNoDist(best), evrNoDist(pkg));
      return { pkg, fate: c > 0 ? 'upgrade' : c < 0 ? 'downgrade' : 'same', target: best };
    }
    const by = obsoleters.find((t) => archFits(pkg.arch, t.arch) && t.obsoletes.some((o) => obsoleteMatches(o, pkg)));
    if (by) return { pkg, fate: 'replaced', target: by };
    return { pkg, fate: isThirdParty(pkg, path) ? 'third-party' : 'missing' };
  });
}
