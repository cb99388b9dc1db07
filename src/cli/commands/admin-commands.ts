import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, redactedConfig } from '../../infra/config';
import { CliError } from '../cli-error';
import { printJson } from './output';

export function readSecretFile(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new CliError('FILE_UNREADABLE', `cannot read ${what} from ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return text.replace(/\r?\n$/, '');
}

/** Offline administration: works on the data dir / database directly, without a running server. */
export function adminCommands(program: Command): void {
  const admin = program.command('admin').description('offline administration (works on the database directly)');
  admin
    .command('bootstrap')
    .description('create the first admin and write an admin API token to a file (refuses when an admin exists)')
    .option('--data <dir>', 'data directory')
    .requiredOption('--user <name>', 'admin user name')
    .requiredOption('--password-file <file>', "file holding the admin's password ('-' for stdin)")
    .requiredOption('--token-file <file>', 'where to write the admin API token (mode 0600)')
    .action(async (opts: { data?: string; user: string; passwordFile: string; tokenFile: string }) => {
      const config = loadConfig({ dataDir: opts.data });
      const password = readSecretFile(opts.passwordFile, 'the password');
      const { createOsdeck } = await import('../../services/osdeck');
      const o = await createOsdeck(config);
      try {
        const { token } = await o.auth.bootstrapAdmin(opts.user, password);
        writeFileSync(opts.tokenFile, token + '\n', { mode: 0o600 });
        console.log(`admin '${opts.user}' created; API token written to ${opts.tokenFile}`);
      } finally {
        await o.close();
      }
    });
  admin
    .command('reset-password')
    .description("set a user's password (ends their sessions)")
    .option('--data <dir>', 'data directory')
    .requiredOption('--user <name>', 'user name')
    .requiredOption('--password-file <file>', "file holding the new password ('-' for stdin)")
    .action(async (opts: { data?: string; user: string; passwordFile: string }) => {
      const { createOsdeck } = await import('../../services/osdeck');
      const o = await createOsdeck(loadConfig({ dataDir: opts.data }));
      try {
        await o.auth.resetPassword(opts.user, readSecretFile(opts.passwordFile, 'the password'));
        console.log(`password of '${opts.user}' changed; their sessions were ended`);
      } finally {
        await o.close();
      }
    });

  program
    .command('config')
    .description('configuration')
    .command('show')
    .description('print the effective configuration (secrets redacted)')
    .option('--data <dir>', 'data directory')
    .action((opts: { data?: string }) => printJson(redactedConfig(loadConfig({ dataDir: opts.data }))));
}
