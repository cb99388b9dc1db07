import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';

let server: RunningServer;
let admin: string;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

test('an empty data dir gets a one-time setup token (0600) and no user exists', async () => {
  const file = join(server.dataDir, 'setup-token');
  assert.ok(existsSync(file));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(server.log(), /one-time setup token/);
  const status = await api<{ setupRequired: boolean }>(server, null, 'GET', '/status');
  assert.equal(status.body.setupRequired, true);
  const wrong = await api(server, null, 'POST', '/setup', { token: 'osdsetup_wrong', user: 'root', password: 'long-enough-pw' });
  assert.equal(wrong.status, 403);
});

test('setup exchanges the token for the first admin exactly once', async () => {
  const token = readFileSync(join(server.dataDir, 'setup-token'), 'utf8').trim();
  const weak = await api(server, null, 'POST', '/setup', { token, user: 'admin', password: 'short' });
  assert.equal(weak.status, 400);
  const ok = await api<{ token: string }>(server, null, 'POST', '/setup', { token, user: 'admin', password: 'correct-horse-battery', createToken: true });
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('set-cookie') ?? '', /osdeck_session=.*HttpOnly/i);
  assert.match(ok.body.token, /^osd_/);
  admin = ok.body.token;
  assert.equal(existsSync(join(server.dataDir, 'setup-token')), false);
  const again = await api(server, null, 'POST', '/setup', { token, user: 'admin2', password: 'correct-horse-battery' });
  assert.equal(again.status, 409);
  // offline bootstrap refuses when an admin exists
  await assert.rejects(bootstrap(server, 'other'), /already exists/);
});

test('every non-public route answers 401 without credentials (checked against the OpenAPI document)', async () => {
  const doc = (await api<{ paths: Record<string, Record<string, unknown>> }>(server, null, 'GET', '/openapi.json')).body;
  const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => [m.toUpperCase(), path] as const));
  assert.ok(routes.length >= 15, `only ${routes.length} routes documented`);
  const open = new Set(['POST /api/v1/setup', 'POST /api/v1/auth/login', 'POST /api/v1/auth/logout', 'GET /api/v1/status']);
  for (const [method, path] of routes) {
    if (open.has(`${method} ${path}`)) continue;
    const concrete = path.replace(/\{[^}]+\}/g, 'x');
    const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
    for (const token of [null, 'osd_not-a-real-token']) {
      const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
      if (token) headers.authorization = `Bearer ${token}`;
      const r = await fetch(`${server.url}${concrete}`, { method, headers, body });
      assert.equal(r.status, 401, `${method} ${path}${token ? ' with a bad token' : ''} answered ${r.status}`);
    }
  }
});

test('roles: a viewer token reads but cannot exec (403) and cannot mint an admin token', async () => {
  const v = await api<{ token: string }>(server, admin, 'POST', '/tokens', { role: 'viewer', name: 'ro' });
  assert.equal(v.status, 201);
  const viewer = v.body.token;
  assert.equal((await api(server, viewer, 'GET', '/hosts')).status, 200);
  const exec = await api<{ code: string }>(server, viewer, 'POST', '/exec', { selector: 'local', command: 'id' });
  assert.equal(exec.status, 403);
  assert.equal(exec.body.code, 'FORBIDDEN');
  assert.equal((await api(server, viewer, 'POST', '/tokens', { role: 'admin' })).status, 403);
  assert.equal((await api(server, viewer, 'GET', '/users')).status, 403);
  assert.equal((await api(server, viewer, 'GET', '/audit')).status, 403);
  // an operator token can exec but not manage users or trust keys
  const op = (await api<{ token: string }>(server, admin, 'POST', '/tokens', { role: 'operator', name: 'ops' })).body.token;
  assert.equal((await api(server, op, 'POST', '/users', { name: 'x', password: 'correct-horse-battery', role: 'viewer' })).status, 403);
  assert.equal((await api(server, op, 'POST', '/hosts/local/trust', {})).status, 403);
  // revoked tokens stop working at once
  const list = (await api<Array<{ id: string; name: string }>>(server, admin, 'GET', '/tokens')).body;
  const ro = list.find((t) => t.name === 'ro')!;
  assert.equal((await api(server, admin, 'DELETE', `/tokens/${ro.id}`)).status, 200);
  assert.equal((await api(server, viewer, 'GET', '/hosts')).status, 401);
});

