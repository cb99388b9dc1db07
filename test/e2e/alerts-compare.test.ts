/**
 * The Alerts and Compare pages end to end: a real `osdeck serve` (from source, fresh data dir)
 * polling host `local` every 5 s, the console built by `npm run build:web`, Debian's Chromium.
 * Nothing is mocked: a rule added through the form fires on the server's own evaluation, and the
 * comparison runs over what the server really stored.
 *
 *   node --import tsx --test test/e2e/alerts-compare.test.ts
 *
 * Screenshots land in $OSDECK_SHOTS (default /tmp/osdeck-shots).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type RunningServer, api, bootstrap, startServer } from '../support/server-harness';
import { SHOTS, buildWeb, launchChromium } from '../support/browser';

const ADMIN = { user: 'admin', password: 'correct-horse-battery' };
const VIEWER = { user: 'vera', password: 'viewer-password-123' };
const INTERVAL_SEC = 5;
const RULE = 'mem-always';

let server: RunningServer;
let token: string;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

function watch(p: Page): Page {
  p.setDefaultTimeout(20_000);
  p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`));
  return p;
}

async function shot(p: Page, name: string, fullPage = true): Promise<void> {
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await api<T>(server, token, method, path, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Stored polls of a host in the last `ms` (osdeck_up is written once per successful poll). */
async function polls(host: string, ms: number): Promise<number> {
  const to = Date.now();
  const s = await call<{ points: [number, number | null][] }[]>('GET', `/metrics/hosts/${host}/series?name=osdeck_up&from=${to - ms}&to=${to}&step=1000`);
  return s[0]?.points.filter(([, v]) => v !== null).length ?? 0;
}

function nav(p: Page, name: string | RegExp) {
  return p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
}

async function logIn(p: Page, user: string, password: string): Promise<void> {
  await p.goto('/login');
  await p.fill('form[aria-label="Login"] input[name=user]', user);
  await p.fill('form[aria-label="Login"] input[name=password]', password);
  await p.click('form[aria-label="Login"] button[type=submit]');
  await p.waitForURL('**/hosts');
}

/** ms → the value of a datetime-local input with seconds, in local time (Node and Chromium share the TZ). */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** A number shown in a table cell (the row names the unit): "12.3", "0.02", "1.23k"; "—" is not one. */
function isFigure(text: string | null): boolean {
  return /^-?\d+(\.\d+)?[kMG]?$/.test((text ?? '').trim());
}

