// The alliance pool's configuration (docs/alliance.md, docs/business-rules.md section 3.1) as the
// operator types it: every field in the API's own integer units (cp, bp, days, a count), read as
// text, never through a float. The ranges and the funding bounds here are hints beside the inputs,
// worked out from the form as it stands with the validator's formulas; the server is the judge
// (422 alliance_config_refused names every reason at its field).
import type { Problem, Schemas } from '../../api/client'

export type PoolConfig = Schemas['AlliancePoolConfig']
export type PoolConfigView = Schemas['AlliancePoolConfigView']
export type PoolConfigVersion = Schemas['AlliancePoolConfigVersion']
export type PoolField = keyof PoolConfig

/** How a field's number reads: centipoints, basis points, days, people or dividends. */
export type Unit = 'cp' | 'bp' | 'days' | 'holders' | 'periods'

export interface FieldSpec {
  name: PoolField
  unit: Unit
  /** The range the validator applies (server/domain/alliance_config.cpp); a funding bound may be lower. */
  min: number
  max: number
}

/** Every field, in the order of business rules section 3.1's table. */
export const poolFields: readonly FieldSpec[] = [
  { name: 'initial_value_cp', unit: 'cp', min: 1, max: 1_000_000_000_000 },
  { name: 'min_holders', unit: 'holders', min: 1, max: 1_000_000 },
  { name: 'growth_bp', unit: 'bp', min: 100, max: 10000 },
  { name: 'first_rate_bp', unit: 'bp', min: 1, max: 10000 },
  { name: 'rate_step_bp', unit: 'bp', min: 0, max: 1000 },
  { name: 'rate_cap_bp', unit: 'bp', min: 1, max: 10000 },
  { name: 'fund_share_bp', unit: 'bp', min: 1, max: 10000 },
  { name: 'quota_bp', unit: 'bp', min: 1, max: 1_000_000 }, // the funding bound below is the real limit
  { name: 'advance_periods', unit: 'periods', min: 0, max: 12 },
  { name: 'advance_budget_bp', unit: 'bp', min: 0, max: 5000 },
  { name: 'lock_bp', unit: 'bp', min: 0, max: 10000 },
  { name: 'voucher_validity_days', unit: 'days', min: 30, max: 3650 },
  { name: 'vest_days', unit: 'days', min: 7, max: 90 },
  { name: 'supply_voucher_max_bp', unit: 'bp', min: 0, max: 10000 },
]

export const poolFieldNames: readonly PoolField[] = poolFields.map((f) => f.name)

/** The lowest concession a merchant may set (bp): what the lock bound assumes while no member has set one. */
export const minConcessionBp = 300

export type PoolForm = Record<PoolField, string>

/** The form filled with a configuration (the one in force). */
export function poolForm(config: PoolConfig): PoolForm {
  const form = {} as PoolForm
  for (const f of poolFieldNames) form[f] = String(config[f])
  return form
}

/** A whole number as typed ("300", "-5", "１５００", "10,000,000"); null when it is not one. */
export function parseInteger(input: string): number | null {
  const text = input.normalize('NFKC').trim().replace(/[,_\s]/g, '')
  if (!/^-?\d{1,13}$/.test(text)) return null
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : null
}

export type PoolBody = { ok: true; body: PoolConfig } | { ok: false; fields: PoolField[] }

/** The PUT body (every field, as the API requires), or the fields that are not whole numbers. */
export function poolBody(form: PoolForm): PoolBody {
  const body = {} as PoolConfig
  const bad: PoolField[] = []
  for (const f of poolFieldNames) {
    const value = parseInteger(form[f])
    if (value === null) bad.push(f)
    else body[f] = value
  }
  return bad.length ? { ok: false, fields: bad } : { ok: true, body }
}

/** The validator's funding bounds: the highest rate cap, lifetime quota and lock reward a configuration may have. */
export interface FundingBounds {
  rate_cap_bp_max: number
  quota_bp_max: number
  lock_bp_max: number
}

/** floor(fund_share x growth / (2 x (10000 + growth))): between two dividends the fund receives at least this share of the pool. */
export function rateCapBound(fundShareBp: number, growthBp: number): number {
  return Math.floor((fundShareBp * growthBp) / (2 * (10000 + growthBp)))
}

/** min(5000, floor(fund_share / 2)): one fen of concession makes 2 cp and funds fund_share of a fen. */
export function quotaBound(fundShareBp: number): number {
  return Math.min(5000, Math.floor(fundShareBp / 2))
}

/** floor((10000 - fund_share) x lowest concession / 10000): the platform's part of the smallest concession. */
export function lockBound(fundShareBp: number, lowestConcessionBp: number | null): number {
  return Math.floor(((10000 - fundShareBp) * (lowestConcessionBp ?? minConcessionBp)) / 10000)
}

/**
 * The bounds for the form as typed (its fund share and growth), or null when those two do not read
 * or are out of range: the hint then says only the field's range.
 */
export function formBounds(form: PoolForm, lowestConcessionBp: number | null): FundingBounds | null {
  const fund = parseInteger(form.fund_share_bp)
  const growth = parseInteger(form.growth_bp)
  if (fund === null || growth === null || fund < 1 || fund > 10000 || growth < 100 || growth > 10000) return null
  return { rate_cap_bp_max: rateCapBound(fund, growth), quota_bp_max: quotaBound(fund), lock_bp_max: lockBound(fund, lowestConcessionBp) }
}

/** The highest value a field may take: its range, or lower where a funding bound applies. */
export function highestAllowed(spec: FieldSpec, bounds: FundingBounds | null): number {
  if (!bounds) return spec.max
  if (spec.name === 'rate_cap_bp') return Math.min(spec.max, bounds.rate_cap_bp_max)
  if (spec.name === 'quota_bp') return Math.min(spec.max, bounds.quota_bp_max)
  if (spec.name === 'lock_bp') return Math.min(spec.max, bounds.lock_bp_max)
  return spec.max
}

/** A refusal's problems by the field they name; the rest (none expected) apart. */
export function placeProblems(problems: readonly Problem[]): { byField: Partial<Record<PoolField, Problem[]>>; apart: Problem[] } {
  const byField: Partial<Record<PoolField, Problem[]>> = {}
  const apart: Problem[] = []
  const known = new Set<string>(poolFieldNames)
  for (const p of problems) {
    if (known.has(p.field)) (byField[p.field as PoolField] ??= []).push(p)
    else apart.push(p)
  }
  return { byField, apart }
}

/** What a version changed from the one before it: [field, before, after] in the table's order. */
export function changesFrom(before: PoolConfig | undefined, after: PoolConfig): [PoolField, number, number][] {
  if (!before) return []
  return poolFieldNames.filter((f) => before[f] !== after[f]).map((f) => [f, before[f], after[f]])
}

/** Centipoints as displayed points (100 cp = 1 point): 10000000 -> "100,000", 150 -> "1.5". */
export function cpAsPoints(cp: number): string {
  const sign = cp < 0 ? '-' : ''
  const digits = String(Math.abs(cp)).padStart(3, '0')
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const decimals = digits.slice(-2).replace(/0+$/, '')
  return `${sign}${whole}${decimals ? '.' + decimals : ''}`
}

/** 10000000 -> "10,000,000". */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
