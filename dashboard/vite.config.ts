import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built files live under /ui/ so no dashboard asset can shadow a gateway path (/assets/ is the pages' CSS).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'ui',
    // Data URIs would need img-src data: for fonts and scripts; files keep the CSP simple.
    assetsInlineLimit: 0,
    // The CSP forbids inline script: no modulepreload polyfill injected into the HTML.
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
