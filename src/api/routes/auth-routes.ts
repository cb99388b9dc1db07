import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PERMISSIONS, roleGrants } from '../../domain/roles';
import type { Osdeck } from '../../services/osdeck';
import { Ok, Role, Token, User, errors } from '../schemas';
import { SESSION_COOKIE, actorOf } from '../server';

const SetupBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  user: Type.String({ minLength: 1, maxLength: 63 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  createToken: Type.Optional(Type.Boolean({ description: 'also return an admin API token (for the CLI)' })),
});
const LoginBody = Type.Object({ user: Type.String({ minLength: 1, maxLength: 63 }), password: Type.String({ minLength: 1, maxLength: 1024 }) });
const Me = Type.Object({ name: Type.String(), role: Role, type: Type.String(), permissions: Type.Optional(Type.Array(Type.String(), { description: 'what this role may do' })) });
const NewUser = Type.Object({ name: Type.String({ maxLength: 63 }), password: Type.String({ maxLength: 1024 }), role: Role });
const NewToken = Type.Object({ name: Type.Optional(Type.String({ maxLength: 63 })), role: Role });
const CreatedToken = Type.Intersect([Token, Type.Object({ token: Type.String({ description: 'shown once; store it now' }) })]);

function setSession(reply: FastifyReply, token: string, expiresAt: string) {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', expires: new Date(expiresAt) });
}

export function authRoutes(app: FastifyInstance, o: Osdeck): void {
  app.post(
    '/setup',
    { config: { permission: 'public' }, schema: { tags: ['auth'], summary: 'Exchange the one-time setup token for the first admin', body: SetupBody, response: { 200: Type.Object({ user: Me, token: Type.Optional(Type.String()) }), ...errors } } },
    async (req, reply) => {
      const body = req.body as Static<typeof SetupBody>;
      const { actor, userId } = await o.auth.completeSetup({ token: body.token, user: body.user, password: body.password, sourceIp: req.ip });
      const s = await o.auth.startSession(userId);
      setSession(reply, s.sessionToken, s.expiresAt);
      const token = body.createToken ? (await o.auth.createToken(actor, { name: 'cli-setup', role: 'admin' })).token : undefined;
      return { user: { name: actor.name, role: actor.role, type: 'user' }, token };
    },
  );

  app.post(
    '/auth/login',
    { config: { permission: 'public' }, schema: { tags: ['auth'], summary: 'Log in; sets an HttpOnly session cookie', body: LoginBody, response: { 200: Me, ...errors } } },
    async (req, reply) => {
      const body = req.body as Static<typeof LoginBody>;
      const r = await o.auth.login(body.user, body.password, req.ip);
      setSession(reply, r.sessionToken, r.expiresAt);
      return { name: r.actor.name, role: r.actor.role, type: 'user' };
    },
  );

  app.post(
    '/auth/logout',
    { config: { permission: 'public' }, schema: { tags: ['auth'], summary: 'End the session', response: { 200: Ok } } },
    async (req, reply) => {
      const s = req.cookies[SESSION_COOKIE];
      if (s) await o.auth.logout(s);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );

  app.get(
    '/auth/me',
    { config: { permission: 'host.read' }, schema: { tags: ['auth'], summary: 'Who am I', response: { 200: Me, ...errors } } },
    async (req) => {
      const a = actorOf(req);
      return { name: a.name, role: a.role, type: a.type, permissions: PERMISSIONS.filter((p) => roleGrants(a.role, p)) };
    },
  );

  app.get('/users', { config: { permission: 'user.admin' }, schema: { tags: ['users'], summary: 'List users', response: { 200: Type.Array(User), ...errors } } }, async () => o.auth.listUsers());
  app.post(
    '/users',
    { config: { permission: 'user.admin' }, schema: { tags: ['users'], summary: 'Add a user', body: NewUser, response: { 201: User, ...errors } } },
    async (req, reply) => {
      const b = req.body as Static<typeof NewUser>;
      return reply.code(201).send(await o.auth.addUser(actorOf(req), b.name, b.password, b.role));
    },
  );
  app.delete(
    '/users/:name',
    { config: { permission: 'user.admin' }, schema: { tags: ['users'], summary: 'Remove a user', params: Type.Object({ name: Type.String() }), response: { 200: Ok, ...errors } } },
    async (req) => {
      await o.auth.removeUser(actorOf(req), (req.params as { name: string }).name);
      return { ok: true };
    },
  );

  app.get('/tokens', { config: { permission: 'token.self' }, schema: { tags: ['tokens'], summary: 'List API tokens (admins see all)', response: { 200: Type.Array(Token), ...errors } } }, async (req) => o.auth.listTokens(actorOf(req)));
  app.post(
    '/tokens',
    { config: { permission: 'token.self' }, schema: { tags: ['tokens'], summary: 'Create an API token (at most your own role); the secret is returned once', body: NewToken, response: { 201: CreatedToken, ...errors } } },
    async (req, reply) => reply.code(201).send(await o.auth.createToken(actorOf(req), req.body as Static<typeof NewToken>)),
  );
  app.delete(
    '/tokens/:id',
    { config: { permission: 'token.self' }, schema: { tags: ['tokens'], summary: 'Revoke an API token', params: Type.Object({ id: Type.String() }), response: { 200: Ok, ...errors } } },
    async (req) => {
      await o.auth.revokeToken(actorOf(req), (req.params as { id: string }).id);
      return { ok: true };
    },
  );
}
