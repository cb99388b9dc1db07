import { createHash } from 'node:crypto';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { HostError, type HostErrorCode } from '../../domain/errors';
import { Semaphore } from './semaphore';
import { CappedBuffer, DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS, type RunOptions, type RunResult, type Transport } from './transport';

export interface SshHostConfig {
  name: string;
  address: string;
  port: number;
  user: string;
  privateKey?: string;
  password?: string;
  /** The pinned host key fingerprint; null means "first contact: accept and report". */
  pinnedFingerprint: string | null;
}

export interface SshPoolOptions {
  connectTimeoutMs?: number;
  keepaliveMs?: number;
  /** sshd's MaxSessions defaults to 10; stay below it. */
  maxChannelsPerHost?: number;
  /** Handshakes cost ~5 ms of CPU each and sshd drops bursts (MaxStartups); cap them fleet-wide. */
  maxConcurrentHandshakes?: number;
  /** Transient connect failures are retried this many times with exponential backoff. */
  connectRetries?: number;
  /** Called when a host key was seen (first contact or mismatch). */
  onHostKey?: (host: string, fingerprint: string, pinned: string | null) => void;
}

/** OpenSSH-style fingerprint of a raw public key blob: SHA256:base64-without-padding. */
export function fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

interface Conn {
  signature: string;
  client: Client;
  ready: Promise<void>;
  alive: boolean;
  channels: Semaphore;
  seenFingerprint: string | null;
}

// Only resets and dropped handshakes (sshd MaxStartups) are worth retrying; a timeout already cost its full wait.
const TRANSIENT: HostErrorCode[] = ['TRANSPORT_ERROR'];

/**
 * One persistent SSH connection per host, a bounded number of channels on it, keepalive, and
 * reconnect with backoff. Connections are keyed by host name and re-made when the host's
 * connection settings or pinned key change.
 */
export class SshPool {
  private conns = new Map<string, Conn>();
  private handshakes: Semaphore;
  private closed = false;
  private readonly o: Required<Omit<SshPoolOptions, 'onHostKey'>> & Pick<SshPoolOptions, 'onHostKey'>;

  constructor(opts: SshPoolOptions = {}) {
    this.o = {
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      keepaliveMs: opts.keepaliveMs ?? 15_000,
      maxChannelsPerHost: opts.maxChannelsPerHost ?? 8,
      maxConcurrentHandshakes: opts.maxConcurrentHandshakes ?? 32,
      connectRetries: opts.connectRetries ?? 2,
      onHostKey: opts.onHostKey,
    };
    this.handshakes = new Semaphore(this.o.maxConcurrentHandshakes);
  }

  transport(cfg: SshHostConfig): Transport & { fingerprint(): Promise<string> } {
    return {
      host: cfg.name,
      runScript: (script, opts) => this.run(cfg, script, opts),
      fingerprint: async () => {
        const c = await this.connection(cfg, undefined);
        return c.seenFingerprint!;
      },
    };
  }

  get size(): number {
    return this.conns.size;
  }

  /** Drops a host's connection (after removal, re-trust, or credential change). */
  drop(name: string): void {
    const c = this.conns.get(name);
    if (c) {
      this.conns.delete(name);
      c.alive = false;
      c.client.end();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const name of [...this.conns.keys()]) this.drop(name);
  }

