// A shared card: its code from the page's query (`pages/share/index?code=`, the path
// onShareAppMessage shares) or from a QR code's `scene` (`c=<code>`), the public view, the claim,
// and what to tell the customer about the outcome (docs/api.md, "Card packs and share links",
// "Claims and lead ownership").

const CODE = /^[A-Za-z0-9_-]{16}$/

/**
 * @typedef {import('./api-schema').components['schemas']['ShareView']} ShareView
 * @typedef {import('./api-schema').components['schemas']['ClaimResult']} ClaimResult
 * @typedef {import('./api-schema').components['schemas']['ClaimOutcome']} ClaimOutcome
 */

/**
 * The share code of a page's load options, or null. A QR code's scene arrives URL-encoded.
 * @param {{code?: string, scene?: string} | undefined} options
 * @returns {string | null}
 */
export function shareCodeFrom(options) {
  if (!options) return null
  if (typeof options.code === 'string' && CODE.test(options.code)) return options.code
  if (typeof options.scene === 'string') {
    let scene = options.scene
    try {
      scene = decodeURIComponent(scene)
    } catch {
      return null
    }
    const match = /^c=([A-Za-z0-9_-]{16})$/.exec(scene)
    if (match) return match[1]
  }
  return null
}

/** What the customer reads after a claim, by outcome (the partner is never named). */
export const CLAIM_MESSAGES = Object.freeze({
  claimed: '领取成功，卡券已放入你的卡包',
  already_yours: '你已领取过这位合伙人的卡券',
  owned_by_other: '你已是本店其他合伙人的顾客，归属不会改变',
  self_referral: '不能领取自己分享的卡券',
  existing_customer: '你已是本店的老顾客，此卡券仅限新顾客领取',
  pack_exhausted: '来晚了，卡券已被领完',
  expired: '卡券不在有效期内',
  revoked: '分享链接已失效',
})

/**
 * @param {ClaimResult} result
 * @returns {{title: string, ok: boolean, holdsCard: boolean}}
 */
export function describeClaim(result) {
  const title = CLAIM_MESSAGES[result.outcome] ?? '领取失败'
  let text = title
  // A store may still give a card to another partner's customer (cards_for_owned_customers).
  if (result.outcome === 'owned_by_other' && result.holds_card) text += '；卡券已放入你的卡包'
  return { title: text, ok: result.outcome === 'claimed' || result.outcome === 'already_yours', holdsCard: result.holds_card }
}

/** @param {{http: any, session: any}} deps */
export function createShares({ http, session }) {
  return {
    /** GET /api/v1/shares/{code}: anyone, no sign-in. @returns {Promise<ShareView>} */
    view: (code) => http.request({ method: 'GET', path: `/api/v1/shares/${encodeURIComponent(code)}` }),
    /**
     * POST /api/v1/shares/{code}/claim (no body). Not repeated by the SDK on a network failure:
     * claiming again is harmless (`already_yours`), so the page offers the button again instead.
     * @returns {Promise<ClaimResult>}
     */
    claim: (code) => session.authorized({ method: 'POST', path: `/api/v1/shares/${encodeURIComponent(code)}/claim` }),
    /** POST /api/v1/partners/me/cards/{id}/shares: a new link of one of my card packs. */
    create: (cardPackId) =>
      session.authorized({ method: 'POST', path: `/api/v1/partners/me/cards/${encodeURIComponent(cardPackId)}/shares` }),
    /** DELETE /api/v1/partners/me/shares/{code} */
    revoke: (code) => session.authorized({ method: 'DELETE', path: `/api/v1/partners/me/shares/${encodeURIComponent(code)}` }),
    /** GET /api/v1/me/cards: the cards I hold, at every store (docs/api.md, "The customer's cards"). */
    heldCards: (/** @type {{limit?: number, cursor?: string}} */ { limit, cursor } = {}) =>
      session.authorized({ method: 'GET', path: '/api/v1/me/cards', query: { limit, cursor } }),
    /**
     * POST /api/v1/me/cards/{id}/code: a code to show at the desk, valid 2 minutes; each call
     * replaces the last, so ask again (expires_in_s) rather than keep an old one.
     */
    cardCode: (cardId) => session.authorized({ method: 'POST', path: `/api/v1/me/cards/${encodeURIComponent(cardId)}/code` }),
  }
}
