import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Migrations are code, kept in one ordered record so a bundled build carries them. They are
 * written once for both engines; the few type differences go through `dialect`.
 * Never edit a migration that has shipped: add the next one.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const bigText = dialect === 'postgres' ? 'text' : 'text';
  return {
    '0001-spine': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema
          .createTable('hosts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('transport', 'text', (c) => c.notNull())
          .addColumn('address', 'text')
          .addColumn('port', 'integer')
          .addColumn('ssh_user', 'text')
          .addColumn('auth_type', 'text')
          .addColumn('secret_enc', 'text')
          .addColumn('host_key_fp', 'text')
          .addColumn('host_key_seen_fp', 'text')
          .addColumn('groups_json', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('tags_json', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('facts_json', 'text')
          .addColumn('facts_at', 'text')
          .addColumn('state', 'text', (c) => c.notNull().defaultTo('unknown'))
          .addColumn('last_error', 'text')
          .addColumn('last_seen_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('params_json', 'text', (c) => c.notNull())
          .addColumn('selector', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('finished_at', 'text')
          .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('owner', 'text')
          .addColumn('heartbeat_at', 'text')
          .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('error', 'text')
          .execute();
        await db.schema.createIndex('jobs_status').on('jobs').column('status').execute();
        await db.schema
          .createTable('job_steps')
          .addColumn('job_id', 'text', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('exit_code', 'integer')
          .addColumn('stdout', bigText)
          .addColumn('stderr', bigText)
          .addColumn('stdout_bytes', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('stderr_bytes', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('truncated', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('error_code', 'text')
          .addColumn('error', 'text')
          .addColumn('started_at', 'text')
          .addColumn('finished_at', 'text')
          .addColumn('duration_ms', 'integer')
          .addColumn('worker', 'text')
          .addPrimaryKeyConstraint('job_steps_pk', ['job_id', 'host'])
          .execute();
        await db.schema
          .createTable('audit')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('ts', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('actor_type', 'text', (c) => c.notNull())
          .addColumn('source_ip', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text')
          .addColumn('result', 'text', (c) => c.notNull())
          .addColumn('host', 'text')
          .addColumn('command', 'text')
          .addColumn('exit_code', 'integer')
          .addColumn('duration_ms', 'integer')
          .addColumn('bytes', 'integer')
          .addColumn('job_id', 'text')
          .addColumn('detail_json', 'text')
          .execute();
        await db.schema.createIndex('audit_ts').on('audit').column('ts').execute();
        // Append-only is enforced by the database itself, not only by the repository.
        if (dialect === 'sqlite') {
          await sql`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);
          await sql`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);
        } else {
          await sql`CREATE FUNCTION osdeck_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$`.execute(db);
          await sql`CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION osdeck_audit_append_only()`.execute(db);
        }
      },
    },
    '0002-alerts': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('alert_rules')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('selector', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('op', 'text', (c) => c.notNull())
          .addColumn('threshold', 'double precision', (c) => c.notNull())
          .addColumn('for_sec', 'integer', (c) => c.notNull())
          .addColumn('webhook_url', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('alert_events')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('rule_name', 'text', (c) => c.notNull())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('value', 'double precision')
          .addColumn('ts', 'text', (c) => c.notNull())
          .addColumn('webhook_status', 'text')
          .execute();
        await db.schema.createIndex('alert_events_rule_host').on('alert_events').columns(['rule_id', 'host', 'id']).execute();
      },
    },
    '0003-diagnoses': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('diagnosis_reports')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('job_id', 'text')
          .addColumn('host', 'text')
          .addColumn('diagnosis', 'text', (c) => c.notNull())
          .addColumn('params_json', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('conclusion', 'text', (c) => c.notNull())
          .addColumn('report_json', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('diagnosis_reports_host').on('diagnosis_reports').columns(['host', 'diagnosis', 'created_at']).execute();
        await db.schema.createIndex('diagnosis_reports_job').on('diagnosis_reports').columns(['job_id']).execute();
        await db.schema.createIndex('diagnosis_reports_created').on('diagnosis_reports').columns(['created_at']).execute();
      },
    },
    '0004-tuning': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('tune_profiles')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('yaml', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('tune_results')
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('current_text', 'text', (c) => c.notNull())
          .addColumn('expected_text', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .addColumn('fixable', 'integer', (c) => c.notNull())
          .addColumn('profile', 'text')
          .addColumn('job_id', 'text')
          .addColumn('checked_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('tune_results_pk', ['host', 'rule_id'])
          .execute();
        await db.schema
          .createTable('tune_runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('job_id', 'text')
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('profile', 'text')
          .addColumn('rules_json', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('plan_json', 'text')
          .addColumn('diff_text', 'text')
          .addColumn('message', 'text')
          .addColumn('reverts_run', 'text')
          .addColumn('reverted_by', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .execute();
        await db.schema.createIndex('tune_runs_host').on('tune_runs').columns(['host', 'created_at']).execute();
        await db.schema.createIndex('tune_runs_job').on('tune_runs').columns(['job_id']).execute();
      },
    },
    '0005-migration': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('migration_assessments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('job_id', 'text')
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('root', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('readiness', 'text', (c) => c.notNull())
          .addColumn('counts_json', 'text', (c) => c.notNull())
          .addColumn('report_json', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('migration_assessments_host').on('migration_assessments').columns(['host', 'created_at']).execute();
        await db.schema
          .createTable('migration_backups')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('job_id', 'text')
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('root', 'text', (c) => c.notNull())
          .addColumn('dir', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('sha256', 'text')
          .addColumn('bytes', 'integer')
          .addColumn('files', 'integer')
          .addColumn('message', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .execute();
        await db.schema.createIndex('migration_backups_host').on('migration_backups').columns(['host', 'created_at']).execute();
        await db.schema
          .createTable('migration_runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('job_id', 'text')
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('root', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('wave', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('step', 'text')
          .addColumn('ponr', 'integer', (c) => c.notNull())
          .addColumn('backup_id', 'text')
          .addColumn('assessment_id', 'text')
          .addColumn('options_json', 'text', (c) => c.notNull())
          .addColumn('message', 'text')
          .addColumn('before_json', 'text')
          .addColumn('after_json', 'text')
          .addColumn('result_json', 'text')
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .execute();
        await db.schema.createIndex('migration_runs_host').on('migration_runs').columns(['host', 'created_at']).execute();
        await db.schema.createIndex('migration_runs_job').on('migration_runs').columns(['job_id']).execute();
      },
    },
  };
}

export class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}
