// What a page says about a failed call: the console's own words for the codes it knows
// (errors.<code> in i18n), else the server's message, which names what is wrong in English.
import { useI18n } from 'vue-i18n'

import { ApiError } from './client'

export function useErrorText() {
  const { t, te } = useI18n()
  return (error: unknown): string => {
    if (error instanceof ApiError) return te(`errors.${error.code}`) ? t(`errors.${error.code}`) : error.message
    return error instanceof Error ? error.message : String(error)
  }
}
