// The one error type of the SDK: what the server said (its stable `code`, the request id to quote
// to support, the fields a 400 names), or what stopped the call before an answer (network,
// timeout). docs/errors.md lists the server's codes.

/** Codes the SDK itself gives, for failures that never reached an answer of the server. */
export const CLIENT_CODES = Object.freeze({
  network: 'network_error', // no answer: offline, refused, reset
  timeout: 'timeout', // no answer within the call's timeout
  badAnswer: 'bad_answer', // an answer that is not the JSON the API promises
  cancelled: 'cancelled', // the user closed a WeChat dialog (subscribe, transfer, phone)
  unsupported: 'unsupported', // this WeChat version lacks the API (wx.canIUse said no)
})

export class ApiError extends Error {
  /**
   * @param {{status: number, code: string, message: string, requestId?: string | null,
   *   problems?: Array<{field: string, code: string, message: string}>, retryAfterS?: number | null,
   *   details?: Record<string, unknown> | null}} fields
   */
  constructor({ status, code, message, requestId = null, problems = [], retryAfterS = null, details = null }) {
    super(message)
    this.name = 'ApiError'
    /** HTTP status; 0 when no answer came. */
    this.status = status
    /** The stable code (docs/errors.md), or one of CLIENT_CODES. */
    this.code = code
    /** X-Request-Id of the call: what support asks for. */
    this.requestId = requestId
    /** `error.details.problems` of a 400: each names the field it is about. */
    this.problems = problems
    /** Seconds from `Retry-After`, when the server sent it. */
    this.retryAfterS = retryAfterS
    this.details = details
  }
}

/** True when `error` is an ApiError with one of `codes`. */
export function isApiError(error, ...codes) {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code))
}
