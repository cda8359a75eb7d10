import { describe, expect, it } from 'vitest'

import { readVoucherInput, suggestedVoucherFen, supplyVoucherLimit } from './supply-pay'

describe('paying a supply bill with vouchers', () => {
  it('caps the voucher part at the pool share of the bill, floored, exactly for the largest bills', () => {
    expect(supplyVoucherLimit(5000, 3000)).toBe(1500)
    expect(supplyVoucherLimit(5001, 3000)).toBe(1500)
    expect(supplyVoucherLimit(5000, 0)).toBe(0)
    expect(supplyVoucherLimit(999_999_999_999, 9999)).toBe(999_899_999_999)
  })

  it('offers as much as may be paid: the cap or what the store holds, whichever is less', () => {
    expect(suggestedVoucherFen(1000, 3000, 100)).toBe(100)
    expect(suggestedVoucherFen(1000, 3000, 5000)).toBe(300)
    expect(suggestedVoucherFen(1000, 3000, 0)).toBe(0)
  })

  it('reads the typed part in yuan and refuses what the server would', () => {
    expect(readVoucherInput('1.00', 1000, 3000, 100)).toEqual({ ok: true, voucherFen: 100, moneyFen: 900 })
    expect(readVoucherInput('', 1000, 3000, 0)).toEqual({ ok: true, voucherFen: 0, moneyFen: 1000 })
    expect(readVoucherInput('3.01', 1000, 3000, 5000)).toEqual({ ok: false, reason: 'over_maximum', limitFen: 300 })
    expect(readVoucherInput('2', 1000, 3000, 100)).toEqual({ ok: false, reason: 'over_balance', limitFen: 300 })
    expect(readVoucherInput('1.234', 1000, 3000, 100)).toEqual({ ok: false, reason: 'too_many_decimals', limitFen: 300 })
    expect(readVoucherInput('abc', 1000, 3000, 100)).toEqual({ ok: false, reason: 'not_a_number', limitFen: 300 })
  })
})
