import type { Command } from 'commander';
import type { AuditEntry } from '../../services/audit-service';
import type { ApiClient } from '../api-client';
import { table } from '../table';
import { printJson } from './output';

export function auditCommands(program: Command, client: () => ApiClient): void {
  program
    .command('audit')
    .description('the append-only audit log, newest first')
    .option('--limit <n>', 'how many entries', (v) => Number(v), 50)
    .option('--action <prefix>', 'e.g. host.exec, auth, api.post')
    .option('--host <name>', 'entries about one host')
    .option('--actor <name>', 'entries by one actor')
    .option('--json', 'JSON output')
    .action(async (opts: { limit: number; action?: string; host?: string; actor?: string; json?: boolean }) => {
      const q = new URLSearchParams({ limit: String(opts.limit) });
      if (opts.action) q.set('action', opts.action);
      if (opts.host) q.set('host', opts.host);
      if (opts.actor) q.set('actor', opts.actor);
      const list = await client().get<AuditEntry[]>(`/audit?${q}`);
      if (opts.json) return printJson(list);
      console.log(table(['id', 'time', 'actor', 'action', 'result', 'host', 'target / command', 'exit', 'ms'], list.map((a) => [
        a.id, a.ts, a.actor, a.action, a.result, a.host, a.command ?? a.target, a.exitCode, a.durationMs,
      ])));
    });
}
