import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'src', 'cli', 'main.ts');
/** One process (node with tsx's loader), so a SIGKILL really kills the server: the tsx wrapper would leave its child running. */
export const NODE_ARGS = ['--import', 'tsx', CLI];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface RunningServer {
  url: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  proc: ChildProcess;
  log: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Kills the server without any chance to clean up (a crash). */
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** Runs `osdeck serve` from source on a free port and a fresh (or given) data dir. */
export async function startServer(opts: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'osdeck-test-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, OSDECK_DATA: dataDir, OSDECK_LISTEN: `127.0.0.1:${port}`, OSDECK_CONFIG: '/nonexistent', OSDECK_URL: url, ...opts.env };
  delete env.OSDECK_TOKEN;
  let output = '';
  const launch = async () => {
    const proc = spawn(process.execPath, [...NODE_ARGS, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (c) => (output += c));
    proc.stderr!.on('data', (c) => (output += c));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}):\n${output}`);
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.ok) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 150));
    }
    return proc;
  };
  const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
  const server: RunningServer = {
    url, dataDir, env, proc: await launch(), log: () => output,
    async stop(signal = 'SIGTERM') {
      server.proc.kill(signal);
      await exited(server.proc);
    },
    async kill() {
      server.proc.kill('SIGKILL');
      await exited(server.proc);
    },
    async restart() {
      server.proc = await launch();
    },
  };
  return server;
}

/** Creates the first admin offline and returns an env with OSDECK_TOKEN for CLI calls. */
export async function bootstrap(server: RunningServer, user = 'admin', password = 'correct-horse-battery'): Promise<{ token: string; env: NodeJS.ProcessEnv }> {
  const pw = join(server.dataDir, 'pw.txt');
  const tok = join(server.dataDir, 'admin.token');
  writeFileSync(pw, password + '\n', { mode: 0o600 });
  const r = await runCli(['admin', 'bootstrap', '--data', server.dataDir, '--user', user, '--password-file', pw, '--token-file', tok], { env: server.env });
  if (r.code !== 0) throw new Error(`bootstrap failed: ${r.stderr}`);
  rmSync(pw);
  const token = readFileSync(tok, 'utf8').trim();
  return { token, env: { ...server.env, OSDECK_TOKEN: token } };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...NODE_ARGS, ...args], { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}

/** Calls the API with a token. */
export async function api<T = unknown>(server: { url: string }, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${server.url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed as T, headers: r.headers };
}
