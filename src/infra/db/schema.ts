import type { Generated } from 'kysely';

/** Kysely table types. Times are ISO-8601 text and booleans integers, so SQLite and PostgreSQL agree. */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: string;
  name: string;
  password_hash: string;
  role: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  user_id: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface HostsTable {
  id: string;
  name: string;
  transport: string;
  address: string | null;
  port: number | null;
  ssh_user: string | null;
  auth_type: string | null;
  secret_enc: string | null;
  host_key_fp: string | null;
  host_key_seen_fp: string | null;
  groups_json: string;
  tags_json: string;
  facts_json: string | null;
  facts_at: string | null;
  state: string;
  last_error: string | null;
  last_seen_at: string | null;
  created_at: string;
}

export interface JobsTable {
  id: string;
  type: string;
  params_json: string;
  selector: string | null;
  status: string;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  total: number;
  owner: string | null;
  heartbeat_at: string | null;
  cancel_requested: number;
  error: string | null;
}

export interface JobStepsTable {
  job_id: string;
  seq: number;
  host: string;
  status: string;
  exit_code: number | null;
  stdout: string | null;
  stderr: string | null;
  stdout_bytes: number;
  stderr_bytes: number;
  truncated: number;
  error_code: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  worker: string | null;
}

export interface AuditTable {
  id: Generated<number>;
  ts: string;
  actor: string;
  actor_type: string;
  source_ip: string | null;
  action: string;
  target: string | null;
  result: string;
  host: string | null;
  command: string | null;
  exit_code: number | null;
  duration_ms: number | null;
  bytes: number | null;
  job_id: string | null;
  detail_json: string | null;
}

export interface AlertRulesTable {
  id: string;
  name: string;
  selector: string;
  metric: string;
  op: string;
  threshold: number;
  for_sec: number;
  webhook_url: string | null;
  created_by: string;
  created_at: string;
}

export interface AlertEventsTable {
  id: Generated<number>;
  rule_id: string;
  rule_name: string;
  host: string;
  state: string;
  value: number | null;
  ts: string;
  webhook_status: string | null;
}

/** One diagnosis result: a report about one host (or an uploaded log, host null). */
export interface DiagnosisReportsTable {
  id: string;
  job_id: string | null;
  host: string | null;
  diagnosis: string;
  params_json: string;
  severity: string;
  conclusion: string;
  report_json: string;
  created_by: string;
  created_at: string;
}

/** An operator's tuning profile (YAML as written; validated on save). */
export interface TuneProfilesTable {
  name: string;
  description: string;
  yaml: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** The latest check of one rule on one host: the compliance matrix. */
export interface TuneResultsTable {
  host: string;
  rule_id: string;
  status: string;
  current_text: string;
  expected_text: string;
  detail: string | null;
  fixable: number;
  profile: string | null;
  job_id: string | null;
  checked_at: string;
}

/** One tuning action on one host; an apply keeps its plan (before and after of everything) so revert is exact. */
export interface TuneRunsTable {
  id: string;
  job_id: string | null;
  host: string;
  action: string;
  profile: string | null;
  rules_json: string;
  status: string;
  plan_json: string | null;
  diff_text: string | null;
  message: string | null;
  reverts_run: string | null;
  reverted_by: string | null;
  created_by: string;
  created_at: string;
  finished_at: string | null;
}

export interface MigrationAssessmentsTable {
  id: string;
  job_id: string | null;
  host: string;
  /** "/" for the running system, else the offline root's path */
  root: string;
  path: string;
  readiness: string;
  counts_json: string;
  report_json: string;
  created_at: string;
}

export interface MigrationBackupsTable {
  id: string;
  job_id: string | null;
  host: string;
  root: string;
  /** where the backup lives on the host */
  dir: string;
  /** running | verified | failed */
  state: string;
  sha256: string | null;
  bytes: number | null;
  files: number | null;
  message: string | null;
  created_by: string;
  created_at: string;
  finished_at: string | null;
}

export interface MigrationRunsTable {
  id: string;
  job_id: string | null;
  host: string;
  root: string;
  path: string;
  wave: number;
  /** queued | prechecking | backing-up | migrating | paused | done | failed | stopped | rolled-back | rollback-failed | skipped | blocked | cancelled */
  state: string;
  step: string | null;
  ponr: number;
  backup_id: string | null;
  assessment_id: string | null;
  options_json: string;
  message: string | null;
  before_json: string | null;
  after_json: string | null;
  result_json: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface Database {
  migration_assessments: MigrationAssessmentsTable;
  migration_backups: MigrationBackupsTable;
  migration_runs: MigrationRunsTable;
  tune_profiles: TuneProfilesTable;
  tune_results: TuneResultsTable;
  tune_runs: TuneRunsTable;
  diagnosis_reports: DiagnosisReportsTable;
  alert_rules: AlertRulesTable;
  alert_events: AlertEventsTable;
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  hosts: HostsTable;
  jobs: JobsTable;
  job_steps: JobStepsTable;
  audit: AuditTable;
}
