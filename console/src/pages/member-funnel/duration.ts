// A median time to convert, in whole seconds from the API, as people read it: days and hours
// ("3天4小时"), hours and minutes under a day, minutes under an hour. Integer division only.
export interface DurationWords {
  days: (n: number) => string
  hours: (n: number) => string
  minutes: (n: number) => string
  underAMinute: string
  join: string
}

export function formatDuration(seconds: number, words: DurationWords): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`a duration is a non-negative whole number of seconds, not ${seconds}`)
  const days = Math.floor(seconds / 86400)
  const hours = Math.floor((seconds % 86400) / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  if (days > 0) return hours > 0 ? [words.days(days), words.hours(hours)].join(words.join) : words.days(days)
  if (hours > 0) return minutes > 0 ? [words.hours(hours), words.minutes(minutes)].join(words.join) : words.hours(hours)
  if (minutes > 0) return words.minutes(minutes)
  return words.underAMinute
}
