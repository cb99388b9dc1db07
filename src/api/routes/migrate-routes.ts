import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Report } from '../../domain/report/report-shape';
import type { MigrationService } from '../../services/migration-service';
import { Job, errors } from '../schemas';
import { actorOf } from '../server';

const Name = Type.String({ maxLength: 200 });
const Options = {
  path: Type.String({ minLength: 1, maxLength: 63, description: 'migration path id (GET /migrate/paths), e.g. anolis7' }),
  root: Type.Optional(Type.String({ maxLength: 1024, description: 'offline root file system on the host (a mounted image or chroot)' })),
  mirror: Type.Optional(Type.String({ maxLength: 1024, description: "replaces {mirror} in the path's repository URLs" })),
  repos: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 1024 }), { description: 'repository id → full URL' })),
  kernel: Type.Optional(Type.String({ maxLength: 63 })),
  gpgcheck: Type.Optional(Type.Boolean({ description: 'false installs unsigned packages (audited)' })),
  backupDir: Type.Optional(Type.String({ maxLength: 1024 })),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};
const AssessBody = Type.Object({ selector: Type.String({ minLength: 1, maxLength: 4000 }), ...Options });
const RunBody = Type.Object({
  selector: Type.String({ minLength: 1, maxLength: 4000 }),
  ...Options,
  overrides: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100, description: 'finding keys overridden (audited)' })),
  remove: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200, description: 'packages removed before distro-sync' })),
  onFailure: Type.Optional(Type.Union([Type.Literal('rollback'), Type.Literal('stop')])),
  stopAfter: Type.Optional(Type.String({ maxLength: 20 })),
  canary: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  waveSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  maxFailureRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  tune: Type.Optional(Type.Boolean({ description: 'after success, dry-run the baseline tuning profile' })),
});
const BackupBody = Type.Object({ selector: Type.String({ minLength: 1, maxLength: 4000 }), root: Options.root, backupDir: Options.backupDir });
const RestoreBody = Type.Object({ host: Name, backupId: Type.String({ maxLength: 64 }) });
const RollbackBody = Type.Object({ runs: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 1000 }) });
const ResumeBody = Type.Object({ stopAfter: Type.Optional(Type.String({ maxLength: 20 })), overrides: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100, description: 'more finding keys to override (audited)' })) });
const Format = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html'), Type.Literal('xlsx')])) });
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });

async function sendReport(m: MigrationService, reply: FastifyReply, r: Report, format: 'json' | 'html' | 'xlsx' | undefined, base: string) {
  if (format !== 'html' && format !== 'xlsx') return r;
  const doc = await m.render(r, format, base);
  return reply.header('content-disposition', `${format === 'xlsx' ? 'attachment' : 'inline'}; filename="${doc.filename}"`).type(doc.contentType).send(doc.body);
}

