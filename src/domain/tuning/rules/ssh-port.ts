import { na, SSHD_READS } from '../rule-kit';
import { SSHD_CONFIG, sshdEffective, sshdListenPinsPort, sshdPresent, sshdSetPorts } from '../sshd-config';
import type { TuneRule } from '../tuning';

const rule: TuneRule = {
  id: 'ssh-port',
  title: 'sshd listens on the chosen port',
  category: 'ssh',
  rationale:
    'Moving SSH off port 22 keeps most drive-by login attempts out of the logs; it is noise reduction, not a security boundary. osdeck keeps the old port open until it has logged in on the new one, and puts everything back if it cannot (a firewall, an SELinux port label or a security group in the way).',
  risk: 'high',
  families: ['el', 'debian'],
  params: [{ name: 'port', type: 'integer', required: true, min: 1, max: 65535, description: 'the port sshd should listen on' }],
  reads: SSHD_READS,
  remediation:
    'With SELinux enforcing: semanage port -a -t ssh_port_t -p tcp PORT. With firewalld: firewall-cmd --permanent --add-port=PORT/tcp && firewall-cmd --reload. Then add "Port PORT" to /etc/ssh/sshd_config, sshd -t && systemctl reload sshd, log in on the new port, and only then remove the old Port line.',
  check(f, p, ctx) {
    if (!sshdPresent(f)) return na(`${SSHD_CONFIG} does not exist or cannot be read`);
    const want = Number(p.port);
    const eff = sshdEffective(f, 'Port');
    const ports = eff.values.map(Number);
    const ok = ports.length === 1 && ports[0] === want;
    const pinned = !ok && sshdListenPinsPort(f);
    const forwarded = !ok && ctx.port !== null && !ports.includes(ctx.port);
    return {
      status: ok ? 'pass' : 'fail',
      current: `port ${ports.join(', ')} (${eff.source})`,
      expected: `port ${want}`,
      fixable: !pinned && !forwarded,
      ...(pinned && { detail: 'ListenAddress lines carry their own port, so Port does not apply to them; edit them by hand' }),
      ...(forwarded && { detail: `osdeck reaches this host on port ${ctx.port}, which sshd does not listen on (a port forward?); move the port by hand` }),
    };
  },
  fix(f, p) {
    return [{ kind: 'file', path: SSHD_CONFIG, content: sshdSetPorts(f.files.get(SSHD_CONFIG)!.content!, [Number(p.port)]) }];
  },
};
export default rule;
