// Bundles the server + CLI into dist/osdeck.js (dependencies stay in node_modules) and copies
// the probe scripts beside it.
import { cpSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/osdeck.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
cpSync('src/probes', 'dist/probes', { recursive: true });
