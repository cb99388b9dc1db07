/**
 * The one contract every way of reaching a host honours (local process, SSH). A script is sent
 * on stdin to `sh -s`, so one collection is one round trip and works with POSIX sh only.
 * A non-zero exit is a result; failing to run at all is a thrown HostError.
 */
export interface RunOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  /** bytes produced, including any that were dropped past the cap */
  stdoutBytes: number;
  stderrBytes: number;
  truncated: boolean;
  durationMs: number;
}

export interface Transport {
  readonly host: string;
  runScript(script: string, opts?: RunOptions): Promise<RunResult>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

/** Keeps at most `cap` bytes of a stream while counting everything. */
export class CappedBuffer {
  private chunks: Buffer[] = [];
  kept = 0;
  total = 0;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.cap - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }
  get truncated(): boolean {
    return this.total > this.kept;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
