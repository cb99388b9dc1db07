import { kernelAtLeast } from '../facts';
import { na } from '../rule-kit';
import type { TuneRule } from '../tuning';

const rule: TuneRule = {
  id: 'memcg-kmem',
  title: 'EL7 container hosts boot with cgroup.memory=nokmem',
  category: 'container',
  rationale:
    'On the 3.10 kernel of CentOS/RHEL 7, per-container kernel-memory accounting (turned on by runc and docker) leaks memory cgroups and slab that are never reclaimed, ending in "SLUB: Unable to allocate memory on node -1" and OOM kills with free memory left. Booting with cgroup.memory=nokmem turns that accounting off. Kernels 4.x and later reclaim slab with its cgroup, so the rule only applies to EL7.',
  risk: 'medium',
  families: ['el'],
  maxMajor: { el: 7 },
  needsReboot: true,
  params: [],
  reads: { commands: ['cmdline'] },
  remediation: 'grubby --update-kernel=ALL --args=cgroup.memory=nokmem; reboot (check with cat /proc/cmdline)',
  check(f) {
    if (kernelAtLeast(f, 4, 0)) return na(`kernel ${f.kernel} reclaims slab with its memory cgroup`);
    const cmdline = (f.commands.get('cmdline')?.out ?? '').trim();
    const ok = /(^|\s)cgroup\.memory=nokmem(\s|$)/.test(cmdline);
    return {
      status: ok ? 'pass' : 'fail',
      current: ok ? 'cgroup.memory=nokmem on the kernel command line' : 'kernel memory accounting on (no cgroup.memory=nokmem)',
      expected: 'cgroup.memory=nokmem',
      fixable: false,
      ...(!ok && { detail: 'a boot parameter: osdeck shows the command rather than editing the boot loader' }),
    };
  },
};
export default rule;
