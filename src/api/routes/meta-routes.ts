import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Osdeck } from '../../services/osdeck';

export function metaRoutes(app: FastifyInstance, o: Osdeck): void {
  app.get('/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/status',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['meta'],
        summary: 'Whether first-run setup is needed, and the server mode',
        response: { 200: Type.Object({ setupRequired: Type.Boolean(), version: Type.String(), database: Type.String(), queue: Type.String(), metrics: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async () => ({ setupRequired: await o.auth.needsSetup(), version: '0.1.0', database: o.db.dialect, queue: o.queue.kind, metrics: o.metrics?.store.kind ?? null }),
  );
}
