// Customers and who owns them: the leads, the history of every change of owner, and reassigning a
// customer with a reason (the owner's alone). Owner and manager (docs/access-control.md).
import { Avatar } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'customers',
  name: 'customers',
  order: 35,
  component: () => import('./CustomersPage.vue'),
  menu: { titleKey: 'nav.customers', icon: Avatar },
  roles: ['owner', 'manager'],
}
