import type { TuneRule } from '../tuning';

const UNITS = ['firewalld', 'nftables', 'iptables', 'ufw'];

const rule: TuneRule = {
  id: 'firewall-active',
  title: 'a host firewall is active',
  category: 'security',
  rationale:
    'Old checklists stop firewalld on every host. Keep a firewall with explicit rules instead, even on internal networks: it is the last line when a service listens where it should not. osdeck checks only; turning a firewall on remotely without the right rules is how hosts get cut off, so the fix is yours.',
  risk: 'high',
  families: ['el', 'debian'],
  params: [],
  reads: { services: UNITS, commands: ['firewall-rules'] },
  remediation:
    'EL: systemctl enable --now firewalld; firewall-cmd --permanent --add-service=ssh (and your services); firewall-cmd --reload. Elsewhere: an nftables ruleset in /etc/nftables.conf and systemctl enable --now nftables.',
  check(f) {
    const active = UNITS.filter((u) => f.services.get(u)?.active === 'active');
    const counts = f.commands.get('firewall-rules')?.out ?? '';
    const nft = Number(/^nft (\d+)/m.exec(counts)?.[1] ?? 0);
    const ipt = Number(/^iptables (\d+)/m.exec(counts)?.[1] ?? 0);
    const ok = active.length > 0 || nft > 0 || ipt > 0;
    const parts = [active.length ? `active: ${active.join(', ')}` : 'no firewall service active', `${nft} nftables rules`, `${ipt} iptables rules`];
    return { status: ok ? 'pass' : 'fail', current: parts.join('; '), expected: 'a firewall service or loaded rules', fixable: false };
  },
};
export default rule;
