// The words of a refusal on the bonus page: the console's Chinese explanation of each validator
// code (bonus.codes.<code>), always with the code itself and the server's message, which names the
// numbers ("an order at the lowest tier would carry 12000 bp ...").
import { useI18n } from 'vue-i18n'

import { ApiError, type Problem } from '../../api/client'
import { useErrorText } from '../../api/errors'

export function useBonusText() {
  const { t, te } = useI18n()
  const common = useErrorText()
  const errorText = (error: unknown): string =>
    error instanceof ApiError && te(`bonus.errors.${error.code}`) ? t(`bonus.errors.${error.code}`) : common(error)
  /** The explanation of a code, '' for a code the console has no words for. */
  const codeText = (code: string): string => (te(`bonus.codes.${code}`) ? t(`bonus.codes.${code}`) : '')
  /** One line: explanation [code] server message. */
  const problemText = (p: Problem): string => {
    const explained = codeText(p.code)
    return `${explained ? explained + ' ' : ''}[${p.code}] ${p.message}`
  }
  return { errorText, codeText, problemText }
}
