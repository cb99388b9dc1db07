import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

// The dependency rule of ARCHITECTURE.md, checked on every import so a reader can trust it.
const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

const ALLOWED: Record<string, string[]> = {
  domain: ['domain'],
  infra: ['domain', 'infra'],
  services: ['domain', 'infra', 'services'],
  api: ['domain', 'services', 'api'],
  cli: ['domain', 'cli'],
};
// Process entry points and local-only commands compose the layers; `import type` of service views is always fine for clients.
const COMPOSERS = new Set(['cli/main.ts', 'cli/serve-command.ts', 'cli/commands/admin-commands.ts', 'cli/commands/lab-commands.ts']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

function imports(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => ({ spec: m[2]!, typeOnly: !!m[1] }));
}

test('layers import only what the dependency rule allows', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    const layer = rel.split('/')[0]!;
    if (!(layer in ALLOWED)) continue;
    for (const { spec, typeOnly } of imports(file)) {
      if (!spec.startsWith('.')) continue; // packages: the next test keeps them out of domain
      const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0]!;
      if (ALLOWED[layer]!.includes(target)) continue;
      if (COMPOSERS.has(rel)) continue;
      if (typeOnly && (layer === 'cli' || layer === 'api') && target === 'services') continue;
      violations.push(`${rel} imports ${spec} (${layer} → ${target})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('domain has no I/O: no node: modules, no clock, no randomness', () => {
  const bad: string[] = [];
  for (const file of files(join(SRC, 'domain'))) {
    const text = readFileSync(file, 'utf8');
    for (const { spec } of imports(file)) if (spec.startsWith('node:') || !spec.startsWith('.')) bad.push(`${relative(SRC, file)} imports ${spec}`);
    if (/Date\.now\(|new Date\(\)|Math\.random\(/.test(text)) bad.push(`${relative(SRC, file)} reads the clock or randomness`);
  }
  assert.deepEqual(bad, []);
});

test('the web console talks to the server only through the API', () => {
  const bad: string[] = [];
  for (const file of files(join(ROOT, 'web', 'src'))) {
    for (const { spec } of imports(file)) if (spec.includes('/src/') || spec.startsWith('../../src') || spec.startsWith('../../../src')) bad.push(`${relative(ROOT, file)} imports ${spec}`);
  }
  assert.deepEqual(bad, []);
});
