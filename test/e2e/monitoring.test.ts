/**
 * The monitoring pages end to end: a real `osdeck serve` (from source, fresh data dir) polling host
 * `local` every 5 s, the console built by `npm run build:web`, Debian's Chromium. Nothing is mocked:
 * what the charts' legends show is compared with what the API returns for the same range and step.
 *
 *   node --import tsx --test test/e2e/monitoring.test.ts
 *
 * With /usr/sbin/sshd present, a second host on a throwaway sshd is added and its sshd stopped, to
 * see a down host shown as DOWN (not as zeros). Screenshots land in $OSDECK_SHOTS (default /tmp/osdeck-shots).
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type SshdFixture, startSshd } from '../support/sshd-fixture';
import { type RunningServer, api, bootstrap, startServer } from '../support/server-harness';
import { SHOTS, buildWeb, launchChromium } from '../support/browser';

const ADMIN = { user: 'admin', password: 'correct-horse-battery' };
const INTERVAL_SEC = 5;

type Series = { labels: Record<string, string>; points: [number, number | null][] }[];
type OverviewRow = { host: string; up: boolean | null; cpuBusyPercent: number | null; memUsedPercent: number | null };

let server: RunningServer;
let token: string;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let sshd: SshdFixture | undefined;
const pageErrors: string[] = [];

async function shot(p: Page, name: string, fullPage = true): Promise<void> {
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await api<T>(server, token, method, path, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Stored polls of a host in the last few minutes (osdeck_up is written once per successful poll). */
async function polls(host: string): Promise<number> {
  const to = Date.now();
  const s = await call<Series>('GET', `/metrics/hosts/${host}/series?name=osdeck_up&from=${to - 300_000}&to=${to}&step=1000`);
  return s[0]?.points.filter(([, v]) => v !== null).length ?? 0;
}

