// The store's staff: owner and manager see who works there; only the owner adds, changes and
// removes (docs/access-control.md).
import { UserFilled } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'staff',
  name: 'staff',
  order: 85,
  component: () => import('./StaffPage.vue'),
  menu: { titleKey: 'nav.staff', icon: UserFilled },
  roles: ['owner', 'manager'],
}
