// Genuine WeChat Pay notifications of the store's orders that were refused (owner, manager;
// GET /api/v1/merchants/{id}/payment-anomalies).
import { WarningFilled } from '@element-plus/icons-vue'

import type { ConsolePage } from '../../pages'

export const page: ConsolePage = {
  path: 'payment-anomalies',
  name: 'payment-anomalies',
  order: 60,
  component: () => import('./AnomaliesPage.vue'),
  menu: { titleKey: 'nav.payment_anomalies', icon: WarningFilled },
  roles: ['owner', 'manager'],
}
