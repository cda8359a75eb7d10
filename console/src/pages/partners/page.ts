// Partners: the list with tier, stored value and status; enrolment with a cash buy-in, top-ups,
// pausing and ending (docs/api.md, "Partners and their stored value"). Every staff role: cashiers
// take buy-ins at the desk; status changes are the owner's and manager's.
import { UserFilled } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'partners',
  name: 'partners',
  order: 30,
  component: () => import('./PartnersPage.vue'),
  menu: { titleKey: 'nav.partners', icon: UserFilled },
}
