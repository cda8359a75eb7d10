// The tier editor's form as people type it (yuan, percent, category names) and the API's body
// (integer fen and basis points, parsed exactly: src/format). Field names are the API's own
// paths (`tiers[1].ratio_bp`, `category_margins.drinks`), so a problem the server reports and a
// typo caught here land next to the same input.
import type { Schemas } from '../../api/client'
import { moneyKey, type LocalProblem } from '../../format/fields'
import { formatFen, parseYuan, type ParseFailure } from '../../format/money'
import { formatBp, parsePercent } from '../../format/ratio'

export type TierVersion = Schemas['TierVersion']
export type TierChange = Schemas['TierChange']

export interface TierRow {
  key: number
  name: string
  buyIn: string // yuan, as typed
  ratio: string // percent, as typed
}
export interface MarginRow {
  key: number
  category: string
  margin: string // percent
}
export interface TierForm {
  tiers: TierRow[]
  margin: string
  categories: MarginRow[]
}

export type { LocalProblem }

let nextKey = 1
const key = () => nextKey++

/** The yuan text of an amount in fen, without the ¥ and thousands separators ("10000.00"). */
export function yuanText(fen: number): string {
  return formatFen(fen).replace(/^(-?)¥/, '$1').replace(/,/g, '')
}

/** The percent text of basis points, without the % sign ("12.5"). */
export function percentText(bp: number): string {
  return formatBp(bp).replace(/%$/, '')
}

export function emptyRow(): TierRow {
  return { key: key(), name: '', buyIn: '', ratio: '' }
}

export function emptyMargin(): MarginRow {
  return { key: key(), category: '', margin: '' }
}

/** A form to edit the next version from: the version in force, or one empty tier. */
export function formFromVersion(version: TierVersion | null | undefined): TierForm {
  if (!version) return { tiers: [emptyRow()], margin: '', categories: [] }
  return {
    tiers: version.tiers.map((t) => ({ key: key(), name: t.name, buyIn: yuanText(t.buy_in_fen), ratio: percentText(t.ratio_bp) })),
    margin: percentText(version.profit_margin_bp),
    categories: Object.entries(version.category_margins ?? {}).map(([category, bp]) => ({ key: key(), category, margin: percentText(bp) })),
  }
}

export function tierField(index: number, name: 'name' | 'buy_in_fen' | 'ratio_bp'): string {
  return `tiers[${index}].${name}`
}

export function categoryField(category: string): string {
  return `category_margins.${category}`
}

/** The field a category row's problems are shown at: by its name, or by position while it has none. */
export function categoryRowField(row: MarginRow, index: number): string {
  return row.category.trim() ? categoryField(row.category.trim()) : `category_margins[${index}]`
}

function percentKey(reason: ParseFailure): string {
  return `tiers.local.percent.${reason}`
}

/**
 * The API's body, or what stops it being sent: amounts that are not yuan to the fen, ratios that
 * are not percent to 0.01 %, category names missing or given twice. Rules about the table itself
 * (ascending ratios, distinct names...) are the server's: it reports them all at once.
 */
export function bodyFromForm(form: TierForm): { ok: true; body: TierChange } | { ok: false; problems: LocalProblem[] } {
  const problems: LocalProblem[] = []
  const tiers: TierChange['tiers'] = []
  form.tiers.forEach((row, i) => {
    const buyIn = parseYuan(row.buyIn)
    const ratio = parsePercent(row.ratio)
    if (!buyIn.ok) problems.push({ field: tierField(i, 'buy_in_fen'), key: moneyKey(buyIn.reason) })
    if (!ratio.ok) problems.push({ field: tierField(i, 'ratio_bp'), key: percentKey(ratio.reason) })
    if (buyIn.ok && ratio.ok) tiers.push({ name: row.name.trim(), buy_in_fen: buyIn.value, ratio_bp: ratio.value })
  })
  const margin = parsePercent(form.margin)
  if (!margin.ok) problems.push({ field: 'profit_margin_bp', key: percentKey(margin.reason) })
  const categories: Record<string, number> = {}
  const named = new Set<string>()
  form.categories.forEach((row, i) => {
    const name = row.category.trim()
    const field = categoryRowField(row, i)
    const twice = named.has(name)
    if (!name) problems.push({ field, key: 'tiers.local.category_empty' })
    else if (twice) problems.push({ field, key: 'tiers.local.category_twice' })
    named.add(name)
    const parsed = parsePercent(row.margin)
    if (!parsed.ok) problems.push({ field, key: percentKey(parsed.reason) })
    else if (name && !twice) categories[name] = parsed.value
  })
  if (problems.length || !margin.ok) return { ok: false, problems }
  const body: TierChange = { tiers, profit_margin_bp: margin.value }
  if (form.categories.length) body.category_margins = categories
  return { ok: true, body }
}

/** The window of a what-if from a picked day range: from the first day's start to the day after the last. */
export function windowOf(days: [Date, Date] | null | undefined): { from?: string; to?: string } {
  if (!days) return {}
  const [first, last] = days
  const from = new Date(first.getFullYear(), first.getMonth(), first.getDate())
  const to = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1)
  return { from: from.toISOString(), to: to.toISOString() }
}

/** The last `n` days, today included, as the day range picker holds them. */
export function lastDays(n: number, today = new Date()): [Date, Date] {
  const last = new Date(today.getFullYear(), today.getMonth(), today.getDate())
  const first = new Date(last.getFullYear(), last.getMonth(), last.getDate() - (n - 1))
  return [first, last]
}

/** When each version was in force: from its creation to the next one's (null: still in force). */
export function effectivePeriods(history: readonly TierVersion[]): { version: TierVersion; from: string; until: string | null }[] {
  // History is newest first: a version ends when the one above it began.
  return history.map((version, i) => ({ version, from: version.created_at, until: i === 0 ? null : (history[i - 1]?.created_at ?? null) }))
}

