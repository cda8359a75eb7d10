// A refused write's words for the form: each field's problems (a 422's `details.problems`, or the
// 400 naming a field), and what names no field, for above the form.
import { ApiError, type Problem } from '../../api/client'

// `describe`: a problem in the reader's words (by its stable code); the server's message otherwise.
export function fieldErrors(
  error: unknown,
  fields: readonly string[],
  describe: (p: Problem) => string = (p) => p.message,
): { byField: Record<string, string>; rest: string[] } {
  const byField: Record<string, string> = {}
  const rest: string[] = []
  if (!(error instanceof ApiError)) return { byField, rest }
  for (const field of fields) {
    const problems = error.problemsFor(field)
    if (problems.length) byField[field] = problems.map(describe).join('; ')
  }
  for (const p of error.problems) if (!fields.includes(p.field)) rest.push(describe(p))
  return { byField, rest }
}

// "2026-11" as the month before this one in Asia/Shanghai: the month the job issues.
export function lastMonth(now = Date.now()): string {
  const shanghai = new Date(now + 8 * 3600 * 1000)
  const y = shanghai.getUTCFullYear()
  const m = shanghai.getUTCMonth()
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`
}

// A positive decimal id typed by a person, or null.
export function parseId(text: string): string | null {
  const trimmed = text.trim()
  return /^[1-9][0-9]{0,18}$/.test(trimmed) ? trimmed : null
}
