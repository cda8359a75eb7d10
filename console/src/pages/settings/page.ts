// The store's rules: lead protection, when dividends settle, and whether existing customers can
// be claimed. Owner and manager (PATCH /api/v1/merchants/{id}/settings, docs/access-control.md).
import { Setting } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'settings',
  name: 'settings',
  order: 80,
  component: () => import('./SettingsPage.vue'),
  menu: { titleKey: 'nav.settings', icon: Setting },
  roles: ['owner', 'manager'],
}
