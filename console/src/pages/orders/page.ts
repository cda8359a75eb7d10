// The store's orders with their status, and refunds of WeChat Pay orders (owner, manager).
import { Tickets } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'orders',
  name: 'orders',
  order: 40,
  component: () => import('./OrdersPage.vue'),
  menu: { titleKey: 'nav.orders', icon: Tickets },
}
