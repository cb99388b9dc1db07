import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { checkExecInput } from '../../services/job-service';
import type { Osdeck } from '../../services/osdeck';
import { IdParam, Job, Step, errors } from '../schemas';
import { actorOf } from '../server';

const ExecBody = Type.Object({
  selector: Type.String({ minLength: 1, maxLength: 4000, description: 'NAME, group:G, tag:k=v, all, or a comma list' }),
  command: Type.String({ minLength: 1, maxLength: 65536 }),
  forks: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  timeoutSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
  maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 256 * 1024 * 1024 })),
});
const JobWithSteps = Type.Intersect([Job, Type.Object({ steps: Type.Array(Step) })]);

export function jobRoutes(app: FastifyInstance, o: Osdeck, closing: AbortSignal): void {
  app.post(
    '/exec',
    { config: { permission: 'host.exec' }, schema: { tags: ['jobs'], summary: 'Run a shell command on the selected hosts as a job', body: ExecBody, response: { 202: Job, ...errors } } },
    async (req, reply) => {
      const b = req.body as Static<typeof ExecBody>;
      checkExecInput(b);
      const params = { command: b.command, forks: b.forks ?? o.config.defaultForks, timeoutSec: b.timeoutSec ?? 60, maxOutputBytes: b.maxOutputBytes ?? 16 * 1024 * 1024 };
      return reply.code(202).send(await o.jobs.create(actorOf(req), 'exec', b.selector, params));
    },
  );
  app.get(
    '/jobs',
    { config: { permission: 'job.read' }, schema: { tags: ['jobs'], summary: 'Recent jobs', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), status: Type.Optional(Type.String({ maxLength: 20 })) }), response: { 200: Type.Array(Job), ...errors } } },
    async (req) => {
      const q = req.query as { limit?: number; status?: string };
      return o.jobs.list(q.limit ?? 50, q.status);
    },
  );
  app.get('/jobs/:id', { config: { permission: 'job.read' }, schema: { tags: ['jobs'], summary: 'A job with its per-host steps', params: IdParam, response: { 200: JobWithSteps, ...errors } } }, async (req) => {
    const { id } = req.params as Static<typeof IdParam>;
    return { ...(await o.jobs.get(id)), steps: await o.jobs.steps(id) };
  });
  app.post('/jobs/:id/cancel', { config: { permission: 'job.cancel' }, schema: { tags: ['jobs'], summary: 'Cancel a job; running steps are stopped, pending ones never start', params: IdParam, response: { 200: Job, ...errors } } }, async (req) =>
    o.jobs.cancel(actorOf(req), (req.params as Static<typeof IdParam>).id),
  );
  app.get(
    '/jobs/:id/events',
    { config: { permission: 'job.read' }, schema: { tags: ['jobs'], summary: 'Progress as server-sent events: job, step, end', params: IdParam } },
    async (req, reply) => {
      const { id } = req.params as Static<typeof IdParam>;
      await o.jobs.get(id); // 404 before switching to a stream
      const ctl = new AbortController();
      req.raw.on('close', () => ctl.abort());
      // a shutting-down server ends its event streams so close() does not wait on them
      const onClose = () => ctl.abort();
      closing.addEventListener('abort', onClose, { once: true });
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
      try {
        for await (const ev of o.jobs.watch(id, ctl.signal)) {
          reply.raw.write(`event: ${ev.type}\ndata: ${JSON.stringify(ev.type === 'step' ? ev.step : ev.job)}\n\n`);
        }
      } catch (err) {
        reply.raw.write(`event: error\ndata: ${JSON.stringify({ detail: (err as Error).message })}\n\n`);
      } finally {
        clearInterval(ping);
        closing.removeEventListener('abort', onClose);
        reply.raw.end();
      }
    },
  );
}
