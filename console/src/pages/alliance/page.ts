// The store's place in the 众店 alliance (issue 20, docs/alliance.md): whether the platform admitted
// it, the concession in force and its versions for every staff role; the owner sets the concession
// and the share of an order vouchers may pay (PUT /api/v1/merchants/{id}/alliance, owner only).
import { Connection } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'alliance',
  name: 'alliance',
  order: 27,
  component: () => import('./AlliancePage.vue'),
  menu: { titleKey: 'nav.alliance', icon: Connection },
}
