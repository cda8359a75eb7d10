// The keys the store's front-desk (POS) system signs its order callbacks with: the owner's alone
// (docs/access-control.md, docs/pos-callbacks.md).
import { Key } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'api-keys',
  name: 'api-keys',
  order: 90,
  component: () => import('./ApiKeysPage.vue'),
  menu: { titleKey: 'nav.apiKeys', icon: Key },
  roles: ['owner'],
}
