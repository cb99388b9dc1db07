import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Osdeck } from '../../services/osdeck';
import { Host, NameParam, Ok, errors } from '../schemas';
import { actorOf } from '../server';

const AddHost = Type.Object({
  name: Type.String({ maxLength: 63 }),
  ssh: Type.String({ maxLength: 300, description: 'USER@ADDRESS[:PORT]' }),
  privateKey: Type.Optional(Type.String({ maxLength: 64 * 1024 })),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  groups: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 64 })),
  tags: Type.Optional(Type.Record(Type.String({ maxLength: 63 }), Type.String({ maxLength: 128 }))),
});
const TrustBody = Type.Object({ fingerprint: Type.Optional(Type.String({ maxLength: 200, description: 'expected SHA256:… fingerprint' })) });

export function hostRoutes(app: FastifyInstance, o: Osdeck): void {
  app.get(
    '/hosts',
    { config: { permission: 'host.read' }, schema: { tags: ['hosts'], summary: 'List hosts', querystring: Type.Object({ selector: Type.Optional(Type.String({ maxLength: 2000 })) }), response: { 200: Type.Array(Host), ...errors } } },
    async (req) => {
      const { selector } = req.query as { selector?: string };
      return selector ? o.hosts.select(selector) : o.hosts.list();
    },
  );
  app.get('/hosts/:name', { config: { permission: 'host.read' }, schema: { tags: ['hosts'], summary: 'One host', params: NameParam, response: { 200: Host, ...errors } } }, async (req) =>
    o.hosts.get((req.params as Static<typeof NameParam>).name),
  );
  app.post(
    '/hosts',
    { config: { permission: 'host.write' }, schema: { tags: ['hosts'], summary: 'Add an SSH host: connects, pins its host key and gathers facts', body: AddHost, response: { 201: Host, ...errors } } },
    async (req, reply) => reply.code(201).send(await o.hosts.add(actorOf(req), req.body as Static<typeof AddHost>)),
  );
  app.delete('/hosts/:name', { config: { permission: 'host.write' }, schema: { tags: ['hosts'], summary: 'Remove a host', params: NameParam, response: { 200: Ok, ...errors } } }, async (req) => {
    await o.hosts.remove(actorOf(req), (req.params as Static<typeof NameParam>).name);
    return { ok: true };
  });
  app.post(
    '/hosts/:name/trust',
    { config: { permission: 'host.trust' }, schema: { tags: ['hosts'], summary: "Pin the host's current key (after a reinstall)", params: NameParam, body: Type.Optional(TrustBody), response: { 200: Host, ...errors } } },
    async (req) => o.hosts.trust(actorOf(req), (req.params as Static<typeof NameParam>).name, (req.body as Static<typeof TrustBody> | undefined)?.fingerprint),
  );
  app.post(
    '/hosts/:name/refresh',
    { config: { permission: 'host.write' }, schema: { tags: ['hosts'], summary: 'Gather facts again', params: NameParam, response: { 200: Host, ...errors } } },
    async (req) => o.hosts.refreshFacts(actorOf(req), (req.params as Static<typeof NameParam>).name),
  );
}
