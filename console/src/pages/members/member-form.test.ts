import { describe, expect, it } from 'vitest'

import {
  formatMultiplier,
  formatOff,
  formatZhe,
  levelRows,
  levelsBody,
  offerBody,
  parseMultiplier,
  programBody,
  programForm,
  type MemberProgram,
} from './member-form'

describe('member level words', () => {
  it('shows a member price the Chinese way and as the share off', () => {
    expect(formatZhe(9500)).toBe('95折')
    expect(formatZhe(9000)).toBe('9折')
    expect(formatZhe(8850)).toBe('88.5折')
    expect(formatZhe(1000)).toBe('1折')
    expect(formatZhe(9999)).toBe('99.99折')
    expect(formatZhe(10000)).toBeNull()
    expect(formatOff(9500)).toBe('5%')
    expect(formatOff(8850)).toBe('11.5%')
  })

  it('reads and shows multipliers exactly', () => {
    expect(formatMultiplier(12000)).toBe('1.2x')
    expect(formatMultiplier(10000)).toBe('1x')
    expect(formatMultiplier(15550)).toBe('1.555x')
    expect(formatMultiplier(100000)).toBe('10x')
    expect(parseMultiplier('1.2')).toEqual({ ok: true, value: 12000 })
    expect(parseMultiplier('１．２５x')).toEqual({ ok: true, value: 12500 })
    expect(parseMultiplier('0.1')).toEqual({ ok: true, value: 1000 })
    expect(parseMultiplier('1.00001')).toEqual({ ok: false, reason: 'too_many_decimals' })
    expect(parseMultiplier('abc')).toEqual({ ok: false, reason: 'not_a_number' })
    // 1.1 as a float is 1.1000000000000000888: the text is read, not the float.
    expect(parseMultiplier('1.1')).toEqual({ ok: true, value: 11000 })
  })
})

describe('the programme form', () => {
  const program: MemberProgram = {
    points_per_yuan: 2,
    point_value_fen: 1,
    max_points_per_order: 5000,
    points_validity_months: 12,
    task_spend_fen: 29990,
    task_days: 30,
    task_topup_fen: null,
    terms_version: 'v1',
    terms_text: '会员条款',
    partner_requires_member: true,
    updated_by_user_id: '1',
    updated_at: '2026-12-01T08:00:00Z',
  }

  it('round-trips a programme through yuan text to the same integers', () => {
    const form = programForm(program)
    expect(form.taskSpend).toBe('299.90')
    expect(form.pointValue).toBe('0.01')
    expect(programBody(form)).toEqual({
      ok: true,
      body: {
        points_per_yuan: 2,
        point_value_fen: 1,
        max_points_per_order: 5000,
        points_validity_months: 12,
        task_spend_fen: 29990,
        task_days: 30,
        task_topup_fen: null,
        terms_version: 'v1',
        terms_text: '会员条款',
        partner_requires_member: true,
      },
    })
  })

  it('marks every typo by its field', () => {
    const form = { ...programForm(program), taskSpend: '299.999', taskDays: 'x', topupTask: true, taskTopup: '' }
    const result = programBody(form)
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.problems).toEqual([
        { field: 'task_spend_fen', key: 'money.errors.too_many_decimals' },
        { field: 'task_days', key: 'members.local.whole.not_a_number' },
        { field: 'task_topup_fen', key: 'money.errors.empty' },
      ])
  })
})

describe('the level table', () => {
  it('sends percent and multipliers as basis points', () => {
    const rows = levelRows([
      { level_no: 1, name: '普通会员', threshold_growth: 0, discount_bp: 10000, points_multiplier_bp: 10000, retention_growth_12m: 0 },
      { level_no: 2, name: '金卡', threshold_growth: 1000, discount_bp: 9500, points_multiplier_bp: 12000, retention_growth_12m: 300 },
    ])
    expect(rows.map((r) => [r.discount, r.multiplier])).toEqual([
      ['100', '1'],
      ['95', '1.2'],
    ])
    expect(levelsBody(rows)).toEqual({
      ok: true,
      body: {
        levels: [
          { name: '普通会员', threshold_growth: 0, discount_bp: 10000, points_multiplier_bp: 10000, retention_growth_12m: 0 },
          { name: '金卡', threshold_growth: 1000, discount_bp: 9500, points_multiplier_bp: 12000, retention_growth_12m: 300 },
        ],
      },
    })
  })

  it('names the row and field of a typo', () => {
    const rows = levelRows([])
    rows[0]!.discount = '95.555'
    rows[0]!.threshold = ''
    const result = levelsBody(rows)
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.problems).toEqual([
        { field: 'levels[0].discount_bp', key: 'members.local.percent.too_many_decimals' },
        { field: 'levels[0].threshold_growth', key: 'members.local.whole.empty' },
      ])
  })
})

describe('offers', () => {
  it('reads a top-up package in yuan', () => {
    expect(offerBody('topup_package', { name: '充300送100', pay: '300', bonus: '100.00', price: '', points: '' })).toEqual({
      ok: true,
      body: { kind: 'topup_package', name: '充300送100', pay_fen: 30000, bonus_fen: 10000 },
    })
    expect(offerBody('membership_product', { name: '年卡', pay: '', bonus: '', price: '19.9', points: '' })).toEqual({
      ok: true,
      body: { kind: 'membership_product', name: '年卡', price_fen: 1990 },
    })
    expect(offerBody('points_item', { name: '杯子', pay: '', bonus: '', price: '', points: '1.5' })).toEqual({
      ok: false,
      problems: [{ field: 'points_price', key: 'members.local.whole.not_a_number' }],
    })
  })
})
