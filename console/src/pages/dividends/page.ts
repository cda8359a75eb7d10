// Dividends per partner over a period: gross, reversed by refunds, net, not settled yet (owner, manager).
import { Coin } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'dividends',
  name: 'dividends',
  order: 45,
  component: () => import('./DividendsPage.vue'),
  menu: { titleKey: 'nav.dividends', icon: Coin },
  roles: ['owner', 'manager'],
}
