import { sshdRule } from '../rule-kit';

export default sshdRule({
  id: 'ssh-gssapi',
  title: 'sshd skips Kerberos (GSSAPIAuthentication no)',
  rationale:
    'GSSAPI is only useful with a Kerberos realm; without one, clients that try it add a round of failed negotiation to every login. EL ships it on (EL9 in sshd_config.d/50-redhat.conf, which osdeck overrides from above the Include). Leave it on where hosts really use Kerberos.',
  risk: 'low',
  keyword: 'GSSAPIAuthentication',
  param: { name: 'value', type: 'string', enum: ['no', 'yes'], default: 'no', description: 'no, unless the site uses Kerberos' },
});
