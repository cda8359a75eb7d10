// The overview, the console's first page: the store's figures for owner and manager, a welcome
// for the cashier (whose role does not see profit and dividends, docs/access-control.md).
// Each area of the console is a folder under pages/ with a page.ts like this one (its route, its
// place in the menu, who sees it) and a messages.ts (its words in both languages); pages.ts and
// i18n/index.ts find them by themselves.
import { DataLine } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: '',
  name: 'dashboard',
  order: 0,
  component: () => import('./DashboardPage.vue'),
  menu: { titleKey: 'nav.dashboard', icon: DataLine },
}
