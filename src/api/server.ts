import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor';
import { forbidden, unauthorized } from '../domain/errors';
import { type Permission, roleGrants } from '../domain/roles';
import type { Osdeck } from '../services/osdeck';
import { errorHandler, sendProblem } from './problem';
import { Problem } from './schemas';
import { auditRoutes } from './routes/audit-routes';
import { authRoutes } from './routes/auth-routes';
import { hostRoutes } from './routes/host-routes';
import { jobRoutes } from './routes/job-routes';
import { metaRoutes } from './routes/meta-routes';
import { metricsRoutes, prometheusRoute } from './routes/metrics-routes';
import { reportRoutes } from './routes/report-routes';
import { alertRoutes } from './routes/alert-routes';
import { diagnosisRoutes } from './routes/diagnosis-routes';
import { tuneRoutes } from './routes/tune-routes';
import { migrateRoutes } from './routes/migrate-routes';

export const SESSION_COOKIE = 'osdeck_session';
export const CSRF_HEADER = 'x-osdeck-csrf';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** The permission a route needs, or 'public'. A route without one is refused: nothing is open by accident. */
    permission?: Permission | 'public';
  }
}

const READ_AUDIT_WINDOW_MS = 5 * 60_000;
const recentReads = new Map<string, number>();
function readSeen(key: string): boolean {
  const now = Date.now();
  const last = recentReads.get(key);
  if (last !== undefined && now - last < READ_AUDIT_WINDOW_MS) return true;
  if (recentReads.size > 10_000) recentReads.clear();
  recentReads.set(key, now);
  return false;
}

export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw unauthorized();
  return req.actor;
}

export interface ServerOptions {
  logger?: boolean | object;
  webRoot?: string | null;
}

export async function buildServer(o: Osdeck, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.decorateRequest('actor', null);
  app.setErrorHandler(errorHandler);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'osdeck API', version: '1', description: 'Linux fleet operations. Authenticate with `Authorization: Bearer osd_…` or the console session cookie.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  app.addSchema(Problem);

  app.addHook('onRequest', async (req, reply) => {
    const url = req.url.split('?')[0]!;
    if (!url.startsWith('/api/') && url !== '/metrics') return; // static console files and health checks
    const permission = req.routeOptions.config?.permission;
    if (!req.routeOptions.url || req.routeOptions.url === '/*') return; // unknown route: the not-found handler answers
    if (!permission) return sendProblem(reply, req, 500, 'ROUTE_WITHOUT_PERMISSION', 'route declares no permission');
    const auth = req.headers.authorization;
    const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
    const session = req.cookies[SESSION_COOKIE];
    req.actor = await o.auth.authenticate({ bearer, session: bearer ? undefined : session, sourceIp: req.ip });
    if (permission === 'public') return;
    if (!req.actor) throw unauthorized(bearer ? 'invalid or revoked API token' : 'authentication required');
    // cookie sessions must prove the request came from the console (custom headers cannot be sent cross-site)
    if (!bearer && req.method !== 'GET' && req.method !== 'HEAD' && !req.headers[CSRF_HEADER]) {
      throw forbidden(`missing ${CSRF_HEADER} header`);
    }
    if (!roleGrants(req.actor.role, permission)) {
      await o.audit.record(req.actor, { action: 'api.denied', result: 'denied', target: `${req.method} ${url}`, detail: { permission } });
      throw forbidden(`role '${req.actor.role}' lacks permission '${permission}'`);
    }
  });

  // Every API call is audited: who read the inventory matters as much as who changed it. Bodies
  // never are (they carry secrets); only the public status/schema and event streams are skipped.
  app.addHook('onResponse', async (req, reply) => {
    if (req.method === 'HEAD' || req.method === 'OPTIONS') return;
    if (!req.url.startsWith('/api/') || !req.routeOptions.url || req.routeOptions.url === '/*') return;
    if (req.method === 'GET' && (req.routeOptions.config?.permission === 'public' || req.routeOptions.url.endsWith('/events'))) return;
    // reads are recorded once per actor and route per window, so a console polling every few seconds does not drown the log
    if (req.method === 'GET' && readSeen(`${req.actor?.name ?? req.ip}|${req.routeOptions.url}|${reply.statusCode}`)) return;
    const actor = req.actor ?? { type: 'user' as const, name: 'anonymous', role: 'viewer' as const, userId: null, sourceIp: req.ip };
    await o.audit
      .record(actor, {
        action: `api.${req.method.toLowerCase()}`,
        result: reply.statusCode < 400 ? 'ok' : reply.statusCode === 401 || reply.statusCode === 403 ? 'denied' : 'error',
        target: `${req.method} ${req.url.split('?')[0]}`,
        detail: { route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      })
      .catch((err) => req.log.error({ err }, 'audit write failed'));
  });

  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  await app.register(async (api) => {
    metaRoutes(api, o);
    authRoutes(api, o);
    hostRoutes(api, o);
    jobRoutes(api, o, closing.signal);
    auditRoutes(api, o);
    if (o.metrics) metricsRoutes(api, o.metrics);
    if (o.reports) reportRoutes(api, o.reports, o.jobs);
    if (o.alerts) alertRoutes(api, o.alerts);
    diagnosisRoutes(api, o.diagnoses);
    tuneRoutes(api, o.tune);
    migrateRoutes(api, o.migration);
  }, { prefix: '/api/v1' });
  if (o.metrics) prometheusRoute(app, o.metrics);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await o.hosts.list();
      return { ok: true };
    } catch {
      return reply.code(503).send({ ok: false });
    }
  });

  const webRoot = opts.webRoot === undefined ? findWebRoot() : opts.webRoot;
  if (webRoot) {
    // wildcard: files are looked up per request, so a rebuilt console is served without a restart
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    // the console is a single-page app: unknown non-API paths get index.html
    if (webRoot && req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/assets/')) return reply.type('text/html').sendFile('index.html');
    return sendProblem(reply, req, 404, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
  });
  return app;
}

function findWebRoot(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [join(here, 'web'), join(here, '..', 'web'), join(here, '..', '..', 'dist', 'web')]) {
    if (existsSync(join(c, 'index.html'))) return c;
  }
  return null;
}
