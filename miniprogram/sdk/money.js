// Integer fen as yuan text, without floating point: 12345 -> "¥123.45", -5 -> "-¥0.05".

/** @param {number} fen @returns {string} */
export function formatFen(fen) {
  if (!Number.isSafeInteger(fen)) return '—'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const yuan = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`
}
