// Sign-in: wx.login's code -> POST /api/v1/auth/wechat/login -> a session token kept in
// wx.setStorageSync. A call refused with 401 invalid_session (signed out elsewhere, expired,
// revoked) signs in again once and is sent again; a second refusal surfaces (docs/api.md,
// "Login and the signed-in user").
import { ApiError, CLIENT_CODES, isApiError } from './errors.js'

export const SESSION_KEY = 'sharedstore.session'

/**
 * @typedef {import('./api-schema').components['schemas']['User']} User
 * @typedef {{token: string, expiresAt: number, user: User}} StoredSession
 */

/**
 * @param {{wx: WechatMiniprogram.Wx, http: ReturnType<typeof import('./http.js').createHttp>, now?: () => number,
 *   loginCode?: () => Promise<string>}} deps  loginCode: where codes come from (default wx.login; a
 *   development build against the simulator asks it instead, miniprogram/app/config.js)
 */
export function createSession({ wx, http, now = Date.now, loginCode }) {
  const codeFromWechat = () =>
    new Promise((resolve, reject) => wx.login({ timeout: 10000, success: (result) => resolve(result.code), fail: reject }))
  const nextCode = loginCode ?? codeFromWechat

  /** @type {Promise<StoredSession> | null} */
  let signingIn = null
  const listeners = new Set()

  /** @returns {StoredSession | null} */
  function stored() {
    let value
    try {
      value = wx.getStorageSync(SESSION_KEY)
    } catch {
      return null
    }
    if (!value || typeof value !== 'object' || typeof value.token !== 'string') return null
    // A token past its expiry is useless; a minute of margin for clocks that disagree.
    if (typeof value.expiresAt === 'number' && value.expiresAt - 60000 <= now()) return null
    return value
  }

  /**
   * wx.login -> the server's session; one at a time (many calls refused at once sign in once).
   * @returns {Promise<StoredSession>}
   */
  function login() {
    if (!signingIn) {
      signingIn = (async () => {
        const code = await nextCode()
        const answer = await http.request({ method: 'POST', path: '/api/v1/auth/wechat/login', body: { code } })
        const session = { token: answer.token, expiresAt: now() + answer.expires_in * 1000, user: answer.user }
        wx.setStorageSync(SESSION_KEY, session)
        for (const listener of listeners) listener(session)
        return session
      })().finally(() => {
        signingIn = null
      })
    }
    return signingIn
  }

  /** The stored session, or a new one. */
  async function current() {
    return stored() ?? login()
  }

  /** Forgets the stored token if it is still `token` (a newer one from a parallel sign-in stays). */
  function forget(token) {
    const value = stored()
    if (!value || value.token === token) wx.removeStorageSync(SESSION_KEY)
  }

  /**
   * A call with the session's Bearer token. 401 invalid_session: one new sign-in and one more
   * try (a 401 means the server did nothing, so even a POST may go again); then the error.
   * @param {Omit<import('./http.js').CallOptions, 'token'>} call
   */
  async function authorized(call) {
    const first = await current()
    try {
      return await http.request({ ...call, token: first.token })
    } catch (error) {
      if (!isApiError(error, 'invalid_session', 'unauthenticated')) throw error
      forget(first.token)
      const again = await login()
      return http.request({ ...call, token: again.token })
    }
  }

  /**
   * Binds the phone from the getPhoneNumber button's event (`<button open-type="getPhoneNumber"
   * bindgetphonenumber="...">`): its `detail.code` goes to POST /api/v1/me/phone.
   * @param {{detail?: {code?: string, errMsg?: string}}} event
   * @returns {Promise<User>}
   */
  async function bindPhone(event) {
    const code = event?.detail?.code
    if (!code) {
      throw new ApiError({ status: 0, code: CLIENT_CODES.cancelled, message: event?.detail?.errMsg || 'the phone number was not shared' })
    }
    const answer = await authorized({ method: 'POST', path: '/api/v1/me/phone', body: { code } })
    const value = stored()
    if (value) wx.setStorageSync(SESSION_KEY, { ...value, user: answer.user })
    return answer.user
  }

  /** POST /api/v1/auth/logout, then the token is forgotten (also when the server was unreachable). */
  async function logout() {
    const value = stored()
    if (!value) return
    try {
      await http.request({ method: 'POST', path: '/api/v1/auth/logout', token: value.token })
    } catch (error) {
      if (!isApiError(error, 'invalid_session', 'unauthenticated')) throw error
    } finally {
      forget(value.token)
    }
  }

  /**
   * Asks the server whether the stored session still holds (GET /api/v1/me), signing in again
   * when it does not. For the socket, whose refused upgrade (401) WeChat reports as a bare
   * failure. Network failures are not an answer: they leave things as they are.
   */
  async function check() {
    try {
      // One quick try: the socket's own backoff is the retry.
      await authorized({ method: 'GET', path: '/api/v1/me', retries: 0, timeoutMs: 5000 })
    } catch (error) {
      if (!isApiError(error, CLIENT_CODES.network, CLIENT_CODES.timeout)) throw error
    }
  }

  return {
    login,
    check,
    current,
    authorized,
    bindPhone,
    logout,
    forget,
    /** The user of the stored session, without asking the server. */
    user: () => stored()?.user ?? null,
    /** Called with each new session (the reminders socket reconnects with its token). */
    onLogin(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
