import type { JobRow } from '../infra/db/jobs-repository';
import type { JobHandler, StepOutcome } from './job-handler';
import type { MigrateJobParams, MigrationService } from './migration-service';

export const MIGRATE_JOB_TYPES = ['migrate-assess', 'migrate-backup', 'migrate-run', 'migrate-rollback', 'migrate-restore'] as const;

/**
 * Migration work on each host. Every step picks up the host's own state (the agent's status
 * files and the run's row), so a step cut off by a restart runs again and carries on.
 */
export class MigrateJob implements JobHandler {
  readonly resumable = true;
  constructor(
    readonly type: (typeof MIGRATE_JOB_TYPES)[number],
    private readonly migration: MigrationService,
  ) {}
  forks(params: Record<string, unknown>): number {
    return Number((params as unknown as MigrateJobParams).forks) || 10;
  }
  runStep(job: JobRow, params: Record<string, unknown>, host: string, signal: AbortSignal): Promise<StepOutcome> {
    const p = params as unknown as MigrateJobParams;
    switch (this.type) {
      case 'migrate-assess':
        return this.migration.runAssessStep(job, p, host, signal);
      case 'migrate-backup':
        return this.migration.runBackupStep(job, p, host, signal);
      case 'migrate-run':
        return this.migration.runMigrateStep(job, p, host, signal);
      case 'migrate-rollback':
      case 'migrate-restore':
        return this.migration.runRestoreStep(job, p, host, signal);
    }
  }
}