before(async () => {
  buildWeb();
  server = await startServer();
  ({ token } = await bootstrap(server, ADMIN.user, ADMIN.password));
  browser = await launchChromium();
  ctx = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = watch(await ctx.newPage());
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

test('collection every 5 s (set through the API); the admin logs in', async () => {
  const set = await call<{ defaultSec: number }>('PUT', '/metrics/intervals', { defaultSec: INTERVAL_SEC, groups: {}, hosts: {} });
  assert.equal(set.defaultSec, INTERVAL_SEC);
  await call('POST', '/users', { name: VIEWER.user, password: VIEWER.password, role: 'viewer' });
  await logIn(page, ADMIN.user, ADMIN.password);
});

test('alerts: a rule added through the form fires, shows as active with a firing event, and is removed', async () => {
  await nav(page, /^Alerts/).click();
  await page.waitForURL('**/alerts');
  await page.getByText('No rules yet: add one below.').waitFor();

  // mem.used (a percentage) is always below 1000: the rule fires at the first evaluation with data
  const form = page.locator('form[aria-label="Add rule"]');
  await form.locator('input[name=name]').fill(RULE);
  await form.locator('input[name=selector]').fill('local');
  await form.locator('select[name=metric]').selectOption('mem.used');
  assert.match((await form.locator('select[name=metric] option[value="mem.used"]').textContent()) ?? '', /Memory used \(%\)/);
  await form.locator('select[name=op]').selectOption('<');
  await form.locator('input[name=threshold]').fill('1000');
  await form.locator('input[name=window]').fill('10');
  await form.locator('select[name=windowUnit]').selectOption('sec');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await page.getByTestId('rule-added').waitFor();
  const ruleRow = page.locator(`[data-testid=alert-rules] tr[data-row="${RULE}"]`);
  await ruleRow.waitFor();
  assert.match((await ruleRow.textContent()) ?? '', /mem\.used < 1000 % over 10 s/);

  // the server's error shows under the field it is about: the same name again
  await form.locator('input[name=name]').fill(RULE);
  await form.locator('input[name=threshold]').fill('1000');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await form.locator('.field-error', { hasText: 'RULE_EXISTS' }).waitFor();
  assert.equal(await form.locator('input[name=name]').getAttribute('aria-invalid'), 'true');
  await shot(page, 'alerts-01-rule-added');

  // evaluated every 10 s; the page refreshes every 10 s
  const activeRow = page.locator(`[data-testid=active-alerts] tr[data-row="${RULE}|local"]`);
  await activeRow.waitFor({ timeout: 45_000 });
  const value = Number(await activeRow.locator('[data-value]').getAttribute('data-value'));
  assert.ok(value > 0 && value < 100, `memory used ${value} % as the current value`);
  assert.match((await activeRow.textContent()) ?? '', /Memory used/);
  await page.locator(`[data-testid=alert-events] tr.row-firing`, { hasText: RULE }).locator('[data-status=firing]').waitFor();
  // the navigation's red badge counts it (refreshed on every change and every 15 s)
  await page.getByTestId('alerts-count').filter({ hasText: '1' }).waitFor();
  assert.equal(await ruleRow.locator('[data-status=firing]').count(), 1);
  await shot(page, 'alerts-02-firing');

  // a viewer sees the same, read-only: no form, no remove buttons
  const vctx = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
  try {
    const vp = watch(await vctx.newPage());
    await logIn(vp, VIEWER.user, VIEWER.password);
    await vp.goto('/alerts');
    await vp.locator(`[data-testid=alert-rules] tr[data-row="${RULE}"]`).waitFor();
    await vp.locator(`[data-testid=active-alerts] tr[data-row="${RULE}|local"]`).waitFor();
    assert.equal(await vp.locator('form[aria-label="Add rule"]').count(), 0, 'no form for a viewer');
    assert.equal(await vp.getByRole('button', { name: 'Remove' }).count(), 0, 'no remove button for a viewer');
    await vp.getByText('read-only').waitFor();
    await shot(vp, 'alerts-03-viewer');
  } finally {
    await vctx.close();
  }

  // remove, confirming inline
  await ruleRow.getByRole('button', { name: 'Remove' }).click();
  await ruleRow.getByText(`Remove rule ${RULE}?`).waitFor();
  await ruleRow.getByRole('button', { name: 'Remove' }).click();
  await ruleRow.waitFor({ state: 'detached' });
  await page.getByText('No alert is firing.').waitFor();
  await page.getByTestId('alerts-count').waitFor({ state: 'detached' });
  assert.deepEqual(await call('GET', '/alerts/rules'), []);
  // the event history stays
  assert.ok((await page.locator('[data-testid=alert-events] tr.row-firing').count()) >= 1);
});

test('compare: prefilled from the host dashboard; bad input is explained; a run shows the table, charts and downloads', async () => {
  // the dashboard's link prefills the host
  await page.goto('/hosts/local/metrics');
  await page.getByRole('link', { name: 'Compare before/after' }).click();
  await page.waitForURL(/\/reports\/compare\?selector=local/);
  const form = page.locator('form[aria-label="Compare"]');
  assert.equal(await form.locator('input[name=selector]').inputValue(), 'local');
  assert.ok(await nav(page, 'Compare').getAttribute('aria-current'), 'the Compare nav entry is current');

  // a window ending before it starts is refused in the page
  const now0 = Date.now();
  await form.locator('input[name=afterFrom]').fill(localInput(now0));
  await form.locator('input[name=afterTo]').fill(localInput(now0 - 60_000));
  await form.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('after-error').filter({ hasText: 'must start before it ends' }).waitFor();

  // an unknown host is the server's answer, shown with its code
  await page.locator('[data-preset="15m"]').click();
  await form.locator('input[name=selector]').fill('no-such-host');
  await form.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('alert').filter({ hasText: 'UNKNOWN_HOST' }).waitFor();
  await shot(page, 'compare-01-errors', false);

  // two halves of the last 40 s, once the 5 s polls have filled them: 3 or more polls in each
  // half, so that CPU (a rate: one poll after another) has values in both
  await until('polls every 5 s for 40 s', async () => (await polls('local', 20_000)) >= 3 && (await polls('local', 40_000)) >= 7, 60_000);
  const now = Date.now();
  await form.locator('input[name=selector]').fill('local');
  await form.locator('input[name=beforeFrom]').fill(localInput(now - 40_000));
  await form.locator('input[name=beforeTo]').fill(localInput(now - 20_000));
  await form.locator('input[name=afterFrom]').fill(localInput(now - 20_000));
  await form.locator('input[name=afterTo]').fill(localInput(now));
  await form.getByRole('button', { name: 'Run' }).click();
  await page.getByTestId('compare-result').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'no error banner');
  assert.ok(((await page.getByTestId('conclusion').textContent()) ?? '').length > 20, 'a conclusion');

  for (const [metric, title] of [
    ['cpu.busy', 'CPU busy'],
    ['mem.used', 'Memory used'],
  ] as const) {
    const row = page.locator(`[data-testid=compare-table] tr[data-metric="${metric}"]`);
    await row.waitFor();
    assert.match((await row.locator('.metric-title').textContent()) ?? '', new RegExp(title));
    for (const col of ['before-mean', 'before-p95', 'after-mean', 'after-max']) {
      const text = await row.locator(`[data-col=${col}]`).textContent();
      assert.ok(isFigure(text), `${metric} ${col} is a number: '${text}'`);
    }
  }
  const memMean = Number(await page.locator('[data-testid=compare-table] tr[data-metric="mem.used"] [data-col=after-mean]').textContent());
  assert.ok(memMean > 0 && memMean < 100, `memory used ${memMean} %`);

  // headers sort: mean after, largest first, then reversed
  await page.locator('[data-sort="after.mean"]').click();
  await page.waitForURL(/sort=after\.mean&dir=desc/);
  await page.locator('[data-sort="after.mean"]').click();
  await page.waitForURL(/sort=after\.mean&dir=asc/);

  // overlaid charts of every metric: before and after lines over time since each window's start
  await page.getByTestId('all-charts').check();
  const cpuChart = page.getByTestId('overlay-local-cpu.busy');
  await cpuChart.locator('canvas').first().waitFor();
  assert.ok(Number(await cpuChart.getAttribute('data-nonnull')) > 0, 'the CPU chart has points');
  assert.equal(await cpuChart.locator('[data-series=before]').count(), 1);
  assert.equal(await cpuChart.locator('[data-series=after]').count(), 1);
  await shot(page, 'compare-02-result');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'compare-03-result-top', false);
  await page.getByTestId('compare-table').scrollIntoViewIfNeeded();
  await shot(page, 'compare-04-table', false);
  // hovering one chart shows the values at that offset on every chart (shared cursor)
  await cpuChart.scrollIntoViewIfNeeded();
  const over = await cpuChart.locator('.u-over').boundingBox();
  assert.ok(over);
  await page.mouse.move(over.x + over.width * 0.4, over.y + over.height / 2);
  await cpuChart.locator('.chart-when', { hasText: /^at \+\d+s$/ }).waitFor();
  await page.getByTestId('overlay-local-cpu.user').locator('.chart-when', { hasText: /^at \+\d+s$/ }).waitFor();
  await shot(page, 'compare-05-charts-hover', false);
  await page.mouse.move(0, 0);

  // downloads: the same report as XLSX (a zip: "PK") and as HTML
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download XLSX' }).click()]);
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  const bytes = readFileSync((await xlsx.path())!);
  assert.ok(bytes.length > 100, `xlsx of ${bytes.length} bytes`);
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download HTML' }).click()]);
  assert.match(html.suggestedFilename(), /\.html$/);
  assert.match(readFileSync((await html.path())!, 'utf8').slice(0, 200), /<!doctype html|<html/i);
});

test('no page raised a script error', () => {
  assert.deepEqual(pageErrors, []);
});
