// Integer fen as yuan text, without floating point: 12345 -> "¥123.45", -5 -> "-¥0.05".

/**
 * Yuan as typed ("12", "12.3", "12.34") to integer fen, without floating point; null when it is
 * not such an amount.
 * @param {string} text
 * @returns {number | null}
 */
export function parseYuan(text) {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(String(text ?? ''))
  if (!match) return null
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
}

/** @param {number} fen @returns {string} */
export function formatFen(fen) {
  if (!Number.isSafeInteger(fen)) return '—'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const yuan = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`
}
