// One partner: their stored value, buy-ins and card packs (every staff role), and for the owner
// and manager their dividends over a period and their payout balances.
import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'partners/:partnerId',
  name: 'partner',
  order: 31,
  component: () => import('./PartnerDetailPage.vue'),
}
