import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { parseSince } from './metrics-commands';
import { printJson } from './output';

interface Rule { id: string; name: string; selector: string; metric: string; op: string; threshold: number; forSec: number; webhookUrl: string | null }
interface Event { id: number; rule: string; host: string; state: string; value: number | null; ts: string; webhookStatus: string | null }
interface Active { rule: string; host: string; metric: string; op: string; threshold: number; value: number | null; since: string }

const round = (v: number | null) => (v === null ? '-' : Math.round(v * 100) / 100);

export function alertCommands(program: Command, client: () => ApiClient): void {
  const alerts = program.command('alerts').description('threshold alerts over averaged windows');
  alerts
    .command('add <name>')
    .description("e.g. osdeck alerts add cpu-hot --on group:web --when 'cpu.busy > 90' --for 5m --webhook https://hooks.example/osdeck")
    .requiredOption('--when <expr>', "METRIC > N or METRIC < N (metrics: cpu.busy, cpu.iowait, mem.used, disk.used, load.1, psi.cpu, …)")
    .option('--on <selector>', 'hosts (NAME, group:G, tag:k=v, all)', 'all')
    .option('--for <dur>', 'averaging window (30s, 5m, 1h)', '5m')
    .option('--webhook <url>', 'POST firing/resolved events here as JSON')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { when: string; on: string; for: string; webhook?: string; json?: boolean }) => {
      const m = /^\s*([a-z0-9._]+)\s*([<>])\s*(-?[\d.]+)\s*$/.exec(opts.when);
      if (!m) throw new CliError('INVALID_RULE', `--when must look like 'cpu.busy > 90', got '${opts.when}'`);
      const rule = await client().post<Rule>('/alerts/rules', { name, selector: opts.on, metric: m[1], op: m[2], threshold: Number(m[3]), forSec: Math.round(parseSince(opts.for) / 1000), webhookUrl: opts.webhook ?? null });
      opts.json ? printJson(rule) : console.log(`alert '${rule.name}': ${rule.metric} ${rule.op} ${rule.threshold} averaged over ${rule.forSec}s on ${rule.selector}`);
    });
  alerts
    .command('rules')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const list = await client().get<Rule[]>('/alerts/rules');
      if (opts.json) return printJson(list);
      console.log(table(['name', 'on', 'when', 'for', 'webhook'], list.map((r) => [r.name, r.selector, `${r.metric} ${r.op} ${r.threshold}`, `${r.forSec}s`, r.webhookUrl])));
    });
  alerts
    .command('remove <name>')
    .action(async (name: string) => {
      await client().del(`/alerts/rules/${encodeURIComponent(name)}`);
      console.log(`alert '${name}' removed`);
    });
  alerts
    .command('active')
    .description('alerts firing now')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const list = await client().get<Active[]>('/alerts/active');
      if (opts.json) return printJson(list);
      if (!list.length) return console.log('no alert is firing');
      console.log(table(['rule', 'host', 'condition', 'value', 'since'], list.map((a) => [a.rule, a.host, `${a.metric} ${a.op} ${a.threshold}`, round(a.value), a.since])));
      process.exitCode = 2;
    });
  alerts
    .command('events')
    .option('--limit <n>', 'how many', (v) => Number(v), 50)
    .option('--json', 'JSON output')
    .action(async (opts: { limit: number; json?: boolean }) => {
      const list = await client().get<Event[]>(`/alerts/events?limit=${opts.limit}`);
      if (opts.json) return printJson(list);
      console.log(table(['time', 'rule', 'host', 'state', 'value', 'webhook'], list.map((e) => [e.ts, e.rule, e.host, e.state, round(e.value), e.webhookStatus])));
    });
}
