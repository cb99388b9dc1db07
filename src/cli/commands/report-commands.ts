import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseTimeRange } from '../../domain/time-range';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
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
    .action(async (selector: string, opts: { before: string; after: string; json?: boolean; html?: string; xlsx?: string; all?: boolean }) => {
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
      const body = { selector, before, after };
      for (const [format, file] of [['html', opts.html], ['xlsx', opts.xlsx]] as const) {
        if (!file) continue;
        const res = await fetch(`${api.cfg.url}/api/v1/reports/compare`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(api.cfg.token ? { authorization: `Bearer ${api.cfg.token}` } : {}) },
          body: JSON.stringify({ ...body, format }),
        });
        if (!res.ok) {
          const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
          throw new CliError(p.code ?? `HTTP_${res.status}`, p.detail ?? res.statusText);
        }
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
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
    });
}