function lastNonNull(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

/** The dashboard's current range and step, as it fetched them. */
async function shownRange(p: Page): Promise<{ from: number; to: number; step: number }> {
  const root = p.getByTestId('host-metrics');
  const [from, to, step] = await Promise.all(['data-from', 'data-to', 'data-step'].map((a) => root.getAttribute(a)));
  return { from: Number(from), to: Number(to), step: Number(step) };
}

async function legendValue(p: Page, chart: string, series: string): Promise<{ text: string; value: number }> {
  const item = p.locator(`[data-testid=${chart}] [data-series="${series}"] .legend-value`);
  const text = ((await item.textContent()) ?? '').trim();
  const raw = await item.getAttribute('data-value');
  return { text, value: raw ? Number(raw) : NaN };
}

/** Waits until the dashboard shows a finished fetch for range `key`. */
async function dashboardReady(p: Page, key: string): Promise<void> {
  await p.locator(`[data-testid=host-metrics][data-range="${key}"][data-loading=false][data-step]`).waitFor();
  await p.locator('[data-testid=chart-cpu] canvas').first().waitFor();
}

before(async () => {
  buildWeb();
  server = await startServer();
  ({ token } = await bootstrap(server, ADMIN.user, ADMIN.password));
  browser = await launchChromium();
  ctx = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
  page = await ctx.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
});

after(async () => {
  await browser?.close();
  await sshd?.stop();
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

test('collection every 5 s (set through the API); host local gets polled', async () => {
  const set = await call<{ defaultSec: number }>('PUT', '/metrics/intervals', { defaultSec: INTERVAL_SEC, groups: {}, hosts: {} });
  assert.equal(set.defaultSec, INTERVAL_SEC);
  assert.equal((await call<{ defaultSec: number }>('GET', '/metrics/intervals')).defaultSec, INTERVAL_SEC);
  // three polls: two give the first rates (CPU), the third a first line segment on the charts
  await until('3 polls of local', async () => (await polls('local')) >= 3, 90_000);
  await until('CPU % of local in the overview', async () => {
    const rows = await call<OverviewRow[]>('GET', '/metrics/overview');
    return rows.find((r) => r.host === 'local' && r.cpuBusyPercent !== null && r.memUsedPercent !== null);
  });
});

test('/monitoring: row local shows CPU % and memory % as numbers; headers sort', async () => {
  await page.goto('/login');
  await page.fill('form[aria-label="Login"] input[name=user]', ADMIN.user);
  await page.fill('form[aria-label="Login"] input[name=password]', ADMIN.password);
  await page.click('form[aria-label="Login"] button[type=submit]');
  await page.waitForURL('**/hosts');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Monitoring', exact: true }).click();
  await page.waitForURL('**/monitoring');
  const row = page.locator('[data-testid=monitor-table] tr[data-row="local"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-condition'), 'up');
  for (const col of ['cpu', 'mem']) {
    const text = ((await row.locator(`[data-testid=${col}] .meter-text`).textContent()) ?? '').trim();
    const m = /^(\d+(?:\.\d+)?) %$/.exec(text);
    assert.ok(m, `${col} shows a percentage, got '${text}'`);
    const v = Number(m[1]);
    assert.ok(v >= 0 && v <= 100, `${col} ${v} within 0–100`);
  }
  assert.match((await row.locator('[data-col=load]').textContent()) ?? '', /\d+(\.\d+)? per CPU · \d+ CPUs?/);
  assert.match((await row.locator('[data-col=disk]').textContent()) ?? '', /\d+(\.\d+)? %\//);
  await shot(page, 'mon-01-overview');

  // a click on a header sorts by it (descending first for figures), a second click reverses
  const cpuHeader = page.locator('[data-testid=monitor-table] th', { has: page.locator('[data-sort=cpu]') });
  await page.locator('[data-sort=cpu]').click();
  await page.waitForURL(/sort=cpu&dir=desc/);
  await waitForAttribute(cpuHeader, 'aria-sort', 'descending');
  await page.locator('[data-sort=cpu]').click();
  await page.waitForURL(/sort=cpu&dir=asc/);
  await waitForAttribute(cpuHeader, 'aria-sort', 'ascending');
  await page.getByRole('button', { name: 'Problems first' }).click();
  await page.waitForURL((u) => !u.search.includes('sort='));
});

test('dashboard: CPU, memory and load charts draw data; legends match the API for the same range', async () => {
  await page.locator('[data-testid=monitor-table]').getByRole('link', { name: 'local', exact: true }).click();
  await page.waitForURL('**/hosts/local/metrics');
  await dashboardReady(page, '1h');

  for (const chart of ['chart-cpu', 'chart-memory', 'chart-load']) {
    const el = page.getByTestId(chart);
    assert.ok((await el.locator('canvas').count()) >= 1, `${chart} has a uPlot canvas`);
    const box = await el.locator('canvas').first().boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, `${chart} canvas has a size: ${JSON.stringify(box)}`);
    const nonNull = Number(await el.getAttribute('data-nonnull'));
    assert.ok(nonNull > 0, `${chart} has non-null points`);
    const points = Number(await el.getAttribute('data-points'));
    assert.ok(points > 0 && points <= 650, `${chart}: ${points} points per series`);
  }
  // the legend shows the latest values when the cursor is elsewhere
  await page.mouse.move(0, 0);

  // what the legend shows is what the API answers for the page's own range and step; a sample may
  // land in the last bucket between the page's fetch and ours, so Refresh and compare again
  let lastMismatch = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    const { from, to, step } = await shownRange(page);
    assert.ok(step >= 1.5 * INTERVAL_SEC * 1000, `step ${step} ms is at least 1.5 polls`);
    assert.ok((to - from) / step <= 601, 'about 600 points at most');
    const q = `from=${from}&to=${to}&step=${step}`;
    const [load1, cpu, memFree] = await Promise.all([
      call<Series>('GET', `/metrics/hosts/local/series?name=node_load1&${q}`),
      call<Series>('GET', `/metrics/hosts/local/series?name=node_cpu_seconds_total&${q}`),
      call<Series>('GET', `/metrics/hosts/local/series?name=node_memory_MemFree_bytes&${q}`),
    ]);
    const expLoad = lastNonNull(load1[0]!.points.map(([, v]) => v));
    // CPU user % = 100 × Σcpus rate(user) / Σcpus Σmodes rate
    const n = cpu[0]!.points.length;
    const sum = (keep: (l: Record<string, string>) => boolean) =>
      Array.from({ length: n }, (_, i) => {
        const vs = cpu.filter((s) => keep(s.labels)).map((s) => s.points[i]![1]).filter((v): v is number => v !== null);
        return vs.length ? vs.reduce((a, b) => a + b, 0) : null;
      });
    const all = sum(() => true);
    const user = sum((l) => l.mode === 'user');
    const expUser = lastNonNull(all.map((t, i) => (t !== null && t > 0 && user[i] !== null ? (100 * user[i]!) / t : null)));
    const expFree = lastNonNull(memFree[0]!.points.map(([, v]) => v));

    const shownLoad = await legendValue(page, 'chart-load', 'load1');
    const shownUser = await legendValue(page, 'chart-cpu', 'user');
    const shownFree = await legendValue(page, 'chart-memory', 'free');
    assert.match(shownUser.text, /^\d+(\.\d+)? %$/);
    assert.match(shownFree.text, /^\d+(\.\d+)? (B|KiB|MiB|GiB|TiB)$/);
    assert.match(shownLoad.text, /^\d+(\.\d+)?$/);
    const close = (a: number, b: number | null) => b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    if (close(shownLoad.value, expLoad) && close(shownUser.value, expUser) && close(shownFree.value, expFree)) {
      lastMismatch = '';
      break;
    }
    lastMismatch = `load1 ${shownLoad.value} vs ${expLoad}, user ${shownUser.value} vs ${expUser}, free ${shownFree.value} vs ${expFree}`;
    const seq = Number(await page.getByTestId('host-metrics').getAttribute('data-seq'));
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.locator(`[data-testid=host-metrics][data-seq="${seq + 1}"]`).waitFor();
  }
  assert.equal(lastMismatch, '', 'legend values equal the API values');

  // top processes from the latest poll, as text
  await page.locator('[data-testid=top-cpu] tbody tr').first().waitFor();
  assert.ok((await page.locator('[data-testid=top-rss] tbody tr').count()) >= 1);
  await shot(page, 'mon-02-dashboard');

  // hovering one chart moves the cursor on the others too (shared cursor)
  const over = await page.locator('[data-testid=chart-cpu] .u-over').boundingBox();
  assert.ok(over);
  await page.mouse.move(over.x + over.width - 3, over.y + over.height / 2);
  await page.waitForFunction(() => !document.querySelector('[data-testid=chart-load] .chart-when')?.textContent?.startsWith('latest'));
  await shot(page, 'mon-03-dashboard-hover', false);
  await page.mouse.move(0, 0);
});

test('range picker: 7 d keeps series at about 600 points; custom range and drag-to-zoom', async () => {
  await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '7 d' }).click();
  await page.waitForURL(/range=7d/);
  await dashboardReady(page, '7d');
  const { from, to, step } = await shownRange(page);
  assert.ok(to - from >= 7 * 86_400_000 - 1000, '7 days');
  assert.equal(step, 1_200_000, '20 min step');
  for (const chart of ['chart-cpu', 'chart-memory', 'chart-load']) {
    const el = page.getByTestId(chart);
    assert.ok((await el.locator('canvas').count()) >= 1);
    assert.ok(Number(await el.getAttribute('data-points')) <= 601, `${chart} ≤ ~600 points at 7 d`);
    assert.ok(Number(await el.getAttribute('data-nonnull')) > 0, `${chart} still shows the recent data at 7 d`);
  }
  assert.equal(await page.getByRole('alert').count(), 0, 'no error banner');
  await shot(page, 'mon-04-dashboard-7d');

  // custom: the form is prefilled with the shown range; apply gives an absolute range in the URL
  await page.getByRole('button', { name: 'Custom…' }).click();
  const form = page.locator('form[aria-label="Custom range"]');
  const now = new Date();
  const local = (d: Date) => {
    const p2 = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
  };
  // the server has run for a minute or two: the data sits in the right half of this range
  await form.locator('input[name=from]').fill(local(new Date(now.getTime() - 4 * 60_000)));
  await form.locator('input[name=to]').fill(local(new Date(now.getTime() + 2 * 60_000)));
  await form.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/from=\d+&to=\d+/);
  await page.getByTestId('custom-range').waitFor();
  const custom = new URL(page.url()).searchParams;
  await dashboardReady(page, `${custom.get('from')}-${custom.get('to')}`);
  assert.ok(Number(await page.getByTestId('chart-cpu').getAttribute('data-nonnull')) > 0);

  // dragging across a chart zooms to the dragged span: here the last 30 s, where there are polls
  const before = new URL(page.url()).searchParams.get('from');
  const over = await page.locator('[data-testid=chart-load] .u-over').boundingBox();
  assert.ok(over);
  const cFrom = Number(custom.get('from'));
  const cTo = Number(custom.get('to'));
  const xOf = (t: number) => over.x + ((t - cFrom) / (cTo - cFrom)) * over.width;
  const end = Date.now();
  await page.mouse.move(xOf(end - 30_000), over.y + over.height / 2);
  await page.mouse.down();
  await page.mouse.move(xOf(end), over.y + over.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.waitForURL((u) => u.searchParams.get('from') !== before);
  const zoomed = new URL(page.url()).searchParams;
  assert.ok(Number(zoomed.get('to')) - Number(zoomed.get('from')) < 4 * 60_000, 'zoomed in');
  await dashboardReady(page, `${zoomed.get('from')}-${zoomed.get('to')}`);
  assert.ok(Number(await page.getByTestId('chart-cpu').getAttribute('data-nonnull')) > 0, 'the zoomed span has data');
  await page.mouse.move(0, 0);
  await shot(page, 'mon-05-dashboard-zoomed');
});

