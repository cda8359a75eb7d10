import { describe, expect, it } from 'vitest'

import {
  bonusBody,
  bonusForm,
  dayStart,
  emptyProject,
  formFieldOf,
  groupPlanProblems,
  parsePlan,
  placeProblems,
  refusedProblems,
  storeDay,
  type BonusConfig,
  type BonusForm,
} from './bonus-form'

const config: BonusConfig = {
  level_difference: true,
  flat_bp: 500,
  projects: [
    {
      name: '烫染季',
      starts_at: '2026-02-28T16:00:00Z',
      ends_at: '2026-03-31T16:00:00Z',
      goal: 'new_paying_customers',
      goal_count: 20,
      min_order_fen: 10000,
      product: '',
      reward: 'fixed',
      award_fen: 50000,
      award_bp: 0,
      budget_fen: 500000,
      winner_limit: 10,
    },
  ],
  top_dealer: { pool_bp: 200, threshold_fen: 1000000, period: 'quarter' },
  order_cap_bp: 5000,
  level2_cash: false,
  level2_cash_sign_off: null,
}

function collect(form: BonusForm) {
  const collected = bonusBody(form)
  if (!collected.ok) throw new Error(JSON.stringify(collected.problems))
  return collected
}

describe('the bonus form', () => {
  it('starts from the defaults of business rules section 7 when the store has no configuration', () => {
    const form = bonusForm(null)
    expect(form).toMatchObject({ levelDifference: false, flatPercent: '0', orderCapPercent: '50', level2Cash: false, projects: [], topDealer: false })
    // Nothing turned on: no award besides the dividend, the default cap.
    expect(collect(form)).toEqual({ ok: true, body: { awards: [], order_cap_bp: 5000, level2_cash: false }, awardParts: [] })
  })

  it('sends level difference, flat 5 % and a cap of 50 % as integers', () => {
    const form = bonusForm(null)
    form.levelDifference = true
    form.flatPercent = '5'
    form.orderCapPercent = '50'
    const { body, awardParts } = collect(form)
    expect(body).toEqual({ awards: [{ type: 'level_difference' }, { type: 'flat_push', flat_bp: 500 }], order_cap_bp: 5000, level2_cash: false })
    expect(awardParts).toEqual(['level_difference', 'flat_push'])
    // 0.1 + 0.2 style traps: the text is read, never a float.
    form.flatPercent = '4.35'
    expect(collect(form).body.awards[1]).toEqual({ type: 'flat_push', flat_bp: 435 })
    expect(Number.isInteger(collect(form).body.order_cap_bp)).toBe(true)
  })

  it('round-trips a stored configuration to the same body', () => {
    const { body, awardParts } = collect(bonusForm(config))
    expect(awardParts).toEqual(['level_difference', 'flat_push', 'projects[0]', 'top_dealer'])
    expect(body.awards[2]).toEqual({
      type: 'project',
      campaign: {
        name: '烫染季',
        starts_at: '2026-03-01T00:00:00+08:00',
        ends_at: '2026-04-01T00:00:00+08:00',
        goal: 'new_paying_customers',
        goal_count: 20,
        min_order_fen: 10000,
        reward: 'fixed',
        award_fen: 50000,
        budget_fen: 500000,
        winner_limit: 10,
      },
    })
    expect(body.awards[3]).toEqual({ type: 'top_dealer', top_dealer: { pool_bp: 200, threshold_fen: 1000000, period: 'quarter' } })
    // What the server stores back (UTC) is the same instant.
    expect(Date.parse(body.awards[2]!.campaign!.starts_at)).toBe(Date.parse(config.projects[0]!.starts_at))
    expect(Date.parse(body.awards[2]!.campaign!.ends_at)).toBe(Date.parse(config.projects[0]!.ends_at))
  })

  it('shows the campaign in store days, the last day counted included', () => {
    const form = bonusForm(config)
    expect(form.projects[0]).toMatchObject({ startDay: '2026-03-01', endDay: '2026-03-31', minOrder: '100.00', awardYuan: '500.00', budget: '5000.00', goalCount: '20' })
    expect(storeDay('2026-02-28T16:00:00Z')).toBe('2026-03-01')
    expect(storeDay('2026-02-28T15:59:59Z')).toBe('2026-02-28')
    expect(dayStart('2026-12-31')).toBe('2026-12-31T00:00:00+08:00')
  })

  it('a units campaign paid in % of sales sends product and award_bp, not fen', () => {
    const form = bonusForm(null)
    const row = emptyProject()
    Object.assign(row, { name: '护发素冲量', startDay: '2026-05-01', endDay: '2026-05-31', goal: 'product_units', product: 'SKU-9', goalCount: '100', reward: 'sales_bp', awardPercent: '3', budget: '2,000', winnerLimit: '3' })
    form.projects.push(row)
    const { body } = collect(form)
    expect(body.awards[0]).toEqual({
      type: 'project',
      campaign: {
        name: '护发素冲量',
        starts_at: '2026-05-01T00:00:00+08:00',
        ends_at: '2026-06-01T00:00:00+08:00',
        goal: 'product_units',
        goal_count: 100,
        product: 'SKU-9',
        reward: 'sales_bp',
        award_bp: 300,
        budget_fen: 200000,
        winner_limit: 3,
      },
    })
  })

  it('names each input a typo is in, and sends nothing', () => {
    const form = bonusForm(null)
    form.flatPercent = '5.555'
    form.orderCapPercent = '120'
    form.topDealer = true
    form.poolPercent = ''
    form.thresholdYuan = '1.234'
    const row = emptyProject()
    Object.assign(row, { name: 'x', startDay: '2026-13-01', endDay: '2026-03-31', goalCount: 'ten', budget: '-5', winnerLimit: '1', awardYuan: '10' })
    form.projects.push(row)
    const collected = bonusBody(form)
    expect(collected.ok).toBe(false)
    if (collected.ok) return
    expect(collected.problems).toEqual([
      { field: 'flat_bp', key: 'bonus.local.percent.too_many_decimals' },
      { field: 'projects[0].starts_at', key: 'bonus.local.day' },
      { field: 'projects[0].goal_count', key: 'bonus.local.whole.not_a_number' },
      { field: 'projects[0].budget_fen', key: 'money.errors.negative' },
      { field: 'top_dealer.pool_bp', key: 'bonus.local.percent.empty' },
      { field: 'top_dealer.threshold_fen', key: 'money.errors.too_many_decimals' },
      { field: 'order_cap_bp', key: 'bonus.local.percent.too_large' },
    ])
  })
})

