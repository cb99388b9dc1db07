/**
 * The migration console in Chromium against a real `osdeck serve`, on host `local` (this Debian
 * machine) and read-only only: an assessment for anolis7 against a mirror that cannot answer
 * (blocked: the source is not CentOS 7 and the target cannot be read), the fleet table, the report
 * with its HTML and XLSX exports, the migrate confirmation (cancelled, never confirmed), and what a
 * viewer is offered.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type ConsoleFixture, SHOTS, logInPage, startConsole } from '../support/browser';
import { type RunningServer, api } from '../support/server-harness';

let server: RunningServer;
let token: string;
let browser: Browser;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
/** Port 9 (discard) on this machine: nothing listens, the repository reads fail at once. */
const MIRROR = 'http://127.0.0.1:9/anolis';

let fixture: ConsoleFixture | undefined;
before(async () => {
  fixture = await startConsole();
  ({ server, token, browser } = fixture);
});
after(async () => {
  await fixture?.close();
});

/** Logged in; console errors from here on are collected (the login page's own 401 from /auth/me is expected). */
async function logIn(user: string, password: string): Promise<Page> {
  const p = await logInPage(browser, server.url, user, password, pageErrors);
  p.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${p.url()}: ${m.text()}`);
  });
  return p;
}

async function jobEnd(p: Page): Promise<string> {
  const handle = await p.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid=migration-job]')?.getAttribute('data-status') ?? '';
      return ['succeeded', 'failed', 'cancelled'].includes(s) ? s : null;
    },
    null,
    { timeout: 120_000 },
  );
  return (await handle.jsonValue()) as string;
}

test('assess local for anolis7: blocked in the fleet table, the report names the inhibitors, the HTML export works', async () => {
  const p = await logIn('admin', 'correct-horse-battery');
  await p.click('nav >> text=Migration');
  await p.waitForURL('**/migration');
  const form = p.locator('form[aria-label=Assess]');
  await form.locator('select[name=path] option[value=anolis7]').waitFor({ state: 'attached' });
  await form.locator('input[name=selector]').fill('local');
  await form.locator('select[name=path]').selectOption('anolis7');
  // the path's kernel choices, the default chosen
  assert.ok(await form.locator('input[name=kernel][value=rhck]').isChecked());
  assert.match(await form.innerText(), /Anolis Cloud Kernel/);
  await form.locator('input[name=mirror]').fill(MIRROR);
  await form.getByRole('button', { name: 'Assess', exact: true }).click();

  const job = p.locator('[data-testid=migration-job]');
  assert.equal(await jobEnd(p), 'succeeded', await job.innerText());
  assert.match(await job.innerText(), /Assessment for anolis7 on local/i);
  await p.locator('[data-testid=assess-results] tr[data-row=local] [data-readiness=blocked]').waitFor();

  const row = p.locator('[data-testid=migration-fleet] tr[data-row=local]');
  const line = row.locator('[data-path=anolis7]');
  await line.locator('[data-readiness=blocked]').waitFor();
  assert.match(await line.innerText(), /[1-9]\d* inhibitor/);
  await p.waitForTimeout(300); // the progress bar's transition, for the picture
  await p.screenshot({ path: join(SHOTS, 'migration-assess.png'), fullPage: true });

  await line.locator('[data-testid=report-link]').click();
  await p.waitForURL('**/migration/assessments/*');
  const report = p.locator('[data-testid=assessment-report]');
  await report.waitFor();
  assert.match(await report.locator('[data-testid=conclusion]').innerText(), /inhibitor\(s\) block the migration of local/);
  const inhibitors = report.locator('[data-testid=findings-inhibitor] [data-testid=finding][data-severity=inhibitor]');
  const source = inhibitors.filter({ hasText: 'Source system not supported by this path' });
  assert.equal(await source.count(), 1);
  assert.match(await source.innerText(), /Debian/);
  assert.equal(await source.getAttribute('data-key'), 'path-support:source');
  assert.ok((await inhibitors.filter({ hasText: /Target repository \S+ cannot be read|cannot reach the target repositories/ }).count()) >= 1);
  const repos = await report.locator('[data-testid=target-repos]').innerText();
  assert.match(repos, /127\.0\.0\.1:9\/anolis\/7\.9\/os\//);
  assert.doesNotMatch(repos, /\bok\b/);
  await p.screenshot({ path: join(SHOTS, 'migration-report.png'), fullPage: true });

  // the exports, with this browser's session
  const html = await p.request.get((await p.getAttribute('[data-testid=html-link]', 'href'))!);
  assert.equal(html.status(), 200);
  assert.match(html.headers()['content-type'] ?? '', /text\/html/);
  const page = await html.text();
  assert.match(page, /local/);
  assert.match(page, /Source system not supported by this path/);
  const xlsx = await p.request.get((await p.getAttribute('[data-testid=xlsx-link]', 'href'))!);
  assert.equal(xlsx.status(), 200);
  assert.match(xlsx.headers()['content-type'] ?? '', /spreadsheetml/);

  // the migrate form: the inhibitors to override come from that assessment; it asks first (cancelled here)
  await p.getByRole('link', { name: 'Migrate local…' }).click();
  await p.waitForURL(/\/migration\?.*mode=migrate/);
  const mform = p.locator('form[aria-label=Migrate]');
  const pick = mform.locator('input[type=checkbox][data-key="path-support:source"]');
  await pick.waitFor();
  assert.equal(await pick.isChecked(), false);
  await mform.getByRole('button', { name: 'Migrate…', exact: true }).click();
  const confirm = p.locator('[data-testid=migrate-confirm]');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /backup of the root file system is taken first and verified/);
  await p.screenshot({ path: join(SHOTS, 'migration-confirm.png'), fullPage: true });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  assert.equal(await p.locator('[data-testid=migration-job]').count(), 0);
  const runs = await api<unknown[]>(server, token, 'GET', '/migrate/runs');
  assert.deepEqual(runs.body, []);

  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
});

test('a viewer sees the readiness and the reports but is offered no assess, migrate, restore or back up', async () => {
  const p = await logIn('vera', 'viewer-password-123');
  await p.goto('/migration');
  const line = p.locator('[data-testid=migration-fleet] tr[data-row=local] [data-path=anolis7]');
  await line.locator('[data-readiness=blocked]').waitFor();
  assert.equal(await p.locator('form[aria-label=Assess], form[aria-label=Migrate]').count(), 0);
  assert.equal(await p.getByRole('button', { name: /^Assess/ }).count(), 0);
  assert.equal(await p.getByRole('button', { name: /^Migrate/ }).count(), 0);
  assert.equal(await p.getByRole('button', { name: /^(Back up|Restore)/ }).count(), 0);
  await p.screenshot({ path: join(SHOTS, 'migration-viewer.png'), fullPage: true });

  await line.locator('[data-testid=report-link]').click();
  await p.locator('[data-testid=findings-inhibitor]').waitFor();
  assert.equal(await p.getByRole('link', { name: /^(Migrate|Assess again)/ }).count(), 0);
  assert.ok(await p.locator('[data-testid=html-link]').isVisible());
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleErrors, []);
});
