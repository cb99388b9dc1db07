import { spawn } from 'node:child_process';
import { HostError } from '../../domain/errors';
import { CappedBuffer, DEFAULT_MAX_OUTPUT, DEFAULT_TIMEOUT_MS, type RunOptions, type RunResult, type Transport } from './transport';

/** Runs scripts on the machine osdeck itself runs on, with the same contract as SSH. */
export class LocalTransport implements Transport {
  /**
   * `wrapper` runs the shell through another command, e.g. ['ip', 'netns', 'exec', NS] to run a
   * script inside a network namespace (the tests' namespace pairs); empty = this machine as it is.
   */
  constructor(
    readonly host = 'local',
    private readonly wrapper: readonly string[] = [],
  ) {}

  runScript(script: string, opts: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new HostError('CANCELLED', this.host, 'cancelled before start'));
      // detached: the script gets its own process group, so a timeout kills its children too
      const [cmd, ...args] = [...this.wrapper, 'sh', '-s'];
      const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
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
      child.stdin.on('error', () => {}); // script exited before reading all of stdin
      child.on('error', (e) => {
        failure ??= new HostError('TRANSPORT_ERROR', this.host, `cannot start sh: ${e.message}`);
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
