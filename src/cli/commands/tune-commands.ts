import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseRuleParams } from '../../domain/tuning/profiles';
import type { JobView, StepView } from '../../services/job-service';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { confirm, runJob } from './job-commands';
import { printJson, safe } from './output';

interface RuleView { id: string; title: string; category: string; risk: string; families: string[]; automaticFix: boolean; needsReboot: boolean; rationale: string; remediation: string; params: Array<{ name: string; type: string; default?: unknown; required?: boolean; enum?: string[] }> }
interface ProfileView { name: string; description: string; extends: string | null; builtIn: boolean; rules: Array<{ rule: string; params: Record<string, unknown> }>; yaml: string | null }
interface Cell { status: string; current: string; expected: string; detail: string | null; fixable: boolean; checkedAt: string }
interface Matrix { rules: Array<{ id: string; title: string }>; hosts: Array<{ host: string; results: Record<string, Cell> }> }
interface RunSummary { id: string; host: string; action: string; profile: string | null; status: string; message: string | null; revertedBy: string | null; createdAt: string; createdBy: string }
interface RunDetail extends RunSummary { diff: string | null; plan: unknown }

interface Opts { profile?: string; rule: string[]; param: string[]; json?: boolean; dryRun?: boolean; yes?: boolean; run?: string; forks?: number; wait: boolean }

const SYMBOL: Record<string, string> = { pass: 'ok', fail: 'FAIL', 'n/a': '-', error: 'ERR' };

function selection(opts: Opts): Record<string, unknown> {
  const params = parseRuleParams(opts.param);
  return {
    ...(opts.rule.length ? { rules: opts.rule } : { profile: opts.profile ?? 'baseline' }),
    ...(Object.keys(params).length ? { params } : {}),
    ...(opts.forks ? { forks: opts.forks } : {}),
  };
}


function printMatrix(m: Matrix): void {
  if (!m.rules.length) return console.log("nothing checked yet: osdeck tune check SELECTOR [--profile P]");
  const hosts = m.hosts.filter((h) => Object.keys(h.results).length);
  console.log(table(['rule', ...hosts.map((h) => h.host)], m.rules.map((r) => [r.id, ...hosts.map((h) => (h.results[r.id] ? SYMBOL[h.results[r.id]!.status] ?? h.results[r.id]!.status : ''))])));
  const fails = hosts.flatMap((h) => Object.entries(h.results).filter(([, c]) => c.status === 'fail' || c.status === 'error').map(([rule, c]) => [h.host, rule, c.current, c.expected, c.fixable ? 'yes' : 'manual']));
  if (fails.length) console.log(`\n${table(['host', 'rule', 'current', 'expected', 'fix'], fails.map((r) => r.map((x) => safe(x))))}`);
}


