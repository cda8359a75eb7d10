// Report periods as people pick them (calendar days of the store) and as the API takes them
// (`from`, `to`: RFC 3339, `to` exclusive). Every store keeps China's time (UTC+8, docs/api.md), so
// a day starts at 00:00+08:00 whatever zone the browser is in.
export const storeOffset = '+08:00'
const offsetMs = 8 * 3600 * 1000

/** "2026-12-02" for the store's calendar day that holds `at`. */
export function storeDay(at: Date = new Date()): string {
  return new Date(at.getTime() + offsetMs).toISOString().slice(0, 10)
}

/** The calendar day `days` after `day` ("2026-12-31" + 1 = "2027-01-01"). */
export function addDays(day: string, days: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) throw new RangeError(`not a day: ${day}`)
  const [, y, m, d] = match
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) + days)).toISOString().slice(0, 10)
}

export interface Period {
  /** First day, inclusive. */
  start: string
  /** Last day, inclusive. */
  end: string
}

/** The last `days` days up to and including today. */
export function lastDays(days: number, today: string = storeDay()): Period {
  return { start: addDays(today, -(days - 1)), end: today }
}

/** The API's query: from the first day's midnight to the midnight after the last day. */
export function periodQuery(period: Period): { from: string; to: string } {
  return { from: `${period.start}T00:00:00${storeOffset}`, to: `${addDays(period.end, 1)}T00:00:00${storeOffset}` }
}
