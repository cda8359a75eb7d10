import { createRouter, createWebHistory } from 'vue-router'

import { setUnauthorizedHandler } from './api/client'
import { pages, routes } from './pages'
import { clearSession, ensureSession, safeNext, session } from './session'

// The console lives under /console/ (vite.config.ts `base`), so deep links survive a reload.
export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

// No session: the login page, which comes back here (`next`) once the scan is confirmed. A role
// the page does not allow is not refused here: the layout shows a polite 403 in its place, so a
// typed URL and a store switch both explain themselves.
router.beforeEach(async (to) => {
  let signedIn = false
  try {
    signedIn = await ensureSession()
  } catch {
    // The server is unreachable or busy: the login page says so and offers to try again.
    signedIn = false
  }
  if (to.name === 'login') return signedIn ? safeNext(to.query.next) : true
  if (!signedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
  // A platform operator (or a promoter, a centre's contact) who is staff of no store has no
  // overview to open: home is the first platform page, or the payee's own.
  if (to.path === '/' && session.stores.length === 0) {
    const home = session.platformOperator
      ? pages.find((p) => p.platform && p.menu)
      : session.promoter || session.centreContact
        ? pages.find((p) => p.payee && p.menu)
        : undefined
    if (home) return { name: home.name }
  }
  return true
})

// Any call answered 401 (the session went idle, was revoked, or signed out in another tab): forget
// it and ask for a scan, coming back to the page the user was on.
setUnauthorizedHandler(() => {
  clearSession()
  const here = router.currentRoute.value
  if (here.name === 'login') return
  void router.replace({ name: 'login', query: here.fullPath === '/' ? {} : { next: here.fullPath } })
})
