// The member funnel: how many people stand at each stage, the weekly cohorts of new fans and how
// they convert, and one person's trail. Owners and managers (docs/access-control.md: a cashier
// may not read member-funnel).
import { DataAnalysis } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'member-funnel',
  name: 'member-funnel',
  order: 23,
  component: () => import('./FunnelPage.vue'),
  menu: { titleKey: 'nav.memberFunnel', icon: DataAnalysis },
  roles: ['owner', 'manager'],
}
