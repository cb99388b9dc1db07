import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseTimeRange } from '../../domain/time-range';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { follow } from './job-commands';
import { printJson } from './output';

interface CompareJson {
  conclusion: string;
  findings: Array<{ summary: string }>;
  tables: Array<{ title: string; columns: string[]; rows: Array<Array<string | number | null>> }>;
}

export function reportCommands(program: Command, client: () => ApiClient): void {
  const report = program.command('report').description('reports from stored metrics');
  report
    .command('compare <selector>')
    .description('before/after comparison of a host or group: osdeck report compare web-1 --before -2h..-1h --after -1h..now')
    .requiredOption('--before <FROM..TO>', 'the window before the change (ISO, epoch ms, now, -30m, -2h, -7d)')
    .requiredOption('--after <FROM..TO>', 'the window after the change')
    .option('--json', 'the report as JSON')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--xlsx <file>', 'write an XLSX workbook')
    .option('--all', 'list unchanged metrics too')
    .option('--workload <name>', 'also compare the timed runs of this workload (see: osdeck report workload)')
    .action(async (selector: string, opts: { before: string; after: string; json?: boolean; html?: string; xlsx?: string; all?: boolean; workload?: string }) => {
      const now = Date.now();
      let before: { from: number; to: number };
      let after: { from: number; to: number };
      try {
        before = parseTimeRange(opts.before, now);
        after = parseTimeRange(opts.after, now);
      } catch (e) {
        throw new CliError((e as { code?: string }).code ?? 'INVALID_RANGE', (e as Error).message);
      }
      const api = client();
      const body = { selector, before, after, workload: opts.workload };
      for (const [format, file] of [['html', opts.html], ['xlsx', opts.xlsx]] as const) {
        if (!file) continue;
        writeFileSync(file, await api.document('POST', '/reports/compare', { ...body, format }));
        console.error(`wrote ${file}`);
      }
      const r = await api.post<CompareJson>('/reports/compare', body);
      if (opts.json) return printJson(r);
      if (opts.html || opts.xlsx) return console.log(r.conclusion);
      console.log(r.conclusion);
      for (const f of r.findings) console.log(`  • ${f.summary}`);
      const t = r.tables[0]!;
      const pick = ['host', 'metric', 'before mean', 'before p95', 'after mean', 'after p95', 'change %', 'changed'].map((c) => t.columns.indexOf(c));
      const rows = t.rows.filter((row) => opts.all || row[row.length - 1]);
      if (rows.length) console.log('\n' + table(pick.map((i) => t.columns[i]!), rows.map((row) => pick.map((i) => row[i]))));
      if (!opts.all) console.log(`\n(${t.rows.length - rows.length} unchanged metrics hidden; --all shows them)`);
      const w = r.tables.find((x) => x.title.startsWith('Workload'));
      if (w) console.log('\n' + table(pick.map((i) => w.columns[i]!), w.rows.map((row) => pick.map((i) => row[i]))));
    });
  report
    .command('workload <selector> [command...]')
    .description("time a command N times per host, in the window being measured: osdeck report workload web-1 --runs 10 -- 'curl -s localhost >/dev/null'")
    .option('--name <name>', 'the name compare --workload refers to', 'workload')
    .option('--runs <n>', 'runs per host', (v) => Number(v), 10)
    .option('--timeout <seconds>', 'for all runs on a host', (v) => Number(v), 600)
    .option('--json', 'JSON output')
    .action(async (selector: string, words: string[], opts: { name: string; runs: number; timeout: number; json?: boolean }) => {
      const command = words.join(' ');
      if (!command.trim()) throw new CliError('EMPTY_COMMAND', 'no command given: osdeck report workload SELECTOR -- CMD');
      const api = client();
      const job = await api.post<{ id: string }>('/reports/workload', { selector, command, name: opts.name, runs: opts.runs, timeoutSec: opts.timeout });
      const done = await follow(api, job.id, { quiet: true });
      const full = await api.get<{ status: string; steps: Array<{ host: string; status: string; stdout: string | null; error: string | null }> }>(`/jobs/${job.id}`);
      if (opts.json) return printJson(full);
      console.log(table(['host', 'status', 'runs', 'mean s', 'min s', 'max s'], full.steps.map((s) => {
        const secs = (s.stdout ?? '').split('\n').map((l) => /^osdeck_run 0 (\d+) (\d+)$/.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(BigInt(m[2]!) - BigInt(m[1]!)) / 1e9);
        return [s.host, s.status === 'ok' ? 'ok' : `${s.status}: ${s.error ?? ''}`, secs.length, secs.length ? (secs.reduce((a, b) => a + b, 0) / secs.length).toFixed(4) : '-', secs.length ? Math.min(...secs).toFixed(4) : '-', secs.length ? Math.max(...secs).toFixed(4) : '-'];
      })));
      process.exitCode = done.status === 'succeeded' ? 0 : 2;
    });
}
