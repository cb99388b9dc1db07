import type { TuneRule } from '../tuning';

interface Reader {
  pid: string;
  pidns: string;
  comm: string;
  file: string;
}

function readers(out: string): { host: string; list: Reader[] } {
  let host = '';
  const list: Reader[] = [];
  for (const line of out.split('\n')) {
    const h = /^host (\S+)$/.exec(line.trim());
    if (h) {
      host = h[1]!;
      continue;
    }
    const m = /^(\d+) (\S+) (\S+) (\/proc\/kmsg|\/dev\/kmsg)$/.exec(line.trim());
    if (m) list.push({ pid: m[1]!, pidns: m[2]!, comm: m[3]!, file: m[4]! });
  }
  return { host, list };
}

const rule: TuneRule = {
  id: 'kernel-log-owner',
  title: 'only the host reads the kernel log',
  category: 'container',
  rationale:
    'The kernel has one log buffer. Reading /proc/kmsg takes messages out of it, so when rsyslog in a container loads imklog too, host and containers each get a random half of the kernel log, interleaved. The host\'s logger (journald via /dev/kmsg, or rsyslog imklog) should be the only /proc/kmsg reader; containers should not load imklog. kernel.dmesg_restrict=1 (rule dmesg-restrict) keeps unprivileged processes out.',
  risk: 'low',
  families: ['el', 'debian'],
  params: [],
  reads: { commands: ['kmsg-readers'] },
  remediation: 'In each container image: remove "module(load=\\"imklog\\")" / "$ModLoad imklog" from /etc/rsyslog.conf. On the host: keep one reader (journald, or rsyslog imklog).',
  check(f) {
    const { host, list } = readers(f.commands.get('kmsg-readers')?.out ?? '');
    const destructive = list.filter((r) => r.file === '/proc/kmsg');
    const inContainers = list.filter((r) => host && r.pidns !== host);
    const bad = destructive.length > 1 || inContainers.some((r) => r.file === '/proc/kmsg');
    const describe = (r: Reader) => `${r.comm}[${r.pid}]${host && r.pidns !== host ? ' in a container' : ''} reads ${r.file}`;
    return {
      status: bad ? 'fail' : 'pass',
      current: list.length ? list.map(describe).join('; ') : 'no process holds the kernel log open',
      expected: 'at most one /proc/kmsg reader, on the host',
      fixable: false,
      ...(!bad && inContainers.length ? { detail: 'a container reads /dev/kmsg: it sees the host kernel log (set kernel.dmesg_restrict=1)' } : {}),
    };
  },
};
export default rule;
