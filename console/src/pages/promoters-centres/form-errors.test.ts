import { describe, expect, it } from 'vitest'

import { ApiError } from '../../api/client'
import { lastMonth } from '../../format/time'
import { fieldErrors, parseId } from './form-errors'

describe('form errors', () => {
  it('puts each problem beside its field and keeps the rest', () => {
    const e = new ApiError(422, 'centre_appointment_refused', 'refused', [
      { field: 'rate_bp', code: 'rate_above_level', message: 'above the level' },
      { field: 'ends_on', code: 'dates_outside_upper', message: 'outside' },
      { field: 'recruitment_reward_fen', code: 'recruitment_reward', message: 'no recruiting' },
    ], 'r')
    const out = fieldErrors(e, ['rate_bp', 'ends_on'])
    expect(out.byField).toEqual({ rate_bp: 'above the level', ends_on: 'outside' })
    expect(out.rest).toEqual(['no recruiting'])
    expect(fieldErrors(new Error('x'), ['a'])).toEqual({ byField: {}, rest: [] })
    expect(fieldErrors(e, ['rate_bp'], (p) => p.code).byField).toEqual({ rate_bp: 'rate_above_level' })
  })
  it('knows last month in Beijing time and reads ids strictly', () => {
    expect(lastMonth(Date.UTC(2026, 11, 4, 4))).toBe('2026-11')
    expect(lastMonth(Date.UTC(2026, 0, 1, 0))).toBe('2025-12')
    expect(lastMonth(Date.UTC(2026, 1, 28, 17))).toBe('2026-02') // 1 March 01:00 in Beijing
    expect(parseId(' 42 ')).toBe('42')
    for (const bad of ['', '0', '-1', '1.5', 'x', '042']) expect(parseId(bad)).toBeNull()
  })
})
