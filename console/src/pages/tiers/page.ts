// Share tiers: the version in force, its history, a new version's editor with the what-if of it
// (POST .../tier-versions/preview) beside the table in force, and publishing it (PUT .../tiers).
// Owners and managers only (docs/access-control.md: a cashier reads tiers but does not set them).
import { Histogram } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'tiers',
  name: 'tiers',
  order: 20,
  component: () => import('./TiersPage.vue'),
  menu: { titleKey: 'nav.tiers', icon: Histogram },
  roles: ['owner', 'manager'],
}
