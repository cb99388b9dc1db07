import type { Actor } from '../domain/actor';
import { outputText } from '../domain/terminal-text';
import type { JobRow } from '../infra/db/jobs-repository';
import type { AuditService } from './audit-service';
import type { HostService } from './host-service';
import { type JobHandler, type StepOutcome, stepFromError } from './job-handler';

export interface ExecParams {
  command: string;
  forks: number;
  timeoutSec: number;
  maxOutputBytes: number;
}

/**
 * The command runs inside a brace group with stdin from /dev/null: sh reads the whole group
 * before running it, so a command that reads stdin cannot swallow the rest of the script.
 */
export function execScript(command: string): string {
  return `{\n${command}\n} </dev/null\n`;
}

/** Batch exec: one shell command on every selected host. */
export class ExecJob implements JobHandler {
  readonly type = 'exec';

  constructor(
    private readonly hosts: HostService,
    private readonly audit: AuditService,
  ) {}

  forks(params: Record<string, unknown>): number {
    return Number((params as unknown as ExecParams).forks) || 1;
  }

  async runStep(job: JobRow, raw: Record<string, unknown>, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const params = raw as unknown as ExecParams;
    const actor: Actor = { type: 'user', name: job.created_by, role: 'operator', userId: null };
    const started = Date.now();
    try {
      const t = await this.hosts.transportByName(host);
      const r = await t.runScript(execScript(params.command), {
        timeoutMs: params.timeoutSec * 1000,
        maxOutputBytes: params.maxOutputBytes,
        signal,
      });
      await this.hosts.noteSuccess(host);
      const out = outputText(r.stdout);
      const err = outputText(r.stderr);
      await this.audit.record(actor, {
        action: 'host.exec', result: r.exitCode === 0 ? 'ok' : 'error', host, command: params.command,
        exitCode: r.exitCode, durationMs: r.durationMs, bytes: r.stdoutBytes + r.stderrBytes, jobId: job.id,
        detail: r.signal ? { signal: r.signal } : undefined,
      });
      return {
        status: r.exitCode === 0 ? 'ok' : 'failed',
        exitCode: r.exitCode,
        stdout: out.text,
        stderr: err.text,
        stdoutBytes: r.stdoutBytes,
        stderrBytes: r.stderrBytes,
        truncated: r.truncated,
        errorCode: r.exitCode === 0 ? null : r.signal ? 'KILLED' : 'EXIT_CODE',
        error: r.exitCode === 0 ? null : r.signal ? `killed by signal ${r.signal}` : `exit code ${r.exitCode}`,
        durationMs: r.durationMs,
      };
    } catch (e) {
      const outcome = stepFromError(e, Date.now() - started);
      await this.hosts.noteFailure(host, e);
      await this.audit.record(actor, { action: 'host.exec', result: 'error', host, command: params.command, durationMs: outcome.durationMs, jobId: job.id, detail: { error: outcome.errorCode, message: outcome.error } });
      return outcome;
    }
  }
}
