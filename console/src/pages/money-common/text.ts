// Small pieces of presentation every money page uses: times in the store's zone, and the request
// ids that make a payment, a buy-in or a refund safe to send again.

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})

/** "2026-11-27T08:00:00Z" -> "2026/11/27 16:00" (the store's time); "" for null. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? iso : timeFormat.format(at)
}

/**
 * A fresh `request_id` (the API's pattern: 8-64 of [A-Za-z0-9_-]): made when a form opens, so a
 * second click or a retry after a lost answer sends the same one and the server records one payment.
 * getRandomValues, not randomUUID: the console may be served over plain http on a LAN.
 */
export function newRequestId(prefix: string): string {
  const bytes = new Uint8Array(12)
  crypto.getRandomValues(bytes)
  return prefix + '-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** 12345 -> "123.45": an amount in fen as the text a yuan field starts with (no float on the way). */
export function yuanText(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not an amount in fen: ${fen}`)
  const digits = String(fen).padStart(3, '0')
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`
}
