import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { OsdeckError } from '../domain/errors';

/** Effective configuration: defaults < /etc/osdeck/config.yaml < OSDECK_* env < flags. */
export interface Config {
  listen: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** Prometheus-compatible store (VictoriaMetrics) for metrics instead of the embedded one. */
  metricsUrl?: string;
  secretKey?: string;
  logLevel: string;
  sessionTtlHours: number;
  /** Concurrency of hosts within one job when the caller does not say. */
  defaultForks: number;
  /** How many jobs one process runs at once. */
  jobConcurrency: number;
}

const DEFAULTS: Config = {
  listen: '127.0.0.1:8080',
  dataDir: './data',
  logLevel: 'info',
  sessionTtlHours: 12,
  defaultForks: 50,
  jobConcurrency: 4,
};

const ENV: Record<string, keyof Config> = {
  OSDECK_LISTEN: 'listen',
  OSDECK_DATA: 'dataDir',
  OSDECK_DATABASE_URL: 'databaseUrl',
  OSDECK_REDIS_URL: 'redisUrl',
  OSDECK_METRICS_URL: 'metricsUrl',
  OSDECK_SECRET_KEY: 'secretKey',
  OSDECK_LOG_LEVEL: 'logLevel',
  OSDECK_SESSION_TTL_HOURS: 'sessionTtlHours',
  OSDECK_DEFAULT_FORKS: 'defaultForks',
  OSDECK_JOB_CONCURRENCY: 'jobConcurrency',
};

const FILE_KEYS: Record<string, keyof Config> = {
  listen: 'listen',
  data_dir: 'dataDir',
  database_url: 'databaseUrl',
  redis_url: 'redisUrl',
  metrics_url: 'metricsUrl',
  secret_key: 'secretKey',
  log_level: 'logLevel',
  session_ttl_hours: 'sessionTtlHours',
  default_forks: 'defaultForks',
  job_concurrency: 'jobConcurrency',
};

const NUMERIC = new Set<keyof Config>(['sessionTtlHours', 'defaultForks', 'jobConcurrency']);

export function loadConfig(
  flags: Partial<Config> = {},
  env: NodeJS.ProcessEnv = process.env,
  file = env.OSDECK_CONFIG ?? '/etc/osdeck/config.yaml',
): Config {
  const cfg: Record<string, unknown> = { ...DEFAULTS };
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = YAML.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new OsdeckError('CONFIG_INVALID', `${file}: ${(e as Error).message}`);
    }
    if (parsed && typeof parsed === 'object') {
      for (const [k, v] of Object.entries(parsed)) {
        const key = FILE_KEYS[k];
        if (!key) throw new OsdeckError('CONFIG_INVALID', `${file}: unknown key '${k}'`);
        cfg[key] = v;
      }
    }
  }
  for (const [name, key] of Object.entries(ENV)) {
    const fromFile = env[`${name}_FILE`];
    if (fromFile) cfg[key] = readFileSync(fromFile, 'utf8').trim();
    else if (env[name] !== undefined && env[name] !== '') cfg[key] = env[name];
  }
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) cfg[k] = v;
  for (const key of NUMERIC) {
    const n = Number(cfg[key]);
    if (!Number.isInteger(n) || n <= 0) throw new OsdeckError('CONFIG_INVALID', `${key} must be a positive integer, got '${cfg[key]}'`);
    cfg[key] = n;
  }
  parseListen(String(cfg.listen));
  cfg.dataDir = resolve(String(cfg.dataDir));
  return cfg as unknown as Config;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  if (!m || Number(m[2]) > 65535) throw new OsdeckError('CONFIG_INVALID', `listen must be HOST:PORT, got '${listen}'`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/** The config as `osdeck config show` prints it: secrets and credentials in URLs redacted. */
export function redactedConfig(cfg: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { ...cfg };
  if (out.secretKey) out.secretKey = '<redacted>';
  for (const k of ['databaseUrl', 'redisUrl', 'metricsUrl'] as const) {
    const v = cfg[k];
    if (v) {
      try {
        const u = new URL(v);
        if (u.password) u.password = 'redacted';
        out[k] = u.toString();
      } catch {
        out[k] = '<unparseable>';
      }
    }
  }
  return out;
}
