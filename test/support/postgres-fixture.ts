import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-harness';

/** A throw-away PostgreSQL server (Debian's postgresql package) on 127.0.0.1:<free port>. */
export interface PostgresFixture {
  url: string;
  stop(): Promise<void>;
}

function pgBin(tool: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', tool))) return join(base, v, 'bin', tool);
  throw new Error(`PostgreSQL's ${tool} not found under ${base}: install the postgresql package`);
}

export async function startPostgres(): Promise<PostgresFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'osdeck-pg-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root: run its tools as the postgres user
  const asPg = (tool: string, args: string[]) => {
    const r = spawnSync('runuser', ['-u', 'postgres', '--', pgBin(tool), ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr || r.stdout}`);
  };
  asPg('initdb', ['-D', data, '-U', 'osdeck', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  asPg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    url: `postgres://osdeck@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        asPg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
