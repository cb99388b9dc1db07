import type { Actor } from '../domain/actor';
import { badRequest } from '../domain/errors';
import { type HostWindows, type Window, type WorkloadRuns, buildCompareReport } from '../domain/report/compare-report';
import { parseWorkloadRuns } from '../domain/report/workload-runs';
import { DERIVED_METRICS, type Inputs, deriveSeries } from '../domain/report/derived-metrics';
import type { Clock } from '../infra/clock';
import { renderCompareHtml } from '../domain/report/compare-html';
import { reportToXlsx } from '../infra/report/report-xlsx';
import type { JobsRepository } from '../infra/db/jobs-repository';
import type { MetricsStore } from '../infra/tsdb/metrics-store';
import type { AuditService } from './audit-service';
import type { HostService } from './host-service';

const MAX_BUCKETS = 1000;
// buckets without a poll are gaps (null) and do not count; finer buckets keep short windows measurable
const MIN_STEP_MS = 1000;

/** Before/after comparison reports (SysOM's "migration monitoring"), from stored metrics. */
export class ReportService {
  constructor(
    private readonly hosts: HostService,
    private readonly store: MetricsStore,
    private readonly jobs: JobsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async compare(actor: Actor, input: { selector: string; before: Window; after: Window; workload?: string }) {
    for (const w of [input.before, input.after]) if (!(w.from < w.to)) throw badRequest('INVALID_RANGE', 'each window needs from < to');
    const targets = await this.hosts.select(input.selector);
    // one bucket size for both windows, so their samples weigh the same
    const longest = Math.max(input.before.to - input.before.from, input.after.to - input.after.from);
    const stepMs = Math.max(MIN_STEP_MS, Math.ceil(longest / MAX_BUCKETS / 1000) * 1000);
    const names = [...new Set(DERIVED_METRICS.flatMap((m) => m.inputs))];
    const hosts: HostWindows[] = [];
    for (const h of targets) {
      const window = async (w: Window) => {
        const inputs: Inputs = {};
        await Promise.all(
          names.map(async (name) => {
            const series = await this.store.query({ host: h.name, name, from: w.from, to: w.to, stepMs });
            if (series.length) inputs[name] = series.map((s) => ({ labels: s.labels, values: s.points.map((p) => p[1]) }));
          }),
        );
        const buckets = Math.max(0, ...Object.values(inputs).flatMap((s) => s.map((x) => x.values.length)));
        return Object.fromEntries(DERIVED_METRICS.map((m) => [m.id, deriveSeries(m, inputs, buckets)]));
      };
      hosts.push({ host: h.name, stepMs, before: await window(input.before), after: await window(input.after) });
    }
    const workloads = input.workload ? await this.workloadRuns(input.workload, targets.map((t) => t.name), input.before, input.after) : [];
    const report = buildCompareReport({ selector: input.selector, before: input.before, after: input.after, hosts, workloads, now: this.clock.now() });
    await this.audit.record(actor, { action: 'report.compare', result: 'ok', target: input.selector, detail: { before: input.before, after: input.after, changed: report.comparisons.filter((c) => c.change.changed).length } });
    return report;
  }

  /** Timed runs of the named workload whose end falls in either window, per host. */
  private async workloadRuns(name: string, hosts: string[], before: Window, after: Window): Promise<WorkloadRuns[]> {
    const from = new Date(Math.min(before.from, after.from) - 3600_000).toISOString();
    const to = new Date(Math.max(before.to, after.to)).toISOString();
    const byHost = new Map<string, WorkloadRuns>();
    for (const job of await this.jobs.byTypeBetween('workload', from, to)) {
      const params = JSON.parse(job.params_json) as { name: string; command: string };
      if (params.name !== name) continue;
      for (const step of await this.jobs.steps(job.id)) {
        if (!hosts.includes(step.host) || !step.stdout) continue;
        const entry = byHost.get(step.host) ?? { host: step.host, command: params.command, before: [], after: [] };
        for (const run of parseWorkloadRuns(step.stdout).runs) {
          if (run.exitCode !== 0) continue;
          if (run.endMs >= before.from && run.endMs <= before.to) entry.before.push(run.seconds);
          if (run.endMs >= after.from && run.endMs <= after.to) entry.after.push(run.seconds);
        }
        byHost.set(step.host, entry);
      }
    }
    if (byHost.size === 0) throw badRequest('NO_WORKLOAD_RUNS', `no runs of workload '${name}' on ${hosts.join(', ')} fall in the windows; run: osdeck report workload SELECTOR --name ${name} -- CMD`);
    return [...byHost.values()];
  }

  /** The same report as a document: self-contained HTML or an XLSX workbook. */
  async render(report: Awaited<ReturnType<ReportService['compare']>>, format: 'html' | 'xlsx'): Promise<{ contentType: string; body: string | Buffer }> {
    if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: renderCompareHtml(report) };
    return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await reportToXlsx(report) };
  }
}
