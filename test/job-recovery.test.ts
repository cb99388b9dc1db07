import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningServer, api, bootstrap, startServer } from './support/server-harness';
import { type SshdFixture, startSshd } from './support/sshd-fixture';

let server: RunningServer;
let sshd: SshdFixture;
let token: string;
const HOSTS = 50;

interface Step { host: string; status: string; stdout: string | null; finishedAt: string | null }
interface Job { id: string; status: string; counts: Record<string, number>; steps: Step[] }

before(async () => {
  [server, sshd] = await Promise.all([startServer(), startSshd()]);
  ({ token } = await bootstrap(server));
  // 50 inventory entries, each its own connection, all served by one real sshd
  for (let i = 0; i < HOSTS; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        api(server, token, 'POST', '/hosts', { name: `b${i + j}`, ssh: `root@127.0.0.1:${sshd.port}`, privateKey: sshd.clientKey, groups: ['batch'] }).then((r) =>
          assert.equal(r.status, 201, JSON.stringify(r.body)),
        ),
      ),
    );
  }
});
after(async () => {
  await server.stop();
  await sshd.stop();
});

async function job(id: string): Promise<Job> {
  return (await api<Job>(server, token, 'GET', `/jobs/${id}`)).body;
}

async function waitFor(id: string, pred: (j: Job) => boolean, ms = 60_000): Promise<Job> {
  const deadline = Date.now() + ms;
  for (;;) {
    const j = await job(id);
    if (pred(j)) return j;
    if (Date.now() > deadline) throw new Error(`timed out waiting; job is ${JSON.stringify({ status: j.status, counts: j.counts })}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function crashAndResume(stop: () => Promise<void>): Promise<void> {
  const created = await api<Job>(server, token, 'POST', '/exec', { selector: 'group:batch', command: 'sleep 1; echo "done on $(hostname)"', forks: 5 });
  assert.equal(created.status, 202);
  const id = created.body.id;
  const before = await waitFor(id, (j) => (j.counts.ok ?? 0) >= 8);
  const recorded = new Map(before.steps.filter((s) => s.status === 'ok').map((s) => [s.host, s]));
  await stop();
  await server.restart();
  const done = await waitFor(id, (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status));
  assert.equal(done.steps.length, HOSTS);
  for (const s of done.steps) assert.ok(!['pending', 'running'].includes(s.status), `${s.host} left ${s.status}`);
  // nothing recorded before the crash was lost or re-run
  for (const [host, s] of recorded) {
    const now = done.steps.find((x) => x.host === host)!;
    assert.equal(now.status, 'ok');
    assert.equal(now.stdout, s.stdout);
    assert.equal(now.finishedAt, s.finishedAt, `${host} was re-run`);
  }
  // only steps in flight at the crash have an unknown outcome; the rest ran after the restart
  const interrupted = done.steps.filter((s) => s.status === 'interrupted').length;
  assert.ok(interrupted >= 1 && interrupted <= 5, `${interrupted} interrupted (the steps in flight at the stop)`);
  assert.equal((done.counts.ok ?? 0) + interrupted, HOSTS);
  const running = (await api<Job[]>(server, token, 'GET', '/jobs?status=running')).body;
  assert.equal(running.length, 0);
}

test('killing the server (SIGKILL) mid-batch: after restart the job resumes, no result lost, none left running', async () => {
  await crashAndResume(() => server.kill());
});

test('a graceful stop (SIGTERM) mid-batch marks in-flight steps interrupted and resumes the rest on start', async () => {
  await crashAndResume(() => server.stop('SIGTERM'));
});

test('cancel stops a running batch: pending hosts never start', async () => {
  const created = await api<Job>(server, token, 'POST', '/exec', { selector: 'group:batch', command: 'sleep 2', forks: 2 });
  await waitFor(created.body.id, (j) => (j.counts.running ?? 0) > 0);
  const c = await api<Job>(server, token, 'POST', `/jobs/${created.body.id}/cancel`, {});
  assert.equal(c.status, 200);
  const done = await waitFor(created.body.id, (j) => j.status === 'cancelled', 20_000);
  assert.ok((done.counts.cancelled ?? 0) >= HOSTS - 4);
  assert.equal((await api(server, token, 'POST', `/jobs/${created.body.id}/cancel`, {})).status, 409);
});
