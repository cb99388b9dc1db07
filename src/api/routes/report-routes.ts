import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ReportService } from '../../services/report-service';
import { errors } from '../schemas';
import { actorOf } from '../server';

const Window = Type.Object({ from: Type.Number({ description: 'ms since epoch' }), to: Type.Number({ description: 'ms since epoch' }) });
const CompareBody = Type.Object({
  selector: Type.String({ minLength: 1, maxLength: 4000 }),
  before: Window,
  after: Window,
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html'), Type.Literal('xlsx')])),
});

export function reportRoutes(app: FastifyInstance, reports: ReportService): void {
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
