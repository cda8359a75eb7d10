// The member programme, level table and offers as people type them (yuan, percent of the price,
// a multiplier like 1.2, whole numbers) and the API's bodies (integer fen and basis points, parsed
// exactly as text, never through a float). Field names are the API's own paths
// (`levels[1].discount_bp`), so a problem the server reports and a typo caught here land next to
// the same input.
import type { Schemas } from '../../api/client'
import { fieldReaders, parseWhole, type LocalProblem } from '../../format/fields'
import { formatFen } from '../../format/money'
import { formatBp, parsePercent } from '../../format/ratio'

export type MemberProgram = Schemas['MemberProgram']
export type MemberProgramChange = Schemas['MemberProgramChange']
export type MemberLevel = Schemas['MemberLevel']
export type MemberLevelInput = Schemas['MemberLevelInput']
export type MemberOffer = Schemas['MemberOffer']
export type NewMemberOffer = Schemas['NewMemberOffer']
export type OfferKind = Schemas['MemberOfferKind']

export type { LocalProblem }
export type Collected<T> = { ok: true; body: T } | { ok: false; problems: LocalProblem[] }

// ---- numbers as text -----------------------------------------------------------------------

/** The yuan text of an amount in fen, without ¥ and separators ("300.00"). */
export function yuanText(fen: number): string {
  return formatFen(fen).replace(/^(-?)¥/, '$1').replace(/,/g, '')
}


/**
 * A points multiplier as typed ("1.2", "1.25x", "2") -> basis points (12000, 12500, 20000),
 * exactly: at most four decimals.
 */
export function parseMultiplier(input: string): { ok: true; value: number } | { ok: false; reason: 'empty' | 'not_a_number' | 'too_many_decimals' } {
  const text = input.normalize('NFKC').trim().replace(/\s*[x×]$/i, '')
  if (text === '') return { ok: false, reason: 'empty' }
  const match = /^(\d{1,6})(?:\.(\d*))?$/.exec(text)
  if (!match) return { ok: false, reason: 'not_a_number' }
  const [, whole = '', decimals = ''] = match
  if (decimals.length > 4) return { ok: false, reason: 'too_many_decimals' }
  return { ok: true, value: Number(BigInt(whole) * 10000n + BigInt(decimals.padEnd(4, '0'))) }
}

/** 12000 -> "1.2x", 10000 -> "1x", 15550 -> "1.555x". */
export function formatMultiplier(bp: number): string {
  if (!Number.isSafeInteger(bp) || bp < 0) throw new RangeError(`a multiplier in basis points is a non-negative safe integer, not ${bp}`)
  const digits = String(bp).padStart(5, '0')
  const decimals = digits.slice(-4).replace(/0+$/, '')
  return `${digits.slice(0, -4)}${decimals ? '.' + decimals : ''}x`
}

/** The multiplier's input text ("1.2"). */
export function multiplierText(bp: number): string {
  return formatMultiplier(bp).replace(/x$/, '')
}

/**
 * A member price in bp of the listed price, the Chinese way: 9500 -> "95折", 9000 -> "9折",
 * 8850 -> "88.5折"; 10000 (no discount) -> null, for the caller's own words.
 */
export function formatZhe(bp: number): string | null {
  if (!Number.isSafeInteger(bp) || bp < 0 || bp > 10000) throw new RangeError(`a discount in basis points is 0..10000, not ${bp}`)
  if (bp === 10000) return null
  // 折 counts tenths when the price is a whole tenth (9折 = 90 %), else hundredths (95折 = 95 %).
  if (bp % 1000 === 0) return `${bp / 1000}折`
  return `${percentText(bp)}折`
}

/** "5% off" for 9500: the share taken off the price. */
export function formatOff(bp: number): string {
  return formatBp(10000 - bp)
}

/** The percent text of basis points, without % ("95", "88.5"). */
export function percentText(bp: number): string {
  return formatBp(bp).replace(/%$/, '')
}

// ---- the programme ---------------------------------------------------------------------------

export interface ProgramForm {
  pointsPerYuan: string
  pointValue: string // yuan
  maxPoints: string
  validityMonths: string
  spendTask: boolean
  taskSpend: string // yuan
  taskDays: string
  topupTask: boolean
  taskTopup: string // yuan
  termsVersion: string
  termsText: string
  partnerRequiresMember: boolean
}

export const programFields = [
  'points_per_yuan',
  'point_value_fen',
  'max_points_per_order',
  'points_validity_months',
  'task_spend_fen',
  'task_days',
  'task_topup_fen',
  'terms_version',
  'terms_text',
  'partner_requires_member',
] as const

export function programForm(p: MemberProgram | null | undefined): ProgramForm {
  if (!p)
    return {
      pointsPerYuan: '1',
      pointValue: '0.01',
      maxPoints: '0',
      validityMonths: '12',
      spendTask: false,
      taskSpend: '',
      taskDays: '',
      topupTask: false,
      taskTopup: '',
      termsVersion: '',
      termsText: '',
      partnerRequiresMember: true,
    }
  return {
    pointsPerYuan: String(p.points_per_yuan),
    pointValue: yuanText(p.point_value_fen),
    maxPoints: String(p.max_points_per_order),
    validityMonths: String(p.points_validity_months),
    spendTask: p.task_spend_fen !== null,
    taskSpend: p.task_spend_fen === null ? '' : yuanText(p.task_spend_fen),
    taskDays: p.task_days === null ? '' : String(p.task_days),
    topupTask: p.task_topup_fen !== null,
    taskTopup: p.task_topup_fen === null ? '' : yuanText(p.task_topup_fen),
    termsVersion: p.terms_version,
    termsText: p.terms_text,
    partnerRequiresMember: p.partner_requires_member,
  }
}

