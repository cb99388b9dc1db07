import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DiagnosisService } from '../../services/diagnosis-service';
import { Job, Nullable, errors } from '../schemas';
import { actorOf } from '../server';

const Param = Type.Object({
  name: Type.String(), type: Type.String(), description: Type.String(), default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  required: Type.Optional(Type.Boolean()), min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()), pattern: Type.Optional(Type.String()),
  maxLength: Type.Optional(Type.Integer()), enum: Type.Optional(Type.Array(Type.String())), hostAddress: Type.Optional(Type.Boolean()),
});
const DiagnosisView = Type.Object({
  id: Type.String(), title: Type.String(), category: Type.String(), description: Type.String(), permission: Type.String(), params: Type.Array(Param), acceptsText: Type.Boolean(),
});
const ParamValues = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 65536 }), Type.Number(), Type.Boolean()]));
const RunBody = Type.Object({
  selector: Type.String({ minLength: 1, maxLength: 4000, description: 'NAME, group:G, tag:k=v, all, or a comma list' }),
  params: Type.Optional(ParamValues),
  forks: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'hosts diagnosed at once (default 20)' })),
});
const TextBody = Type.Object({
  text: Type.String({ minLength: 1, description: 'the log text (e.g. dmesg or journalctl -k output)' }),
  source: Type.Optional(Type.String({ maxLength: 200, description: 'where the text came from (file name, host)' })),
  params: Type.Optional(ParamValues),
});
const Summary = Type.Object({
  id: Type.String(), jobId: Nullable(Type.String()), host: Nullable(Type.String()), diagnosis: Type.String(), params: Type.Record(Type.String(), Type.Unknown()),
  severity: Type.String(), conclusion: Type.String(), createdBy: Type.String(), createdAt: Type.String(),
});
const ReportBody = Type.Object({
  kind: Type.String(), title: Type.String(), generatedAt: Type.String(), conclusion: Type.String(), severity: Type.String(),
  findings: Type.Array(Type.Unknown()), tables: Type.Array(Type.Unknown()), charts: Type.Optional(Type.Array(Type.Unknown())), recommendations: Type.Array(Type.Unknown()),
  evidence: Type.Record(Type.String(), Type.Unknown()),
});
const Stored = Type.Intersect([Summary, Type.Object({ report: ReportBody })]);
const ListQuery = Type.Object({
  host: Type.Optional(Type.String({ maxLength: 200 })), diagnosis: Type.Optional(Type.String({ maxLength: 63 })), job: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), before: Type.Optional(Type.String({ maxLength: 40, description: 'ISO time: reports created before it (paging)' })),
});
const Format = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html'), Type.Literal('xlsx')])) });

export function diagnosisRoutes(app: FastifyInstance, diagnoses: DiagnosisService): void {
  app.get('/diagnoses', { config: { permission: 'host.read' }, schema: { tags: ['diagnoses'], summary: 'The diagnoses osdeck can run, with their parameters', response: { 200: Type.Array(DiagnosisView), ...errors } } }, async () => diagnoses.catalog());
  app.post(
    '/diagnoses/:id/run',
    { config: { permission: 'diagnose.run' }, schema: { tags: ['diagnoses'], summary: 'Run a diagnosis on a host or a selector (a job; each host gets its own report)', params: Type.Object({ id: Type.String({ maxLength: 63 }) }), body: RunBody, response: { 202: Job, ...errors } } },
    async (req, reply) => {
      const b = req.body as Static<typeof RunBody>;
      return reply.code(202).send(await diagnoses.start(actorOf(req), (req.params as { id: string }).id, b.selector, b.params ?? {}, b.forks));
    },
  );
  app.post(
    '/diagnoses/:id/analyze',
    { bodyLimit: 40 * 1024 * 1024, config: { permission: 'diagnose.run' }, schema: { tags: ['diagnoses'], summary: 'Analyze uploaded text (e.g. a kernel log with OOM kills) and store the report', params: Type.Object({ id: Type.String({ maxLength: 63 }) }), body: TextBody, response: { 201: Stored, ...errors } } },
    async (req, reply) => {
      const b = req.body as Static<typeof TextBody>;
      return reply.code(201).send(await diagnoses.analyzeText(actorOf(req), (req.params as { id: string }).id, b.text, b.params ?? {}, b.source ?? 'upload'));
    },
  );
  app.get('/diagnosis-reports', { config: { permission: 'host.read' }, schema: { tags: ['diagnoses'], summary: 'Stored diagnosis reports, newest first (history per host, per diagnosis or per job)', querystring: ListQuery, response: { 200: Type.Array(Summary), ...errors } } }, async (req) => {
    const q = req.query as Static<typeof ListQuery>;
    return diagnoses.reports({ host: q.host, diagnosis: q.diagnosis, jobId: q.job, limit: q.limit, before: q.before });
  });
  app.get(
    '/diagnosis-reports/:id',
    { config: { permission: 'host.read' }, schema: { tags: ['diagnoses'], summary: 'One report (JSON, or a self-contained HTML page, or an XLSX workbook)', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), querystring: Format, response: { ...errors } } },
    async (req, reply) => {
      const r = await diagnoses.report((req.params as { id: string }).id);
      const format = (req.query as Static<typeof Format>).format;
      if (format === 'html' || format === 'xlsx') {
        const doc = await diagnoses.render(r, format);
        reply.header('content-disposition', `${format === 'xlsx' ? 'attachment' : 'inline'}; filename="${doc.filename}"`);
        return reply.type(doc.contentType).send(doc.body);
      }
      return r;
    },
  );
}
