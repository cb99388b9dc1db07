/** The diagnosis framework end to end: catalog, a run as a job, stored history, exports, roles, the deny list, audit. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningServer, api, bootstrap, runCli, startServer } from './support/server-harness';

let server: RunningServer;
let env: NodeJS.ProcessEnv;
let admin: string;

before(async () => {
  server = await startServer();
  ({ env, token: admin } = await bootstrap(server));
});
after(async () => {
  await server.stop();
});

interface Stored { id: string; host: string; diagnosis: string; severity: string; conclusion: string; report: { evidence: Record<string, unknown>; tables: Array<{ rows: unknown[][] }> } }

test('diagnose list names every diagnosis with its parameters', async () => {
  const r = await runCli(['diagnose', 'list', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const all = JSON.parse(r.stdout) as Array<{ id: string; params: Array<{ name: string }> }>;
  const cmd = all.find((d) => d.id === 'command');
  assert.ok(cmd);
  assert.deepEqual(cmd.params.map((p) => p.name), ['command', 'timeoutSec', 'confirm']);
  const text = await runCli(['diagnose', 'list'], { env });
  assert.match(text.stdout, /command\s+command\s+Command diagnosis/);
});

test('command diagnosis: runs as a job, output and exit code in a stored report, in history, exported, audited', async () => {
  const r = await runCli(['diagnose', 'command', 'local', '--param', 'command=echo osdeck-$((6*7)); echo oops >&2; exit 3', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { job: { status: string }; reports: Stored[] };
  assert.equal(out.job.status, 'succeeded');
  const rep = out.reports[0]!;
  assert.equal(rep.host, 'local');
  assert.equal(rep.report.evidence.exitCode, 3);
  assert.equal(rep.report.evidence.stdout, 'osdeck-42\n');
  assert.equal(rep.report.evidence.stderr, 'oops\n');
  assert.equal(rep.severity, 'medium');
  const hist = await runCli(['diagnose', 'history', 'local', '--json'], { env });
  assert.ok((JSON.parse(hist.stdout) as Array<{ id: string }>).some((h) => h.id === rep.id));
  const html = await fetch(`${server.url}/api/v1/diagnosis-reports/${rep.id}?format=html`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(html.status, 200);
  const page = await html.text();
  assert.match(page, /osdeck-42/);
  assert.doesNotMatch(page, /<script/i);
  const xlsx = await fetch(`${server.url}/api/v1/diagnosis-reports/${rep.id}?format=xlsx`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  const audit = (await api<Array<{ action: string; host: string | null; command: string | null }>>(server, admin, 'GET', '/audit?limit=200')).body;
  assert.ok(audit.some((a) => a.action === 'host.diagnose' && a.host === 'local' && a.command?.startsWith('echo osdeck-')));
  const human = await runCli(['diagnose', 'command', 'local', '--param', 'command=uname -s'], { env });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^\[local\] OK: "uname -s" exited 0 on local/m);
  assert.match(human.stdout, /Linux/);
});

test('destructive commands are refused unless confirmed, and both are audited', async () => {
  const denied = await runCli(['diagnose', 'command', 'local', '--param', 'command=mkfs.ext4 /dev/osdeck-nonexistent'], { env });
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /COMMAND_DENIED/);
  assert.match(denied.stderr, /creates a filesystem/);
  const confirmed = await runCli(['diagnose', 'command', 'local', '--param', 'command=true || shutdown -h now', '--param', 'confirm=true', '--json'], { env });
  assert.equal(confirmed.code, 0, confirmed.stderr);
  const audit = (await api<Array<{ action: string; result: string; command: string | null; detail: Record<string, unknown> | null }>>(server, admin, 'GET', '/audit?limit=200')).body;
  assert.ok(audit.some((a) => a.action === 'diagnose.run' && a.result === 'denied' && a.command === 'mkfs.ext4 /dev/osdeck-nonexistent'));
  assert.ok(audit.some((a) => a.action === 'host.diagnose' && a.command === 'true || shutdown -h now' && a.detail?.confirmed === true));
});

test('roles and input: a viewer cannot run the command diagnosis; unknown diagnoses and parameters get clear errors', async () => {
  const v = await api<{ token: string }>(server, admin, 'POST', '/tokens', { role: 'viewer', name: 'diag-ro' });
  const viewer = v.body.token;
  const r = await api<{ code: string; detail: string }>(server, viewer, 'POST', '/diagnoses/command/run', { selector: 'local', params: { command: 'id' } });
  assert.equal(r.status, 403);
  assert.match(r.body.detail, /host\.exec/);
  assert.equal((await api(server, viewer, 'GET', '/diagnoses')).status, 200);
  const unknown = await runCli(['diagnose', 'nosuch', 'local'], { env });
  assert.match(unknown.stderr, /UNKNOWN_DIAGNOSIS/);
  const badParam = await runCli(['diagnose', 'command', 'local', '--param', 'colour=red'], { env });
  assert.match(badParam.stderr, /UNKNOWN_PARAM.*command, timeoutSec, confirm/);
  const badValue = await runCli(['diagnose', 'command', 'local', '--param', 'command=id', '--param', 'timeoutSec=lots'], { env });
  assert.match(badValue.stderr, /INVALID_PARAM.*timeoutSec must be an integer/);
  const noHost = await runCli(['diagnose', 'command', 'no-such-host', '--param', 'command=id'], { env });
  assert.notEqual(noHost.code, 0);
});
