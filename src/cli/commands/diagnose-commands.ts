import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseParamPairs } from '../../domain/diagnosis/params';
import type { Report } from '../../domain/report/report-shape';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { follow } from './job-commands';
import { printJson, safe } from './output';
import { printReport } from './report-print';

interface ParamView { name: string; type: string; description: string; default?: unknown; required?: boolean; enum?: string[]; min?: number; max?: number }
interface DiagnosisView { id: string; title: string; category: string; description: string; permission: string; params: ParamView[]; acceptsText: boolean }
interface Summary { id: string; jobId: string | null; host: string | null; diagnosis: string; severity: string; conclusion: string; createdAt: string; createdBy: string }
interface Stored extends Summary { report: Report }
interface StepView { host: string; status: string; error: string | null; errorCode: string | null }

async function download(api: ApiClient, path: string, file: string): Promise<void> {
  writeFileSync(file, await api.document('GET', path));
  console.error(`wrote ${file}`);
}

interface RunOpts { param: string[]; single?: boolean; json?: boolean; html?: string; xlsx?: string; all?: boolean; wait: boolean; file?: string; forks?: number; diagnosis?: string; limit?: number }

export function diagnoseCommands(program: Command, client: () => ApiClient): void {
  program
    .command('diagnose')
    .argument('<id>', "a diagnosis id (see 'osdeck diagnose list'), or: list, show REPORT, history [HOST]")
    .argument('[target]', 'a host selector (NAME, group:G, tag:k=v, all, a,b); for show: a report id; for history: a host')
    .description(
      'run a diagnosis and print its report: osdeck diagnose memory web-1 --param cgroup=/kubepods/pod1\n' +
        '  osdeck diagnose list                      the diagnoses and their parameters\n' +
        '  osdeck diagnose oom --file kern.log       analyze an uploaded log instead of a host\n' +
        '  osdeck diagnose history web-1             stored reports of a host, newest first\n' +
        '  osdeck diagnose show REPORT [--html F]    one stored report',
    )
    .option('-p, --param <name=value>', 'a diagnosis parameter (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'JSON output')
    .option('--html <file>', 'write the report as a self-contained HTML page (one host)')
    .option('--xlsx <file>', 'write the report as an XLSX workbook (one host)')
    .option('--all', 'print every table row')
    .option('--no-wait', 'queue the job and print its id')
    .option('--file <log>', 'analyze this file instead of probing hosts (diagnoses that read logs, e.g. oom)')
    .option('--forks <n>', 'hosts diagnosed at once', (v) => Number(v))
    .option('--diagnosis <id>', 'history: only this diagnosis')
    .option('--limit <n>', 'history: how many reports', (v) => Number(v), 30)
    .action(async (id: string, target: string | undefined, opts: RunOpts) => {
      const api = client();
      if (id === 'list') return list(api, opts);
      if (id === 'show') {
        if (!target) throw new CliError('MISSING_ARGUMENT', 'osdeck diagnose show REPORT_ID');
        return show(api, target, opts);
      }
      if (id === 'history') return history(api, target, opts);
      const params = parseParamPairs(opts.param);
      if (opts.file) {
        let text: string;
        try {
          text = readFileSync(opts.file, 'utf8');
        } catch (e) {
          throw new CliError('FILE_UNREADABLE', `${opts.file}: ${(e as Error).message}`);
        }
        const r = await api.post<Stored>(`/diagnoses/${encodeURIComponent(id)}/analyze`, { text, source: opts.file.split('/').pop(), params });
        return output(api, [r], { ...opts, single: true });
      }
      if (!target) throw new CliError('MISSING_ARGUMENT', `which hosts? osdeck diagnose ${id} SELECTOR (a host name, group:G, tag:k=v or all)`);
      const job = await api.post<{ id: string; total: number }>(`/diagnoses/${encodeURIComponent(id)}/run`, { selector: target, params, ...(opts.forks ? { forks: opts.forks } : {}) });
      if (!opts.wait) {
        if (opts.json) return printJson(job);
        return console.log(`job ${job.id} queued on ${job.total} host(s); follow with: osdeck jobs watch ${job.id}`);
      }
      const done = await follow(api, job.id, { quiet: true });
      const full = await api.get<{ steps: StepView[] }>(`/jobs/${job.id}`);
      const summaries = await api.get<Summary[]>(`/diagnosis-reports?job=${encodeURIComponent(job.id)}&limit=500`);
      const reports = await Promise.all(summaries.map((s) => api.get<Stored>(`/diagnosis-reports/${s.id}`)));
      const failed = full.steps.filter((s) => s.status !== 'ok');
      if (opts.json) {
        printJson({ job: { id: job.id, status: done.status }, reports, failed: failed.map((s) => ({ host: s.host, status: s.status, code: s.errorCode, error: s.error })) });
      } else {
        await output(api, reports.sort((a, b) => (a.host ?? '').localeCompare(b.host ?? '')), opts);
        for (const s of failed) console.error(`[${safe(s.host)}] ${s.status.toUpperCase()}: ${safe(s.errorCode ?? '')} ${safe(s.error ?? '')}`);
      }
      if (failed.length || done.status !== 'succeeded') process.exitCode = 1;
    });
}

async function output(api: ApiClient, reports: Stored[], opts: RunOpts): Promise<void> {
  if ((opts.html || opts.xlsx) && reports.length !== 1) console.error(`--html/--xlsx write one report; ${reports.length} hosts reported: use 'osdeck diagnose show ID --html F' for each`);
  else {
    if (opts.html) await download(api, `/diagnosis-reports/${reports[0]!.id}?format=html`, opts.html);
    if (opts.xlsx) await download(api, `/diagnosis-reports/${reports[0]!.id}?format=xlsx`, opts.xlsx);
  }
  if (opts.json) return printJson(opts.single ? reports[0] : reports);
  reports.forEach((r, i) => {
    if (i) console.log('\n' + '─'.repeat(60));
    printReport(r.report, { host: reports.length > 1 || r.host ? r.host : null, all: opts.all });
    console.log(`\nreport ${r.id}${r.host ? ` · osdeck diagnose show ${r.id} --html ${r.diagnosis}-${r.host}.html` : ''}`);
  });
}

async function list(api: ApiClient, opts: RunOpts): Promise<void> {
  const all = await api.get<DiagnosisView[]>('/diagnoses');
  if (opts.json) return printJson(all);
  console.log(table(['id', 'category', 'title'], all.map((d) => [d.id, d.category, d.title])));
  console.log('\nparameters (--param name=value):');
  for (const d of all) {
    if (!d.params.length) continue;
    console.log(`  ${d.id}: ${d.params.map((p) => `${p.name}${p.required ? '' : '?'}=${p.enum ? p.enum.join('|') : p.type}${p.default !== undefined ? ` (${String(p.default)})` : ''}`).join('  ')}`);
  }
}

async function show(api: ApiClient, id: string, opts: RunOpts): Promise<void> {
  const r = await api.get<Stored>(`/diagnosis-reports/${encodeURIComponent(id)}`);
  await output(api, [r], { ...opts, single: true });
}

async function history(api: ApiClient, host: string | undefined, opts: RunOpts): Promise<void> {
  const q = new URLSearchParams({ limit: String(opts.limit ?? 30) });
  if (host) q.set('host', host);
  if (opts.diagnosis) q.set('diagnosis', opts.diagnosis);
  const rows = await api.get<Summary[]>(`/diagnosis-reports?${q}`);
  if (opts.json) return printJson(rows);
  if (!rows.length) return console.log('no reports yet');
  console.log(table(['report', 'when', 'host', 'diagnosis', 'severity', 'conclusion'], rows.map((r) => [r.id, r.createdAt.replace('T', ' ').slice(0, 19), r.host ?? '(upload)', r.diagnosis, r.severity, r.conclusion.length > 100 ? `${r.conclusion.slice(0, 99)}…` : r.conclusion])));
}
