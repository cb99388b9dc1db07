import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { HostView } from '../../services/host-service';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { humanBytes, humanDuration, table } from '../table';
import { readSecretFile } from './admin-commands';
import { printJson, safe } from './output';

const collect = (v: string, prev: string[]) => [...prev, v];

export function hostCommands(program: Command, client: () => ApiClient): void {
  const hosts = program.command('hosts').description('the fleet inventory');
  hosts
    .command('add <name>')
    .description('add an SSH host: connects once, pins its host key, gathers facts')
    .requiredOption('--ssh <target>', 'USER@ADDRESS[:PORT]')
    .option('--key <file>', 'private key file')
    .option('--password-file <file>', 'file holding the SSH password')
    .option('--group <group>', 'group (repeatable)', collect, [])
    .option('--tag <k=v>', 'tag (repeatable)', collect, [])
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { ssh: string; key?: string; passwordFile?: string; group: string[]; tag: string[]; json?: boolean }) => {
      if (!opts.key === !opts.passwordFile) throw new CliError('AUTH_REQUIRED', 'give exactly one of --key FILE or --password-file FILE');
      let privateKey: string | undefined;
      if (opts.key) {
        try {
          privateKey = readFileSync(opts.key, 'utf8');
        } catch (e) {
          throw new CliError('FILE_UNREADABLE', `cannot read key ${opts.key}: ${(e as NodeJS.ErrnoException).code}`);
        }
      }
      const tags: Record<string, string> = {};
      for (const t of opts.tag) {
        const eq = t.indexOf('=');
        tags[eq < 0 ? t : t.slice(0, eq)] = eq < 0 ? '' : t.slice(eq + 1);
      }
      const h = await client().post<HostView>('/hosts', {
        name, ssh: opts.ssh, privateKey, password: opts.passwordFile ? readSecretFile(opts.passwordFile, 'the password') : undefined,
        groups: opts.group, tags,
      });
      if (opts.json) return printJson(h);
      console.log(`host '${h.name}' added: ${safe(h.facts?.osPretty)} kernel ${safe(h.facts?.kernel)}; host key ${h.hostKeyFingerprint} pinned`);
    });
  hosts
    .command('list')
    .option('--selector <sel>', 'only hosts matching NAME, group:G, tag:k=v, all')
    .option('--json', 'JSON output')
    .action(async (opts: { selector?: string; json?: boolean }) => {
      const list = await client().get<HostView[]>(`/hosts${opts.selector ? `?selector=${encodeURIComponent(opts.selector)}` : ''}`);
      if (opts.json) return printJson(list);
      console.log(table(['name', 'address', 'state', 'os', 'kernel', 'cpus', 'memory', 'uptime', 'groups'], list.map((h) => [
        h.name, h.transport === 'local' ? '(local)' : `${h.user}@${h.address}:${h.port}`, h.state, h.facts?.osPretty, h.facts?.kernel,
        h.facts?.cpus, humanBytes(h.facts?.memTotalBytes), humanDuration(h.facts?.uptimeSeconds), h.groups.join(','),
      ])));
    });
  hosts
    .command('show <name>')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { json?: boolean }) => {
      const h = await client().get<HostView>(`/hosts/${encodeURIComponent(name)}`);
      if (opts.json) return printJson(h);
      const f = h.facts;
      const rows: Array<[string, unknown]> = [
        ['name', h.name], ['transport', h.transport], ['ssh', h.transport === 'ssh' ? `${h.user}@${h.address}:${h.port} (${h.authType})` : null],
        ['state', h.state], ['last error', h.lastError], ['last seen', h.lastSeenAt], ['host key', h.hostKeyFingerprint],
        ['offered key', h.offeredHostKeyFingerprint], ['groups', h.groups.join(', ')], ['tags', Object.entries(h.tags).map(([k, v]) => `${k}=${v}`).join(', ')],
        ['os', f?.osPretty], ['kernel', f?.kernel], ['arch', f?.arch], ['hostname', f?.hostname], ['cpus', f ? `${f.cpus} × ${f.cpuModel ?? '?'}` : null],
        ['memory', humanBytes(f?.memTotalBytes)], ['virtualization', f?.virtualization], ['uptime', humanDuration(f?.uptimeSeconds)], ['facts at', h.factsAt],
      ];
      for (const [k, v] of rows) if (v !== null && v !== undefined && v !== '') console.log(`${k.padEnd(15)}${safe(String(v))}`);
    });
  hosts
    .command('remove <name>')
    .action(async (name: string) => {
      await client().del(`/hosts/${encodeURIComponent(name)}`);
      console.log(`host '${name}' removed`);
    });
  hosts
    .command('trust <name>')
    .description("pin the host's current SSH host key (after a reinstall); admin only")
    .option('--fingerprint <fp>', 'refuse unless the host offers exactly this SHA256:… fingerprint')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { fingerprint?: string; json?: boolean }) => {
      const h = await client().post<HostView>(`/hosts/${encodeURIComponent(name)}/trust`, { fingerprint: opts.fingerprint });
      opts.json ? printJson(h) : console.log(`host '${name}': key ${h.hostKeyFingerprint} pinned`);
    });
  hosts
    .command('refresh <name>')
    .description('gather facts again')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { json?: boolean }) => {
      const h = await client().post<HostView>(`/hosts/${encodeURIComponent(name)}/refresh`);
      opts.json ? printJson(h) : console.log(`host '${name}': ${safe(h.facts?.osPretty)}, kernel ${safe(h.facts?.kernel)}, up ${humanDuration(h.facts?.uptimeSeconds)}`);
    });
}
