// The member programme: points rules, member task and terms, the level table, the offers
// (top-up packages, membership products, points items). Every staff role sees it; only owners
// and managers change it (docs/access-control.md: member-program, member-levels, member-offers).
import { Medal } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'members',
  name: 'members',
  order: 22,
  component: () => import('./MembersPage.vue'),
  menu: { titleKey: 'nav.members', icon: Medal },
}
