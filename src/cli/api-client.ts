import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { CliError } from './cli-error';

export interface ClientConfig {
  url: string;
  token?: string;
}

export function cliConfigPath(env = process.env): string {
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'osdeck', 'cli.yaml');
}

/** OSDECK_URL / OSDECK_TOKEN win over the config file (~/.config/osdeck/cli.yaml: url, token). */
export function clientConfig(env = process.env): ClientConfig {
  let file: Partial<ClientConfig> = {};
  const path = cliConfigPath(env);
  if (existsSync(path)) {
    try {
      file = (YAML.parse(readFileSync(path, 'utf8')) ?? {}) as Partial<ClientConfig>;
    } catch (e) {
      throw new CliError('CONFIG_INVALID', `${path}: ${(e as Error).message}`);
    }
  }
  const token = env.OSDECK_TOKEN ?? (env.OSDECK_TOKEN_FILE ? readFileSync(env.OSDECK_TOKEN_FILE, 'utf8').trim() : undefined) ?? file.token;
  return { url: (env.OSDECK_URL ?? file.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''), token };
}

/** A thin client of the REST API; errors come back as CliError with the server's problem code. */
export class ApiClient {
  constructor(readonly cfg: ClientConfig) {}

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (json) h['content-type'] = 'application/json';
    if (this.cfg.token) h.authorization = `Bearer ${this.cfg.token}`;
    return h;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.cfg.url}/api/v1${path}`, { method, headers: this.headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new CliError('SERVER_UNREACHABLE', `cannot reach the osdeck server at ${this.cfg.url} (${cause}); is 'osdeck serve' running? set OSDECK_URL`);
    }
    if (!res.ok) {
      const text = await res.text();
      let code = `HTTP_${res.status}`;
      let detail = text.slice(0, 300);
      try {
        const p = JSON.parse(text) as { code?: string; detail?: string };
        code = p.code ?? code;
        detail = p.detail ?? detail;
      } catch {
        /* not problem+json */
      }
      if (res.status === 401 && !this.cfg.token) detail += ' (set OSDECK_TOKEN, or run osdeck setup)';
      throw new CliError(code, detail);
    }
    return res;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await (await this.send(method, path, body)).text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A document (HTML, XLSX) the server renders, as bytes. */
  async document(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Buffer> {
    return Buffer.from(await (await this.send(method, path, body)).arrayBuffer());
  }

  get = <T>(path: string) => this.request<T>('GET', path);
  post = <T>(path: string, body: unknown = {}) => this.request<T>('POST', path, body);
  del = <T>(path: string) => this.request<T>('DELETE', path);

  /** Server-sent events as an async iterator of {event, data}. */
  async *events(path: string, signal?: AbortSignal): AsyncGenerator<{ event: string; data: unknown }> {
    const res = await fetch(`${this.cfg.url}/api/v1${path}`, { headers: { ...this.headers(false), accept: 'text/event-stream' }, signal });
    if (!res.ok || !res.body) throw new CliError(`HTTP_${res.status}`, `cannot follow ${path}: ${res.status}`);
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let idx: number;
      while ((idx = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) yield { event, data: JSON.parse(data.join('\n')) };
      }
    }
  }
}
