import { finding, type Finding, type MigrationCheck } from '../findings';

const MiB = 1024;

/** Free space on the file system holding each path (the deepest df entry that contains it). */
export const diskSpace: MigrationCheck = {
  id: 'disk-space',
  title: 'Free space and memory',
  run({ facts, path }) {
    const out: Finding[] = [];
    const free = (p: string) => facts.df.find((d) => d.path === p) ?? facts.df.find((d) => d.path === '/');
    const need: Array<[string, number, 'inhibitor' | 'high', string]> = [
      ['/boot', path.minimums.bootMiB, 'inhibitor', 'the new kernel and its initramfs are written here'],
      ['/var', path.minimums.varMiB, 'inhibitor', 'packages are downloaded to /var/cache'],
      ['/usr', path.minimums.usrMiB, 'high', 'most package files land here'],
      ['/', path.minimums.rootMiB, 'high', 'headroom for the transaction'],
    ];
    for (const [p, minMiB, sev, why] of need) {
      const d = free(p);
      if (!d) continue;
      const availMiB = Math.floor(d.availKiB / MiB);
      if (availMiB < minMiB) {
        out.push(finding('disk-space', p, sev, `Not enough free space for ${p}`, `${availMiB} MiB free where ${p} lives; at least ${minMiB} MiB is needed (${why}).`, { hint: `Free space on the file system holding ${p}.`, commands: p === '/var' ? [`${facts.packageManager ?? 'yum'} clean all`, 'journalctl --vacuum-size=200M'] : p === '/boot' ? ['package-cleanup --oldkernels --count=1'] : [] }, [p]));
      }
    }
    if (facts.memoryKiB !== null && facts.memoryKiB / MiB < path.minimums.memoryMiB) {
      out.push(finding('disk-space', 'memory', 'high', 'Little memory for the transaction', `${Math.round(facts.memoryKiB / MiB)} MiB of memory; ${path.minimums.memoryMiB} MiB is the minimum for a distro-sync transaction.`, { hint: 'Add memory or swap for the duration of the migration.' }));
    }
    return out;
  },
};
