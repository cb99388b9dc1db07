import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { OsdeckError } from '../../domain/errors';
import { CodeMigrationProvider, type Dialect } from './migrations';
import type { Database } from './schema';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Human description without credentials, for logs and `config show`. */
  describe: string;
  close(): Promise<void>;
}

export interface DbOptions {
  dataDir: string;
  databaseUrl?: string;
}

export async function openDatabase(opts: DbOptions): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
      throw new OsdeckError('CONFIG_INVALID', 'OSDECK_DATABASE_URL must start with postgres:// or postgresql://');
    }
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    db = {
      kysely,
      dialect: 'postgres',
      describe: `postgres://${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}${url.pathname}`,
      close: () => kysely.destroy(),
    };
  } else {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const file = join(opts.dataDir, 'osdeck.db');
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    db = { kysely, dialect: 'sqlite', describe: `sqlite:${file}`, close: () => kysely.destroy() };
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw new OsdeckError('DB_MIGRATION_FAILED', `database migration failed (${db.describe}): ${(err as Error).message}`, 500);
  }
  return db;
}

async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: new CodeMigrationProvider(db.dialect),
    migrationTableName: 'osdeck_migrations',
    migrationLockTableName: 'osdeck_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}
