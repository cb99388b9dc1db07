import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type MigrationPath, validatePath } from '../../domain/migration/path';

// Built-in paths ship beside the code (src/migration-paths, dist/migration-paths); operators add
// their own as DATA_DIR/migration-paths/*.yaml (same format; same id replaces the built-in one).
const here = dirname(fileURLToPath(import.meta.url));
const BUILTIN_DIRS = [join(here, 'migration-paths'), join(here, '..', 'migration-paths'), join(here, '..', '..', 'migration-paths'), join(here, '..', '..', '..', 'src', 'migration-paths')];

export interface LoadedPaths {
  paths: Map<string, MigrationPath & { origin: string }>;
  problems: string[];
}

function loadDir(dir: string, into: LoadedPaths): void {
  for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort()) {
    const file = join(dir, f);
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8'));
    } catch (e) {
      into.problems.push(`${file}: not YAML: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const r = validatePath(raw, file);
    if ('problems' in r) into.problems.push(...r.problems);
    else into.paths.set(r.path.id, { ...r.path, origin: file });
  }
}

export function loadMigrationPaths(dataDir?: string): LoadedPaths {
  const out: LoadedPaths = { paths: new Map(), problems: [] };
  const builtin = BUILTIN_DIRS.find((d) => existsSync(d));
  if (!builtin) out.problems.push(`built-in migration paths not found (looked in ${BUILTIN_DIRS.join(', ')})`);
  else loadDir(builtin, out);
  if (dataDir && existsSync(join(dataDir, 'migration-paths'))) loadDir(join(dataDir, 'migration-paths'), out);
  return out;
}
