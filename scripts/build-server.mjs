// Bundles the server + CLI into dist/osdeck.js (dependencies stay in node_modules) and copies
// the probe scripts beside it.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/chunks', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: { osdeck: 'src/cli/main.ts' },
  outdir: 'dist',
  // code splitting keeps dynamic imports lazy: client commands do not load the server's modules
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
// probes/helpers/*.c ship as source too: the server compiles them on first use (src/infra/probe-helpers.ts)
cpSync('src/probes', 'dist/probes', { recursive: true });
cpSync('src/migration-paths', 'dist/migration-paths', { recursive: true });