export function migrateRoutes(app: FastifyInstance, m: MigrationService): void {
  const tags = ['migration'];
  app.get('/migrate/paths', { config: { permission: 'host.read' }, schema: { tags, summary: 'Migration paths (data files): source, target, repositories, kernel choices', response: { ...errors } } }, async () => m.paths());
  app.get('/migrate/fleet', { config: { permission: 'host.read' }, schema: { tags, summary: "Readiness of every host: latest assessment per path and latest run", response: { ...errors } } }, async () => m.fleet());
  app.post('/migrate/assess', { config: { permission: 'migrate.assess' }, schema: { tags, summary: 'Assess hosts (or an offline root) for a path: a job; reports per host', body: AssessBody, response: { 202: Job, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof AssessBody>;
    return reply.code(202).send(await m.startAssess(actorOf(req), b.selector, b));
  });
  app.get('/migrate/assessments', { config: { permission: 'host.read' }, schema: { tags, summary: 'Assessments, newest first', querystring: Type.Object({ host: Type.Optional(Name), job: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }), response: { ...errors } } }, async (req) => {
    const q = req.query as { host?: string; job?: string; limit?: number };
    return m.assessments(q.host, q.job, q.limit);
  });
  app.get('/migrate/assessments/:id', { config: { permission: 'host.read' }, schema: { tags, summary: 'One assessment report (JSON, HTML or XLSX)', params: Id, querystring: Format, response: { ...errors } } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const r = await m.assessmentReport(id);
    return sendReport(m, reply, r, (req.query as Static<typeof Format>).format, `osdeck-assessment-${String((r.evidence as { host?: string }).host ?? '')}-${id}`);
  });
  app.post('/migrate/backup', { config: { permission: 'migrate.run' }, schema: { tags, summary: 'Back up hosts (root archive + records), verified before it counts: a job', body: BackupBody, response: { 202: Job, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof BackupBody>;
    return reply.code(202).send(await m.startBackup(actorOf(req), b.selector, b));
  });
  app.get('/migrate/backups', { config: { permission: 'host.read' }, schema: { tags, summary: 'Backups, newest first', querystring: Type.Object({ host: Type.Optional(Name) }), response: { ...errors } } }, async (req) => m.backups((req.query as { host?: string }).host));
  app.post('/migrate/restore', { config: { permission: 'migrate.run' }, schema: { tags, summary: 'Restore a verified backup onto its host: a job', body: RestoreBody, response: { 202: Job, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof RestoreBody>;
    return reply.code(202).send(await m.startRestore(actorOf(req), b.host, b.backupId));
  });
  app.post('/migrate/run', { config: { permission: 'migrate.run' }, schema: { tags, summary: 'Migrate hosts (precheck → verified backup → detached agent), in waves: a job', body: RunBody, response: { 202: Job, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof RunBody>;
    return reply.code(202).send(await m.startRun(actorOf(req), b.selector, b));
  });
  app.get('/migrate/runs', { config: { permission: 'host.read' }, schema: { tags, summary: 'Migration runs, newest first (per host, or per job)', querystring: Type.Object({ host: Type.Optional(Name), job: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }), response: { ...errors } } }, async (req) => {
    const q = req.query as { host?: string; job?: string; limit?: number };
    return q.job ? m.runsOfJob(q.job) : m.runs(q.host, q.limit);
  });
  app.get('/migrate/runs/:id', { config: { permission: 'host.read' }, schema: { tags, summary: "One run: state, step, options, result and the agent's log (log=0: without reading the host)", params: Id, querystring: Type.Object({ log: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])) }), response: { ...errors } } }, async (req) =>
    m.run((req.params as { id: string }).id, { log: (req.query as { log?: string }).log !== '0' }),
  );
  app.post('/migrate/runs/:id/resume', { config: { permission: 'migrate.run' }, schema: { tags, summary: 'Resume a failed, stopped or paused run from its last completed step: a job', params: Id, body: ResumeBody, response: { 202: Job, ...errors } } }, async (req, reply) =>
    reply.code(202).send(await m.resume(actorOf(req), (req.params as { id: string }).id, { stopAfter: (req.body as Static<typeof ResumeBody>).stopAfter, overrides: (req.body as Static<typeof ResumeBody>).overrides })),
  );
  app.post('/migrate/rollback', { config: { permission: 'migrate.run' }, schema: { tags, summary: "Roll runs back from their verified backups (after the point of no return): a job", body: RollbackBody, response: { 202: Job, ...errors } } }, async (req, reply) =>
    reply.code(202).send(await m.startRollback(actorOf(req), (req.body as Static<typeof RollbackBody>).runs)),
  );
  app.get('/migrate/runs/:id/diff', { config: { permission: 'host.read' }, schema: { tags, summary: 'Before/after diff: packages, services, ports, mounts, sysctl, modules, boot entries (JSON, HTML or XLSX)', params: Id, querystring: Format, response: { ...errors } } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const r = await m.diffReport(id);
    return sendReport(m, reply, r, (req.query as Static<typeof Format>).format, `osdeck-migration-diff-${id}`);
  });
  app.get('/migrate/runs/:id/compare', { config: { permission: 'host.read' }, schema: { tags, summary: 'The monitoring comparison report for the run: the hour before it started against the time since it finished (JSON, HTML or XLSX)', params: Id, querystring: Format, response: { ...errors } } }, async (req, reply) => {
    const report = await m.compareReport(actorOf(req), (req.params as { id: string }).id);
    const format = (req.query as Static<typeof Format>).format;
    if (format !== 'html' && format !== 'xlsx') return report;
    const doc = await m.renderCompare(report, format);
    return reply.type(doc.contentType).send(doc.body);
  });
}
