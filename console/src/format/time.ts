// Times from the API (RFC 3339, UTC) as people read them: in the store's zone (Asia/Shanghai for
// every store today), in the console's language.
/** The month before this one in Asia/Shanghai ("2026-11"): the closed month the statement jobs issue. */
export function lastMonth(now = Date.now()): string {
  const shanghai = new Date(now + 8 * 3600 * 1000)
  const y = shanghai.getUTCFullYear()
  const m = shanghai.getUTCMonth() // 0-based: this month - 1
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`
}

export function formatTime(iso: string | null | undefined, locale: string, timeZone = 'Asia/Shanghai'): string {
  if (!iso) return ''
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return iso
  return new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(when)
}
