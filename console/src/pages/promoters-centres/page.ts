// Promoters and regional service centres (issue 21, docs/promoters-and-centres.md), a platform page:
// the promoters and their invite codes, a merchant's region and promoter with their audits, the
// centres by contract, the region table, the monthly statements with their exports and payments,
// and the sharing configuration. Platform operators only (/api/v1/platform/..., docs/access-control.md).
import { Connection } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'promoters-centres',
  name: 'promoters-centres',
  order: 110,
  component: () => import('./PromotersCentresPage.vue'),
  menu: { titleKey: 'nav.promotersCentres', icon: Connection },
  platform: true,
}
