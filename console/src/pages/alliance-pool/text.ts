// The words of the pool page: a value with its unit (bp also as percent, cp also as points), and a
// refusal's problem as the console explains its code, with the code and the server's words (which
// name the numbers: "at most 326 bp").
import { useI18n } from 'vue-i18n'

import type { Problem } from '../../api/client'
import { formatBp } from '../../format/ratio'
import { cpAsPoints, grouped, type FieldSpec, type Unit } from './pool-form'

export function usePoolText() {
  const { t, te } = useI18n()
  /** 300 bp -> "300 bp（3%）"; 10000000 cp -> "10,000,000 cp（100,000 积分）"; 7 days -> "7 天". */
  const valueText = (unit: Unit, value: number): string => {
    if (unit === 'bp') return t('alliancePool.withConversion', { value: `${grouped(value)} bp`, conversion: formatBp(value) })
    if (unit === 'cp') return t('alliancePool.withConversion', { value: `${grouped(value)} cp`, conversion: t('alliancePool.asPoints', { points: cpAsPoints(value) }) })
    return `${grouped(value)} ${t(`alliancePool.unitShort.${unit}`)}`
  }
  /** A value as typed, converted where that helps ("= 3%", "= 100,000 积分"); '' otherwise. */
  const conversion = (unit: Unit, value: number | null): string => {
    if (value === null || !Number.isSafeInteger(value)) return ''
    if (unit === 'bp') return `= ${formatBp(value)}`
    if (unit === 'cp') return `= ${t('alliancePool.asPoints', { points: cpAsPoints(value) })}`
    return ''
  }
  const fieldName = (spec: FieldSpec | string): string => t(`alliancePool.fields.${typeof spec === 'string' ? spec : spec.name}`)
  const problemText = (p: Problem): string => {
    const explained = te(`alliancePool.codes.${p.code}`) ? t(`alliancePool.codes.${p.code}`) + ' ' : ''
    return `${explained}[${p.code}] ${p.message}`
  }
  /** Parts of one line, as the language separates them ("；" or "; "). */
  const joined = (parts: string[]): string => parts.join(t('alliancePool.separator'))
  return { valueText, conversion, fieldName, problemText, joined }
}
