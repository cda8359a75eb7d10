// HTTP to the API through wx.request: base URL, JSON both ways, the error body mapped to an
// ApiError with its stable code, a request id on every call, timeouts, and retries only where
// they cannot do a thing twice (docs/api.md, "Conventions"; docs/errors.md).
import { ApiError, CLIENT_CODES } from './errors.js'
import { randomId } from './wx.js'

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE'])
// Answers worth another try: the server or a dependency was briefly unable (never a 4xx, which
// the same request would get again, nor a 500, which says nothing about whether it acted).
const RETRY_STATUSES = new Set([502, 503, 504])

/**
 * @typedef {object} HttpOptions
 * @property {WechatMiniprogram.Wx} wx  wx, or an adapter with request()
 * @property {string} baseUrl         e.g. https://api.example.com (no trailing /)
 * @property {number} [timeoutMs]     per attempt (default 10 s)
 * @property {number} [retries]       further attempts of a call that may be repeated (default 2)
 * @property {(ms: number) => Promise<void>} [sleep]
 *
 * @typedef {object} CallOptions
 * @property {string} method
 * @property {string} path            from /api/v1/...; `query` is appended
 * @property {Record<string, string | number | boolean | null | undefined>} [query]
 * @property {unknown} [body]         sent as JSON; undefined: no body
 * @property {string} [token]         Bearer token
 * @property {boolean} [repeatable]   may be sent again; default: GET, HEAD, PUT, DELETE, and a body
 *                                    with its own `request_id` (the server answers a copy with the
 *                                    first result)
 * @property {number} [timeoutMs]
 * @property {number} [retries]       this call's further attempts, instead of the client's
 */

/** @param {HttpOptions} options */
export function createHttp({ wx, baseUrl, timeoutMs = 10000, retries = 2, sleep = defaultSleep }) {
  const base = baseUrl.replace(/\/+$/, '')

  /** One attempt: resolves with {status, data, requestId, retryAfterS} or rejects with an ApiError. */
  function attempt(call, requestId) {
    const header = { 'X-Request-Id': requestId }
    if (call.body !== undefined) header['Content-Type'] = 'application/json'
    if (call.token) header.Authorization = `Bearer ${call.token}`
    return new Promise((resolve, reject) => {
      wx.request({
        url: base + call.path + queryString(call.query),
        method: call.method,
        header,
        data: call.body === undefined ? undefined : JSON.stringify(call.body),
        dataType: 'text', // parsed below, so a non-JSON answer is an error, not a string
        responseType: 'text',
        timeout: call.timeoutMs ?? timeoutMs,
        success: (response) => {
          try {
            resolve(readAnswer(response, requestId))
          } catch (error) {
            reject(error)
          }
        },
        fail: (failure) => {
          const timedOut = /timeout/i.test(failure?.errMsg ?? '')
          reject(new ApiError({
            status: 0,
            code: timedOut ? CLIENT_CODES.timeout : CLIENT_CODES.network,
            message: failure?.errMsg || 'request failed',
            requestId,
          }))
        },
      })
    })
  }

  /**
   * The parsed JSON body of a 2xx answer (null for 204); an ApiError otherwise.
   * @param {CallOptions} call
   * @returns {Promise<any>}
   */
  async function request(call) {
    const method = call.method.toUpperCase()
    // A body with its own request_id is answered the first result when sent again (docs/api.md).
    const carriesRequestId = typeof (/** @type {any} */ (call.body))?.request_id === 'string'
    const repeatable = IDEMPOTENT.has(method) || (call.repeatable ?? carriesRequestId)
    // One id for every attempt of one call, so the server's log shows them together.
    const requestId = randomId('mp')
    for (let tried = 0; ; tried++) {
      try {
        const answer = await attempt({ ...call, method }, requestId)
        if (answer.status >= 200 && answer.status < 300) return answer.data
        throw errorOf(answer)
      } catch (error) {
        const again = repeatable && tried < (call.retries ?? retries) && error instanceof ApiError &&
          (error.status === 0 || RETRY_STATUSES.has(error.status))
        if (!again) throw error
        // Retry-After when the server said it (capped: a phone user will not wait longer), else 0.5 s, 1 s.
        const waitMs = error.retryAfterS != null ? Math.min(error.retryAfterS, 5) * 1000 : 500 * 2 ** tried
        await sleep(waitMs)
      }
    }
  }

  return { request, baseUrl: base }
}

function defaultSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function queryString(query) {
  if (!query) return ''
  const parts = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

// wx.request lower-cases nothing: header names come as the server wrote them.
function headerOf(headers, name) {
  if (!headers) return undefined
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value
  return undefined
}

function readAnswer(response, sentId) {
  const status = response.statusCode
  const requestId = headerOf(response.header, 'X-Request-Id') ?? sentId
  const retryAfter = Number(headerOf(response.header, 'Retry-After'))
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null
  const text = typeof response.data === 'string' ? response.data : ''
  let data = null
  if (text !== '') {
    try {
      data = JSON.parse(text)
    } catch {
      throw new ApiError({ status, code: CLIENT_CODES.badAnswer, message: `answer ${status} is not JSON`, requestId, retryAfterS })
    }
  }
  return { status, data, requestId, retryAfterS }
}

function errorOf({ status, data, requestId, retryAfterS }) {
  const error = data && typeof data === 'object' ? data.error : null
  if (!error || typeof error.code !== 'string') {
    return new ApiError({ status, code: CLIENT_CODES.badAnswer, message: `answer ${status} without an error body`, requestId, retryAfterS })
  }
  const details = error.details && typeof error.details === 'object' ? error.details : null
  return new ApiError({
    status,
    code: error.code,
    message: typeof error.message === 'string' ? error.message : error.code,
    requestId: typeof error.request_id === 'string' ? error.request_id : requestId,
    problems: Array.isArray(details?.problems) ? details.problems : [],
    retryAfterS,
    details,
  })
}
