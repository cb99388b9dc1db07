import { sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'inotify-watches',
  title: 'inotify watches per user are enough',
  category: 'container',
  rationale:
    'File watchers (log shippers, kubelet, dev servers) need one watch per directory; the default 8192 (kernels before 5.11) is exhausted quickly on container hosts.',
  risk: 'low',
  key: 'fs.inotify.max_user_watches',
  compare: 'atLeast',
  param: { name: 'min', type: 'integer', default: 524288, min: 0, max: 2147483647, description: 'the smallest acceptable value' },
});
