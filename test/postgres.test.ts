import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';
import { type PostgresFixture, startPostgres } from './support/postgres-fixture';

// The same migrations, services and API on a real PostgreSQL server.
let pgFx: PostgresFixture;
let server: RunningServer;
let env: NodeJS.ProcessEnv;
let token: string;

before(async () => {
  pgFx = await startPostgres();
  server = await startServer({ env: { OSDECK_DATABASE_URL: pgFx.url } });
  ({ env, token } = await bootstrap(server));
});
after(async () => {
  await server?.stop();
  await pgFx?.stop();
});

test('the server runs on PostgreSQL: status, auth, exec, jobs and audit', async () => {
  const status = await api<{ database: string }>(server, null, 'GET', '/status');
  assert.equal(status.body.database, 'postgres');
  assert.match(server.log(), /database: postgres:\/\/127\.0\.0\.1:\d+\/postgres/);
  const ex = await runCli(['exec', 'local', '--json', '--', 'uname', '-r'], { env });
  assert.equal(ex.code, 0, ex.stderr);
  const job = JSON.parse(ex.stdout) as { id: string; status: string; steps: Array<{ stdout: string }> };
  assert.equal(job.steps[0]!.stdout.trim(), execFileSync('uname', ['-r']).toString().trim());
  const jobs = (await api<Array<{ id: string; counts: Record<string, number> }>>(server, token, 'GET', '/jobs')).body;
  assert.deepEqual(jobs.find((j) => j.id === job.id)?.counts, { ok: 1 });
  const audit = (await api<Array<{ action: string; command: string | null; id: number }>>(server, token, 'GET', '/audit?action=host.exec')).body;
  assert.equal(audit[0]?.command, 'uname -r');
  assert.equal(typeof audit[0]?.id, 'number');
  assert.equal((await api(server, null, 'GET', '/hosts')).status, 401);
});

test('the data is in PostgreSQL, and the audit log is append-only there too', async () => {
  const client = new pg.Client({ connectionString: pgFx.url });
  await client.connect();
  try {
    const users = await client.query('SELECT name, role FROM users');
    assert.deepEqual(users.rows, [{ name: 'admin', role: 'admin' }]);
    const migrations = await client.query('SELECT name FROM osdeck_migrations');
    assert.ok(migrations.rowCount! >= 1);
    await assert.rejects(client.query("UPDATE audit SET actor = 'nobody'"), /append-only/);
    await assert.rejects(client.query('DELETE FROM audit'), /append-only/);
  } finally {
    await client.end();
  }
});

test('a restart on the same database keeps everything (migrations are idempotent)', async () => {
  await server.stop();
  await server.restart();
  const hosts = (await api<Array<{ name: string }>>(server, token, 'GET', '/hosts')).body;
  assert.deepEqual(hosts.map((h) => h.name), ['local']);
});
