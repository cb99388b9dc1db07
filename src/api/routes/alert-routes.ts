import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AlertService } from '../../services/alert-service';
import { Nullable, Ok, errors } from '../schemas';
import { actorOf } from '../server';

const Rule = Type.Object({
  id: Type.String(), name: Type.String(), selector: Type.String(), metric: Type.String(), op: Type.String(), threshold: Type.Number(),
  forSec: Type.Integer(), webhookUrl: Nullable(Type.String()), createdBy: Type.String(), createdAt: Type.String(),
});
const NewRule = Type.Object({
  name: Type.String({ maxLength: 63 }),
  selector: Type.String({ maxLength: 4000, description: 'NAME, group:G, tag:k=v, all, or a comma list' }),
  metric: Type.String({ maxLength: 63, description: 'cpu.busy, mem.used, disk.used, load.1, …' }),
  op: Type.Union([Type.Literal('>'), Type.Literal('<')]),
  threshold: Type.Number(),
  forSec: Type.Integer({ description: 'the window the metric is averaged over, seconds' }),
  webhookUrl: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
});
const Event = Type.Object({ id: Type.Integer(), rule: Type.String(), ruleId: Type.String(), host: Type.String(), state: Type.String(), value: Nullable(Type.Number()), ts: Type.String(), webhookStatus: Nullable(Type.String()) });
const Active = Type.Object({ rule: Type.String(), host: Type.String(), metric: Type.String(), op: Type.String(), threshold: Type.Number(), forSec: Type.Integer(), value: Nullable(Type.Number()), since: Type.String() });

export function alertRoutes(app: FastifyInstance, alerts: AlertService): void {
  app.get('/alerts/rules', { config: { permission: 'host.read' }, schema: { tags: ['alerts'], summary: 'Alert rules', response: { 200: Type.Array(Rule), ...errors } } }, async () => alerts.rules());
  app.post('/alerts/rules', { config: { permission: 'host.write' }, schema: { tags: ['alerts'], summary: 'Add a threshold rule over an averaged window', body: NewRule, response: { 201: Rule, ...errors } } }, async (req, reply) => {
    const b = req.body as Static<typeof NewRule>;
    return reply.code(201).send(await alerts.addRule(actorOf(req), { ...b, webhookUrl: b.webhookUrl ?? null }));
  });
  app.delete('/alerts/rules/:id', { config: { permission: 'host.write' }, schema: { tags: ['alerts'], summary: 'Remove a rule (by id or name)', params: Type.Object({ id: Type.String({ maxLength: 200 }) }), response: { 200: Ok, ...errors } } }, async (req) => {
    await alerts.removeRule(actorOf(req), (req.params as { id: string }).id);
    return { ok: true };
  });
  app.get('/alerts/events', { config: { permission: 'host.read' }, schema: { tags: ['alerts'], summary: 'Firing and resolved events, newest first', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }), response: { 200: Type.Array(Event), ...errors } } }, async (req) =>
    alerts.events((req.query as { limit?: number }).limit ?? 100),
  );
  app.get('/alerts/active', { config: { permission: 'host.read' }, schema: { tags: ['alerts'], summary: 'Alerts firing now', response: { 200: Type.Array(Active), ...errors } } }, async () => alerts.active());
}
