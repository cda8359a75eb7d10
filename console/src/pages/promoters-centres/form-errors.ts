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

// A positive decimal id typed by a person, or null.
export function parseId(text: string): string | null {
  const trimmed = text.trim()
  return /^[1-9][0-9]{0,18}$/.test(trimmed) ? trimmed : null
}
