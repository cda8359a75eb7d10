import { createRouter, createWebHistory } from 'vue-router'

import { routes } from './pages'

// The console lives under /console/ (vite.config.ts `base`), so deep links survive a reload.
export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})
