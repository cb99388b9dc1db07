import { finding, listed, type Finding, type MigrationCheck } from '../findings';
import { planPackages, type PackageVerdict } from '../package-plan';

const nevra = (v: PackageVerdict) => `${v.pkg.name}-${v.pkg.version}-${v.pkg.release}.${v.pkg.arch}`;

/** Every installed package resolved against the target repositories' metadata. */
export const packages: MigrationCheck = {
  id: 'packages',
  title: 'Installed packages against the target repositories',
  run({ facts, path, target }) {
    if (target.packages.length === 0) return [];
    const plan = planPackages(facts.packages, path, target);
    const out: Finding[] = [];
    const of = (fate: PackageVerdict['fate']) => plan.filter((v) => v.fate === fate);
    const missing = of('missing');
    if (missing.length > 0) {
      out.push(finding('packages', 'missing', 'high', `${missing.length} package(s) have no counterpart in ${path.target.name}`, `${listed(missing.map((v) => v.pkg.name))}: no package of that name (or one that obsoletes it) is in the target repositories. They stay installed from the source system, unsupported, or must be removed.`, { hint: 'Remove what is not needed, or find a replacement; a run can remove them explicitly with --remove NAME.', commands: [`${facts.packageManager ?? 'yum'} remove ${missing.map((v) => v.pkg.name).join(' ')}`] }, missing.map(nevra)));
    }
    const down = of('downgrade');
    if (down.length > 0) {
      out.push(finding('packages', 'downgrade', 'medium', `${down.length} package(s) will be downgraded`, `${listed(down.map((v) => `${v.pkg.name} ${v.pkg.version}-${v.pkg.release} → ${v.target!.version}-${v.target!.release}`))}: the target ships an older version than the one installed. Configuration or data written by the newer version may not be understood.`, { hint: 'Check the applications that use them after the migration, or keep the newer build with a versionlock.' }, down.map(nevra)));
    }
    const third = of('third-party');
    if (third.length > 0) {
      const unsigned = third.filter((v) => !v.pkg.signed).length;
      out.push(finding('packages', 'third-party', 'medium', `${third.length} third-party package(s) stay as they are`, `${listed(third.map((v) => `${v.pkg.name} (${v.pkg.vendor || 'no vendor'})`))}${unsigned ? `; ${unsigned} of them unsigned` : ''}. They are not from the source distribution and not in the target repositories: they are kept, and must work with the target's libraries.`, { hint: "Check each vendor's support for the target; keep their repositories reachable." }, third.map(nevra)));
    }
    const replaced = of('replaced');
    if (replaced.length > 0) {
      out.push(finding('packages', 'replaced', 'info', `${replaced.length} package(s) are replaced by another name`, listed(replaced.map((v) => `${v.pkg.name} → ${v.target!.name}`)), { hint: 'Handled by the transaction (Obsoletes); check configuration moved to the new package.' }, replaced.map(nevra)));
    }
    for (const r of path.renames) {
      if (facts.packages.some((p) => p.name === r.from) && !replaced.some((v) => v.pkg.name === r.from)) {
        out.push(finding('packages', `rename:${r.from}`, 'low', `${r.from} is superseded by ${r.to}`, r.note ?? `${path.target.name} prefers ${r.to}.`, { hint: `Plan the switch to ${r.to} after the migration.` }, [r.from]));
      }
    }
    for (const r of path.removals) {
      if (facts.packages.some((p) => p.name === r.name)) out.push(finding('packages', `removal:${r.name}`, 'high', `${r.name} is removed in ${path.target.name}`, r.reason, { hint: `Remove ${r.name} or plan its replacement.` }, [r.name]));
    }
    return out;
  },
};
