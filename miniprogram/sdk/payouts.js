// Withdrawals (docs/payouts.md): a payout is created with a request id of the SDK's making (so a
// lost answer can be asked again without paying twice), and its `confirm` {mch_id, app_id,
// package} is handed to wx.requestMerchantTransfer, WeChat's confirmation page. That call's
// success only means the page was shown: the end comes as a `payout` reminder (or GET).
import { ApiError, CLIENT_CODES } from './errors.js'
import { randomId } from './wx.js'

/**
 * @typedef {import('./api-schema').components['schemas']['Payout']} Payout
 * @typedef {import('./api-schema').components['schemas']['PayoutResult']} PayoutResult
 * @typedef {import('./api-schema').components['schemas']['PayoutBalanceList']} PayoutBalanceList
 */

/** @param {{wx: WechatMiniprogram.Wx, session: any}} deps */
export function createPayouts({ wx, session }) {
  const call = session.authorized

  /**
   * wx.requestMerchantTransfer with the payout's confirm object. Resolves when WeChat showed the
   * page and the partner went through it; rejects with `cancelled` when they closed it.
   * @param {Payout} payout
   */
  async function confirm(payout) {
    const details = payout.confirm
    if (!details) throw new ApiError({ status: 0, code: 'payout_not_waiting', message: `payout ${payout.id} is ${payout.state}: nothing to confirm` })
    if (typeof wx.canIUse === 'function' && !wx.canIUse('requestMerchantTransfer')) {
      throw new ApiError({ status: 0, code: CLIENT_CODES.unsupported, message: '请升级微信后再确认收款' })
    }
    try {
      return await new Promise((resolve, reject) =>
        wx.requestMerchantTransfer({ mchId: details.mch_id, appId: details.app_id, package: details.package, success: resolve, fail: reject }),
      )
    } catch (failure) {
      const message = failure?.errMsg ?? String(failure)
      throw new ApiError({ status: 0, code: /cancel/i.test(message) ? CLIENT_CODES.cancelled : 'transfer_failed', message })
    }
  }

  return {
    /** @returns {Promise<PayoutBalanceList>} */
    balances: (merchantId) => call({ method: 'GET', path: '/api/v1/me/payout-balances', query: { merchant_id: merchantId } }),
    list: (/** @type {{merchantId?: string, limit?: number, cursor?: string}} */ { merchantId, limit, cursor } = {}) =>
      call({ method: 'GET', path: '/api/v1/me/withdrawals', query: { merchant_id: merchantId, limit, cursor } }),
    /** @returns {Promise<{payout: Payout}>} */
    get: (payoutId) => call({ method: 'GET', path: `/api/v1/me/withdrawals/${encodeURIComponent(payoutId)}` }),
    /**
     * POST /api/v1/me/withdrawals. The request id makes a repeat (also the SDK's own retry after a
     * network failure) answer the same payout.
     * @param {{merchantId: string, amountFen: number, requestId?: string}} request
     * @returns {Promise<PayoutResult>}
     */
    withdraw: ({ merchantId, amountFen, requestId = randomId('wd') }) => {
      if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
        return Promise.reject(new ApiError({ status: 0, code: 'invalid_field', message: 'amountFen must be a positive integer of fen' }))
      }
      return call({
        method: 'POST',
        path: '/api/v1/me/withdrawals',
        body: { merchant_id: merchantId, amount_fen: amountFen, request_id: requestId },
        repeatable: true,
      })
    },
    cancel: (payoutId) => call({ method: 'POST', path: `/api/v1/me/withdrawals/${encodeURIComponent(payoutId)}/cancel` }),
    confirm,
    setRealName: (realName) => call({ method: 'PUT', path: '/api/v1/me/real-name', body: { real_name: realName } }),
  }
}
