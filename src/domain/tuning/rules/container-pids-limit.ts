import { na } from '../rule-kit';
import type { Change, TuneFacts, TuneRule } from '../tuning';

interface Cgroup {
  path: string;
  max: string;
  current: number;
}

/** Container cgroups from the probe ("PATH MAX CURRENT" lines), with values written earlier in the same plan. */
function cgroups(f: TuneFacts): Cgroup[] {
  const out: Cgroup[] = [];
  for (const line of (f.commands.get('container-cgroups')?.out ?? '').split('\n')) {
    const m = /^(\/sys\/fs\/cgroup\/\S+) (\S+) (\d+)$/.exec(line.trim());
    if (!m) continue;
    const written = f.written?.get(`${m[1]}/pids.max`);
    out.push({ path: m[1]!, max: written ?? m[2]!, current: Number(m[3]) });
  }
  return out;
}

/** Unlimited cgroups with no limited ancestor among the container cgroups (a pod's limit covers its containers). */
function unlimited(all: Cgroup[]): Cgroup[] {
  const limited = all.filter((c) => c.max !== 'max').map((c) => `${c.path}/`);
  return all.filter((c) => c.max === 'max' && !limited.some((l) => c.path.startsWith(l)));
}

const rule: TuneRule = {
  id: 'container-pids-limit',
  title: 'every container has a pids limit',
  category: 'container',
  rationale:
    'Without a pids limit one container can exhaust the host-wide PID space (pid_max) and stop everything else from forking. osdeck sets pids.max on running containers that have none; new containers need it from their runtime: docker run --pids-limit, pids_limit in containers.conf (Podman), podPidsLimit in the kubelet configuration.',
  risk: 'medium',
  families: ['el', 'debian'],
  params: [{ name: 'limit', type: 'integer', default: 4096, min: 64, max: 4194304, description: 'pids.max for containers that have none' }],
  reads: { commands: ['container-cgroups'] },
  remediation: 'echo 4096 > /sys/fs/cgroup/…/<container>/pids.max now; and set the runtime default (docker --pids-limit, Podman pids_limit, kubelet podPidsLimit) for new containers',
  check(f, p) {
    const all = cgroups(f);
    if (!all.length) return na('no container cgroups (docker, containerd, CRI-O, Podman, LXC, libvirt machines) found');
    const open = unlimited(all);
    return {
      status: open.length ? 'fail' : 'pass',
      current: open.length ? `${open.length} of ${all.length} container cgroups unlimited: ${open.slice(0, 5).map((c) => `${c.path.replace(/^\/sys\/fs\/cgroup\//, '')} (${c.current} tasks)`).join(', ')}${open.length > 5 ? ', …' : ''}` : `all ${all.length} container cgroups limited`,
      expected: `pids.max ≤ ${Number(p.limit)} on each container`,
      fixable: true,
    };
  },
  fix(f, p) {
    const limit = Number(p.limit);
    return unlimited(cgroups(f)).map((c): Change => ({ kind: 'value', path: `${c.path}/pids.max`, label: `pids.max of ${c.path.replace(/^\/sys\/fs\/cgroup\//, '')}`, value: String(Math.max(limit, c.current + 64)), before: 'max' }));
  },
};
export default rule;