test('a host whose sshd stops shows DOWN in the overview, never zeros', async () => {
  assert.ok(existsSync('/usr/sbin/sshd'), 'sshd is missing: scripts/test-deps.sh installs openssh-server');
  sshd = await startSshd();
  await call('POST', '/hosts', { name: 'web1', ssh: `root@127.0.0.1:${sshd.port}`, privateKey: sshd.clientKey, groups: ['web'] });
  await until('2 polls of web1', async () => (await polls('web1')) >= 2, 60_000);
  await sshd.stop();
  sshd = undefined;
  await until('web1 down', async () => (await call<OverviewRow[]>('GET', '/metrics/overview')).find((r) => r.host === 'web1' && r.up === false), 60_000);

  await page.goto('/monitoring');
  const row = page.locator('[data-testid=monitor-table] tr[data-row="web1"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-condition'), 'down');
  const text = (await row.textContent()) ?? '';
  assert.match(text, /DOWN/);
  assert.doesNotMatch(text, /\d %|B\/s/, `no figures for a down host: ${text}`);
  // problems first: the down host is the first row
  assert.equal(await page.locator('[data-testid=monitor-table] tbody tr').first().getAttribute('data-row'), 'web1');
  await shot(page, 'mon-06-overview-down');

  await row.getByRole('link', { name: 'web1' }).click();
  await page.waitForURL('**/hosts/web1/metrics');
  await page.locator('h1 [data-status=down]').waitFor();
  await dashboardReady(page, '1h');
  await shot(page, 'mon-07-dashboard-down');
});

test('no page raised a script error', () => {
  assert.deepEqual(pageErrors, []);
});

/** The URL changes a moment before React re-renders the header: poll the attribute (bounded). */
async function waitForAttribute(locator: { getAttribute(name: string): Promise<string | null> }, name: string, value: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.getAttribute(name);
    if (last === value) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(last, value);
}
