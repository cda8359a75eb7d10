// The console's pages: adding one is one file under pages/ and one entry here. Entries with a
// `menu` appear in the side menu, in this order, titled by their i18n key.
import { House } from '@element-plus/icons-vue'
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

export interface ConsolePage {
  path: string
  name: string
  component: () => Promise<Component | { default: Component }>
  /** In the side menu: the i18n key of its title and its icon (from @element-plus/icons-vue). */
  menu?: { titleKey: string; icon: Component }
}

export const pages: ConsolePage[] = [
  { path: '', name: 'home', component: () => import('./pages/HomePage.vue'), menu: { titleKey: 'nav.home', icon: House } },
]

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue') },
  {
    path: '/',
    component: () => import('./layout/ConsoleLayout.vue'),
    children: pages.map((p) => ({ path: p.path, name: p.name, component: p.component })),
  },
  { path: '/:rest(.*)*', redirect: '/' },
]
