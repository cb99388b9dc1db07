import { sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'kptr-restrict',
  title: 'kernel addresses are hidden from unprivileged users',
  category: 'security',
  rationale:
    'Kernel pointers in /proc make exploits easier; 1 hides them from users without CAP_SYSLOG.',
  risk: 'low',
  key: 'kernel.kptr_restrict',
  compare: 'atLeast',
  param: { name: 'min', type: 'integer', default: 1, min: 0, max: 2147483647, description: 'the smallest acceptable value' },
});
