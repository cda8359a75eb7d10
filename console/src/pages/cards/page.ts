// Card templates (create with a validity window and a benefit, list by cursor pages) and card
// packs (issue one to a partner with a quota). Owners and managers only (docs/access-control.md).
import { Tickets } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'cards',
  name: 'cards',
  order: 25,
  component: () => import('./CardsPage.vue'),
  menu: { titleKey: 'nav.cards', icon: Tickets },
  roles: ['owner', 'manager'],
}
