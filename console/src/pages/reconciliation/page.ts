// Reconciliation over a period: the business totals against the ledger, each check balanced or
// not (owner, manager; docs/api.md, "Reconciliation").
import { Checked } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'reconciliation',
  name: 'reconciliation',
  order: 50,
  component: () => import('./ReconciliationPage.vue'),
  menu: { titleKey: 'nav.reconciliation', icon: Checked },
  roles: ['owner', 'manager'],
}
