import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Probes ship as files beside the code: src/probes when run from source, dist/probes when built.
const here = dirname(fileURLToPath(import.meta.url));
const CANDIDATES = [join(here, 'probes'), join(here, '..', 'probes'), join(here, '..', '..', 'src', 'probes')];
const cache = new Map<string, string>();

export function probeScript(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    const dir = CANDIDATES.find((d) => existsSync(join(d, name)));
    if (!dir) throw new Error(`probe script ${name} not found (looked in ${CANDIDATES.join(', ')})`);
    text = readFileSync(join(dir, name), 'utf8');
    cache.set(name, text);
  }
  return text;
}
