import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OsdeckError } from '../domain/errors';

/**
 * One server per data dir in embedded mode: its in-process job runner assumes nobody else runs
 * the jobs in that store. A lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'server.pid');
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(existsSync(file) ? readFileSync(file, 'utf8').trim() : '0');
      if (pid > 0 && pid !== process.pid && alive(pid)) {
        throw new OsdeckError('DATA_DIR_LOCKED', `another osdeck server (pid ${pid}) uses ${dataDir}`, 500);
      }
      rmSync(file, { force: true });
    }
  }
  throw new OsdeckError('DATA_DIR_LOCKED', `cannot lock ${dataDir}`, 500);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
