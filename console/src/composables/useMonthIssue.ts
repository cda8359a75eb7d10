// Issuing a closed month's statements (the stores' with the platform, the promoters' and centres'):
// the month field (last month in Beijing time), its check, the call, and the refusals beside the
// field (a month not closed yet, one malformed; words are read when shown, so a language switch
// applies); `issued` says what was issued and reloads the list.
import { ref } from 'vue'

import { ApiError } from '../api/client'
import { useErrorText } from '../api/errors'
import { lastMonth } from '../format/time'

export interface IssuedMonth {
  period: string
  issued: number
  existing: number
}

export function useMonthIssue(
  post: (period: string) => Promise<IssuedMonth>,
  words: { badPeriod: () => string; open: () => string },
  issued: (answer: IssuedMonth) => Promise<void>,
) {
  const errorText = useErrorText()
  const period = ref(lastMonth())
  const issuing = ref(false)
  const error = ref('')

  async function issue(): Promise<void> {
    error.value = ''
    if (!/^\d{4}-\d{2}$/.test(period.value)) {
      error.value = words.badPeriod()
      return
    }
    issuing.value = true
    try {
      await issued(await post(period.value))
    } catch (e) {
      if (e instanceof ApiError && e.code === 'statement_period_open') error.value = words.open()
      else if (e instanceof ApiError && e.status === 400) error.value = words.badPeriod()
      else error.value = errorText(e)
    } finally {
      issuing.value = false
    }
  }

  return { period, issuing, error, issue }
}
