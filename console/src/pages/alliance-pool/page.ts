// The alliance's points pool (issue 20, docs/alliance.md), a platform page: the configuration in
// force with the validator's bounds, a form for the next version and the versions; the member
// stores with their concessions, and admitting a store. Platform operators only
// (/api/v1/platform/alliance/..., docs/access-control.md), whatever their stores.
import { Coin } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'alliance-pool',
  name: 'alliance-pool',
  order: 100,
  component: () => import('./AlliancePoolPage.vue'),
  menu: { titleKey: 'nav.alliancePool', icon: Coin },
  platform: true,
}
