import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Osdeck } from '../../services/osdeck';
import { AuditEntry, errors } from '../schemas';

const AuditQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'entries with a smaller id (paging)' })),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'prefix, e.g. host.exec' })),
  host: Type.Optional(Type.String({ maxLength: 63 })),
  actor: Type.Optional(Type.String({ maxLength: 100 })),
});

export function auditRoutes(app: FastifyInstance, o: Osdeck): void {
  app.get(
    '/audit',
    { config: { permission: 'audit.read' }, schema: { tags: ['audit'], summary: 'The append-only audit log, newest first', querystring: AuditQuery, response: { 200: Type.Array(AuditEntry), ...errors } } },
    async (req) => {
      const q = req.query as { limit?: number; before?: number; action?: string; host?: string; actor?: string };
      return o.audit.list({ limit: q.limit ?? 100, beforeId: q.before, action: q.action, host: q.host, actor: q.actor });
    },
  );
}
