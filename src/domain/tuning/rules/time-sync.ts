import type { TuneRule } from '../tuning';

const DAEMONS = ['chronyd', 'chrony', 'ntpd', 'ntp', 'systemd-timesyncd'];

const rule: TuneRule = {
  id: 'time-sync',
  title: 'a time synchronization daemon runs',
  category: 'time',
  rationale:
    'Clusters, TLS, Kerberos and log correlation break when clocks drift. The old advice — ntpdate from cron — steps the clock backwards under running software; a daemon (chronyd on EL 7+, systemd-timesyncd or chrony on Debian) slews it gently and keeps it right.',
  risk: 'low',
  families: ['el', 'debian'],
  params: [],
  reads: { services: DAEMONS, commands: ['time-daemons'] },
  remediation: 'EL: dnf install chrony && systemctl enable --now chronyd (point /etc/chrony.conf at your NTP servers). Debian: apt install chrony.',
  check(f) {
    const procs = (f.commands.get('time-daemons')?.out ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const running = [...new Set([...procs, ...DAEMONS.filter((d) => f.services.get(d)?.active === 'active')])];
    const installed = DAEMONS.filter((d) => {
      const s = f.services.get(d);
      return s && s.enabled !== 'not-found' && s.enabled !== 'unknown' && s.enabled !== '';
    });
    const ok = running.length > 0;
    const fixable = !ok && f.systemd && installed.length > 0;
    return {
      status: ok ? 'pass' : 'fail',
      current: ok ? `running: ${running.join(', ')}` : installed.length ? `installed but not running: ${installed.join(', ')}` : 'no time daemon installed or running',
      expected: 'chronyd, ntpd or systemd-timesyncd running',
      fixable,
      ...(!ok && !fixable && { detail: f.systemd ? 'install chrony first' : 'no systemd here to start a daemon with; install and start chrony by hand' }),
    };
  },
  fix(f) {
    const name = DAEMONS.find((d) => {
      const s = f.services.get(d);
      return s && s.enabled !== 'not-found' && s.enabled !== 'unknown';
    })!;
    return [{ kind: 'service', name, enabled: true, active: true }];
  },
};
export default rule;
