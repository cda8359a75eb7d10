// API errors in people's words: the money pages' own for their codes (messages.ts), then the
// console's (errors.<code>), then the server's message; and the problems the API names per
// field, for forms to show beside that field.
import type { ApiError, Problem } from '../../api/client'

type Translate = { t: (key: string) => string; te: (key: string) => boolean }

export function errorText(error: ApiError | null | undefined, { t, te }: Translate): string {
  if (!error) return ''
  for (const key of [`moneyPages.apiErrors.${error.code}`, `errors.${error.code}`]) if (te(key)) return t(key)
  return error.message
}

/** What the API said about one field: its problems, or an invalid/missing field error naming it. */
export function fieldError(error: ApiError | null | undefined, field: string, { t, te }: Translate): string {
  if (!error) return ''
  const problems: Problem[] = error.problemsFor(field)
  if (problems.length)
    return problems
      .map((p) => {
        const key = `moneyPages.problemCodes.${p.code}`
        return te(key) ? t(key) : p.message
      })
      .join('；')
  if (namesField(error, field)) return error.message
  return ''
}

function namesField(error: ApiError, field: string): boolean {
  return ['invalid_field', 'missing_field'].includes(error.code) && error.message.startsWith(field + ' ')
}

/** True when every part of the error is shown beside one of `fields` (then no alert above the form). */
export function isFieldError(error: ApiError | null | undefined, fields: string[]): boolean {
  if (!error) return false
  if (error.problems.length) return error.problems.every((p) => fields.includes(p.field))
  return fields.some((f) => namesField(error, f))
}
