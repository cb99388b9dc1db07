import { finding, listed, type Finding, type MigrationCheck, type TargetPackage } from '../findings';

const KERNEL_PACKAGES = /^(kernel|kernel-core|kernel-modules|kernel-modules-extra)$/;
const moduleName = (file: string) => (/\/([^/]+)\.ko(?:\.(?:xz|gz|zst))?$/.exec(file)?.[1] ?? '').replaceAll('-', '_');

/** The modules the target kernel ships: names from the chosen kernel package's file list. */
export function targetModules(packages: TargetPackage[], kernelPackage: string): Set<string> | null {
  const names = new Set<string>();
  let sawFiles = false;
  for (const p of packages) {
    if (!(p.name === kernelPackage || KERNEL_PACKAGES.test(p.name)) || !p.files) continue;
    for (const f of p.files) {
      const name = f.startsWith('/lib/modules/') ? moduleName(f) : '';
      if (name) {
        names.add(name);
        sawFiles = true;
      }
    }
  }
  return sawFiles ? names : null;
}

/** Loaded drivers the target kernel does not ship, out-of-tree modules, and kmods built for the source kernel. */
export const kernelModules: MigrationCheck = {
  id: 'kernel-modules',
  title: 'Kernel modules and kmod packages',
  run({ facts, path, target, kernelChoice }) {
    const out: Finding[] = [];
    const kernelPkg = path.kernel.choices[kernelChoice]?.package ?? 'kernel';
    const shipped = targetModules(target.packages, kernelPkg);
    if (facts.mode === 'online' && facts.loadedModules.length > 0) {
      if (shipped === null) {
        out.push(finding('kernel-modules', 'unknown', 'info', 'Target kernel modules not checked', `The target repositories' file lists have no ${kernelPkg} package, so loaded modules could not be compared.`));
      } else {
        const kmodNames = new Set(facts.kmods.map((k) => moduleName(k.path)));
        const gone = facts.loadedModules.filter((m) => !shipped.has(m.name.replaceAll('-', '_')) && !kmodNames.has(m.name.replaceAll('-', '_')));
        if (gone.length > 0) {
          out.push(finding('kernel-modules', 'loaded', 'high', `${gone.length} loaded module(s) are not in the target kernel`, `${listed(gone.map((m) => m.name))} are loaded now and the ${kernelPkg} package of the target does not ship them: the devices or features they drive will be missing after the reboot.`, { hint: 'Find the driver for the target kernel (vendor kmod) or a replacement device before migrating.' }, gone.map((m) => m.name)));
        }
      }
      const tainted = facts.loadedModules.filter((m) => /[OEP]/.test(m.taint));
      if (tainted.length > 0) {
        out.push(finding('kernel-modules', 'tainted', 'medium', `${tainted.length} out-of-tree or proprietary module(s) loaded`, `${listed(tainted.map((m) => `${m.name} (${m.taint})`))}: built outside the distribution kernel; they must be rebuilt for the target kernel.`, { hint: 'Get builds for the target kernel from the vendor (or use DKMS).' }, tainted.map((m) => m.name)));
      }
    }
    const kmods = facts.kmods.filter((k) => k.path);
    if (kmods.length > 0) {
      const owners = [...new Set(kmods.map((k) => k.owner ?? 'no package'))];
      out.push(finding('kernel-modules', 'kmods', 'high', `${kmods.length} module(s) built for the source kernel`, `${listed(kmods.map((k) => k.path))} (from ${listed(owners)}) are built for ${[...new Set(kmods.map((k) => k.kernel))].join(', ')}; the target kernel will not load them.`, { hint: 'Install the vendor build for the target kernel after the migration, or remove the kmod package.', commands: owners.filter((o) => o !== 'no package').map((o) => `${facts.packageManager ?? 'yum'} remove ${o}`) }, kmods.map((k) => k.path)));
    }
    return out;
  },
};
