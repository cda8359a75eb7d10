// The partner's own views: memberships, card packs, dividends and their summary (docs/api.md,
// "Partners and their stored value", "Dividends").

/**
 * @typedef {import('./api-schema').components['schemas']} S
 * @typedef {{merchantId?: string, state?: 'pending' | 'settled', limit?: number, cursor?: string}} ListOptions
 * @param {{session: any}} deps
 */
export function createPartners({ session }) {
  const get = (path, query) => session.authorized({ method: 'GET', path, query })
  return {
    /** @returns {Promise<{memberships: S['Partner'][]}>} */
    memberships: () => get('/api/v1/partners/me'),
    /** @returns {Promise<S['CardPackPage']>} */
    cards: (/** @type {ListOptions} */ { limit, cursor } = {}) => get('/api/v1/partners/me/cards', { limit, cursor }),
    /** @returns {Promise<S['PartnerSummary']>} */
    summary: () => get('/api/v1/partners/me/summary'),
    /** @returns {Promise<S['DividendPage']>} */
    dividends: (/** @type {ListOptions} */ { merchantId, state, limit, cursor } = {}) =>
      get('/api/v1/partners/me/dividends', { merchant_id: merchantId, state, limit, cursor }),
    customers: (/** @type {ListOptions} */ { merchantId, limit, cursor } = {}) =>
      get('/api/v1/partners/me/customers', { merchant_id: merchantId, limit, cursor }),
  }
}
