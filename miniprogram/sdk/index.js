// The sharedstore mini-program SDK: one client per app (App({ onLaunch() { this.client =
// createClient({...}) } })). Plain ES modules; the mini-program's build turns them into its
// modules, Node imports them as they are (tests/sdk/).
import { createAlliance } from './alliance.js'
import { createConsoleLogin } from './console.js'
import { createHttp } from './http.js'
import { createPartners } from './partners.js'
import { createPayouts } from './payouts.js'
import { createReminders } from './reminders.js'
import { createSession } from './session.js'
import { createShares } from './share.js'
import { createSubscriptions } from './subscribe.js'

export { ApiError, CLIENT_CODES, isApiError } from './errors.js'
export { reconnectDelay, RECONNECT_MAX_MS, RECONNECT_MIN_MS } from './backoff.js'
export { CONSOLE_REFUSALS, consoleTicketFrom } from './console.js'
export { compareIds } from './reminders.js'
export { CLAIM_MESSAGES, describeClaim, shareCodeFrom } from './share.js'
export { formatFen, parseYuan } from './money.js'

/**
 * @param {object} options
 * @param {string} options.baseUrl            the API's origin, e.g. https://api.example.com
 * @param {string} [options.socketUrl]        default: baseUrl with ws(s):// and /ws
 * @param {WechatMiniprogram.Wx} [options.wx]  default: the mini-program's global wx
 * @param {string} [options.subscribeTemplateId]  the dividend reminder template (push.subscribe_template_id)
 * @param {number} [options.timeoutMs]        per HTTP attempt (default 10 s)
 * @param {() => Promise<string>} [options.loginCode]  instead of wx.login (development against the simulator)
 * @param {boolean} [options.autoAck]         ack reminders as they arrive
 * @param {import('./reminders.js').Clock} [options.clock]
 * @param {() => number} [options.random]
 */
export function createClient(options) {
  const wx = options.wx ?? /** @type {any} */ (globalThis).wx
  if (!wx) throw new Error('createClient needs wx (the mini-program global, or an adapter)')
  const http = createHttp({ wx, baseUrl: options.baseUrl, timeoutMs: options.timeoutMs })
  const session = createSession({ wx, http, loginCode: options.loginCode })
  const socketUrl = options.socketUrl ?? `${http.baseUrl.replace(/^http/, 'ws')}/ws`
  return {
    http,
    session,
    login: session.login,
    bindPhone: session.bindPhone,
    logout: session.logout,
    /** Any API call with the session (a re-login on 401 invalid_session). */
    request: session.authorized,
    me: () => session.authorized({ method: 'GET', path: '/api/v1/me' }),
    reminders: createReminders({ wx, session, url: socketUrl, clock: options.clock, random: options.random, autoAck: options.autoAck }),
    shares: createShares({ http, session }),
    partners: createPartners({ session }),
    payouts: createPayouts({ wx, session }),
    alliance: createAlliance({ session }),
    console: createConsoleLogin({ session }),
    subscriptions: createSubscriptions({ wx, session, templateId: options.subscribeTemplateId }),
  }
}
