/**
 * A Transport that runs the probe inside a network namespace (`ip netns exec NS sh -s`), with the
 * same contract as LocalTransport: the script on stdin, a timeout that kills the whole process
 * group, capped output. Network diagnoses are tested this way against a namespace pair with real
 * loss between them, so /proc/net/*, ss and ping see only that namespace's traffic.
 */
import { spawn } from 'node:child_process';
import { HostError } from '../../src/domain/errors';
import { CappedBuffer, DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS, type RunOptions, type RunResult, type Transport } from '../../src/infra/transport/transport';

export class NetnsTransport implements Transport {
  constructor(
    readonly netns: string,
    readonly host = netns,
  ) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(netns)) throw new Error(`bad netns name ${JSON.stringify(netns)}`);
  }

  runScript(script: string, opts: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new HostError('CANCELLED', this.host, 'cancelled before start'));
      const child = spawn('ip', ['netns', 'exec', this.netns, 'sh', '-s'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out = new CappedBuffer(cap);
      const err = new CappedBuffer(cap);
      let failure: HostError | null = null;
      const kill = (why: HostError) => {
        failure ??= why;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => kill(new HostError('COMMAND_TIMEOUT', this.host, `command timed out after ${timeoutMs / 1000}s`)), timeoutMs);
      const onAbort = () => kill(new HostError('CANCELLED', this.host, 'cancelled'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.stdin.on('error', () => {});
      child.on('error', (e) => {
        failure ??= new HostError('TRANSPORT_ERROR', this.host, `cannot start ip netns exec: ${e.message}`);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (failure) {
          failure.partial = { stdout: out.toBuffer(), stderr: err.toBuffer(), stdoutBytes: out.total, stderrBytes: err.total };
          return reject(failure);
        }
        resolve({
          exitCode: code,
          signal: signal ?? null,
          stdout: out.toBuffer(),
          stderr: err.toBuffer(),
          stdoutBytes: out.total,
          stderrBytes: err.total,
          truncated: out.truncated || err.truncated,
          durationMs: Date.now() - started,
        });
      });
      child.stdin.end(script);
    });
  }
}