export function tuneCommands(program: Command, client: () => ApiClient): void {
  const tune = program
    .command('tune')
    .description(
      'baseline checks, one-click fixes and exact revert (post-migration tuning)\n' +
        '  osdeck tune check web-1 --profile baseline      what passes and what does not\n' +
        '  osdeck tune apply web-1 --dry-run                the exact file and sysctl diff\n' +
        '  osdeck tune apply web-1 --yes                    apply (one transaction per host, backed up)\n' +
        '  osdeck tune revert web-1                         put back exactly what the last apply changed',
    );
  const common = (c: Command) =>
    c
      .option('--profile <name>', 'a profile (default baseline; see osdeck tune profiles)')
      .option('--rule <id>', 'a rule instead of a profile (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('-p, --param <rule.name=value>', 'a rule parameter, e.g. ssh-port.port=2222 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--forks <n>', 'hosts worked on at once', (v) => Number(v))
      .option('--json', 'JSON output')
      .option('--no-wait', 'queue the job and print its id');

  tune
    .command('rules')
    .description('every rule: what it checks, its risk, whether osdeck can fix it')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const rules = await client().get<RuleView[]>('/tune/rules');
      if (opts.json) return printJson(rules);
      console.log(table(['rule', 'category', 'risk', 'fix', 'title'], rules.map((r) => [r.id, r.category, r.risk, r.automaticFix ? (r.needsReboot ? 'auto+reboot' : 'auto') : 'manual', r.title])));
      const withParams = rules.filter((r) => r.params.length);
      console.log('\nparameters (--param rule.name=value):');
      for (const r of withParams) console.log(`  ${r.id}: ${r.params.map((p) => `${p.name}${p.required ? '' : '?'}=${p.enum ? p.enum.join('|') : p.type}${p.default !== undefined ? ` (${String(p.default)})` : ''}`).join('  ')}`);
    });

  tune
    .command('profiles')
    .description('built-in and your own profiles')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }) => {
      const all = await client().get<ProfileView[]>('/tune/profiles');
      if (opts.json) return printJson(all);
      console.log(table(['profile', 'extends', 'rules', 'kind', 'description'], all.map((p) => [p.name, p.extends ?? '', p.rules.length, p.builtIn ? 'built-in' : 'yours', p.description.length > 80 ? `${p.description.slice(0, 79)}…` : p.description])));
    });

  tune
    .command('profile')
    .argument('<action>', 'show NAME | add FILE.yaml | rm NAME')
    .argument('<what>', 'a profile name or a YAML file')
    .description('show, add (or replace) and remove profiles. YAML: name, description, extends, rules (ids or {id, params})')
    .option('--json', 'JSON output')
    .action(async (action: string, what: string, opts: { json?: boolean }) => {
      const api = client();
      if (action === 'show') {
        const p = await api.get<ProfileView>(`/tune/profiles/${encodeURIComponent(what)}`);
        if (opts.json) return printJson(p);
        console.log(`${p.name}${p.extends ? ` (extends ${p.extends})` : ''}${p.builtIn ? ' — built in' : ''}\n${p.description}\n`);
        console.log(table(['rule', 'params'], p.rules.map((r) => [r.rule, Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')])));
        return;
      }
      if (action === 'add') {
        let text: string;
        try {
          text = readFileSync(what, 'utf8');
        } catch (e) {
          throw new CliError('FILE_UNREADABLE', `${what}: ${(e as Error).message}`);
        }
        const p = await api.post<ProfileView>('/tune/profiles', { yaml: text });
        if (opts.json) return printJson(p);
        return console.log(`saved profile ${p.name} (${p.rules.length} rules${p.extends ? `, extends ${p.extends}` : ''})`);
      }
      if (action === 'rm') {
        await api.del(`/tune/profiles/${encodeURIComponent(what)}`);
        return console.log(`removed profile ${what}`);
      }
      throw new CliError('BAD_ARGUMENT', `unknown action ${JSON.stringify(action)}: show, add or rm`);
    });

  common(tune.command('check').argument('<selector>', 'hosts: NAME, group:G, tag:k=v, all, a,b').description('check rules (read-only) and show the compliance matrix')).action(async (selector: string, opts: Opts) => {
    const api = client();
    const { steps } = await runJob(api, '/tune/check', { selector, ...selection(opts) }, { ...opts, json: true });
    if (!opts.wait) return;
    const m = await api.get<Matrix>(`/tune/matrix?selector=${encodeURIComponent(selector)}`);
    if (opts.json) return printJson({ matrix: m, failed: steps.filter((s) => s.status !== 'ok').map((s) => ({ host: s.host, status: s.status, code: s.errorCode, error: s.error })) });
    printMatrix(m);
    for (const s of steps.filter((x) => x.status !== 'ok')) console.error(`[${safe(s.host)}] ${s.status.toUpperCase()}: ${safe(s.errorCode ?? '')} ${safe(s.error ?? '')}`);
  });

  common(
    tune
      .command('apply')
      .argument('<selector>', 'hosts')
      .description('fix failing rules: one all-or-nothing transaction per host, every file backed up; --dry-run shows the exact diff')
      .option('--dry-run', 'show what would change, change nothing')
      .option('-y, --yes', 'apply without asking'),
  ).action(async (selector: string, opts: Opts) => {
    const api = client();
    const body = { selector, ...selection(opts) };
    if (!opts.dryRun && !opts.yes) {
      if (!process.stdin.isTTY || opts.json) throw new CliError('CONFIRM', 'tune apply changes hosts: add --yes, or look first with --dry-run');
      const dry = await runJob(api, '/tune/apply', { ...body, dryRun: true }, { ...opts, wait: true });
      if (dry.steps.some((s) => s.status !== 'ok')) return console.error('\nthe dry run failed on some hosts (above); nothing applied');
      if (!(await confirm('\napply these changes? [y/N] '))) return console.error('nothing applied');
    }
    const { job, steps } = await runJob(api, '/tune/apply', { ...body, dryRun: !!opts.dryRun }, opts);
    if (opts.json && opts.wait) printJson({ job: { id: job.id, status: job.status }, steps: steps.map((s) => ({ host: s.host, status: s.status, code: s.errorCode, error: s.error, output: s.stdout })), runs: await api.get<RunSummary[]>(`/tune/runs?job=${job.id}`) });
  });

  tune
    .command('revert')
    .argument('[selector]', 'hosts: revert the latest applied run on each')
    .option('--run <id>', 'revert this run instead')
    .option('--json', 'JSON output')
    .option('--no-wait', 'queue the job and print its id')
    .description('put back exactly what an apply changed: files byte-identical, previous values, old SSH port')
    .action(async (selector: string | undefined, opts: Opts) => {
      if (!selector && !opts.run) throw new CliError('MISSING_ARGUMENT', 'osdeck tune revert SELECTOR, or --run RUN_ID');
      const api = client();
      const { job, steps } = await runJob(api, '/tune/revert', { ...(selector ? { selector } : {}), ...(opts.run ? { runId: opts.run } : {}) }, opts);
      if (opts.json && opts.wait) printJson({ job: { id: job.id, status: job.status }, steps: steps.map((s) => ({ host: s.host, status: s.status, code: s.errorCode, error: s.error, output: s.stdout })), runs: await api.get<RunSummary[]>(`/tune/runs?job=${job.id}`) });
    });

  tune
    .command('matrix')
    .argument('[selector]', 'hosts (default: all)')
    .option('--json', 'JSON output')
    .description('the latest result of every checked rule on every host')
    .action(async (selector: string | undefined, opts: { json?: boolean }) => {
      const m = await client().get<Matrix>(`/tune/matrix${selector ? `?selector=${encodeURIComponent(selector)}` : ''}`);
      if (opts.json) return printJson(m);
      printMatrix(m);
    });

  tune
    .command('runs')
    .argument('[host]', 'only this host')
    .option('--json', 'JSON output')
    .description('dry runs, applies and reverts, newest first')
    .action(async (host: string | undefined, opts: { json?: boolean }) => {
      const rows = await client().get<RunSummary[]>(`/tune/runs${host ? `?host=${encodeURIComponent(host)}` : ''}`);
      if (opts.json) return printJson(rows);
      if (!rows.length) return console.log('no tuning runs yet');
      console.log(table(['run', 'when', 'host', 'action', 'profile', 'status', 'reverted by', 'message'], rows.map((r) => [r.id, r.createdAt.replace('T', ' ').slice(0, 19), r.host, r.action, r.profile ?? '(rules)', r.status, r.revertedBy ?? '', safe(r.message ?? '').slice(0, 80)])));
    });

  tune
    .command('show')
    .argument('<run>', 'a run id')
    .option('--json', 'JSON output')
    .description('one run: what it changed (the diff) and how it ended')
    .action(async (run: string, opts: { json?: boolean }) => {
      const r = await client().get<RunDetail>(`/tune/runs/${encodeURIComponent(run)}`);
      if (opts.json) return printJson(r);
      console.log(`${r.action} on ${r.host} by ${r.createdBy} at ${r.createdAt}: ${r.status}${r.revertedBy ? ` (reverted by ${r.revertedBy})` : ''}`);
      if (r.message) console.log(safe(r.message));
      if (r.diff) console.log(`\n${safe(r.diff)}`);
    });
}
