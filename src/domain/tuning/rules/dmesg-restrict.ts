import { sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'dmesg-restrict',
  title: 'only privileged processes read the kernel log',
  category: 'security',
  rationale:
    'With dmesg_restrict=0 any user, and any unprivileged container, reads the host kernel log: addresses, hardware details, other tenants\' messages. 1 limits it to CAP_SYSLOG.',
  risk: 'low',
  key: 'kernel.dmesg_restrict',
  compare: 'eq',
  param: { name: 'value', type: 'integer', default: 1, min: 0, max: 1, description: '1 = restricted' },
});