export function programBody(form: ProgramForm): Collected<MemberProgramChange> {
  const problems: LocalProblem[] = []
  const { whole, yuan } = fieldReaders(problems, 'members')
  const body: MemberProgramChange = {
    points_per_yuan: whole(form.pointsPerYuan, 'points_per_yuan'),
    point_value_fen: yuan(form.pointValue, 'point_value_fen'),
    max_points_per_order: whole(form.maxPoints, 'max_points_per_order'),
    points_validity_months: whole(form.validityMonths, 'points_validity_months'),
    task_spend_fen: form.spendTask ? yuan(form.taskSpend, 'task_spend_fen') : null,
    task_days: form.spendTask ? whole(form.taskDays, 'task_days') : null,
    task_topup_fen: form.topupTask ? yuan(form.taskTopup, 'task_topup_fen') : null,
    terms_version: form.termsVersion.trim(),
    terms_text: form.termsText,
    partner_requires_member: form.partnerRequiresMember,
  }
  return problems.length ? { ok: false, problems } : { ok: true, body }
}

// ---- the level table -------------------------------------------------------------------------

export interface LevelRow {
  key: number
  name: string
  threshold: string // growth, whole
  discount: string // percent of the listed price paid ("95")
  multiplier: string // "1.2"
  retention: string // growth in 12 months, whole ("" = 0)
}

let nextKey = 1
const newKey = () => nextKey++

export function emptyLevel(first = false): LevelRow {
  return { key: newKey(), name: '', threshold: first ? '0' : '', discount: '100', multiplier: '1', retention: '0' }
}

export function levelRows(levels: readonly MemberLevel[]): LevelRow[] {
  if (!levels.length) return [emptyLevel(true)]
  return levels.map((l) => ({
    key: newKey(),
    name: l.name,
    threshold: String(l.threshold_growth),
    discount: percentText(l.discount_bp),
    multiplier: multiplierText(l.points_multiplier_bp),
    retention: String(l.retention_growth_12m),
  }))
}

export type LevelField = 'name' | 'threshold_growth' | 'discount_bp' | 'points_multiplier_bp' | 'retention_growth_12m'
export function levelField(index: number, name: LevelField): string {
  return `levels[${index}].${name}`
}

export function levelsBody(rows: readonly LevelRow[]): Collected<{ levels: MemberLevelInput[] }> {
  const problems: LocalProblem[] = []
  const levels = rows.map((row, i) => {
    const whole = (text: string, name: LevelField, emptyIsZero = false): number => {
      if (emptyIsZero && text.trim() === '') return 0
      const parsed = parseWhole(text)
      if (parsed.ok) return parsed.value
      problems.push({ field: levelField(i, name), key: `members.local.whole.${parsed.reason}` })
      return 0
    }
    const discount = parsePercent(row.discount)
    if (!discount.ok) problems.push({ field: levelField(i, 'discount_bp'), key: `members.local.percent.${discount.reason}` })
    const multiplier = parseMultiplier(row.multiplier)
    if (!multiplier.ok) problems.push({ field: levelField(i, 'points_multiplier_bp'), key: `members.local.multiplier.${multiplier.reason}` })
    return {
      name: row.name.trim(),
      threshold_growth: whole(row.threshold, 'threshold_growth'),
      discount_bp: discount.ok ? discount.value : 0,
      points_multiplier_bp: multiplier.ok ? multiplier.value : 0,
      retention_growth_12m: whole(row.retention, 'retention_growth_12m', true),
    }
  })
  return problems.length ? { ok: false, problems } : { ok: true, body: { levels } }
}

// ---- offers ----------------------------------------------------------------------------------

export interface OfferForm {
  name: string
  pay: string // yuan (top-up package)
  bonus: string // yuan (top-up package)
  price: string // yuan (membership product)
  points: string // whole (points item)
}

export function emptyOffer(): OfferForm {
  return { name: '', pay: '', bonus: '', price: '', points: '' }
}

export function offerBody(kind: OfferKind, form: OfferForm): Collected<NewMemberOffer> {
  const problems: LocalProblem[] = []
  const { yuan } = fieldReaders(problems, 'members')
  const name = form.name.trim()
  let body: NewMemberOffer
  if (kind === 'topup_package') {
    body = { kind, name, pay_fen: yuan(form.pay, 'pay_fen'), bonus_fen: form.bonus.trim() === '' ? 0 : yuan(form.bonus, 'bonus_fen') }
  } else if (kind === 'membership_product') {
    body = { kind, name, price_fen: yuan(form.price, 'price_fen') }
  } else {
    const parsed = parseWhole(form.points)
    if (!parsed.ok) problems.push({ field: 'points_price', key: `members.local.whole.${parsed.reason}` })
    body = { kind, name, points_price: parsed.ok ? parsed.value : 0 }
  }
  return problems.length ? { ok: false, problems } : { ok: true, body }
}

export const offerFields: Record<OfferKind, readonly string[]> = {
  topup_package: ['name', 'pay_fen', 'bonus_fen'],
  membership_product: ['name', 'price_fen'],
  points_item: ['name', 'points_price'],
}