describe('where a refusal goes', () => {
  const parts = ['level_difference', 'flat_push', 'projects[0]', 'projects[1]', 'top_dealer']

  it('maps the body paths back to the form inputs they came from', () => {
    expect(formFieldOf('order_cap_bp', parts)).toBe('order_cap_bp')
    expect(formFieldOf('level2_cash_sign_off', parts)).toBe('level2_cash')
    expect(formFieldOf('awards[0].type', parts)).toBe('level_difference')
    expect(formFieldOf('awards[1].flat_bp', parts)).toBe('flat_bp')
    expect(formFieldOf('awards[3].campaign.budget_fen', parts)).toBe('projects[1].budget_fen')
    expect(formFieldOf('awards[2].campaign', parts)).toBe('projects[0].name')
    expect(formFieldOf('awards[4].top_dealer.threshold_fen', parts)).toBe('top_dealer.threshold_fen')
    // No input for a tier's rate (the tiers page sets it), nor for an award the form never sent.
    expect(formFieldOf('tiers[1].ratio_bp', parts)).toBeNull()
    expect(formFieldOf('awards[9].depth', parts)).toBeNull()
  })

  it('keeps a problem with no input of its own apart', () => {
    const problems = [
      { field: 'awards[1].flat_bp', code: 'rate_out_of_range', message: 'flat_bp is 1 to 10000 basis points' },
      { field: 'tiers[0].ratio_bp', code: 'order_cap_exceeded', message: 'the tier 银卡 pays 6000 bp' },
      { field: 'order_cap_bp', code: 'order_cap_exceeded', message: 'an order at the lowest tier would carry' },
    ]
    const placed = placeProblems(problems, parts)
    expect(Object.keys(placed.byField)).toEqual(['flat_bp', 'order_cap_bp'])
    expect(placed.apart.map((p) => p.field)).toEqual(['tiers[0].ratio_bp'])
  })

  it('reads the field of a strict body refusal from its message', () => {
    expect(refusedProblems({ code: 'invalid_field', message: 'awards[0].campaign.starts_at must be RFC 3339 with a zone', problems: [] })).toEqual([
      { field: 'awards[0].campaign.starts_at', code: 'invalid_field', message: 'awards[0].campaign.starts_at must be RFC 3339 with a zone' },
    ])
    expect(refusedProblems({ code: 'no_tiers', message: 'the store has no tiers', problems: [] })).toEqual([])
  })
})

