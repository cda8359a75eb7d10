import { describe, expect, it } from 'vitest'

import { changesFrom, cpAsPoints, formBounds, highestAllowed, lockBound, parseInteger, placeProblems, poolBody, poolFields, poolForm, quotaBound, rateCapBound, type PoolConfig } from './pool-form'

// The defaults of docs/business-rules.md section 3.1 (version 0).
const defaults: PoolConfig = {
  initial_value_cp: 10_000_000,
  min_holders: 20,
  growth_bp: 1500,
  first_rate_bp: 50,
  rate_step_bp: 10,
  rate_cap_bp: 300,
  fund_share_bp: 5000,
  quota_bp: 2500,
  advance_periods: 3,
  advance_budget_bp: 2000,
  lock_bp: 100,
  voucher_validity_days: 365,
  vest_days: 7,
  supply_voucher_max_bp: 3000,
}

describe('the pool configuration form', () => {
  it('has every field of the API, and sends back exactly what it was filled with', () => {
    expect(poolFields.map((f) => f.name).sort()).toEqual(Object.keys(defaults).sort())
    expect(poolBody(poolForm(defaults))).toEqual({ ok: true, body: defaults })
  })

  it('reads whole numbers as people type them, and sends a negative one for the server to judge', () => {
    expect(parseInteger(' 10,000,000 ')).toBe(10_000_000)
    expect(parseInteger('１５００')).toBe(1500)
    expect(parseInteger('-5')).toBe(-5)
    for (const bad of ['', '3.5', '1e3', 'abc', '12345678901234']) expect(parseInteger(bad)).toBeNull()
    const form = poolForm(defaults)
    form.lock_bp = '-1'
    expect(poolBody(form)).toMatchObject({ ok: true, body: { lock_bp: -1 } })
  })

  it('names every field that is not a whole number, and sends nothing', () => {
    const form = poolForm(defaults)
    form.rate_cap_bp = '3%'
    form.vest_days = ''
    expect(poolBody(form)).toEqual({ ok: false, fields: ['rate_cap_bp', 'vest_days'] })
  })

  it('works out the validator’s bounds: 326, 2500 and 150 bp at the defaults with no concession set', () => {
    expect(rateCapBound(5000, 1500)).toBe(326)
    expect(quotaBound(5000)).toBe(2500)
    expect(quotaBound(10000)).toBe(5000)
    expect(lockBound(5000, null)).toBe(150)
    expect(lockBound(5000, 1200)).toBe(600)
    expect(formBounds(poolForm(defaults), null)).toEqual({ rate_cap_bp_max: 326, quota_bp_max: 2500, lock_bp_max: 150 })
  })

  it('follows the form’s own fund share and growth, and gives up on ones that do not read or are out of range', () => {
    const form = poolForm(defaults)
    form.fund_share_bp = '6000'
    form.growth_bp = '2000'
    expect(formBounds(form, 300)).toEqual({ rate_cap_bp_max: 500, quota_bp_max: 3000, lock_bp_max: 120 })
    form.growth_bp = '50'
    expect(formBounds(form, 300)).toBeNull()
    form.growth_bp = 'x'
    expect(formBounds(form, 300)).toBeNull()
  })

  it('hints the lower of a field’s range and its funding bound', () => {
    const spec = (name: string) => poolFields.find((f) => f.name === name)!
    const bounds = { rate_cap_bp_max: 326, quota_bp_max: 2500, lock_bp_max: 150 }
    expect(highestAllowed(spec('rate_cap_bp'), bounds)).toBe(326)
    expect(highestAllowed(spec('quota_bp'), bounds)).toBe(2500)
    expect(highestAllowed(spec('lock_bp'), bounds)).toBe(150)
    expect(highestAllowed(spec('vest_days'), bounds)).toBe(90)
    expect(highestAllowed(spec('rate_cap_bp'), null)).toBe(10000)
  })

  it('puts each problem of a refusal at its field', () => {
    const cap = { field: 'rate_cap_bp', code: 'rate_cap_unfunded', message: 'at most 326 bp' }
    const first = { field: 'first_rate_bp', code: 'first_rate_above_cap', message: 'above the cap' }
    const odd = { field: 'awards', code: 'x', message: 'y' }
    expect(placeProblems([cap, first, odd])).toEqual({ byField: { rate_cap_bp: [cap], first_rate_bp: [first] }, apart: [odd] })
  })

  it('says what a version changed from the one before, in the table’s order', () => {
    const next = { ...defaults, voucher_validity_days: 400, min_holders: 25 }
    expect(changesFrom(defaults, next)).toEqual([
      ['min_holders', 20, 25],
      ['voucher_validity_days', 365, 400],
    ])
    expect(changesFrom(undefined, next)).toEqual([])
    expect(changesFrom(next, next)).toEqual([])
  })

  it('shows centipoints as points', () => {
    expect(cpAsPoints(10_000_000)).toBe('100,000')
    expect(cpAsPoints(150)).toBe('1.5')
    expect(cpAsPoints(7)).toBe('0.07')
    expect(cpAsPoints(0)).toBe('0')
  })
})
