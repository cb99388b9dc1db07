import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import YAML from 'yaml';
import { ApiClient, cliConfigPath, clientConfig } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { readSecretFile } from './admin-commands';
import { printJson } from './output';

interface User { name: string; role: string; createdAt: string }
interface Token { id: string; name: string; role: string; owner: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null; token?: string }

export function authCommands(program: Command, client: () => ApiClient): void {
  program
    .command('setup')
    .description('first run: exchange the setup token for the first admin and save a CLI token')
    .option('--url <url>', 'server URL')
    .requiredOption('--token-file <file>', "the setup token (DATA/setup-token, or '-' for stdin)")
    .requiredOption('--user <name>', 'admin user name')
    .requiredOption('--password-file <file>', 'file holding the new admin password')
    .option('--no-save', 'do not write ~/.config/osdeck/cli.yaml')
    .action(async (opts: { url?: string; tokenFile: string; user: string; passwordFile: string; save: boolean }) => {
      const cfg = clientConfig();
      const url = (opts.url ?? cfg.url).replace(/\/+$/, '');
      const api = new ApiClient({ url });
      const r = await api.post<{ user: User; token: string }>('/setup', {
        token: readSecretFile(opts.tokenFile, 'the setup token'),
        user: opts.user,
        password: readSecretFile(opts.passwordFile, 'the password'),
        createToken: true,
      });
      if (opts.save) {
        const path = cliConfigPath();
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, YAML.stringify({ url, token: r.token }), { mode: 0o600 });
        console.log(`admin '${r.user.name}' created; CLI token saved to ${path}`);
      } else {
        console.log(`admin '${r.user.name}' created; API token (shown once): ${r.token}`);
      }
    });

  const users = program.command('users').description('console and API users (admin)');
  users
    .command('add <name>')
    .requiredOption('--role <role>', 'viewer, operator or admin')
    .requiredOption('--password-file <file>', "file holding the password ('-' for stdin)")
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { role: string; passwordFile: string; json?: boolean }) => {
      const u = await client().post<User>('/users', { name, role: opts.role, password: readSecretFile(opts.passwordFile, 'the password') });
      opts.json ? printJson(u) : console.log(`user '${u.name}' added as ${u.role}`);
    });
  users
    .command('list')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const list = await client().get<User[]>('/users');
      opts.json ? printJson(list) : console.log(table(['name', 'role', 'created'], list.map((u) => [u.name, u.role, u.createdAt])));
    });
  users
    .command('remove <name>')
    .action(async (name: string) => {
      await client().del(`/users/${encodeURIComponent(name)}`);
      console.log(`user '${name}' removed`);
    });

  const tokens = program.command('tokens').description('API tokens');
  tokens
    .command('create')
    .requiredOption('--role <role>', 'viewer, operator or admin (at most your own)')
    .option('--name <name>', 'a name to recognize it by')
    .option('--json', 'JSON output')
    .action(async (opts: { role: string; name?: string; json?: boolean }) => {
      const t = await client().post<Token>('/tokens', { role: opts.role, name: opts.name });
      if (opts.json) return printJson(t);
      console.error(`token '${t.name}' (${t.role}, id ${t.id}) created; it is shown only once:`);
      console.log(t.token);
    });
  tokens
    .command('list')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const list = await client().get<Token[]>('/tokens');
      if (opts.json) return printJson(list);
      console.log(table(['id', 'name', 'role', 'owner', 'created', 'last used', 'revoked'], list.map((t) => [t.id, t.name, t.role, t.owner, t.createdAt, t.lastUsedAt, t.revokedAt])));
    });
  tokens
    .command('revoke <id>')
    .action(async (id: string) => {
      await client().del(`/tokens/${encodeURIComponent(id)}`);
      console.log(`token ${id} revoked`);
    });

  program
    .command('whoami')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const me = await client().get<{ name: string; role: string }>('/auth/me');
      if (!me) throw new CliError('UNAUTHORIZED', 'not authenticated');
      opts.json ? printJson(me) : console.log(`${me.name} (${me.role})`);
    });
}