  private async run(cfg: SshHostConfig, script: string, opts: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = Date.now();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    const why = () =>
      opts.signal?.aborted
        ? new HostError('CANCELLED', cfg.name, 'cancelled')
        : new HostError('COMMAND_TIMEOUT', cfg.name, `command timed out after ${timeoutMs / 1000}s`);
    if (signal.aborted) throw why();

    for (let attempt = 0; ; attempt++) {
      const conn = await this.connection(cfg, signal).catch((e) => {
        if (signal.aborted && !(e instanceof HostError && e.code !== 'CONNECT_TIMEOUT')) throw why();
        throw e;
      });
      let release: () => void;
      try {
        release = await conn.channels.acquire(signal);
      } catch {
        throw why();
      }
      try {
        return await this.exec(cfg, conn, script, opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT, signal, why, started);
      } catch (e) {
        // A connection that died between use and exec, or a refused channel, gets one fresh try.
        if (e instanceof HostError && e.code === 'CHANNEL_FAILED' && attempt < 2 && !signal.aborted) {
          if (!conn.alive) this.conns.delete(cfg.name);
          await sleep(100 * (attempt + 1));
          continue;
        }
        throw e;
      } finally {
        release();
      }
    }
  }

  private exec(
    cfg: SshHostConfig,
    conn: Conn,
    script: string,
    cap: number,
    signal: AbortSignal,
    why: () => HostError,
    started: number,
  ): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      conn.client.exec('sh -s', (err, stream: ClientChannel) => {
        if (err) {
          return reject(new HostError('CHANNEL_FAILED', cfg.name, `cannot open a channel: ${err.message}`));
        }
        const out = new CappedBuffer(cap);
        const errOut = new CappedBuffer(cap);
        let settled = false;
        const onAbort = () => {
          if (settled) return;
          settled = true;
          try {
            stream.signal('KILL');
          } catch {
            /* old servers ignore signals; closing the channel still ends our wait */
          }
          stream.close();
          const e = why();
          e.partial = { stdout: out.toBuffer(), stderr: errOut.toBuffer(), stdoutBytes: out.total, stderrBytes: errOut.total };
          reject(e);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        stream.on('data', (c: Buffer) => out.push(c));
        stream.stderr.on('data', (c: Buffer) => errOut.push(c));
        stream.on('error', () => {});
        stream.on('close', (code: number | null, sig?: string) => {
          signal.removeEventListener('abort', onAbort);
          if (settled) return;
          settled = true;
          if (!conn.alive && code == null) {
            return reject(new HostError('HOST_UNREACHABLE', cfg.name, 'connection lost while the command was running'));
          }
          resolve({
            exitCode: code ?? null,
            signal: sig ?? null,
            stdout: out.toBuffer(),
            stderr: errOut.toBuffer(),
            stdoutBytes: out.total,
            stderrBytes: errOut.total,
            truncated: out.truncated || errOut.truncated,
            durationMs: Date.now() - started,
          });
        });
        stream.end(script);
      });
    });
  }

  private signatureOf(cfg: SshHostConfig): string {
    const secret = createHash('sha256').update(cfg.privateKey ?? cfg.password ?? '').digest('hex');
    return [cfg.address, cfg.port, cfg.user, cfg.pinnedFingerprint ?? '-', secret].join('|');
  }

  private async connection(cfg: SshHostConfig, signal: AbortSignal | undefined): Promise<Conn> {
    if (this.closed) throw new HostError('TRANSPORT_ERROR', cfg.name, 'transport is shutting down');
    const signature = this.signatureOf(cfg);
    const existing = this.conns.get(cfg.name);
    if (existing && existing.alive && existing.signature === signature) {
      await existing.ready;
      return existing;
    }
    if (existing) this.drop(cfg.name);
    let lastErr: HostError | null = null;
    for (let attempt = 0; attempt <= this.o.connectRetries; attempt++) {
      if (attempt > 0) await sleep(250 * 2 ** (attempt - 1));
      const conn = this.connect(cfg, signature, signal);
      this.conns.set(cfg.name, conn);
      try {
        await conn.ready;
        return conn;
      } catch (e) {
        if (this.conns.get(cfg.name) === conn) this.conns.delete(cfg.name);
        lastErr = e as HostError;
        if (!TRANSIENT.includes(lastErr.hostCode) || signal?.aborted) break;
      }
    }
    throw lastErr!;
  }

  private connect(cfg: SshHostConfig, signature: string, signal: AbortSignal | undefined): Conn {
    const client = new Client();
    const conn: Conn = {
      signature,
      client,
      alive: true,
      channels: new Semaphore(this.o.maxChannelsPerHost),
      seenFingerprint: null,
      ready: Promise.resolve(),
    };
    let keyMismatch = false;
    conn.ready = (async () => {
      const release = await this.handshakes.acquire(signal).catch(() => {
        throw new HostError('CONNECT_TIMEOUT', cfg.name, 'gave up waiting to connect');
      });
      try {
        await new Promise<void>((resolve, reject) => {
          let done = false;
          const fail = (e: HostError) => {
            if (done) return;
            done = true;
            conn.alive = false;
            client.end();
            reject(e);
          };
          client.on('ready', () => {
            if (done) return;
            done = true;
            resolve();
          });
          client.on('error', (err: Error & { level?: string; code?: string }) => {
            if (!done) fail(classify(cfg, err, keyMismatch, conn.seenFingerprint));
            conn.alive = false;
          });
          client.on('close', () => {
            conn.alive = false;
            if (this.conns.get(cfg.name) === conn) this.conns.delete(cfg.name);
            fail(new HostError('HOST_UNREACHABLE', cfg.name, 'connection closed during handshake'));
          });
          const config: ConnectConfig = {
            host: cfg.address,
            port: cfg.port,
            username: cfg.user,
            readyTimeout: this.o.connectTimeoutMs,
            keepaliveInterval: this.o.keepaliveMs,
            keepaliveCountMax: 3,
            hostVerifier: (key: Buffer) => {
              const fp = fingerprint(key);
              conn.seenFingerprint = fp;
              this.o.onHostKey?.(cfg.name, fp, cfg.pinnedFingerprint);
              if (cfg.pinnedFingerprint && cfg.pinnedFingerprint !== fp) {
                keyMismatch = true;
                return false;
              }
              return true;
            },
          };
          if (cfg.privateKey) config.privateKey = cfg.privateKey;
          if (cfg.password) {
            config.password = cfg.password;
            config.tryKeyboard = true;
            client.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map(() => cfg.password!)));
          }
          try {
            client.connect(config);
          } catch (err) {
            fail(new HostError('TRANSPORT_ERROR', cfg.name, (err as Error).message));
          }
        });
      } finally {
        release();
      }
    })();
    conn.ready.catch(() => {});
    return conn;
  }
}

