import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-harness';

export interface PromServer {
  url: string;
  log: () => string;
  stop(): Promise<void>;
}

async function launch(cmd: string, args: string[], url: string, ready: string, dir: string): Promise<PromServer> {
  let output = '';
  const proc: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  proc.stdout!.on('data', (c) => (output += c));
  proc.stderr!.on('data', (c) => (output += c));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${cmd} exited:\n${output}`);
    try {
      if ((await fetch(`${url}${ready}`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error(`${cmd} did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    log: () => output,
    async stop() {
      await new Promise<void>((r) => {
        if (proc.exitCode !== null) return r();
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's victoria-metrics on loopback; recent data is queryable at once (no latency offset). */
export async function startVictoriaMetrics(): Promise<PromServer> {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-vm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return launch('victoria-metrics', [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'data')}`, '-search.latencyOffset=0s', '-search.disableCache', '-retentionPeriod=1d'], url, '/health', dir);
}

/** Debian's prometheus scraping `target`'s /metrics with a bearer token every second. */
export async function startPrometheus(target: string, token: string): Promise<PromServer> {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-prom-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = new URL(target);
  writeFileSync(join(dir, 'token'), token);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: osdeck',
      '    metrics_path: /metrics',
      `    authorization: { type: Bearer, credentials_file: ${join(dir, 'token')} }`,
      `    static_configs: [ { targets: ['${t.host}'] } ]`,
    ].join('\n') + '\n',
  );
  return launch('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], url, '/-/ready', dir);
}
