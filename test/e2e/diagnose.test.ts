/**
 * The diagnostic center in Chromium against a real `osdeck serve`: run the memory panorama on host
 * `local` from the page, read its report (conclusion, picture, tables), analyze an uploaded OOM log,
 * and check that a viewer is not offered the command diagnosis.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

test('run the memory panorama from the console and read its report', async () => {
  const p = await logIn('admin', 'correct-horse-battery');
  await p.click('nav >> text=Diagnose');
  await p.waitForURL('**/diagnose');
  await p.click('[data-testid=diag-memory]');
  const form = p.locator('form[aria-label="Run memory"]');
  await form.locator('input[name=selector]').fill('local');
  await form.locator('input[name=kpage]').uncheck();
  await form.locator('button[type=submit]').click();
  await p.waitForURL('**/diagnose/jobs/**');
  const conclusion = p.locator('[data-testid=conclusion]');
  await conclusion.waitFor();
  assert.match(await conclusion.innerText(), /\S{10}/);
  const bar = p.locator('[data-testid=stacked-bar]');
  assert.match(await bar.innerText(), /Where the memory is/);
  assert.match(await bar.innerText(), /File cache/);
  assert.ok((await p.locator('.stacked-seg').count()) >= 4);
  await p.getByRole('heading', { name: /Memory accounting/ }).waitFor();
  await p.screenshot({ path: join(SHOTS, 'diagnose-memory.png'), fullPage: true });
  await p.click('text=open report page');
  await p.waitForURL('**/diagnose/reports/**');
  await p.locator('a:has-text("XLSX")').waitFor();
  const href = await p.locator('a:has-text("HTML")').getAttribute('href');
  const html = await p.request.get(href!);
  assert.equal(html.status(), 200);
  assert.match(await html.text(), /Where the memory is/);
  await p.goto('/diagnose?host=local');
  await p.locator('[data-testid=diagnosis-history] >> text=memory').first().waitFor();
});

test('an uploaded OOM log is analyzed in the console', async () => {
  const p = await logIn('admin', 'correct-horse-battery');
  await p.goto('/diagnose?d=oom');
  await p.locator('textarea[aria-label="log text"]').fill(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'linux', 'oom_memcg_v2_6.1_debian_arm64.log'), 'utf8'));
  await p.click('button:has-text("Analyze text")');
  await p.waitForURL('**/diagnose/reports/**');
  const text = await p.locator('[data-testid=conclusion]').innerText();
  assert.match(text, /cgroup/i);
  await p.screenshot({ path: join(SHOTS, 'diagnose-oom-upload.png'), fullPage: true });
});

test('a viewer sees the read-only diagnoses but not the command diagnosis', async () => {
  const p = await logIn('vera', 'viewer-password-123');
  await p.goto('/diagnose');
  await p.locator('[data-testid=diag-memory]').waitFor();
  assert.equal(await p.locator('[data-testid=diag-command]').count(), 0);
  assert.deepEqual(pageErrors, []);
});