function classify(
  cfg: SshHostConfig,
  err: Error & { level?: string; code?: string },
  keyMismatch: boolean,
  seen: string | null,
): HostError {
  const where = `${cfg.user}@${cfg.address}:${cfg.port}`;
  if (keyMismatch) {
    return new HostError(
      'HOST_KEY_MISMATCH',
      cfg.name,
      `host key changed: pinned ${cfg.pinnedFingerprint}, server offered ${seen}. Refusing to connect; if the host was reinstalled, run 'osdeck hosts trust ${cfg.name}'`,
      { pinned: cfg.pinnedFingerprint, offered: seen },
    );
  }
  if (err.level === 'client-authentication') {
    return new HostError('AUTH_FAILED', cfg.name, `authentication failed for ${where} (wrong key or password?)`);
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return new HostError('CONNECTION_REFUSED', cfg.name, `connection refused by ${where} (is sshd running?)`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HostError('HOST_UNREACHABLE', cfg.name, `cannot reach ${where}: ${err.code}`);
    case 'ETIMEDOUT':
      return new HostError('CONNECT_TIMEOUT', cfg.name, `connection to ${where} timed out`);
  }
  if (/timed out/i.test(err.message)) {
    return new HostError('CONNECT_TIMEOUT', cfg.name, `connection to ${where} timed out during handshake`);
  }
  return new HostError('TRANSPORT_ERROR', cfg.name, `SSH error with ${where}: ${err.message}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
