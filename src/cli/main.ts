import { Command, CommanderError } from 'commander';
import { OsdeckError } from '../domain/errors';
import { ApiClient, clientConfig } from './api-client';
import { CliError } from './cli-error';
import { adminCommands } from './commands/admin-commands';
import { auditCommands } from './commands/audit-commands';
import { authCommands } from './commands/auth-commands';
import { hostCommands } from './commands/host-commands';
import { jobCommands } from './commands/job-commands';
import { labCommands } from './commands/lab-commands';
import { metricsCommands } from './commands/metrics-commands';
import { reportCommands } from './commands/report-commands';
import { alertCommands } from './commands/alert-commands';
import { diagnoseCommands } from './commands/diagnose-commands';
import { tuneCommands } from './commands/tune-commands';
import { migrateCommands } from './commands/migrate-commands';

const program = new Command('osdeck')
  .description('Linux fleet operations over SSH: inventory, batch jobs, audit')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

const client = () => new ApiClient(clientConfig());

program
  .command('serve')
  .description('start the API server and web console')
  .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8080)')
  .option('--data <dir>', 'data directory (default ./data or $OSDECK_DATA)')
  .action(async (opts: { listen?: string; data?: string }) => {
    // server-side modules load only for the commands that need them: client commands start fast
    const [{ serve }, { loadConfig }] = await Promise.all([import('./serve-command'), import('../infra/config')]);
    await serve(loadConfig({ listen: opts.listen, dataDir: opts.data }));
  });

program
  .command('worker')
  .description('run jobs from Redis (scale mode: needs OSDECK_REDIS_URL)')
  .option('--data <dir>', 'data directory')
  .action(async (opts: { data?: string }) => {
    const [{ worker }, { loadConfig }] = await Promise.all([import('./serve-command'), import('../infra/config')]);
    await worker(loadConfig({ dataDir: opts.data }));
  });

adminCommands(program);
authCommands(program, client);
hostCommands(program, client);
jobCommands(program, client);
auditCommands(program, client);
labCommands(program, client);
metricsCommands(program, client);
reportCommands(program, client);
alertCommands(program, client);
diagnoseCommands(program, client);
tuneCommands(program, client);
migrateCommands(program, client);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof CliError || e instanceof OsdeckError) {
    console.error(`osdeck: ${e.code}: ${e.message}`);
    process.exit(e instanceof CliError ? e.exitCode : 1);
  }
  console.error(`osdeck: ${(e as Error).message}`);
  process.exit(1);
});
