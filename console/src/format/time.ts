// Times from the API (RFC 3339, UTC) as people read them: in the store's zone (Asia/Shanghai for
// every store today), in the console's language.
export function formatTime(iso: string | null | undefined, locale: string, timeZone = 'Asia/Shanghai'): string {
  if (!iso) return ''
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return iso
  return new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(when)
}
