import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ReportService } from '../../services/report-service';
import { checkName } from '../../domain/names';
import { checkExecInput, type JobService } from '../../services/job-service';
import { Job, errors } from '../schemas';
import { actorOf } from '../server';

const Window = Type.Object({ from: Type.Number({ description: 'ms since epoch' }), to: Type.Number({ description: 'ms since epoch' }) });
const CompareBody = Type.Object({
  selector: Type.String({ minLength: 1, maxLength: 4000 }),
  before: Window,
  after: Window,
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html'), Type.Literal('xlsx')])),
  workload: Type.Optional(Type.String({ maxLength: 63, description: 'compare the timed runs of this workload too' })),
});
const WorkloadBody = Type.Object({
  selector: Type.String({ minLength: 1, maxLength: 4000 }),
  command: Type.String({ minLength: 1, maxLength: 65536 }),
  name: Type.Optional(Type.String({ maxLength: 63, description: 'default: workload' })),
  runs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  timeoutSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
});

export function reportRoutes(app: FastifyInstance, reports: ReportService, jobs: JobService): void {
  app.post(
    '/reports/workload',
    { config: { permission: 'host.exec' }, schema: { tags: ['reports'], summary: 'Run a workload command N times per host, each run timed on the host (a job); compare windows with workload=NAME', body: WorkloadBody, response: { 202: Job, ...errors } } },
    async (req, reply) => {
      const b = req.body as Static<typeof WorkloadBody>;
      const name = checkName('workload', b.name ?? 'workload');
      checkExecInput({ command: b.command });
      return reply.code(202).send(await jobs.create(actorOf(req), 'workload', b.selector, { name, command: b.command, runs: b.runs ?? 10, timeoutSec: b.timeoutSec ?? 600, forks: 20 }));
    },
  );
  app.post(
    '/reports/compare',
    { config: { permission: 'host.read' }, schema: { tags: ['reports'], summary: 'Before/after comparison of a host or group: every metric with mean, p50/p95/p99, min/max, stddev, change and a beyond-noise marker (JSON, HTML or XLSX)', body: CompareBody, response: { ...errors } } },
    async (req, reply) => {
      const b = req.body as Static<typeof CompareBody>;
      const report = await reports.compare(actorOf(req), b);
      if (b.format === 'html' || b.format === 'xlsx') {
        const doc = await reports.render(report, b.format);
        if (b.format === 'xlsx') reply.header('content-disposition', 'attachment; filename="osdeck-compare.xlsx"');
        return reply.type(doc.contentType).send(doc.body);
      }
      return report;
    },
  );
}
