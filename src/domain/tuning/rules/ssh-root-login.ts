import { sshdRule } from '../rule-kit';

const STRICTNESS = ['yes', 'forced-commands-only', 'without-password', 'prohibit-password', 'no'];
const rank = (v: string) => {
  const i = STRICTNESS.indexOf(v.toLowerCase());
  return i === STRICTNESS.indexOf('without-password') ? STRICTNESS.indexOf('prohibit-password') : i;
};

export default sshdRule({
  id: 'ssh-root-login',
  title: 'root cannot log in over SSH with a password',
  rationale:
    'Password guessing against root is the most common SSH attack. "prohibit-password" keeps key-based root logins (what automation, osdeck included, uses) and refuses passwords; "no" refuses root entirely, which osdeck will not set while it logs in as root itself — that would lock it (and you) out.',
  risk: 'medium',
  keyword: 'PermitRootLogin',
  param: { name: 'value', type: 'string', enum: ['prohibit-password', 'no'], default: 'prohibit-password', description: 'prohibit-password (keys only) or no' },
  accepts: (have, want) => rank(have) >= rank(want),
  lockout: (want, ctx) => (want === 'no' && ctx.user === 'root' ? 'osdeck logs in to this host as root; PermitRootLogin no would lock it out. Add the host with a sudo-capable user first.' : null),
});
