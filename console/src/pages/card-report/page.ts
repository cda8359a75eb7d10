// Whether sharing cards brings customers: cards claimed, redeemed, first purchases and repeats
// within 30 and 90 days, per partner and per card template (owner, manager; docs/api.md, "The card report").
import { TrendCharts } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'card-report',
  name: 'card-report',
  order: 26,
  component: () => import('./CardReportPage.vue'),
  menu: { titleKey: 'nav.cardReport', icon: TrendCharts },
  roles: ['owner', 'manager'],
}
