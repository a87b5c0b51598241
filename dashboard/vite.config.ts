/**
 * The dashboard's build: a static single-page app in dashboard/dist, served by the API server
 * under / (src/api/http/dashboard-route.ts). Everything is bundled: no CDN, no external fonts.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    // No inline data: URLs for assets, so the strict Content-Security-Policy needs no exceptions.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
