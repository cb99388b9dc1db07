import { na, sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'pid-max',
  title: 'the PID space is large enough for containers',
  category: 'container',
  rationale:
    'pid_max is one number for the whole host: one container leaking threads to 32768 stops the host and every other container from forking ("fork: Cannot allocate memory" with free memory left). 64-bit kernels allow 4194304; raise it, and cap each container with a pids limit (rule container-pids-limit).',
  risk: 'low',
  key: 'kernel.pid_max',
  compare: 'atLeast',
  param: { name: 'min', type: 'integer', default: 4194304, min: 32768, max: 4194304, description: 'the smallest acceptable pid_max' },
  commands: ['uname-m'],
  guard(f) {
    const arch = (f.commands.get('uname-m')?.out ?? '').trim();
    if (arch && !/64/.test(arch)) return na(`${arch} kernels cap pid_max at 32768`);
    return null;
  },
});
