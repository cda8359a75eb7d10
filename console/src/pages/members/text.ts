// The words of a refusal on the member pages: this area's own for its codes and problem codes
// (members.errors.<code>, members.problems.<code>), else the console's, else the server's message.
import { useI18n } from 'vue-i18n'

import { ApiError, type Problem } from '../../api/client'
import { useErrorText } from '../../api/errors'

export function useMemberText() {
  const { t, te } = useI18n()
  const common = useErrorText()
  const errorText = (error: unknown): string =>
    error instanceof ApiError && te(`members.errors.${error.code}`) ? t(`members.errors.${error.code}`) : common(error)
  const problemText = (p: Problem): string => (te(`members.problems.${p.code}`) ? t(`members.problems.${p.code}`) : p.message)
  return { errorText, problemText }
}

/** A refusal's problems by the field they name (the field mapped by `fieldOf`). */
export function problemsByField(error: unknown, text: (p: Problem) => string, fields: readonly string[]): Record<string, string[]> {
  const marked: Record<string, string[]> = {}
  if (!(error instanceof ApiError)) return marked
  for (const p of error.problems) (marked[p.field] ??= []).push(text(p))
  // A strict body's refusal ("task_days must be ...") names its field in the message.
  for (const f of fields) if (!marked[f]) for (const p of error.problemsFor(f)) if (!error.problems.includes(p)) (marked[f] ??= []).push(p.message)
  return marked
}

export const joined = (errors: Record<string, string[]>, field: string): string => errors[field]?.join('；') ?? ''
