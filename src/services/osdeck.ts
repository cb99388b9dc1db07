import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../infra/clock';
import type { Config } from '../infra/config';
import { SecretBox } from '../infra/crypto/secret-box';
import { AuditRepository } from '../infra/db/audit-repository';
import { type Db, openDatabase } from '../infra/db/database';
import { HostsRepository } from '../infra/db/hosts-repository';
import { JobsRepository } from '../infra/db/jobs-repository';
import { SettingsRepository } from '../infra/db/settings-repository';
import { UsersRepository } from '../infra/db/users-repository';
import { BullMqQueue } from '../infra/queue/bullmq-queue';
import { InProcessQueue } from '../infra/queue/in-process-queue';
import type { JobQueue } from '../infra/queue/job-queue';
import { SshPool } from '../infra/transport/ssh-pool';
import { join } from 'node:path';
import type { MetricsStore } from '../infra/tsdb/metrics-store';
import { SqliteMetricsStore } from '../infra/tsdb/sqlite-metrics-store';
import { VictoriaMetricsStore } from '../infra/tsdb/victoria-metrics-store';
import { AuditService } from './audit-service';
import { MetricsCollector } from './metrics-collector';
import { MetricsService } from './metrics-service';
import { ReportService } from './report-service';
import { AlertService } from './alert-service';
import { AlertsRepository } from '../infra/db/alerts-repository';
import { AuthService } from './auth-service';
import { ExecJob } from './exec-job';
import { WorkloadJob } from './workload-job';
import { DiagnoseJob } from './diagnose-job';
import { DiagnosisService } from './diagnosis-service';
import { TuneService } from './tune-service';
import { TUNE_JOB_TYPES, TuneJob } from './tune-job';
import { TuningRepository } from '../infra/db/tuning-repository';
import { MigrationRepository } from '../infra/db/migration-repository';
import { MigrationService } from './migration-service';
import { MIGRATE_JOB_TYPES, MigrateJob } from './migrate-job';
import { DiagnosisReportsRepository } from '../infra/db/diagnosis-reports-repository';
import { probePreamble } from '../infra/probe-preamble';
import { HostService } from './host-service';
import type { JobHandler } from './job-handler';
import { JobRunner, type RunnerLog } from './job-runner';
import { JobService } from './job-service';

/** Everything a process needs, wired once. Services get their repositories injected. */
export interface Osdeck {
  config: Config;
  db: Db;
  clock: Clock;
  instanceId: string;
  queue: JobQueue;
  pool: SshPool;
  audit: AuditService;
  auth: AuthService;
  hosts: HostService;
  jobs: JobService;
  runner: JobRunner;
  /** Monitoring: present in the server process (it owns the collector and the embedded store). */
  metrics: MetricsService | null;
  reports: ReportService | null;
  alerts: AlertService | null;
  diagnoses: DiagnosisService;
  tune: TuneService;
  migration: MigrationService;
  close(): Promise<void>;
}

const quietLog: RunnerLog = { info: () => {}, error: () => {} };

export async function createOsdeck(config: Config, opts: { clock?: Clock; log?: RunnerLog; metrics?: boolean } = {}): Promise<Osdeck> {
  const clock = opts.clock ?? systemClock;
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const secrets = SecretBox.fromDataDir(config.dataDir, config.secretKey);
  const pool = new SshPool();
  const queue: JobQueue = config.redisUrl ? new BullMqQueue(config.redisUrl) : new InProcessQueue();
  const audit = new AuditService(new AuditRepository(db), clock);
  const settings = new SettingsRepository(db);
  const auth = new AuthService(new UsersRepository(db), settings, audit, clock, config.dataDir, config.sessionTtlHours);
  const hosts = new HostService(new HostsRepository(db), pool, secrets, audit, clock);
  const jobsRepo = new JobsRepository(db);
  const jobs = new JobService(jobsRepo, queue, hosts, audit, clock);
  const diagnoses = new DiagnosisService(hosts, jobs, new DiagnosisReportsRepository(db), audit, clock, (spec) => probePreamble(spec, config.dataDir));
  const tune = new TuneService(hosts, jobs, new TuningRepository(db), audit, clock);
  let metrics: MetricsService | null = null;
  let reports: ReportService | null = null;
  let alerts: AlertService | null = null;
  let store: MetricsStore | null = null;
  if (opts.metrics) {
    store = config.metricsUrl ? new VictoriaMetricsStore(config.metricsUrl) : new SqliteMetricsStore(join(config.dataDir, 'metrics.db'));
    metrics = new MetricsService(hosts, store, new MetricsCollector(hosts, store, settings, audit, clock), clock);
    reports = new ReportService(hosts, store, jobsRepo, audit, clock);
    alerts = new AlertService(new AlertsRepository(db), hosts, store, audit, clock);
  }
  const migration = new MigrationService(hosts, jobs, new MigrationRepository(db), audit, clock, config.dataDir, reports, (actor, host) => tune.start(actor, 'apply', host, { profile: 'baseline', dryRun: true }));
  const handlers = new Map<string, JobHandler>([
    ['exec', new ExecJob(hosts, audit)],
    ['workload', new WorkloadJob(hosts, audit)],
    ['diagnose', new DiagnoseJob(diagnoses)],
    ...TUNE_JOB_TYPES.map((type) => [type, new TuneJob(type, tune)] as const),
    ...MIGRATE_JOB_TYPES.map((type) => [type, new MigrateJob(type, migration)] as const),
  ]);
  const runner = new JobRunner(jobsRepo, handlers, clock, instanceId, opts.log ?? quietLog);
  await hosts.ensureLocal();
  return {
    config, db, clock, instanceId, queue, pool, audit, auth, hosts, jobs, runner, metrics, reports, alerts, diagnoses, tune, migration,
    async close() {
      alerts?.stop();
      await metrics?.collector.stop();
      await store?.close();
      await queue.close();
      await pool.close();
      await db.close();
    },
  };
}

/** Starts running jobs in this process (the server in embedded mode, or `osdeck worker`). */
export function startJobProcessing(o: Osdeck): void {
  o.queue.startProcessing((id, signal) => o.runner.run(id, signal), o.config.jobConcurrency);
}
