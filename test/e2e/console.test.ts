/**
 * The web console end to end: a real `osdeck serve` (from source, fresh data dir), the SPA built by
 * `npm run build:web`, and Debian's Chromium driven by playwright-core. Nothing is mocked.
 *
 *   npx tsx --test test/e2e/console.test.ts
 *
 * Screenshots of every page land in $OSDECK_SHOTS (default /tmp/osdeck-shots).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type RunningServer, startServer } from '../support/server-harness';
import { SHOTS, buildWeb, launchChromium } from '../support/browser';

const ADMIN = { user: 'admin', password: 'correct-horse-battery' };
const VIEWER = { user: 'vera', password: 'viewer-password-123' };

let server: RunningServer;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
let scratch: string;
let execJobId = '';
const pageErrors: string[] = [];

function watch(p: Page): Page {
  p.setDefaultTimeout(20_000);
  p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`));
  return p;
}

/** A link in the left navigation (pages have breadcrumbs with the same names). */
function nav(p: Page, name: string) {
  return p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Fills and submits the login form. */
async function logIn(p: Page, user: string, password: string): Promise<void> {
  await p.fill('form[aria-label="Login"] input[name=user]', user);
  await p.fill('form[aria-label="Login"] input[name=password]', password);
  await p.click('form[aria-label="Login"] button[type=submit]');
}

before(async () => {
  buildWeb();
  scratch = mkdtempSync(join(tmpdir(), 'osdeck-e2e-'));
  server = await startServer();
  browser = await launchChromium();
  admin = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
  page = watch(await admin.newPage());
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('first run: / leads to setup; the setup token makes the admin; the fleet shows host local with its kernel', async () => {
  await page.goto('/');
  await page.waitForURL('**/setup');
  await shot(page, '01-setup');

  const token = readFileSync(join(server.dataDir, 'setup-token'), 'utf8').trim();
  const form = page.locator('form[aria-label="Setup"]');
  await form.locator('input[name=token]').fill(token);
  await form.locator('input[name=user]').fill(ADMIN.user);
  await form.locator('input[name=password]').fill(ADMIN.password);
  await form.locator('input[name=confirm]').fill(ADMIN.password);
  await form.locator('button[type=submit]').click();
  await page.waitForURL('**/hosts');

  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  const row = page.locator('[data-testid=fleet-table] tr[data-row="local"]');
  await row.waitFor();
  // the server gathers the local host's facts in the background at start; Refresh picks them up
  const deadline = Date.now() + 20_000;
  while (!((await row.textContent()) ?? '').includes(kernel)) {
    assert.ok(Date.now() < deadline, `fleet row never showed kernel ${kernel}: ${await row.textContent()}`);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForTimeout(500);
  }
  assert.match((await row.locator('[data-status]').getAttribute('data-status')) ?? '', /^reachable$/);
  const who = (await page.getByTestId('whoami').textContent()) ?? '';
  assert.match(who, /admin/);
  await shot(page, '02-fleet');
});

test('logout; a wrong password shows an error; the right one signs in', async () => {
  // under load the fleet page may still be re-rendering from its refresh: click again until the
  // logout request has gone out and the login page shows
  const logout = page.getByRole('button', { name: 'Log out' });
  for (let i = 0; i < 4 && !page.url().endsWith('/login'); i++) {
    await logout.click({ timeout: 5000 }).catch(() => {});
    await page.waitForURL('**/login', { timeout: 5000 }).catch(() => {});
  }
  await page.waitForURL('**/login');
  // the session is really gone, not just hidden
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  assert.equal(me, 401);

  await logIn(page, ADMIN.user, 'not-the-password');
  const alert = page.locator('form[aria-label="Login"] [role=alert]');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /wrong user name or password/i);
  assert.ok(page.url().includes('/login'), 'still on the login page');
  await shot(page, '03-login-error');

  await logIn(page, ADMIN.user, ADMIN.password);
  await page.waitForURL('**/hosts');
  await page.locator('[data-testid=fleet-table] tr[data-row="local"]').waitFor();
});

test('host local: run a command, follow the job live to succeeded, find it in the jobs list', async () => {
  await page.locator('[data-testid=fleet-table]').getByRole('link', { name: 'local', exact: true }).click();
  await page.waitForURL('**/hosts/local');
  await page.getByRole('heading', { name: 'Facts' }).waitFor();
  await shot(page, '04-host');

  await page.fill('form[aria-label="Run command"] textarea[name=command]', 'echo hello-from-e2e');
  await page.click('form[aria-label="Run command"] button[type=submit]');
  await page.waitForURL(/\/jobs\/[^/]+$/);
  execJobId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

  await page.locator('h1 [data-status=succeeded]').waitFor();
  const out = page.locator('[data-testid="output-local"] pre');
  await out.first().waitFor();
  assert.match((await out.first().textContent()) ?? '', /hello-from-e2e/);
  const row = page.locator('[data-testid=steps-table] tr[data-row="local"]');
  assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'ok');
  assert.equal(((await row.locator('td').nth(2).textContent()) ?? '').trim(), '0', 'exit code 0');
  assert.equal(await page.locator('[role=progressbar]').getAttribute('aria-valuenow'), '1');
  await shot(page, '05-job');

  await nav(page, 'Jobs').click();
  await page.waitForURL('**/jobs');
  const jobRow = page.locator(`[data-testid=jobs-table] tr[data-row="${execJobId}"]`);
  await jobRow.waitFor();
  const text = (await jobRow.textContent()) ?? '';
  assert.match(text, /echo hello-from-e2e/);
  assert.equal(await jobRow.locator('[data-status]').getAttribute('data-status'), 'succeeded');
  await shot(page, '06-jobs');
});

test('jobs page: run by selector; output is shown as text, never as HTML', async () => {
  await page.goto('/jobs');
  const form = page.locator('form[aria-label="Run command"]');
  await form.locator('input[name=selector]').fill('local');
  await form.locator('textarea[name=command]').fill(`printf '<b id="injected">bold?</b>\\n'`);
  await form.locator('button[type=submit]').click();
  await page.waitForURL(/\/jobs\/[^/]+$/);
  assert.notEqual(new URL(page.url()).pathname, `/jobs/${execJobId}`);
  await page.locator('h1 [data-status=succeeded]').waitFor();
  const out = page.locator('[data-testid="output-local"] pre').first();
  await out.waitFor();
  assert.equal(((await out.textContent()) ?? '').trim(), '<b id="injected">bold?</b>');
  assert.equal(await page.locator('#injected').count(), 0, 'command output must not become markup');
});

test('audit page lists the host.exec entry with the command', async () => {
  await nav(page, 'Audit log').click();
  await page.waitForURL('**/audit');
  await page.locator('[data-testid=audit-table] tbody tr').first().waitFor();
  await page.getByRole('group', { name: 'Action presets' }).getByRole('button', { name: 'Commands' }).click();
  await page.waitForURL(/action=host\.exec/);
  const entry = page.locator('[data-testid=audit-table] tbody tr', { hasText: 'echo hello-from-e2e' });
  await entry.waitFor();
  const text = (await entry.textContent()) ?? '';
  assert.match(text, /host\.exec/);
  assert.match(text, /local/);
  assert.match(text, /admin/);
  // the filter really applied: every row is a host.exec entry
  const actions = await page.locator('[data-testid=audit-table] tbody tr td:nth-child(3)').allTextContents();
  assert.ok(actions.length >= 2, `expected both commands, got ${actions.length}`);
  for (const a of actions) assert.equal(a.trim(), 'host.exec');
  await shot(page, '07-audit');
});

test('a viewer sees no exec or add-host controls, and the API refuses exec with 403', async () => {
  const created = await admin.request.post('/api/v1/users', {
    headers: { 'x-osdeck-csrf': '1' },
    data: { name: VIEWER.user, password: VIEWER.password, role: 'viewer' },
  });
  assert.equal(created.status(), 201, await created.text());

  const ctx = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
  try {
    const v = watch(await ctx.newPage());
    await v.goto('/hosts');
    await v.waitForURL('**/login**');
    await logIn(v, VIEWER.user, VIEWER.password);
    await v.waitForURL('**/hosts');
    await v.locator('[data-testid=fleet-table] tr[data-row="local"]').waitFor();
    assert.match((await v.getByTestId('whoami').textContent()) ?? '', /vera.*viewer/);
    assert.equal(await v.getByRole('link', { name: 'Add host' }).count(), 0, 'no Add host for a viewer');
    assert.equal(await nav(v, 'Jobs').count(), 1, 'the viewer does see jobs');
    assert.equal(await nav(v, 'Audit log').count(), 0, 'no audit link for a viewer');
    await shot(v, '08-viewer-fleet');

    await v.goto('/hosts/local');
    await v.getByRole('heading', { name: 'Facts' }).waitFor();
    assert.equal(await v.locator('form[aria-label="Run command"]').count(), 0, 'no run box on the host page');
    assert.equal(await v.getByRole('button', { name: 'Refresh facts' }).count(), 0);
    assert.equal(await v.getByRole('button', { name: 'Remove' }).count(), 0);

    await v.goto('/jobs');
    await v.locator(`[data-testid=jobs-table] tr[data-row="${execJobId}"]`).waitFor();
    assert.equal(await v.locator('form[aria-label="Run command"]').count(), 0, 'no run form on the jobs page');

    // the server, not the hidden button, is what stops a viewer
    const r = await v.evaluate(async () => {
      const res = await fetch('/api/v1/exec', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-osdeck-csrf': '1' },
        body: JSON.stringify({ selector: 'local', command: 'id' }),
      });
      return { status: res.status, body: (await res.json()) as { code?: string } };
    });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'FORBIDDEN');
    await shot(v, '09-viewer-jobs');
  } finally {
    await ctx.close();
  }
});

