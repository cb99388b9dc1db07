import { fileText } from '../facts';
import { na } from '../rule-kit';
import type { TuneRule } from '../tuning';

const HOSTS = '/etc/hosts';

function names(hosts: string): Set<string> {
  const out = new Set<string>();
  for (const line of hosts.split('\n')) {
    const l = line.replace(/#.*/, '').trim();
    if (!l) continue;
    for (const n of l.split(/\s+/).slice(1)) out.add(n.toLowerCase());
  }
  return out;
}

function isIPv4(s: string | null): s is string {
  return !!s && /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && !s.startsWith('127.');
}

/** The address to write: the one osdeck reaches the host on, else its first global IPv4 address. */
function addressFor(out: string, address: string | null): string | null {
  if (isIPv4(address)) return address;
  const m = /\binet (\d+\.\d+\.\d+\.\d+)\/\d+ .*scope global/.exec(out);
  return m ? m[1]! : null;
}

const rule: TuneRule = {
  id: 'hostname-resolves',
  title: 'the host name resolves locally (/etc/hosts)',
  category: 'system',
  rationale:
    'Software that looks up its own name (Java, sudo, Oracle, RabbitMQ, mail) stalls or fails when the name is only in DNS and DNS is slow or down. A line in /etc/hosts with the host\'s address makes it independent of DNS.',
  risk: 'low',
  families: ['el', 'debian'],
  params: [],
  reads: { files: [HOSTS], commands: ['hostname', 'ip-addr'] },
  remediation: 'echo "ADDRESS $(hostname)" >> /etc/hosts',
  check(f, _p, ctx) {
    const h = (f.commands.get('hostname')?.out ?? '').trim().toLowerCase();
    if (!h || h === 'localhost') return na('the host has no name of its own (hostname is localhost or empty); set one with hostnamectl set-hostname');
    const have = names(fileText(f, HOSTS));
    const short = h.split('.')[0]!;
    const ok = have.has(h) || have.has(short);
    const addr = addressFor(f.commands.get('ip-addr')?.out ?? '', ctx.address);
    return {
      status: ok ? 'pass' : 'fail',
      current: ok ? `${h} is in ${HOSTS}` : `${h} is not in ${HOSTS}`,
      expected: `${h} in ${HOSTS}`,
      fixable: !!addr,
      ...(!addr && { detail: 'no global IPv4 address to put next to it; add the line by hand' }),
    };
  },
  fix(f, _p, ctx) {
    const h = (f.commands.get('hostname')?.out ?? '').trim();
    const addr = addressFor(f.commands.get('ip-addr')?.out ?? '', ctx.address)!;
    const text = fileText(f, HOSTS);
    const line = `${addr}\t${h}${h.includes('.') ? ` ${h.split('.')[0]}` : ''}`;
    return [{ kind: 'file', path: HOSTS, content: `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`, mode: '644' }];
  },
};
export default rule;
