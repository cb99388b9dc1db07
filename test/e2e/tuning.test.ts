/**
 * The tuning console in Chromium against a real `osdeck serve`, on host `local` only and with
 * read-only actions only (Check, Dry run: never Apply or Revert on this machine): the compliance
 * matrix, a dry run's diff on the host's tuning tab, operator profiles from YAML, and what a viewer
 * is offered.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type ConsoleFixture, SHOTS, logInPage, startConsole } from '../support/browser';
import type { RunningServer } from '../support/server-harness';

let server: RunningServer;
let browser: Browser;
const pageErrors: string[] = [];

let fixture: ConsoleFixture | undefined;
before(async () => {
  fixture = await startConsole();
  ({ server, browser } = fixture);
});
after(async () => {
  await fixture?.close();
});

function logIn(user: string, password: string): Promise<Page> {
  return logInPage(browser, server.url, user, password, pageErrors);
}

/** Waits until the followed tuning job (another than `previous`) is final; returns its id and status. */
async function jobEnd(p: Page, previous: string | null = null): Promise<{ id: string; status: string }> {
  const handle = await p.waitForFunction(
    (prev) => {
      const el = document.querySelector('[data-testid=tune-job]');
      const id = el?.getAttribute('data-job');
      const status = el?.getAttribute('data-status') ?? '';
      return el && id !== prev && ['succeeded', 'failed', 'cancelled'].includes(status) ? { id, status } : null;
    },
    previous,
    { timeout: 120_000 },
  );
  return (await handle.jsonValue()) as { id: string; status: string };
}

const button = (p: Page, name: string) => p.getByRole('button', { name, exact: true });

test('check and dry run on local from the tuning page; the matrix shows the results', async () => {
  const p = await logIn('admin', 'correct-horse-battery');
  await p.click('nav >> text=Tuning');
  await p.waitForURL('**/tuning');
  await p.click('[data-testid=profile-baseline]');
  assert.equal(await p.getAttribute('[data-testid=profile-baseline]', 'aria-checked'), 'true');
  await p.fill('input[name=selector]', 'local');

  await button(p, 'Check').click();
  const check = await jobEnd(p);
  assert.equal(check.status, 'succeeded', await p.locator('[data-testid=tune-job]').innerText());
  assert.match(await p.locator('[data-testid=tune-output-local]').innerText(), /\d+ pass, \d+ fail/);
  const local = p.locator('[data-testid=tune-matrix] tr[data-host=local]');
  await local.locator('td[data-status=pass]').first().waitFor();
  assert.ok((await local.locator('td[data-status=pass]').count()) >= 1);
  await p.waitForTimeout(400); // the progress bar's transition, for the picture
  await p.screenshot({ path: join(SHOTS, 'tuning-check.png'), fullPage: true });

  // memcg-kmem is in container-host, not baseline: a dry run of container-host checks it too (and changes nothing)
  await p.click('[data-testid=profile-container-host]');
  await button(p, 'Dry run').click();
  const dry = await jobEnd(p, check.id);
  assert.equal(dry.status, 'succeeded', await p.locator('[data-testid=tune-job]').innerText());
  assert.match(await p.locator('[data-testid=tune-job]').innerText(), /Dry run container-host on local/i);
  assert.match(await p.locator('[data-testid=tune-output-local]').innerText(), /run [0-9a-f]+/);
  const kmem = local.locator('td[data-rule=memcg-kmem][data-status="n/a"]');
  await kmem.waitFor();
  assert.match((await kmem.locator('button').getAttribute('title')) ?? '', /status: n\/a/);
  await kmem.locator('button').click();
  const detail = p.locator('[data-testid=tune-cell-detail]');
  assert.match(await detail.innerText(), /memcg-kmem[\s\S]*n\/a[\s\S]*for el systems/);

  // the catalog opens on demand and says which rules osdeck fixes itself
  await p.click('[data-testid=tune-catalog] > summary');
  const row = p.locator('[data-testid=tune-rules] tr[data-row=memcg-kmem]');
  await row.waitFor();
  assert.match(await row.innerText(), /manual/);
  assert.match(await p.locator('[data-testid=tune-rules] tr[data-row=somaxconn]').innerText(), /automatic/);
  await p.screenshot({ path: join(SHOTS, 'tuning-matrix.png'), fullPage: true });

  // host names lead to the host's tuning tab
  await local.locator('a', { hasText: 'local' }).click();
  await p.waitForURL('**/hosts/local/tuning');
  await p.locator('[data-testid=host-tune-results] tr[data-row=memcg-kmem]').waitFor();
});

