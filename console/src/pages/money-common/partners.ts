// The store's partners by id, for pages whose API answers name a partner only by `partner_id`
// (leads, dividends, payouts): shown as "#<user id>" like the partners page does.
import { shallowRef } from 'vue'

import { api, type Schemas } from '../../api/client'

type Partner = Schemas['Partner']

// Enough for any store this console serves today; past it a partner shows by its partner id.
const maxPages = 10

export function usePartnerDirectory(merchantId: string) {
  const byId = shallowRef(new Map<string, Partner>())
  const loaded = shallowRef(false)

  async function load(): Promise<void> {
    const found = new Map<string, Partner>()
    let cursor: string | undefined
    for (let i = 0; i < maxPages; i++) {
      const page = await api.get('/api/v1/merchants/{merchant_id}/partners', { path: { merchant_id: merchantId }, query: { limit: 100, cursor } })
      for (const p of page.items) found.set(p.id, p)
      if (!page.next_cursor) break
      cursor = page.next_cursor
    }
    byId.value = found
    loaded.value = true
  }

  return {
    byId,
    loaded,
    /** Reads the partners again; a failure leaves the names as they were (ids still show). */
    load: () => load().catch(() => undefined),
    label: (partnerId: string | null | undefined): string => {
      if (!partnerId) return ''
      const p = byId.value.get(partnerId)
      return p ? `#${p.user_id}` : `P${partnerId}`
    },
    active: (): Partner[] => [...byId.value.values()].filter((p) => p.status === 'active'),
  }
}
