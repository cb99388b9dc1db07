import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OsdeckError } from '../domain/errors';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, req: FastifyRequest, status: number, code: string, detail: string, details?: Record<string, unknown>) {
  const body: Record<string, unknown> = {
    type: `https://osdeck.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    instance: req.url.split('?')[0],
  };
  if (details) body.details = details;
  if (status === 429 && details?.retryAfter) reply.header('retry-after', String(details.retryAfter));
  return reply.code(status).type('application/problem+json').send(JSON.stringify(body));
}

/** Every error leaves the API as problem+json with a stable `code`; internals never leak. */
export function errorHandler(err: FastifyError | OsdeckError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof OsdeckError) return sendProblem(reply, req, err.status, err.code, err.message, err.details);
  const fe = err as FastifyError;
  if (fe.validation) return sendProblem(reply, req, 400, 'VALIDATION_FAILED', `invalid request: ${fe.message}`);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return sendProblem(reply, req, fe.statusCode, fe.code ?? 'BAD_REQUEST', fe.message);
  }
  req.log.error({ err }, 'unhandled error');
  return sendProblem(reply, req, 500, 'INTERNAL', 'internal error; see the server log');
}
