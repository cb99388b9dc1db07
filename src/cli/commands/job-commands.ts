import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { summaryLine, type StepCounts } from '../../domain/job-status';
import type { JobView, StepView } from '../../services/job-service';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { printJson, safe } from './output';

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** Prints a step as a block: a header line, then its (sanitized) output. */
export function printStep(s: StepView): void {
  const rc = s.exitCode === null ? '' : ` rc=${s.exitCode}`;
  const why = s.status === 'ok' || s.status === 'failed' ? '' : ` ${safe(s.error)}`;
  console.log(`${s.host} | ${s.status}${rc} | ${s.durationMs ?? 0}ms${why}`);
  const out = safe(s.stdout).replace(/\n$/, '');
  const err = safe(s.stderr).replace(/\n$/, '');
  if (out) console.log(out);
  if (err) console.log(err.split('\n').map((l) => `stderr: ${l}`).join('\n'));
  if (s.truncated) console.log(`[output truncated: ${s.stdoutBytes} bytes stdout, ${s.stderrBytes} bytes stderr produced]`);
}

/** Follows a job's events until it ends; prints steps as they finish unless `quiet`. */
export async function follow(api: ApiClient, id: string, opts: { quiet: boolean }): Promise<JobView> {
  const progress = process.stderr.isTTY && !opts.quiet;
  let last: JobView | null = null;
  const ctl = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\ncancelling job ${id}… (Ctrl-C again to leave it running)\n`);
    void api.post(`/jobs/${id}/cancel`).catch(() => {});
  };
  process.on('SIGINT', onSigint);
  try {
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        for await (const ev of api.events(`/jobs/${id}/events`, ctl.signal)) {
          if (ev.event === 'step') {
            if (progress) process.stderr.write('\r\u001b[K');
            if (!opts.quiet) printStep(ev.data as StepView);
          } else if (ev.event === 'job' || ev.event === 'end') {
            last = ev.data as JobView;
            if (progress) {
              const done = Object.entries(last.counts).filter(([k]) => k !== 'pending' && k !== 'running').reduce((a, [, n]) => a + n, 0);
              process.stderr.write(`\r\u001b[K${done}/${last.total} hosts done (${last.counts.running ?? 0} running)`);
            }
          }
        }
        if (last && FINAL.includes(last.status)) break;
      } catch (e) {
        if (e instanceof CliError && !e.code.startsWith('HTTP_5')) throw e;
      }
      // the stream ended early (server restart): wait and re-follow; the job resumes server-side
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    process.off('SIGINT', onSigint);
    if (progress) process.stderr.write('\r\u001b[K');
  }
  return last ?? (await api.get<JobView>(`/jobs/${id}`));
}

/** Creates a job with a POST and, unless told not to wait, follows it to the end (exit code 1 if any host did not succeed). */
export async function runJob(api: ApiClient, path: string, body: Record<string, unknown>, opts: { json?: boolean; wait: boolean }): Promise<{ job: JobView; steps: StepView[] }> {
  const job = await api.post<JobView>(path, body);
  if (!opts.wait) {
    if (opts.json) printJson(job);
    else console.log(`job ${job.id} queued on ${job.total} host(s); follow with: osdeck jobs watch ${job.id}`);
    return { job, steps: [] };
  }
  const done = await follow(api, job.id, { quiet: !!opts.json });
  const full = await api.get<{ steps: StepView[] }>(`/jobs/${job.id}`);
  if (done.status !== 'succeeded' || full.steps.some((s) => s.status !== 'ok')) process.exitCode = 1;
  return { job: done, steps: full.steps };
}

/** Asks on the terminal; true only for y/yes. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function exitFor(job: JobView): number {
  return job.status === 'succeeded' ? 0 : 2;
}

export function jobCommands(program: Command, client: () => ApiClient): void {
  program
    .command('exec <selector> [command...]')
    .description('run a command on hosts: osdeck exec SELECTOR [--forks N] [--timeout S] -- CMD')
    .option('--forks <n>', 'hosts at once', (v) => Number(v))
    .option('--timeout <seconds>', 'per-host command timeout', (v) => Number(v), 60)
    .option('--detach', 'queue the job and print its id without waiting')
    .option('--json', 'JSON output (the finished job with every host result)')
    .action(async (selector: string, words: string[], opts: { forks?: number; timeout: number; detach?: boolean; json?: boolean }) => {
      const command = words.join(' ');
      if (!command.trim()) throw new CliError('EMPTY_COMMAND', 'no command given: osdeck exec SELECTOR -- CMD');
      if (opts.forks !== undefined && !(Number.isInteger(opts.forks) && opts.forks > 0)) throw new CliError('INVALID_FORKS', '--forks must be a positive integer');
      if (!(Number.isInteger(opts.timeout) && opts.timeout > 0)) throw new CliError('INVALID_TIMEOUT', '--timeout must be a positive number of seconds');
      const api = client();
      const job = await api.post<JobView>('/exec', { selector, command, forks: opts.forks, timeoutSec: opts.timeout });
      if (opts.detach) return opts.json ? printJson(job) : console.log(job.id);
      if (!opts.json) console.error(`job ${job.id}: ${job.total} host(s)`);
      const done = await follow(api, job.id, { quiet: !!opts.json });
      if (opts.json) {
        const full = await api.get<JobView & { steps: StepView[] }>(`/jobs/${job.id}`);
        printJson(full);
      } else {
        console.log(summaryLine(done.counts as StepCounts));
      }
      process.exitCode = exitFor(done);
    });

  const jobs = program.command('jobs').description('durable jobs');
  jobs
    .command('list')
    .option('--limit <n>', 'how many', (v) => Number(v), 30)
    .option('--status <status>', 'queued, running, succeeded, failed, cancelled, interrupted')
    .option('--json', 'JSON output')
    .action(async (opts: { limit: number; status?: string; json?: boolean }) => {
      const list = await client().get<JobView[]>(`/jobs?limit=${opts.limit}${opts.status ? `&status=${encodeURIComponent(opts.status)}` : ''}`);
      if (opts.json) return printJson(list);
      console.log(table(['id', 'type', 'status', 'hosts', 'result', 'by', 'created'], list.map((j) => [
        j.id, j.type, j.status, j.total, summaryLine(j.counts as StepCounts), j.createdBy, j.createdAt,
      ])));
    });
  jobs
    .command('show <id>')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const j = await client().get<JobView & { steps: StepView[] }>(`/jobs/${encodeURIComponent(id)}`);
      if (opts.json) return printJson(j);
      console.log(`job ${j.id} (${j.type}) ${j.status}, by ${j.createdBy} at ${j.createdAt}`);
      if (j.params.command) console.log(`command: ${safe(String(j.params.command))}`);
      for (const s of j.steps) printStep(s);
      console.log(summaryLine(j.counts as StepCounts));
    });
  jobs
    .command('watch <id>')
    .description('follow a job until it ends')
    .action(async (id: string) => {
      const done = await follow(client(), id, { quiet: false });
      console.log(summaryLine(done.counts as StepCounts));
      process.exitCode = exitFor(done);
    });
  jobs
    .command('cancel <id>')
    .option('--json', 'JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const j = await client().post<JobView>(`/jobs/${encodeURIComponent(id)}/cancel`);
      opts.json ? printJson(j) : console.log(`job ${id}: cancel requested (${j.status})`);
    });
}
