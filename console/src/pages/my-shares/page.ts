// A promoter's or a service centre's own page (issue 21, docs/promoters-and-centres.md): the
// invite code and the stores served with their terms, the centres, and the monthly statements with
// their drill-down and exports. Read-only; promoters and centre contacts only (/api/v1/me/...).
import { Tickets } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'my-shares',
  name: 'my-shares',
  order: 120,
  component: () => import('./MySharesPage.vue'),
  menu: { titleKey: 'nav.myShares', icon: Tickets },
  payee: true,
}