test('add-host form: an unreachable address shows the server error and adds no host', async () => {
  const key = join(scratch, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'osdeck-e2e', '-f', key]);

  await page.goto('/hosts');
  await page.getByRole('link', { name: 'Add host' }).first().click();
  await page.waitForURL('**/hosts/new');
  const form = page.locator('form[aria-label="Add host"]');
  await form.locator('input[name=name]').fill('unreachable1');
  await form.locator('input[name=ssh]').fill('root@127.0.0.1:1');
  await form.locator('input[name=keyFile]').setInputFiles(key);
  await page.getByTestId('key-loaded').waitFor();
  await form.locator('input[name=groups]').fill('web');
  await form.locator('input[name=tags]').fill('env=test');
  await form.locator('button[type=submit]').click();

  const alert = form.locator('[role=alert]');
  await alert.waitFor({ timeout: 60_000 });
  const text = (await alert.textContent()) ?? '';
  assert.match(text, /not added/);
  assert.match(text, /refused|unreachable|connect/i, text);
  assert.ok(page.url().endsWith('/hosts/new'), 'stays on the form');
  await shot(page, '10-add-host-error');

  const hosts = await admin.request.get('/api/v1/hosts');
  assert.equal(hosts.status(), 200);
  assert.deepEqual(((await hosts.json()) as { name: string }[]).map((h) => h.name), ['local']);
});

test('no page raised a script error', () => {
  assert.deepEqual(pageErrors, []);
});