describe('another system’s plan', () => {
  const counterExample = {
    awards: [
      { type: 'other', label: '推荐奖', base: 'membership', depth: 1, level_rates_bp: [5000], recipient: 'referrer', medium: 'cash' },
      { type: 'other', label: '团队奖', base: 'membership', depth: 6, level_rates_bp: [0, 0, 0, 0, 0, 5000], medium: 'cash' },
    ],
    partner_entry: { required_purchase_fen: 198000, purchase_returnable: false, purchase_unlocks_rewards: true },
  }

  it('is sent exactly as pasted', () => {
    expect(parsePlan(JSON.stringify(counterExample, null, 2))).toEqual({ ok: true, body: counterExample })
    expect(parsePlan('')).toEqual({ ok: false, key: 'bonus.plan.local.empty' })
    expect(parsePlan('[1]')).toEqual({ ok: false, key: 'bonus.plan.local.not_object' })
    expect(parsePlan('{awards: []}')).toMatchObject({ ok: false, key: 'bonus.plan.local.not_json' })
  })

  it('lists the problems by award, named as the plan names them, the whole plan first', () => {
    const problems = [
      { field: 'awards[0].type', code: 'unsupported_award_type', message: 'm1' },
      { field: 'awards[0].base', code: 'base_not_consumer_sales', message: 'm2' },
      { field: 'awards[0].medium', code: 'referrer_cash', message: 'm3' },
      { field: 'awards[1].type', code: 'unsupported_award_type', message: 'm4' },
      { field: 'awards[1].depth', code: 'depth_exceeds_two_levels', message: 'm5' },
      { field: 'order_cap_bp', code: 'order_cap_exceeded', message: 'm6' },
      { field: 'partner_entry.required_purchase_fen', code: 'entry_fee', message: 'm7' },
    ]
    const groups = groupPlanProblems(problems, counterExample as never)
    expect(groups.map((g) => [g.award, g.label, g.problems.map((p) => `${p.field}:${p.code}`)])).toEqual([
      [null, '', ['order_cap_bp:order_cap_exceeded', 'partner_entry.required_purchase_fen:entry_fee']],
      [0, '推荐奖', ['type:unsupported_award_type', 'base:base_not_consumer_sales', 'medium:referrer_cash']],
      [1, '团队奖', ['type:unsupported_award_type', 'depth:depth_exceeds_two_levels']],
    ])
    // An award without a label is named by its type.
    expect(groupPlanProblems([{ field: 'awards[0].type', code: 'forbidden_bonus_type', message: 'm' }], { awards: [{ type: 'see_point' }] })[0]!.label).toBe('see_point')
  })
})
