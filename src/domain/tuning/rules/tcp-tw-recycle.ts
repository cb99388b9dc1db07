import { kernelAtLeast } from '../facts';
import { SYSCTL_READS, persistSysctl, procPath, removeSysctl, sameValue, sysctlAssignments, sysctlPersisted } from '../sysctl-conf';
import type { Change, TuneRule } from '../tuning';

const KEY = 'net.ipv4.tcp_tw_recycle';

const rule: TuneRule = {
  id: 'tcp-tw-recycle',
  title: 'tcp_tw_recycle is off (and not set where it no longer exists)',
  category: 'network',
  rationale:
    'tcp_tw_recycle drops connections from clients behind NAT (their timestamps interleave), which breaks load balancers and mobile users at random. Linux 4.12 removed it; on such kernels a leftover line makes sysctl --system report an error at every boot (common after migrating from CentOS 7). Old tuning guides that set it to 1 are wrong.',
  risk: 'low',
  families: ['el', 'debian'],
  params: [],
  reads: { ...SYSCTL_READS, sysctls: [KEY] },
  remediation: `sysctl -w ${KEY}=0 on old kernels; delete every "${KEY}" line from /etc/sysctl.conf and /etc/sysctl.d/*.conf`,
  check(f) {
    const runtime = f.sysctl.get(KEY);
    const set = sysctlAssignments(f, KEY);
    if (runtime === null || runtime === undefined) {
      const where = set.map((a) => `${a.path}:${a.line + 1}`);
      return {
        status: set.length ? 'fail' : 'pass',
        current: set.length ? `removed from this kernel (${f.kernel}) but still set in ${where.join(', ')}` : `removed from this kernel (${f.kernel}); not set anywhere`,
        expected: 'not set',
        fixable: set.every((a) => a.path.startsWith('/etc/')),
      };
    }
    const persisted = sysctlPersisted(f, KEY);
    const ok = sameValue(runtime, '0') && (!persisted || sameValue(persisted.value, '0'));
    return {
      status: ok ? 'pass' : 'fail',
      current: `${KEY} = ${runtime.trim()} now; at boot ${persisted ? `${persisted.value} (${persisted.path}:${persisted.line + 1})` : 'kernel default'}`,
      expected: '0',
      fixable: true,
    };
  },
  fix(f) {
    if (!kernelAtLeast(f, 4, 12) && f.sysctl.get(KEY) !== null && f.sysctl.get(KEY) !== undefined) {
      const out: Change[] = [];
      if (!sameValue(f.sysctl.get(KEY), '0')) out.push({ kind: 'value', path: procPath(KEY), label: KEY, value: '0' });
      const persisted = sysctlPersisted(f, KEY);
      if (persisted && !sameValue(persisted.value, '0')) out.push(...persistSysctl(f, KEY, '0', 'tcp-tw-recycle'));
      return out;
    }
    return removeSysctl(f, KEY);
  },
};
export default rule;
