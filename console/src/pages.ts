// The console's pages: each area is a folder pages/<area>/ with page.ts (its route, its place in
// the menu and who may see it) and messages.ts (its words); adding a page touches nothing else.
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

export type StaffRole = 'owner' | 'manager' | 'cashier'

export interface ConsolePage {
  path: string
  name: string
  /** Place in the side menu, smallest first. */
  order: number
  component: () => Promise<Component | { default: Component }>
  /** In the side menu: the i18n key of its title and its icon (from @element-plus/icons-vue). */
  menu?: { titleKey: string; icon: Component }
  /** Roles that see it (docs/access-control.md); absent: every staff role. */
  roles?: StaffRole[]
  /** A platform page (`/api/v1/platform/...`): platform operators only, whatever their stores; `roles` does not apply. */
  platform?: true
  /** A payee's own page (`/api/v1/me/...`): promoters and centre contacts only, whatever their stores. */
  payee?: true
}

export const pages: ConsolePage[] = Object.values(import.meta.glob<{ page: ConsolePage }>('./pages/*/page.ts', { eager: true }))
  .map((m) => m.page)
  .sort((a, b) => a.order - b.order)

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue') },
  {
    path: '/',
    component: () => import('./layout/ConsoleLayout.vue'),
    children: pages.map((p) => ({ path: p.path, name: p.name, component: p.component, meta: { roles: p.roles, platform: p.platform, payee: p.payee } })),
  },
  { path: '/:rest(.*)*', redirect: '/' },
]
