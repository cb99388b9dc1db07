import { sshdRule } from '../rule-kit';

export default sshdRule({
  id: 'ssh-usedns',
  title: 'sshd does not look up client names (UseDNS no)',
  rationale:
    'With UseDNS yes every login waits for a reverse DNS lookup of the client, which takes seconds (or times out) where internal addresses have no PTR records. OpenSSH has defaulted to "no" since 6.8, but CentOS 7 images and old hardening guides still set it.',
  risk: 'low',
  keyword: 'UseDNS',
  param: { name: 'value', type: 'string', enum: ['no'], default: 'no', description: 'the value wanted' },
});
