import { describe, expect, it } from 'vitest'

import { formatDuration, type DurationWords } from './duration'

const zh: DurationWords = { days: (n) => `${n}天`, hours: (n) => `${n}小时`, minutes: (n) => `${n}分钟`, underAMinute: '不到 1 分钟', join: '' }
const en: DurationWords = { days: (n) => `${n} d`, hours: (n) => `${n} h`, minutes: (n) => `${n} min`, underAMinute: 'under a minute', join: ' ' }

describe('the median time to convert', () => {
  it('shows days and hours, hours and minutes, or minutes', () => {
    expect(formatDuration(3 * 86400 + 4 * 3600 + 59, zh)).toBe('3天4小时')
    expect(formatDuration(2 * 86400, zh)).toBe('2天')
    expect(formatDuration(5 * 3600 + 7 * 60, zh)).toBe('5小时7分钟')
    expect(formatDuration(3600, en)).toBe('1 h')
    expect(formatDuration(59 * 60 + 59, en)).toBe('59 min')
    expect(formatDuration(0, zh)).toBe('不到 1 分钟')
    expect(formatDuration(86400 + 3600, en)).toBe('1 d 1 h')
    expect(() => formatDuration(1.5, zh)).toThrow(RangeError)
  })
})