test("the host's tuning tab lists its results and the dry run with its diff", async () => {
  const p = await logIn('admin', 'correct-horse-battery');
  await p.goto('/hosts/local');
  await p.click('nav[aria-label="Host views"] >> text=Tuning');
  await p.waitForURL('**/hosts/local/tuning');
  const results = p.locator('[data-testid=host-tune-results]');
  await results.locator('tr[data-row=memcg-kmem]').waitFor();
  assert.match(await results.locator('tr[data-row=memcg-kmem]').innerText(), /n\/a/);
  assert.ok((await results.locator('[data-status=pass]').count()) >= 1);

  const runs = p.locator('[data-testid=host-tune-runs]');
  const dry = runs.locator('tbody tr', { hasText: 'dry-run' }).first();
  await dry.waitFor();
  assert.match(await dry.innerText(), /container-host/);
  const status = await dry.locator('[data-status]').first().getAttribute('data-status');
  await dry.getByRole('button', { name: 'Show diff' }).click();
  if (status === 'planned') {
    const diff = p.locator('[data-testid=run-diff]');
    await diff.waitFor();
    assert.match(await diff.innerText(), /^(--- |\+\+\+ |~ )/m);
  } else {
    assert.equal(status, 'nothing');
    await p.locator('text=No changes: the host already matched.').waitFor();
  }
  // a dry run changes nothing, so there is nothing to revert
  assert.equal(await runs.getByRole('button', { name: 'Revert' }).count(), 0);
  await p.screenshot({ path: join(SHOTS, 'host-tuning.png'), fullPage: true });
});

test('operator profiles from YAML: a bad one is refused with the reason, a good one appears in the picker', async () => {
  const p = await logIn('admin', 'correct-horse-battery');
  await p.goto('/tuning');
  const editor = p.locator('textarea[aria-label="profile YAML"]');
  await editor.fill('name: x\nrules: [a,');
  await button(p, 'Save profile').click();
  const alert = p.locator('[role=alert]', { hasText: 'Not saved' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /not valid YAML/);
  await p.screenshot({ path: join(SHOTS, 'tuning-profile-error.png'), fullPage: true });

  await editor.fill('name: e2e-web\ndescription: baseline plus a long listen backlog\nextends: baseline\nrules: [somaxconn]\n');
  await button(p, 'Save profile').click();
  const card = p.locator('[data-testid=profile-e2e-web]');
  await card.waitFor();
  assert.match(await card.innerText(), /yours[\s\S]*extends baseline/);
  assert.equal(await card.getAttribute('aria-checked'), 'true');
  assert.equal(await p.locator('[role=alert]').count(), 0);
  await p.locator('[data-testid=tune-profiles] tr[data-row=e2e-web]').waitFor();
  // and the host's tab offers it too
  await p.goto('/hosts/local/tuning');
  await p.locator('select[name=profile] option[value=e2e-web]').waitFor({ state: 'attached' });
});

test('a viewer may check and dry-run but is offered no apply, revert or profile editing', async () => {
  const p = await logIn('vera', 'viewer-password-123');
  await p.goto('/tuning');
  await p.locator('[data-testid=profile-baseline]').waitFor();
  await p.fill('input[name=selector]', 'local');
  assert.ok(await button(p, 'Check').isEnabled());
  assert.ok(await button(p, 'Dry run').isEnabled());
  assert.equal(await p.getByRole('button', { name: /^Apply/ }).count(), 0);
  assert.equal(await p.getByRole('button', { name: /^Revert/ }).count(), 0);
  assert.equal(await p.locator('[data-testid=profile-editor]').count(), 0);
  assert.equal(await p.getByRole('button', { name: 'Delete' }).count(), 0);
  await p.locator('[data-testid=tune-matrix] tr[data-host=local]').waitFor();
  // checking is read-only, so a viewer may
  await button(p, 'Check').click();
  const check = await jobEnd(p);
  assert.equal(check.status, 'succeeded', await p.locator('[data-testid=tune-job]').innerText());
  await p.screenshot({ path: join(SHOTS, 'tuning-viewer.png'), fullPage: true });

  await p.goto('/hosts/local/tuning');
  await p.locator('[data-testid=host-tune-runs] tbody tr', { hasText: 'dry-run' }).first().waitFor();
  assert.ok(await button(p, 'Check').isVisible());
  assert.equal(await p.getByRole('button', { name: /^Apply/ }).count(), 0);
  assert.equal(await p.getByRole('button', { name: /^Revert/ }).count(), 0);
  assert.deepEqual(pageErrors, []);
});
