import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { checkInterval } from '../../domain/metrics/poll-intervals';
import type { MetricsService } from '../../services/metrics-service';
import { NameParam, Nullable, errors } from '../schemas';
import { actorOf } from '../server';

const Labels = Type.Record(Type.String(), Type.String());
const Sample = Type.Object({ name: Type.String(), labels: Labels, value: Type.Number(), ts: Type.Optional(Type.Number()) });
const Proc = Type.Object({ pid: Type.Integer(), user: Type.String(), cpuPercent: Type.Number(), rssBytes: Type.Number(), command: Type.String() });
const Overview = Type.Object({
  host: Type.String(),
  state: Type.String(),
  groups: Type.Array(Type.String()),
  up: Nullable(Type.Boolean()),
  ts: Nullable(Type.Number()),
  cpuBusyPercent: Nullable(Type.Number()),
  memUsedPercent: Nullable(Type.Number()),
  memTotalBytes: Nullable(Type.Number()),
  memAvailableBytes: Nullable(Type.Number()),
  load1: Nullable(Type.Number()),
  cpus: Nullable(Type.Number()),
  diskMaxUsedPercent: Nullable(Type.Number()),
  diskMaxUsedMount: Nullable(Type.String()),
  diskReadBytesPerSec: Nullable(Type.Number()),
  diskWriteBytesPerSec: Nullable(Type.Number()),
  netRxBytesPerSec: Nullable(Type.Number()),
  netTxBytesPerSec: Nullable(Type.Number()),
});
const SeriesQuery = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  from: Type.Optional(Type.Number({ description: 'ms since epoch; default: to − 1 h' })),
  to: Type.Optional(Type.Number({ description: 'ms since epoch; default: now' })),
  step: Type.Optional(Type.Integer({ minimum: 1000, description: 'ms; default: range / 300' })),
  agg: Type.Optional(Type.Union([Type.Literal('avg'), Type.Literal('min'), Type.Literal('max')])),
  labels: Type.Optional(Type.String({ maxLength: 1000, description: 'k=v,k2=v2 (exact match)' })),
});
const Intervals = Type.Object({
  defaultSec: Type.Integer(),
  groups: Type.Record(Type.String(), Type.Integer()),
  hosts: Type.Record(Type.String(), Type.Integer()),
});

export function metricsRoutes(app: FastifyInstance, m: MetricsService): void {
  app.get('/metrics/overview', { config: { permission: 'host.read' }, schema: { tags: ['metrics'], summary: "Every host's latest CPU, memory, disk, network and load, problem hosts first", response: { 200: Type.Array(Overview), ...errors } } }, async () =>
    m.overview(),
  );
  app.get(
    '/metrics/hosts/:name/latest',
    { config: { permission: 'host.read' }, schema: { tags: ['metrics'], summary: 'Latest values (counters as per-second rates) and top processes', params: NameParam, response: { 200: Type.Object({ ts: Nullable(Type.Number()), up: Nullable(Type.Boolean()), samples: Type.Array(Sample), topByCpu: Type.Array(Proc), topByRss: Type.Array(Proc), errors: Type.Array(Type.String()) }), ...errors } } },
    async (req) => m.latest((req.params as Static<typeof NameParam>).name),
  );
  app.get(
    '/metrics/hosts/:name/names',
    { config: { permission: 'host.read' }, schema: { tags: ['metrics'], summary: 'Metric names stored for a host', params: NameParam, response: { 200: Type.Array(Type.String()), ...errors } } },
    async (req) => m.names((req.params as Static<typeof NameParam>).name),
  );
  app.get(
    '/metrics/hosts/:name/series',
    { config: { permission: 'host.read' }, schema: { tags: ['metrics'], summary: 'A range query with step; null points are gaps (host not answering)', params: NameParam, querystring: SeriesQuery, response: { 200: Type.Array(Type.Object({ labels: Labels, points: Type.Array(Type.Array(Nullable(Type.Number()), { minItems: 2, maxItems: 2, description: '[ts ms, value or null]' })) })), ...errors } } },
    async (req) => {
      const q = req.query as Static<typeof SeriesQuery>;
      return m.series((req.params as Static<typeof NameParam>).name, q);
    },
  );
  app.get('/metrics/intervals', { config: { permission: 'host.read' }, schema: { tags: ['metrics'], summary: 'Collection intervals', response: { 200: Intervals, ...errors } } }, async () => m.intervals());
  app.put(
    '/metrics/intervals',
    { config: { permission: 'host.write' }, schema: { tags: ['metrics'], summary: 'Set collection intervals (default, per group, per host; seconds)', body: Intervals, response: { 200: Intervals, ...errors } } },
    async (req) => {
      const b = req.body as Static<typeof Intervals>;
      checkInterval(b.defaultSec);
      for (const v of [...Object.values(b.groups), ...Object.values(b.hosts)]) checkInterval(v);
      return m.setIntervals(actorOf(req), b);
    },
  );
}

/** `/metrics` in Prometheus text format for all hosts (labels host, group); needs a token with host.read. */
export function prometheusRoute(app: FastifyInstance, m: MetricsService): void {
  app.get('/metrics', { config: { permission: 'host.read' }, schema: { tags: ['metrics'], summary: 'Prometheus exposition of every host (scrape with a viewer token)' } }, async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return m.exposition();
  });
}
