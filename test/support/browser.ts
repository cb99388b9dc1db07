import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { ROOT, type RunningServer, api, bootstrap, startServer } from './server-harness';

/** Debian's Chromium (never a downloaded one); OSDECK_CHROMIUM overrides the path. */
export const CHROMIUM = process.env.OSDECK_CHROMIUM ?? '/usr/bin/chromium';
/** Where e2e tests leave screenshots for a person to look at. */
export const SHOTS = process.env.OSDECK_SHOTS ?? '/tmp/osdeck-shots';

/** Builds the console (the server looks for dist/web when it starts, so this comes first). */
export function buildWeb(): void {
  try {
    execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe', timeout: 180_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm run build:web failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('build:web did not write dist/web/index.html');
  mkdirSync(SHOTS, { recursive: true });
}

/** Headless Chromium with the flags this closed network needs (no background connections). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set OSDECK_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context logged in as `user` (lands on /hosts); page errors are pushed to `errors`. */
export async function logInPage(browser: Browser, baseURL: string, user: string, password: string, errors: string[]): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, viewport: { width: 1400, height: 1000 } });
  const p = await ctx.newPage();
  p.setDefaultTimeout(60_000);
  p.on('pageerror', (e) => errors.push(`${p.url()}: ${e.message}`));
  await p.goto('/login');
  await p.fill('form[aria-label="Login"] input[name=user]', user);
  await p.fill('form[aria-label="Login"] input[name=password]', password);
  await p.click('form[aria-label="Login"] button[type=submit]');
  await p.waitForURL('**/hosts');
  return p;
}

/** A console test's world: the web built, a server with an admin (its token) and a viewer `vera`, and Chromium. */
export interface ConsoleFixture {
  server: RunningServer;
  token: string;
  browser: Browser;
  close(): Promise<void>;
}

export const VIEWER = { name: 'vera', password: 'viewer-password-123' };

export async function startConsole(): Promise<ConsoleFixture> {
  buildWeb();
  const server = await startServer();
  const { token } = await bootstrap(server);
  const u = await api(server, token, 'POST', '/users', { name: VIEWER.name, password: VIEWER.password, role: 'viewer' });
  if (u.status !== 201) throw new Error(`creating the viewer failed: ${JSON.stringify(u.body)}`);
  const browser = await launchChromium();
  return {
    server,
    token,
    browser,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}
