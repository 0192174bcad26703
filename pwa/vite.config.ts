/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { serviceWorker } from './build/service-worker';

export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    target: 'es2022',
    assetsDir: 'assets',
  },
  server: {
    // `npm run dev` against a backend on :8000 (same origin for the cookie).
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8000', ws: true, changeOrigin: false },
    },
  },
  plugins: [serviceWorker()],
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
