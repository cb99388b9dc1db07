import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OsdeckError } from '../../domain/errors';
import type { TuneService } from '../../services/tune-service';
import { Job, Nullable, errors } from '../schemas';
import { actorOf } from '../server';

const ParamSpec = Type.Object({
  name: Type.String(), type: Type.String(), description: Type.String(), default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  required: Type.Optional(Type.Boolean()), min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()), pattern: Type.Optional(Type.String()), enum: Type.Optional(Type.Array(Type.String())),
});
const Rule = Type.Object({
  id: Type.String(), title: Type.String(), category: Type.String(), rationale: Type.String(), risk: Type.String(), families: Type.Array(Type.String()),
  params: Type.Array(ParamSpec), remediation: Type.String(), automaticFix: Type.Boolean(), needsReboot: Type.Boolean(),
});
const Profile = Type.Object({
  name: Type.String(), description: Type.String(), extends: Nullable(Type.String()), builtIn: Type.Boolean(),
  rules: Type.Array(Type.Object({ rule: Type.String(), params: Type.Record(Type.String(), Type.Unknown()) })), yaml: Nullable(Type.String()),
});
const RuleParams = Type.Record(Type.String(), Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 4096 }), Type.Number(), Type.Boolean()])), { description: 'per rule: {"ssh-port": {"port": 2222}}' });
const Selection = {
  selector: Type.String({ minLength: 1, maxLength: 4000, description: 'NAME, group:G, tag:k=v, all, or a comma list' }),
  profile: Type.Optional(Type.String({ maxLength: 63, description: 'a profile (default baseline)' })),
  rules: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 200, description: 'rules instead of a profile' })),
  params: Type.Optional(RuleParams),
  forks: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};
const CheckBody = Type.Object(Selection);
const ApplyBody = Type.Object({ ...Selection, dryRun: Type.Optional(Type.Boolean({ description: 'show the diff, change nothing' })) });
const RevertBody = Type.Object({
  selector: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'revert the latest applied run on each host' })),
  runId: Type.Optional(Type.String({ maxLength: 64, description: 'or revert this run' })),
});
const RunSummary = Type.Object({
  id: Type.String(), jobId: Nullable(Type.String()), host: Type.String(), action: Type.String(), profile: Nullable(Type.String()), rules: Type.Array(Type.String()), status: Type.String(),
  message: Nullable(Type.String()), revertsRun: Nullable(Type.String()), revertedBy: Nullable(Type.String()), createdBy: Type.String(), createdAt: Type.String(), finishedAt: Nullable(Type.String()),
});
const RunDetail = Type.Intersect([RunSummary, Type.Object({ plan: Type.Unknown(), diff: Nullable(Type.String()) })]);
const Cell = Type.Object({ status: Type.String(), current: Type.String(), expected: Type.String(), detail: Nullable(Type.String()), fixable: Type.Boolean(), checkedAt: Type.String() });
const Matrix = Type.Object({
  rules: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), category: Type.String() })),
  hosts: Type.Array(Type.Object({ host: Type.String(), results: Type.Record(Type.String(), Cell) })),
});
const YamlBody = Type.Object({ yaml: Type.String({ minLength: 1, maxLength: 262144, description: 'the profile as YAML: name, description, extends, rules' }) });

export function tuneRoutes(app: FastifyInstance, tune: TuneService): void {
  app.get('/tune/rules', { config: { permission: 'host.read' }, schema: { tags: ['tuning'], summary: 'Every tuning rule: what it checks, why, its risk and parameters', response: { 200: Type.Array(Rule), ...errors } } }, async () => tune.rules());
  app.get('/tune/profiles', { config: { permission: 'host.read' }, schema: { tags: ['tuning'], summary: 'Built-in and operator profiles', response: { 200: Type.Array(Profile), ...errors } } }, async () => tune.profiles());
  app.get('/tune/profiles/:name', { config: { permission: 'host.read' }, schema: { tags: ['tuning'], params: Type.Object({ name: Type.String({ maxLength: 63 }) }), response: { 200: Profile, ...errors } } }, async (req) => tune.profile((req.params as { name: string }).name));
  app.post('/tune/profiles', { config: { permission: 'tune.apply' }, schema: { tags: ['tuning'], summary: 'Save an operator profile from YAML (checked completely first)', body: YamlBody, response: { 201: Profile, ...errors } } }, async (req, reply) =>
    reply.code(201).send(await tune.saveProfile(actorOf(req), (req.body as Static<typeof YamlBody>).yaml)),
  );
  app.put('/tune/profiles/:name', { config: { permission: 'tune.apply' }, schema: { tags: ['tuning'], params: Type.Object({ name: Type.String({ maxLength: 63 }) }), body: YamlBody, response: { 200: Profile, ...errors } } }, async (req) =>
    tune.saveProfile(actorOf(req), (req.body as Static<typeof YamlBody>).yaml, (req.params as { name: string }).name),
  );
  app.delete('/tune/profiles/:name', { config: { permission: 'tune.apply' }, schema: { tags: ['tuning'], params: Type.Object({ name: Type.String({ maxLength: 63 }) }), response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await tune.deleteProfile(actorOf(req), (req.params as { name: string }).name);
    return reply.code(204).send();
  });
  app.post('/tune/check', { config: { permission: 'tune.check' }, schema: { tags: ['tuning'], summary: 'Check rules on hosts (read-only; a job)', body: CheckBody, response: { 202: Job, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof CheckBody>;
    return reply.code(202).send(await tune.start(actorOf(req), 'check', b.selector, b));
  });
  app.post('/tune/apply', { config: { permission: 'tune.check' }, schema: { tags: ['tuning'], summary: 'Apply fixes (a job; dryRun shows the exact diff and changes nothing). Applying needs tune.apply.', body: ApplyBody, response: { 202: Job, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof ApplyBody>;
    return reply.code(202).send(await tune.start(actorOf(req), 'apply', b.selector, b));
  });
  app.post('/tune/revert', { config: { permission: 'tune.apply' }, schema: { tags: ['tuning'], summary: 'Put back exactly what an apply changed (the latest on each host, or one run)', body: RevertBody, response: { 202: Job, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof RevertBody>;
    if (!b.selector && !b.runId) throw new OsdeckError('INVALID_INPUT', 'give a selector or a runId', 400);
    return reply.code(202).send(await tune.start(actorOf(req), 'revert', b.selector ?? '', { runId: b.runId }));
  });
  app.get('/tune/matrix', { config: { permission: 'host.read' }, schema: { tags: ['tuning'], summary: 'Compliance matrix: the latest result of every checked rule on every host', querystring: Type.Object({ selector: Type.Optional(Type.String({ maxLength: 4000 })) }), response: { 200: Matrix, ...errors } } }, async (req) =>
    tune.matrix((req.query as { selector?: string }).selector),
  );
  app.get('/tune/runs', { config: { permission: 'host.read' }, schema: { tags: ['tuning'], summary: 'Tuning runs (dry runs, applies, reverts), newest first', querystring: Type.Object({ host: Type.Optional(Type.String({ maxLength: 200 })), job: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }), response: { 200: Type.Array(RunSummary), ...errors } } }, async (req) => {
    const q = req.query as { host?: string; job?: string; limit?: number };
    return tune.runs({ host: q.host, jobId: q.job, limit: q.limit });
  });
  app.get('/tune/runs/:id', { config: { permission: 'host.read' }, schema: { tags: ['tuning'], summary: 'One run with its plan and diff', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: RunDetail, ...errors } } }, async (req) => tune.run((req.params as { id: string }).id));
}
