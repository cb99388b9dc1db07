import type { Actor } from '../domain/actor';
import { type Clock, iso } from '../infra/clock';
import type { AuditQuery, AuditRepository, AuditRow } from '../infra/db/audit-repository';

export interface AuditEvent {
  action: string;
  result: 'ok' | 'error' | 'denied';
  target?: string | null;
  host?: string | null;
  command?: string | null;
  exitCode?: number | null;
  durationMs?: number | null;
  bytes?: number | null;
  jobId?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  ts: string;
  actor: string;
  actorType: string;
  sourceIp: string | null;
  action: string;
  target: string | null;
  result: string;
  host: string | null;
  command: string | null;
  exitCode: number | null;
  durationMs: number | null;
  bytes: number | null;
  jobId: string | null;
  detail: Record<string, unknown> | null;
}

const MAX_COMMAND = 4096;

/** The append-only record of every mutating call and every remote command. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async record(actor: Actor, e: AuditEvent): Promise<void> {
    await this.repo.append([
      {
        ts: iso(this.clock),
        actor: actor.name,
        actor_type: actor.type,
        source_ip: actor.sourceIp ?? null,
        action: e.action,
        target: e.target ?? null,
        result: e.result,
        host: e.host ?? null,
        command: e.command ? e.command.slice(0, MAX_COMMAND) : null,
        exit_code: e.exitCode ?? null,
        duration_ms: e.durationMs ?? null,
        bytes: e.bytes ?? null,
        job_id: e.jobId ?? null,
        detail_json: e.detail ? JSON.stringify(e.detail) : null,
      },
    ]);
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    return (await this.repo.query(q)).map(toEntry);
  }
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: Number(r.id),
    ts: r.ts,
    actor: r.actor,
    actorType: r.actor_type,
    sourceIp: r.source_ip,
    action: r.action,
    target: r.target,
    result: r.result,
    host: r.host,
    command: r.command,
    exitCode: r.exit_code,
    durationMs: r.duration_ms,
    bytes: r.bytes === null ? null : Number(r.bytes),
    jobId: r.job_id,
    detail: r.detail_json ? (JSON.parse(r.detail_json) as Record<string, unknown>) : null,
  };
}
