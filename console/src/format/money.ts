// Money in the console: the API speaks integer fen, people read and type yuan. Nothing here goes
// through a floating-point number: 0.1 + 0.2 is not 0.3, and a refund of ¥19.99 must be 1999 fen.

/** A parse that failed says why, in a form the page can translate (money.errors.<reason>). */
export type ParseFailure = 'empty' | 'not_a_number' | 'too_many_decimals' | 'negative' | 'too_large'
export type Parsed = { ok: true; value: number } | { ok: false; reason: ParseFailure }

function assertFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`an amount in fen is a safe integer, not ${fen}`)
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** 123456 -> "¥1,234.56"; -5 -> "-¥0.05". Throws on a fraction or an unsafe integer. */
export function formatFen(fen: number): string {
  assertFen(fen)
  const sign = fen < 0 ? '-' : ''
  const digits = String(Math.abs(fen)).padStart(3, '0')
  const yuan = digits.slice(0, -2)
  const cents = digits.slice(-2)
  return `${sign}¥${groupThousands(yuan)}.${cents}`
}

// People type "1,234.5", "¥12", "１２．５" (full-width, from a Chinese input method) or " 8 ".
// NFKC folds full-width digits, dot, comma and yen sign to their ASCII forms.
function normalise(input: string): string {
  return input.normalize('NFKC').trim().replace(/^¥\s*/, '').replace(/^-\s*¥\s*/, '-')
}

/**
 * "1,234.56" -> 123456 fen, exactly: the integer and decimal digits are read as text, never as a
 * float. At most two decimals ("1.234" is refused, not rounded); thousands separators must group
 * by three. Negative amounts only with `allowNegative`.
 */
export function parseYuan(input: string, options: { allowNegative?: boolean } = {}): Parsed {
  const text = normalise(input)
  if (text === '') return { ok: false, reason: 'empty' }
  const match = /^(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(text)
  if (!match) {
    return /^-?[\d,]*\.\d{3,}$/.test(text) ? { ok: false, reason: 'too_many_decimals' } : { ok: false, reason: 'not_a_number' }
  }
  const [, minus, whole = '', decimals = ''] = match
  if (decimals.length > 2) return { ok: false, reason: 'too_many_decimals' }
  const fen = BigInt(whole.replace(/,/g, '')) * 100n + BigInt(decimals.padEnd(2, '0'))
  if (minus && fen !== 0n && !options.allowNegative) return { ok: false, reason: 'negative' }
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'too_large' }
  const value = Number(fen)
  return { ok: true, value: minus && value !== 0 ? -value : value }
}
