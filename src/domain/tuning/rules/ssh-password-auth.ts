import { sshdRule } from '../rule-kit';

export default sshdRule({
  id: 'ssh-password-auth',
  title: 'SSH accepts keys only (PasswordAuthentication no)',
  rationale:
    'Keys cannot be guessed; passwords can. Turn passwords off once every operator has a key. osdeck refuses this change on a host it reaches with a password, since it would lock itself out.',
  risk: 'high',
  keyword: 'PasswordAuthentication',
  param: { name: 'value', type: 'string', enum: ['no'], default: 'no', description: 'the value wanted' },
  lockout: (_want, ctx) => (ctx.authType === 'password' ? 'osdeck logs in to this host with a password; give it a key first (osdeck host add … --key)' : null),
});
