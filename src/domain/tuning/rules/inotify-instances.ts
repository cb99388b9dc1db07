import { sysctlRule } from '../rule-kit';

export default sysctlRule({
  id: 'inotify-instances',
  title: 'inotify instances per user are enough for containers',
  category: 'container',
  rationale:
    'Every container runtime, systemd and each IDE or log shipper in every container takes inotify instances from one per-user (per-UID, shared across containers with the same UID) budget of 128; past it, services fail with "Too many open files" although the nofile limit is fine.',
  risk: 'low',
  key: 'fs.inotify.max_user_instances',
  compare: 'atLeast',
  param: { name: 'min', type: 'integer', default: 8192, min: 0, max: 2147483647, description: 'the smallest acceptable value' },
});
