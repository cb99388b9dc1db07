import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Report } from '../../domain/report/report-shape';
import type { JobView, StepView } from '../../services/job-service';
import type { RunView } from '../../services/migration-service';
import type { ApiClient } from '../api-client';
import { CliError } from '../cli-error';
import { table } from '../table';
import { confirm, runJob } from './job-commands';
import { printJson, safe } from './output';

interface Common {
  to: string;
  root?: string;
  mirror?: string;
  repo: string[];
  kernel?: string;
  gpgcheck: boolean;
  backupDir?: string;
  concurrency?: number;
  json?: boolean;
  wait: boolean;
}

const collect = (v: string, acc: string[]) => [...acc, v];
const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new CliError('BAD_ARGUMENT', `not an integer: ${v}`);
  return n;
};

function common(o: Common): Record<string, unknown> {
  const repos: Record<string, string> = {};
  for (const r of o.repo) {
    const i = r.indexOf('=');
    if (i <= 0) throw new CliError('BAD_ARGUMENT', `--repo wants ID=URL, got ${JSON.stringify(r)}`);
    repos[r.slice(0, i)] = r.slice(i + 1);
  }
  return {
    path: o.to,
    ...(o.root && { root: o.root }),
    ...(o.mirror && { mirror: o.mirror }),
    ...(Object.keys(repos).length && { repos }),
    ...(o.kernel && { kernel: o.kernel }),
    ...(!o.gpgcheck && { gpgcheck: false }),
    ...(o.backupDir && { backupDir: o.backupDir }),
    ...(o.concurrency && { concurrency: o.concurrency }),
  };
}

function withCommon(c: Command): Command {
  return c
    .requiredOption('--to <path>', 'migration path (osdeck migrate paths), e.g. anolis7')
    .option('--root <path>', 'an offline root file system on the host (mounted image or chroot) instead of the running system')
    .option('--mirror <url>', "mirror that replaces {mirror} in the path's repository URLs")
    .option('--repo <id=url>', 'a repository URL for one target repository id, or ID=none to leave an optional one out (repeatable)', collect, [])
    .option('--kernel <choice>', "the path's kernel choice (e.g. anck, rhck)")
    .option('--no-gpgcheck', 'install unsigned target packages (audited)')
    .option('--backup-dir <dir>', 'backups on the host go here (default /var/lib/osdeck/backups)')
    .option('--concurrency <n>', 'hosts at once', int)
    .option('--json', 'JSON output')
    .option('--no-wait', 'queue the job and return');
}


function printRuns(runs: RunView[]): void {
  if (runs.length === 0) return console.log('no migration runs');
  console.log(table(['run', 'host', 'path', 'wave', 'state', 'step', 'ponr', 'message'], runs.map((r) => [r.id, r.host + (r.root !== '/' ? `:${r.root}` : ''), r.path, String(r.wave), r.state, r.step ?? '', r.ponr ? 'passed' : '', safe(r.message ?? '').slice(0, 100)])));
}

function printReport(r: Report): void {
  console.log(`${r.title}\n${r.conclusion}\n`);
  const findings = r.tables.find((t) => t.title === 'Findings');
  if (findings && findings.rows.length) console.log(table(['severity', 'check', 'title'], findings.rows.map((row) => [String(row[0]), String(row[1]), safe(String(row[2]))])));
  for (const rec of r.recommendations) {
    console.log(`\n- ${safe(rec.summary)}`);
    for (const c of rec.commands ?? []) console.log(`    ${safe(c)}`);
  }
}


