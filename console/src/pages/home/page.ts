// The overview page. Each area of the console is a folder under pages/ with a page.ts like this
// one (its route, its place in the menu, who sees it) and a messages.ts (its words in both
// languages); pages.ts and i18n/index.ts find them by themselves.
import { House } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: '',
  name: 'home',
  order: 0,
  component: () => import('./HomePage.vue'),
  menu: { titleKey: 'nav.home', icon: House },
}
