import { buildServer } from '../api/server';
import { type Config, parseListen } from '../infra/config';
import { lockDataDir } from '../infra/data-dir-lock';
import { createOsdeck, startJobProcessing } from '../services/osdeck';

const RECOVERY_SWEEP_MS = 30_000;

/** `osdeck serve`: API + console + (in embedded mode) the job runner, with graceful shutdown. */
export async function serve(config: Config): Promise<void> {
  const embedded = !config.redisUrl;
  const unlock = embedded ? lockDataDir(config.dataDir) : () => {};
  const logger = { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] };
  const o = await createOsdeck(config, {
    metrics: true,
    log: { info: (obj, msg) => console.log(JSON.stringify({ level: 'info', msg, ...obj })), error: (obj, msg) => console.error(JSON.stringify({ level: 'error', msg, ...obj })) },
  });
  const app = await buildServer(o, { logger });
  app.server.requestTimeout = 0; // SSE streams stay open
  const { host, port } = parseListen(config.listen);
  await app.listen({ host, port });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // resume what a crash or restart left behind; workers do it themselves in scale mode, the sweep catches dead ones
  let sweep: NodeJS.Timeout | null = null;
  if (embedded) {
    startJobProcessing(o);
    const resumed = await o.jobs.recover(false);
    if (resumed.length) app.log.info({ jobs: resumed }, `resuming ${resumed.length} unfinished job(s)`);
  } else {
    sweep = setInterval(() => void o.jobs.recover(true).catch((err) => app.log.error({ err }, 'recovery sweep failed')), RECOVERY_SWEEP_MS);
  }
  await o.metrics?.collector.start();
  await o.alerts?.start();
  void o.hosts.refreshFacts({ type: 'system', name: 'system', role: 'admin', userId: null }, 'local').catch(() => {});

  console.log(`osdeck listening on ${url} (database: ${o.db.describe}, jobs: ${o.queue.kind})`);
  const setupToken = await o.auth.ensureSetupToken();
  if (setupToken) {
    console.log(`\nFirst run: no admin exists yet. Open ${url}/setup and enter this one-time setup token`);
    console.log(`(also in ${config.dataDir}/setup-token), or run: osdeck setup --url ${url}\n\n    ${setupToken}\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`osdeck: ${signal}, shutting down`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    if (sweep) clearInterval(sweep);
    await app.close().catch(() => {});
    await o.close().catch(() => {});
    unlock();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** `osdeck worker`: runs jobs from Redis (scale mode). */
export async function worker(config: Config): Promise<void> {
  if (!config.redisUrl) throw new Error('osdeck worker needs OSDECK_REDIS_URL (scale mode)');
  const o = await createOsdeck(config, {
    log: { info: (obj, msg) => console.log(JSON.stringify({ level: 'info', msg, ...obj })), error: (obj, msg) => console.error(JSON.stringify({ level: 'error', msg, ...obj })) },
  });
  startJobProcessing(o);
  console.log(`osdeck worker ${o.instanceId} running jobs (database: ${o.db.describe})`);
  const stop = async () => {
    await o.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
