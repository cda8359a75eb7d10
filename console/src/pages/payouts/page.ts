// Payouts of dividends to partners (docs/payouts.md): the store's payouts by state with approval
// and rejection, partners' balances and debts, the payout limits (set by the owner) and the
// payouts' reconciliation against the ledger. Owner and manager.
import { Wallet } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'payouts',
  name: 'payouts',
  order: 55,
  component: () => import('./PayoutsPage.vue'),
  menu: { titleKey: 'nav.payouts', icon: Wallet },
  roles: ['owner', 'manager'],
}
