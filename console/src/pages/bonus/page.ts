// The bonus system (issue 18, docs/bonus.md): the configuration in force and its versions for every
// staff role; owners and managers change it through the form or check another system's plan
// (docs/access-control.md: GET bonus-config staff, PUT owner and manager).
import { Present } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'bonus',
  name: 'bonus',
  order: 21,
  component: () => import('./BonusPage.vue'),
  menu: { titleKey: 'nav.bonus', icon: Present },
}