test('tokens are stored hashed: the secret never appears in the database file', async () => {
  const t = (await api<{ token: string }>(server, admin, 'POST', '/tokens', { role: 'viewer', name: 'grep-me' })).body.token;
  const dbBytes = ['osdeck.db', 'osdeck.db-wal'].filter((f) => existsSync(join(server.dataDir, f))).map((f) => readFileSync(join(server.dataDir, f)).toString('latin1')).join('');
  assert.equal(dbBytes.includes(t), false);
  assert.equal(dbBytes.includes(t.slice(4, 30)), false);
});

test('cookie sessions: login, CSRF header required for writes, logout', async () => {
  await api(server, admin, 'POST', '/users', { name: 'olga', password: 'olga-password-1', role: 'operator' });
  const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'olga', password: 'olga-password-1' }) });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  assert.match(login.headers.get('set-cookie')!, /HttpOnly/i);
  assert.match(login.headers.get('set-cookie')!, /SameSite=Strict/i);
  const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } });
  const meBody = (await me.json()) as { name: string; role: string; permissions: string[] };
  assert.deepEqual([meBody.name, meBody.role], ['olga', 'operator']);
  assert.ok(meBody.permissions.includes('host.exec') && !meBody.permissions.includes('user.admin'));
  const noCsrf = await fetch(`${server.url}/api/v1/exec`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ selector: 'local', command: 'true' }) });
  assert.equal(noCsrf.status, 403);
  const withCsrf = await fetch(`${server.url}/api/v1/exec`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-osdeck-csrf': '1' }, body: JSON.stringify({ selector: 'local', command: 'true' }) });
  assert.equal(withCsrf.status, 202);
  await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie } });
  assert.equal((await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie } })).status, 401);
});

test('malformed requests get problem+json and the server keeps serving', async () => {
  const r = await fetch(`${server.url}/api/v1/exec`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"selector": "local", "command": ' });
  assert.equal(r.status, 400);
  assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
  const p = (await r.json()) as { code: string; status: number };
  assert.equal(p.status, 400);
  const missing = await api<{ code: string }>(server, admin, 'POST', '/exec', { selector: 'local' });
  assert.equal(missing.body.code, 'VALIDATION_FAILED');
  const badSel = await api<{ code: string; detail: string }>(server, admin, 'POST', '/exec', { selector: 'nosuch-host', command: 'true' });
  assert.equal(badSel.body.code, 'UNKNOWN_HOST');
  const badName = await api<{ code: string }>(server, admin, 'POST', '/hosts', { name: '../etc', ssh: 'root@127.0.0.1', password: 'x' });
  assert.equal(badName.body.code, 'INVALID_NAME');
  const nf = await api<{ code: string }>(server, admin, 'GET', '/jobs/does-not-exist');
  assert.equal(nf.status, 404);
  assert.equal((await api(server, admin, 'GET', '/nope')).status, 404);
  assert.equal((await api(server, admin, 'GET', '/hosts')).status, 200);
});

test('the audit log is append-only in the database itself', async () => {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(join(server.dataDir, 'osdeck.db'));
  try {
    assert.throws(() => db.prepare('UPDATE audit SET actor = ?').run('nobody'), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit').run(), /append-only/);
  } finally {
    db.close();
  }
});

test('users: add, list, refuse removing the last admin, reset password offline', async () => {
  const env = { ...server.env, OSDECK_TOKEN: admin };
  const list = await runCli(['users', 'list', '--json'], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.ok((JSON.parse(list.stdout) as Array<{ name: string }>).some((u) => u.name === 'olga'));
  const rm = await runCli(['users', 'remove', 'admin'], { env });
  assert.notEqual(rm.code, 0);
  assert.match(rm.stderr, /LAST_ADMIN/);
  const reset = await runCli(['admin', 'reset-password', '--data', server.dataDir, '--user', 'olga', '--password-file', '-'], { env, input: 'olga-new-password\n' });
  assert.equal(reset.code, 0, reset.stderr);
  const login = await api(server, null, 'POST', '/auth/login', { user: 'olga', password: 'olga-new-password' });
  assert.equal(login.status, 200);
});

// last: it blocks further logins from 127.0.0.1 for the window
test('login is rate limited after repeated failures (429 with Retry-After)', async () => {
  let last: Response | null = null;
  for (let i = 0; i < 11; i++) {
    last = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'mallory', password: `guess-number-${i}` }) });
  }
  assert.equal(last!.status, 429);
  assert.ok(Number(last!.headers.get('retry-after')) > 0);
  const audit = (await api<Array<{ action: string; result: string; actor: string }>>(server, admin, 'GET', '/audit?action=auth.login&limit=50')).body;
  assert.ok(audit.filter((a) => a.actor === 'mallory' && a.result === 'denied').length >= 10);
});
