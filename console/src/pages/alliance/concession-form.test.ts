import { describe, expect, it } from 'vitest'

import { concessionBody, concessionForm, lowestConcessionBp, orderExample, placeProblems } from './concession-form'

const bounds = { concession_bp_min: 300, concession_bp_max: 2000 }
const version = { version: 2, concession_bp: 1250, voucher_max_bp: 5000, effective_from: '2026-12-02T08:00:00Z', created_by_user_id: '7' }

describe('the concession form', () => {
  it('shows the concession in force in percent, or an empty one with the default voucher share', () => {
    expect(concessionForm(version)).toEqual({ concessionPercent: '12.5', voucherMaxPercent: '50' })
    expect(concessionForm({ ...version, concession_bp: 305, voucher_max_bp: 0 })).toEqual({ concessionPercent: '3.05', voucherMaxPercent: '0' })
    expect(concessionForm(null)).toEqual({ concessionPercent: '', voucherMaxPercent: '50' })
  })

  it('sends percent as exact basis points, out of range too (the server judges the range)', () => {
    expect(concessionBody({ concessionPercent: '12', voucherMaxPercent: '50' })).toEqual({ ok: true, body: { concession_bp: 1200, voucher_max_bp: 5000 } })
    expect(concessionBody({ concessionPercent: '25', voucherMaxPercent: '0.01' })).toEqual({ ok: true, body: { concession_bp: 2500, voucher_max_bp: 1 } })
  })

  it('names each percent that does not read, and sends nothing', () => {
    expect(concessionBody({ concessionPercent: '', voucherMaxPercent: '12.345' })).toEqual({
      ok: false,
      problems: [
        { field: 'concession_bp', reason: 'empty' },
        { field: 'voucher_max_bp', reason: 'too_many_decimals' },
      ],
    })
    expect(concessionBody({ concessionPercent: '-3', voucherMaxPercent: '120' })).toMatchObject({ ok: false, problems: [{ reason: 'negative' }, { reason: 'too_large' }] })
  })

  it('knows the lowest concession the fan-lock reward allows', () => {
    // Defaults: lock 100 bp needs a platform part of 100 bp: 200 bp of concession, below the 300 floor.
    expect(lowestConcessionBp({ lock_bp: 100, fund_share_bp: 5000 }, bounds)).toBe(300)
    // lock 150 at fund 5000: exactly 300; 151: 302.
    expect(lowestConcessionBp({ lock_bp: 150, fund_share_bp: 5000 }, bounds)).toBe(300)
    expect(lowestConcessionBp({ lock_bp: 151, fund_share_bp: 5000 }, bounds)).toBe(302)
    expect(lowestConcessionBp({ lock_bp: 0, fund_share_bp: 10000 }, bounds)).toBe(300)
    expect(lowestConcessionBp({ lock_bp: 100, fund_share_bp: 10000 }, bounds)).toBeNull()
    expect(lowestConcessionBp({ lock_bp: 1500, fund_share_bp: 5000 }, bounds)).toBeNull()
  })

  it('works out an order of 100 yuan as the accrual splits it', () => {
    // 12 %: 12 yuan of concession, half to the fund, a lot of 1200 cp (12 points) each.
    expect(orderExample(10000, 1200, 5000)).toEqual({ concessionFen: 1200, fundFen: 600, platformFen: 600, lotCp: 1200 })
    // Floors everywhere: 3.33 % of 100 yuan is 333 fen, 5000 bp of it 166.
    expect(orderExample(10000, 333, 5000)).toEqual({ concessionFen: 333, fundFen: 166, platformFen: 167, lotCp: 333 })
  })

  it('puts each problem of a refusal at its field', () => {
    const low = { field: 'concession_bp', code: 'out_of_range', message: 'the concession must be 300-2000 bp' }
    const other = { field: 'pool', code: 'x', message: 'y' }
    expect(placeProblems([low, other])).toEqual({ byField: { concession_bp: [low] }, apart: [other] })
  })
})
