import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { NODE_ARGS, type RunningServer, api, bootstrap, startServer } from './support/server-harness';
import { type PostgresFixture, startPostgres } from './support/postgres-fixture';
import { startRedis } from './support/redis-fixture';

// Scale mode: the API server queues jobs on a real redis-server through BullMQ; two
// `osdeck worker` processes run them against a shared PostgreSQL.
let pgFx: PostgresFixture;
let redis: { url: string; stop(): Promise<void> };
let server: RunningServer;
let token: string;
const workers: ChildProcess[] = [];
const workerLogs: string[] = [];

interface Job { id: string; status: string; counts: Record<string, number>; steps: Array<{ status: string; worker: string | null }> }

function startWorker(): ChildProcess {
  const w = spawn(process.execPath, [...NODE_ARGS, 'worker'], { env: { ...server.env, OSDECK_JOB_CONCURRENCY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const i = workers.push(w) - 1;
  workerLogs[i] = '';
  w.stdout!.on('data', (c) => (workerLogs[i] += c));
  w.stderr!.on('data', (c) => (workerLogs[i] += c));
  return w;
}

async function waitDone(id: string, ms = 90_000): Promise<Job> {
  const deadline = Date.now() + ms;
  for (;;) {
    const j = (await api<Job>(server, token, 'GET', `/jobs/${id}`)).body;
    if (['succeeded', 'failed', 'cancelled'].includes(j.status)) return j;
    if (Date.now() > deadline) throw new Error(`job ${id} not done: ${JSON.stringify(j.counts)}; workers:\n${workerLogs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  [pgFx, redis] = await Promise.all([startPostgres(), startRedis()]);
  server = await startServer({ env: { OSDECK_DATABASE_URL: pgFx.url, OSDECK_REDIS_URL: redis.url } });
  ({ token } = await bootstrap(server));
  startWorker();
  startWorker();
  const deadline = Date.now() + 30_000;
  while (!workerLogs.every((l) => /running jobs/.test(l))) {
    if (Date.now() > deadline) throw new Error(`workers did not start:\n${workerLogs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});
after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await server?.stop();
  await redis?.stop();
  await pgFx?.stop();
});

test('the server queues on Redis and does not run jobs itself; both workers take jobs', async () => {
  const status = await api<{ queue: string }>(server, null, 'GET', '/status');
  assert.equal(status.body.queue, 'bullmq');
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await api<Job>(server, token, 'POST', '/exec', { selector: 'local', command: `sleep 1; echo job-${i}` });
    assert.equal(r.status, 202);
    ids.push(r.body.id);
  }
  const done = await Promise.all(ids.map((id) => waitDone(id)));
  for (const j of done) assert.equal(j.status, 'succeeded');
  const ranOn = new Set(done.flatMap((j) => j.steps.map((s) => s.worker)));
  assert.equal(ranOn.size, 2, `ran on ${[...ranOn].join(', ')}`);
  for (const w of ranOn) assert.doesNotMatch(String(w), new RegExp(`:${server.proc.pid}:`), 'the API server ran a job');
});

test('a worker killed mid-job: the other worker resumes it; no step lost or left running', async () => {
  const slow = await api<Job>(server, token, 'POST', '/exec', { selector: 'local', command: 'sleep 6; echo survived' });
  let owner = '';
  const deadline = Date.now() + 20_000;
  while (!owner) {
    const j = (await api<Job & { steps: Array<{ status: string; worker: string | null }> }>(server, token, 'GET', `/jobs/${slow.body.id}`)).body;
    owner = j.steps.find((s) => s.status === 'running')?.worker ?? '';
    if (Date.now() > deadline) throw new Error('job never started');
    await new Promise((res) => setTimeout(res, 100));
  }
  const pid = Number(owner.split(':')[1]);
  const victim = workers.find((w) => w.pid === pid);
  assert.ok(victim, `owner ${owner} is not one of our workers`);
  victim.kill('SIGKILL');
  const done = await waitDone(slow.body.id);
  assert.equal(done.steps.length, 1);
  assert.equal(done.steps[0]!.status, 'interrupted', 'the in-flight step has an unknown outcome and is not re-run');
  assert.equal(done.status, 'failed');
  const running = (await api<Job[]>(server, token, 'GET', '/jobs?status=running')).body;
  assert.equal(running.length, 0);
  // the surviving worker still takes new work
  const next = await api<Job>(server, token, 'POST', '/exec', { selector: 'local', command: 'echo still-here' });
  assert.equal((await waitDone(next.body.id)).status, 'succeeded');
});
