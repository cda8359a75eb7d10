// How long to wait before reconnecting the reminders socket after `failures` failed tries in a
// row (docs/websocket.md: "1 s, 2 s, 4 s... up to 30 s"). Each delay is jittered by up to 20 %
// either way, within 1..30 s, so that phones dropped together (a cell tower, a restart) do not
// come back together. A 1001 (the server shutting down) is not a failure: the reminders module
// reconnects at once, to whichever instance answers.

export const RECONNECT_MIN_MS = 1000
export const RECONNECT_MAX_MS = 30000
export const RECONNECT_JITTER = 0.2

/**
 * @param {number} failures  failed tries since the last open socket (0 for the first wait)
 * @param {() => number} [random]  uniform in [0, 1)
 * @returns {number} milliseconds
 */
export function reconnectDelay(failures, random = Math.random) {
  const nominal = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(Math.max(failures, 0), 16))
  const jittered = nominal * (1 + RECONNECT_JITTER * (2 * random() - 1))
  return Math.round(Math.min(RECONNECT_MAX_MS, Math.max(RECONNECT_MIN_MS, jittered)))
}
