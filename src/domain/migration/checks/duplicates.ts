import { finding, type MigrationCheck } from '../findings';
import { INSTALLONLY } from '../package-plan';

/** The rpm database answers, and holds no duplicate packages (two versions of one name.arch). */
export const rpmHealth: MigrationCheck = {
  id: 'rpmdb',
  title: 'RPM database health and duplicates',
  run({ facts }) {
    const out = [];
    if (!facts.rpmdb.ok) {
      out.push(finding('rpmdb', 'health', 'inhibitor', 'The RPM database reports errors', facts.rpmdb.errors.slice(0, 800) || 'rpm -qa failed', { hint: 'Rebuild the database, then assess again.', commands: ['rpm --rebuilddb', 'yum check'] }));
    }
    const seen = new Map<string, string[]>();
    for (const p of facts.packages) {
      if (INSTALLONLY.test(p.name) || p.name === 'gpg-pubkey') continue;
      const k = `${p.name}.${p.arch}`;
      seen.set(k, [...(seen.get(k) ?? []), `${p.name}-${p.version}-${p.release}.${p.arch}`]);
    }
    const dups = [...seen.entries()].filter(([, v]) => v.length > 1);
    if (dups.length > 0) {
      out.push(finding('rpmdb', 'duplicates', 'high', `${dups.length} package(s) installed twice`, `${dups.map(([, v]) => v.join(' and ')).join('; ')}: an interrupted transaction left both versions; distro-sync refuses or makes it worse.`, { hint: 'Remove the older duplicates.', commands: ['package-cleanup --cleandupes   # yum-utils (EL7)', 'dnf remove --duplicates   # EL8'] }, dups.flatMap(([, v]) => v)));
    }
    return out;
  },
};
