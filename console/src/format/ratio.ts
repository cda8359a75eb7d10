// Ratios and margins: the API speaks integer basis points (10000 = 100 %), people read percent.
import type { Parsed } from './money'

function assertBp(bp: number): void {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`a ratio in basis points is a safe integer, not ${bp}`)
}

/** 1234 -> "12.34%", 500 -> "5%", 550 -> "5.5%", 1 -> "0.01%". */
export function formatBp(bp: number): string {
  assertBp(bp)
  const sign = bp < 0 ? '-' : ''
  const digits = String(Math.abs(bp)).padStart(3, '0')
  const whole = digits.slice(0, -2)
  const decimals = digits.slice(-2).replace(/0+$/, '')
  return `${sign}${whole}${decimals ? '.' + decimals : ''}%`
}

/** "12.34" or "12.34%" -> 1234 bp, exactly; at most two decimals; 0 to 100 %. */
export function parsePercent(input: string): Parsed {
  const text = input.normalize('NFKC').trim().replace(/\s*%$/, '')
  if (text === '') return { ok: false, reason: 'empty' }
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text)
  if (!match) return { ok: false, reason: 'not_a_number' }
  const [, minus, whole = '', decimals = ''] = match
  if (decimals.length > 2) return { ok: false, reason: 'too_many_decimals' }
  const bp = BigInt(whole) * 100n + BigInt(decimals.padEnd(2, '0'))
  if (minus && bp !== 0n) return { ok: false, reason: 'negative' }
  if (bp > 10000n) return { ok: false, reason: 'too_large' }
  return { ok: true, value: Number(bp) }
}
