import { describe, expect, it } from 'vitest'

import { bodyFromForm, effectivePeriods, formFromVersion, lastDays, windowOf, type TierForm, type TierVersion } from './tier-form'

const version: TierVersion = {
  version: 3,
  tiers: [
    { name: '银卡', buy_in_fen: 1000000, ratio_bp: 2000 },
    { name: '金卡', buy_in_fen: 3000050, ratio_bp: 2550 },
  ],
  profit_margin_bp: 3000,
  category_margins: { drinks: 6000 },
  created_by_user_id: '1',
  created_at: '2026-12-01T08:00:00Z',
}

describe('the tier form', () => {
  it('shows a version in yuan and percent, and sends it back as the same integers', () => {
    const form = formFromVersion(version)
    expect(form.tiers.map((r) => [r.name, r.buyIn, r.ratio])).toEqual([
      ['银卡', '10000.00', '20'],
      ['金卡', '30000.50', '25.5'],
    ])
    expect(form.margin).toBe('30')
    expect(form.categories.map((r) => [r.category, r.margin])).toEqual([['drinks', '60']])
    expect(bodyFromForm(form)).toEqual({
      ok: true,
      body: { tiers: version.tiers, profit_margin_bp: 3000, category_margins: { drinks: 6000 } },
    })
  })

  it('parses what people type exactly: full-width digits, separators, two decimals at most', () => {
    const form: TierForm = {
      tiers: [{ key: 1, name: ' 银卡 ', buyIn: '１，０００.０１', ratio: '12.34%' }],
      margin: '0.01',
      categories: [],
    }
    expect(bodyFromForm(form)).toEqual({ ok: true, body: { tiers: [{ name: '银卡', buy_in_fen: 100001, ratio_bp: 1234 }], profit_margin_bp: 1 } })
  })

  it('marks each field it cannot read, by the API field path', () => {
    const form: TierForm = {
      tiers: [
        { key: 1, name: 'a', buyIn: '10.001', ratio: '101' },
        { key: 2, name: 'b', buyIn: 'abc', ratio: '' },
      ],
      margin: '-5',
      categories: [
        { key: 3, category: '', margin: '10' },
        { key: 4, category: 'drinks', margin: '1.234' },
        { key: 5, category: 'drinks', margin: '20' },
      ],
    }
    const parsed = bodyFromForm(form)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.problems).toEqual([
      { field: 'tiers[0].buy_in_fen', key: 'money.errors.too_many_decimals' },
      { field: 'tiers[0].ratio_bp', key: 'tiers.local.percent.too_large' },
      { field: 'tiers[1].buy_in_fen', key: 'money.errors.not_a_number' },
      { field: 'tiers[1].ratio_bp', key: 'tiers.local.percent.empty' },
      { field: 'profit_margin_bp', key: 'tiers.local.percent.negative' },
      { field: 'category_margins[0]', key: 'tiers.local.category_empty' },
      { field: 'category_margins.drinks', key: 'tiers.local.percent.too_many_decimals' },
      { field: 'category_margins.drinks', key: 'tiers.local.category_twice' },
    ])
  })

  it('leaves the table rules to the server, which reports them all at once', () => {
    const form: TierForm = {
      tiers: [
        { key: 1, name: 'a', buyIn: '100', ratio: '30' },
        { key: 2, name: 'a', buyIn: '200', ratio: '20' },
      ],
      margin: '30',
      categories: [],
    }
    expect(bodyFromForm(form).ok).toBe(true)
  })

  it('starts a first version with one empty tier', () => {
    const form = formFromVersion(null)
    expect(form.tiers).toHaveLength(1)
    expect(form.categories).toEqual([])
  })
})

describe('the what-if window', () => {
  it('runs from the first day at midnight to the day after the last', () => {
    const first = new Date(2026, 8, 3, 15, 30)
    const last = new Date(2026, 11, 1, 9, 0)
    expect(windowOf([first, last])).toEqual({
      from: new Date(2026, 8, 3).toISOString(),
      to: new Date(2026, 11, 2).toISOString(),
    })
    expect(windowOf(null)).toEqual({})
  })

  it('defaults to the last 90 days, today included', () => {
    const [first, last] = lastDays(90, new Date(2026, 11, 2, 13, 0))
    expect(last).toEqual(new Date(2026, 11, 2))
    expect(first).toEqual(new Date(2026, 8, 4))
  })
})

describe('the history', () => {
  it('says when each version was in force: until the next one began', () => {
    const v = (n: number, at: string): TierVersion => ({ ...version, version: n, created_at: at })
    const periods = effectivePeriods([v(3, '2026-12-01T00:00:00Z'), v(2, '2026-11-01T00:00:00Z'), v(1, '2026-10-01T00:00:00Z')])
    expect(periods.map((p) => [p.version.version, p.from, p.until])).toEqual([
      [3, '2026-12-01T00:00:00Z', null],
      [2, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
      [1, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
    ])
  })
})
