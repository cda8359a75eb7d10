// The offline fallback (docs/websocket.md, "Offline fallback"): a reminder no socket acknowledged
// becomes one WeChat subscribe message, if the partner accepted one. wx.requestSubscribeMessage
// must be called from a tap; each acceptance is reported to POST /api/v1/me/subscriptions.
import { ApiError, CLIENT_CODES } from './errors.js'

/** @param {{wx: WechatMiniprogram.Wx, session: any, templateId?: string}} deps */
export function createSubscriptions({ wx, session, templateId }) {
  return {
    /**
     * Asks for one dividend reminder message; reports an acceptance. Resolves with
     * {accepted, remaining}: remaining is the server's count of acceptances left (null when refused).
     */
    async requestDividendReminders() {
      if (!templateId) throw new ApiError({ status: 0, code: CLIENT_CODES.unsupported, message: 'no subscribe template configured' })
      let answer
      try {
        answer = await new Promise((resolve, reject) => wx.requestSubscribeMessage({ tmplIds: [templateId], success: resolve, fail: reject }))
      } catch (failure) {
        throw new ApiError({ status: 0, code: CLIENT_CODES.cancelled, message: failure?.errMsg ?? String(failure) })
      }
      if (answer?.[templateId] !== 'accept') return { accepted: false, remaining: null }
      const result = await session.authorized({ method: 'POST', path: '/api/v1/me/subscriptions', body: { template_id: templateId, accepted: 1 } })
      return { accepted: true, remaining: result.remaining }
    },
  }
}
