// A form's typed numbers read into an API body: every value that does not read becomes a local
// problem at its field (the API's path) with the i18n key of its words, so the form shows them
// all before anything is sent. Shared by the tier, member and bonus forms.
import { parseYuan, type ParseFailure } from './money'
import { parsePercent } from './ratio'

/** A local refusal: the field (the API's path) and the i18n key of its words. */
export type LocalProblem = { field: string; key: string }

/** The i18n key of a money text that does not read. */
export function moneyKey(reason: ParseFailure): string {
  return `money.errors.${reason}`
}

/** A whole number as typed ("12", "１２"); at most 12 digits, so it stays a safe integer. */
export function parseWhole(input: string): { ok: true; value: number } | { ok: false; reason: 'empty' | 'not_a_number' } {
  const text = input.normalize('NFKC').trim()
  if (text === '') return { ok: false, reason: 'empty' }
  if (!/^\d{1,12}$/.test(text)) return { ok: false, reason: 'not_a_number' }
  return { ok: true, value: Number(text) }
}

/**
 * Readers that add a problem to `problems` (and give 0) when the text does not read: `page` is the
 * i18n section of the words ("members": members.local.whole.empty ...).
 */
export function fieldReaders(problems: LocalProblem[], page: string) {
  return {
    whole(text: string, field: string): number {
      const parsed = parseWhole(text)
      if (parsed.ok) return parsed.value
      problems.push({ field, key: `${page}.local.whole.${parsed.reason}` })
      return 0
    },
    yuan(text: string, field: string): number {
      const parsed = parseYuan(text)
      if (parsed.ok) return parsed.value
      problems.push({ field, key: moneyKey(parsed.reason) })
      return 0
    },
    percent(text: string, field: string): number {
      const parsed = parsePercent(text)
      if (parsed.ok) return parsed.value
      problems.push({ field, key: `${page}.local.percent.${parsed.reason}` })
      return 0
    },
  }
}
