import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The server (@fastify/static with wildcard: false) lists dist/web once at start, so asset
    // names stay stable: a rebuild is then served without restarting the server.
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` for development against a running `osdeck serve`
    proxy: { '/api': process.env.OSDECK_URL ?? 'http://127.0.0.1:8080' },
  },
});
