// Paying a supply bill (docs/alliance.md "Supply orders"): the store's vouchers pay at most the
// pool's share of the bill (supply_voucher_max_bp, floor) and at most what it holds; the rest is
// owed to the platform in money. The server decides; the page says the same before it asks.
import { parseYuan, type ParseFailure } from '../../format/money'

/** floor(amount x cap / 10000), exactly (BigInt: a bill of 10^12 fen times 10^4 bp passes 2^53). */
export function supplyVoucherLimit(amountFen: number, capBp: number): number {
  if (amountFen <= 0 || capBp <= 0) return 0
  return Number((BigInt(amountFen) * BigInt(capBp)) / 10000n)
}

/** What the dialog offers first: as much as may be paid with vouchers. */
export function suggestedVoucherFen(amountFen: number, capBp: number, spendableFen: number): number {
  return Math.max(0, Math.min(supplyVoucherLimit(amountFen, capBp), spendableFen))
}

export type VoucherInput =
  | { ok: true; voucherFen: number; moneyFen: number }
  | { ok: false; reason: ParseFailure | 'over_maximum' | 'over_balance'; limitFen: number }

/** The typed voucher part (empty: none, money alone), checked as the server will. */
export function readVoucherInput(input: string, amountFen: number, capBp: number, spendableFen: number): VoucherInput {
  const limitFen = supplyVoucherLimit(amountFen, capBp)
  const parsed = input.trim() === '' ? ({ ok: true, value: 0 } as const) : parseYuan(input)
  if (!parsed.ok) return { ok: false, reason: parsed.reason, limitFen }
  if (parsed.value > limitFen) return { ok: false, reason: 'over_maximum', limitFen }
  if (parsed.value > spendableFen) return { ok: false, reason: 'over_balance', limitFen }
  return { ok: true, voucherFen: parsed.value, moneyFen: amountFen - parsed.value }
}
