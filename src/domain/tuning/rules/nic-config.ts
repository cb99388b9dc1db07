import { kvGet, na } from '../rule-kit';
import type { TuneFacts, TuneRule } from '../tuning';

const IFCFG = '/etc/sysconfig/network-scripts/ifcfg-*';
const NM = '/etc/NetworkManager/system-connections/*.nmconnection';
const DEBIAN = '/etc/network/interfaces';

/** Interface names the network configuration refers to, with the file that names each. */
function configured(f: TuneFacts): Array<{ name: string; file: string }> {
  const out: Array<{ name: string; file: string }> = [];
  for (const path of f.globs.get(IFCFG) ?? []) {
    if (/\.(bak|orig|rpmsave|rpmnew)$|~$/.test(path)) continue;
    const text = f.files.get(path)?.content ?? '';
    const name = kvGet(text, 'DEVICE') ?? path.slice(path.lastIndexOf('ifcfg-') + 6);
    out.push({ name, file: path });
  }
  for (const path of f.globs.get(NM) ?? []) {
    const m = /^\s*interface-name\s*=\s*(\S+)/m.exec(f.files.get(path)?.content ?? '');
    if (m) out.push({ name: m[1]!, file: path });
  }
  for (const line of (f.files.get(DEBIAN)?.content ?? '').split('\n')) {
    const m = /^\s*(?:iface|auto|allow-hotplug)\s+(.+)$/.exec(line);
    if (!m) continue;
    const words = /^\s*iface/.test(line) ? [m[1]!.split(/\s+/)[0]!] : m[1]!.split(/\s+/);
    for (const w of words) out.push({ name: w, file: DEBIAN });
  }
  return out.filter((c) => c.name && c.name !== 'lo' && !c.name.includes(':') && !c.name.includes('.'));
}

/** `ip -o link` → interface names (without @peer). */
function present(f: TuneFacts): Set<string> {
  const out = new Set<string>();
  for (const line of (f.commands.get('ip-link')?.out ?? '').split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)/.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}

const rule: TuneRule = {
  id: 'nic-config',
  title: 'network configuration names interfaces that exist',
  category: 'network',
  rationale:
    'A configuration for eth0 on a host whose NIC is now ens192 (after a migration, a new kernel or a VM moved between hypervisors) leaves the host without network at the next reboot. Old guides rename every NIC to ethN with net.ifnames=0; today keep the predictable names and make the configuration match them — renaming on a running host is the riskier change.',
  risk: 'medium',
  families: ['el', 'debian'],
  params: [],
  reads: { globs: [IFCFG, NM], files: [DEBIAN], commands: ['ip-link'] },
  remediation:
    'For each stale file: rename it to the real interface (ifcfg-ens192), set DEVICE= and NAME= to match, drop HWADDR/UUID lines that pin old hardware, then nmcli connection reload. Only if you must keep ethN names: grubby --update-kernel=ALL --args="net.ifnames=0 biosdevname=0" and reboot.',
  check(f) {
    const conf = configured(f);
    if (!conf.length) return na('no ifcfg, NetworkManager keyfile or /etc/network/interfaces entries name an interface');
    const have = present(f);
    if (!have.size) return { status: 'error', current: 'could not list interfaces (ip -o link)', expected: '-', fixable: false };
    const missing = conf.filter((c) => !have.has(c.name));
    return {
      status: missing.length ? 'fail' : 'pass',
      current: missing.length
        ? missing.map((m) => `${m.file} names ${m.name}, which does not exist`).join('; ') + ` (interfaces: ${[...have].filter((n) => n !== 'lo').join(', ')})`
        : `all configured interfaces exist (${[...new Set(conf.map((c) => c.name))].join(', ')})`,
      expected: 'every configured interface exists',
      fixable: false,
    };
  },
};
export default rule;