export function migrateCommands(program: Command, client: () => ApiClient): void {
  const m = program.command('migrate').description('OS migration: assess, back up, migrate (single, batch, offline), roll back, compare');

  m.command('paths')
    .description('migration paths (data files) and their targets')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const r = await client().get<{ paths: Array<{ id: string; name: string; target: { name: string; mirror: string }; kernel: { default: string; choices: Record<string, unknown> } }>; problems: string[] }>('/migrate/paths');
      if (o.json) return printJson(r);
      console.log(table(['path', 'name', 'kernels', 'mirror'], r.paths.map((p) => [p.id, p.name, `${p.kernel.default} (${Object.keys(p.kernel.choices).join(', ')})`, p.target.mirror])));
      for (const p of r.problems) console.error(`osdeck: ${p}`);
    });

  withCommon(m.command('assess <selector>').description('assess hosts for a path (read-only); one report per host'))
    .option('--html <file>', 'write the report as HTML (several hosts: FILE-HOST.html each)')
    .option('--xlsx <file>', 'write the report as XLSX (several hosts: FILE-HOST.xlsx each)')
    .action(async (selector: string, o: Common & { html?: string; xlsx?: string }) => {
      const api = client();
      const { job, steps } = await runJob(api, '/migrate/assess', { selector, ...common(o) }, { json: o.json, wait: o.wait });
      if (!o.wait) return;
      const list = await api.get<Array<{ id: string; host: string; readiness: string; counts: Record<string, number> }>>(`/migrate/assessments?job=${encodeURIComponent(job.id)}`);
      const reports = await Promise.all(list.map(async (a) => ({ ...a, report: await api.get<Report>(`/migrate/assessments/${a.id}`) })));
      // one host: FILE; several: FILE with -HOST before its extension, one per host
      for (const [format, file] of [['html', o.html], ['xlsx', o.xlsx]] as const) {
        if (!file) continue;
        for (const a of list) {
          const target = list.length === 1 ? file : file.replace(/(\.[A-Za-z0-9]+)?$/, (ext) => `-${a.host}${ext}`);
          writeFileSync(target, await api.document('GET', `/migrate/assessments/${a.id}?format=${format}`));
        }
      }
      if (o.json) return printJson(reports.map((r) => r.report));
      for (const s of steps.filter((x) => x.status !== 'ok')) console.log(`${s.host}: ${s.status}: ${safe(s.error ?? '')}`);
      for (const r of reports) {
        printReport(r.report);
        console.log(`\nassessment ${r.id} (HTML: osdeck migrate report ${r.id} --html FILE)\n`);
      }
      if (reports.some((r) => r.readiness === 'blocked')) process.exitCode = 2;
    });

  m.command('report <assessment>')
    .description('show a stored assessment report')
    .option('--json', 'JSON output')
    .option('--html <file>', 'write it as HTML')
    .option('--xlsx <file>', 'write it as XLSX')
    .action(async (id: string, o: { json?: boolean; html?: string; xlsx?: string }) => {
      const api = client();
      for (const [format, file] of [['html', o.html], ['xlsx', o.xlsx]] as const) if (file) writeFileSync(file, await api.document('GET', `/migrate/assessments/${encodeURIComponent(id)}?format=${format}`));
      if (o.html || o.xlsx) return;
      const r = await api.get<Report>(`/migrate/assessments/${encodeURIComponent(id)}`);
      if (o.json) return printJson(r);
      printReport(r);
    });

  m.command('readiness')
    .description('the fleet view: latest assessment and run of every host')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const rows = await client().get<Array<{ host: string; assessments: Array<{ path: string; root: string; readiness: string; counts: Record<string, number>; createdAt: string }>; run: RunView | null }>>('/migrate/fleet');
      if (o.json) return printJson(rows);
      console.log(table(['host', 'path', 'readiness', 'inhibitor/high/medium', 'last run'], rows.flatMap((h) => (h.assessments.length ? h.assessments : [null]).map((a) => [h.host, a ? a.path + (a.root !== '/' ? ` (${a.root})` : '') : '', a?.readiness ?? 'not assessed', a ? `${a.counts.inhibitor ?? 0}/${a.counts.high ?? 0}/${a.counts.medium ?? 0}` : '', h.run ? `${h.run.state} ${h.run.step ?? ''}` : '']))));
    });

  m.command('backup <selector>')
    .description('archive the root file system with checksums, package list, rpm -Va and /etc sums; verified before it counts')
    .option('--root <path>', 'an offline root file system')
    .option('--backup-dir <dir>', 'where on the host (default /var/lib/osdeck/backups)')
    .option('--json', 'JSON output')
    .option('--no-wait', 'queue the job and return')
    .action(async (selector: string, o: { root?: string; backupDir?: string; json?: boolean; wait: boolean }) => {
      const api = client();
      const { steps } = await runJob(api, '/migrate/backup', { selector, ...(o.root && { root: o.root }), ...(o.backupDir && { backupDir: o.backupDir }) }, o);
      if (o.json && o.wait) printJson(steps);
      else for (const s of steps) console.log(`${s.host}: ${s.status}: ${safe((s.stdout ?? s.error ?? '').split('\n')[0])}`);
    });

  m.command('backups')
    .description('backups, newest first')
    .option('--host <name>')
    .option('--json', 'JSON output')
    .action(async (o: { host?: string; json?: boolean }) => {
      const rows = await client().get<Array<{ id: string; host: string; root: string; dir: string; state: string; bytes: number | null; files: number | null; createdAt: string }>>(`/migrate/backups${o.host ? `?host=${encodeURIComponent(o.host)}` : ''}`);
      if (o.json) return printJson(rows);
      console.log(table(['backup', 'host', 'root', 'state', 'size', 'entries', 'dir', 'created'], rows.map((b) => [b.id, b.host, b.root, b.state, b.bytes ? `${(b.bytes / 1048576).toFixed(1)} MiB` : '', String(b.files ?? ''), b.dir, b.createdAt])));
    });

  m.command('restore <host> <backup>')
    .description('put a host back from a verified backup (then verify package set and /etc)')
    .option('--yes', 'do not ask')
    .option('--json', 'JSON output')
    .option('--no-wait', 'queue the job and return')
    .action(async (host: string, backup: string, o: { yes?: boolean; json?: boolean; wait: boolean }) => {
      if (!o.yes && (!process.stdin.isTTY || !(await confirm(`restore ${host} from backup ${backup}? files changed since are replaced [y/N] `)))) throw new CliError('NOT_CONFIRMED', 'not restored (give --yes to restore without asking)');
      const { steps } = await runJob(client(), '/migrate/restore', { host, backupId: backup }, o);
      for (const s of steps) console.log(`${s.host}: ${s.status}: ${safe((s.stdout ?? s.error ?? '').split('\n')[0])}`);
    });

  withCommon(m.command('run <selector>').description('migrate hosts: precheck → verified backup → repos → release → test → sync → kernel → verify'))
    .option('--yes', 'do not ask')
    .option('--override <key>', 'override a finding by its key (audited; repeatable)', collect, [])
    .option('--remove <package>', 'remove a package before distro-sync (repeatable)', collect, [])
    .option('--on-failure <what>', 'after the point of no return: rollback (default) or stop', 'rollback')
    .option('--stop-after <step>', 'pause after this step (repos, release, test, sync, kernel, verify)')
    .option('--canary <n>', 'hosts in the first wave', int)
    .option('--wave-size <n>', 'hosts per wave after the canary', int)
    .option('--max-failure-rate <r>', 'stop starting waves once failed/finished exceeds r (0–1)', Number)
    .option('--tune', 'after success, dry-run the baseline tuning profile on the host')
    .action(async (selector: string, o: Common & { yes?: boolean; override: string[]; remove: string[]; onFailure: string; stopAfter?: string; canary?: number; waveSize?: number; maxFailureRate?: number; tune?: boolean }) => {
      if (o.onFailure !== 'rollback' && o.onFailure !== 'stop') throw new CliError('BAD_ARGUMENT', '--on-failure is rollback or stop');
      if (!o.yes && (!process.stdin.isTTY || !(await confirm(`migrate ${selector} to ${o.to}? a verified backup is taken first [y/N] `)))) throw new CliError('NOT_CONFIRMED', 'not migrated (give --yes to run without asking)');
      const api = client();
      const body = {
        selector,
        ...common(o),
        ...(o.override.length && { overrides: o.override }),
        ...(o.remove.length && { remove: o.remove }),
        onFailure: o.onFailure,
        ...(o.stopAfter && { stopAfter: o.stopAfter }),
        ...(o.canary !== undefined && { canary: o.canary }),
        ...(o.waveSize !== undefined && { waveSize: o.waveSize }),
        ...(o.maxFailureRate !== undefined && { maxFailureRate: o.maxFailureRate }),
        ...(o.tune && { tune: true }),
      };
      const { job } = await runJob(api, '/migrate/run', body, { json: o.json, wait: o.wait });
      if (!o.wait) return;
      const runs = await api.get<RunView[]>(`/migrate/runs?job=${encodeURIComponent(job.id)}`);
      if (o.json) return printJson(runs);
      printRuns(runs);
    });

  m.command('status [run]')
    .description('migration runs (or one run with its agent log)')
    .option('--host <name>')
    .option('--job <id>')
    .option('--json', 'JSON output')
    .action(async (id: string | undefined, o: { host?: string; job?: string; json?: boolean }) => {
      const api = client();
      if (id) {
        const r = await api.get<RunView & { log?: string; result?: unknown }>(`/migrate/runs/${encodeURIComponent(id)}`);
        if (o.json) return printJson(r);
        printRuns([r]);
        if (r.result) console.log(`\nresult: ${JSON.stringify(r.result)}`);
        if (r.log) console.log(`\nagent log (tail):\n${safe(r.log)}`);
        return;
      }
      const q = o.job ? `?job=${encodeURIComponent(o.job)}` : o.host ? `?host=${encodeURIComponent(o.host)}` : '';
      const runs = await api.get<RunView[]>(`/migrate/runs${q}`);
      if (o.json) return printJson(runs);
      printRuns(runs);
    });

  m.command('resume <run>')
    .description('resume a failed, stopped or paused run from its last completed step')
    .option('--stop-after <step>', 'pause again after this step')
    .option('--override <key>', 'also override this finding (audited; repeatable), e.g. for a blocked run', collect, [])
    .option('--json', 'JSON output')
    .option('--no-wait', 'queue the job and return')
    .action(async (id: string, o: { stopAfter?: string; override: string[]; json?: boolean; wait: boolean }) => {
      const api = client();
      const { job } = await runJob(api, `/migrate/runs/${encodeURIComponent(id)}/resume`, { ...(o.stopAfter && { stopAfter: o.stopAfter }), ...(o.override.length && { overrides: o.override }) }, o);
      if (!o.wait) return;
      void job;
      const r = await api.get<RunView>(`/migrate/runs/${encodeURIComponent(id)}?log=0`);
      if (o.json) return printJson(r);
      printRuns([r]);
    });

  m.command('rollback <runs...>')
    .description('roll runs back from their verified backups (package set and /etc verified afterwards)')
    .option('--yes', 'do not ask')
    .option('--json', 'JSON output')
    .option('--no-wait', 'queue the job and return')
    .action(async (ids: string[], o: { yes?: boolean; json?: boolean; wait: boolean }) => {
      if (!o.yes && (!process.stdin.isTTY || !(await confirm(`roll back ${ids.length} run(s) from their backups? [y/N] `)))) throw new CliError('NOT_CONFIRMED', 'not rolled back (give --yes to roll back without asking)');
      const { steps } = await runJob(client(), '/migrate/rollback', { runs: ids }, o);
      for (const s of steps) console.log(`${s.host}: ${s.status}: ${safe((s.stdout ?? s.error ?? '').split('\n')[0])}`);
    });

  m.command('diff <run>')
    .description('before/after diff of a migrated host: packages, services, ports, mounts, sysctl, modules, boot entries')
    .option('--json', 'JSON output')
    .option('--html <file>', 'write it as HTML')
    .option('--xlsx <file>', 'write it as XLSX')
    .action(async (id: string, o: { json?: boolean; html?: string; xlsx?: string }) => {
      const api = client();
      for (const [format, file] of [['html', o.html], ['xlsx', o.xlsx]] as const) if (file) writeFileSync(file, await api.document('GET', `/migrate/runs/${encodeURIComponent(id)}/diff?format=${format}`));
      if (o.html || o.xlsx) return;
      const r = await api.get<Report>(`/migrate/runs/${encodeURIComponent(id)}/diff`);
      if (o.json) return printJson(r);
      console.log(`${r.title}\n${r.conclusion}\n`);
      for (const f of r.findings) console.log(`- ${f.summary}`);
    });
}
