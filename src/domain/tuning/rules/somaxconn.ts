import { sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'somaxconn',
  title: 'the listen backlog holds connection bursts',
  category: 'network',
  rationale:
    'Connections beyond the accept queue are dropped during bursts. Kernels before 5.4 cap every listen() backlog at 128; 4096 is the newer default. Applications still have to ask for a large backlog themselves.',
  risk: 'low',
  key: 'net.core.somaxconn',
  compare: 'atLeast',
  param: { name: 'min', type: 'integer', default: 4096, min: 0, max: 2147483647, description: 'the smallest acceptable value' },
});
