import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// Served under /console/ (by sharedstore, console.static_dir, or any static server in front).
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus and ECharts are large libraries; one vendor chunk of about 1 MB is expected.
    chunkSizeWarningLimit: 1600,
  },
  server: {
    // `npm run dev`: the API of `scripts/run` on the same origin, as in production.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/readyz': 'http://127.0.0.1:8080',
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
