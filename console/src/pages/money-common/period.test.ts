import { describe, expect, it } from 'vitest'

import { addDays, lastDays, periodQuery, storeDay } from './period'
import { formatTime, newRequestId, yuanText } from './text'

describe('report periods', () => {
  it('reads the day in the store zone, not the browser one', () => {
    // 16:30 UTC is 00:30 the next day in China.
    expect(storeDay(new Date('2026-12-01T16:30:00Z'))).toBe('2026-12-02')
    expect(storeDay(new Date('2026-12-01T15:59:59Z'))).toBe('2026-12-01')
  })

  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(() => addDays('2026/03/01', 1)).toThrow(RangeError)
  })

  it('asks from the first midnight to the midnight after the last day', () => {
    expect(periodQuery({ start: '2026-11-01', end: '2026-11-30' })).toEqual({
      from: '2026-11-01T00:00:00+08:00',
      to: '2026-12-01T00:00:00+08:00',
    })
    expect(lastDays(7, '2026-12-02')).toEqual({ start: '2026-11-26', end: '2026-12-02' })
    expect(lastDays(1, '2026-12-02')).toEqual({ start: '2026-12-02', end: '2026-12-02' })
  })
})

describe('presentation', () => {
  it('shows times in the store zone', () => {
    expect(formatTime('2026-11-27T08:00:00Z')).toBe('2026/11/27 16:00')
    expect(formatTime(null)).toBe('')
  })

  it('writes fen as yuan text exactly', () => {
    expect(yuanText(0)).toBe('0.00')
    expect(yuanText(5)).toBe('0.05')
    expect(yuanText(1999)).toBe('19.99')
    expect(yuanText(900719925474099)).toBe('9007199254740.99')
    expect(() => yuanText(1.5)).toThrow(RangeError)
  })

  it('makes request ids the API accepts, never the same twice', () => {
    const a = newRequestId('refund')
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(a).not.toBe(newRequestId('refund'))
  })
})
