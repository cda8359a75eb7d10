// The bonus system's form (docs/bonus.md, docs/business-rules.md section 7) as people type it
// (yuan, percent, calendar days) and the PUT body the server checks (integer fen and basis points,
// RFC 3339 times, award by award). Numbers are parsed as text, never through a float. The body's
// awards are numbered by what is turned on, so the body comes with the form part each award came
// from: a refusal at `awards[2].campaign.budget_fen` lands next to the budget of that campaign.
import type { Problem, Schemas } from '../../api/client'
import { fieldReaders, type LocalProblem } from '../../format/fields'
import { formatBp } from '../../format/ratio'
import { percentText, yuanText } from '../members/member-form'

export type BonusConfig = Schemas['BonusConfig']
export type BonusConfigView = Schemas['BonusConfigView']
export type BonusConfigVersion = Schemas['BonusConfigVersion']
export type BonusProposal = Schemas['BonusProposal']
export type ProposedAward = Schemas['ProposedAward']
export type BonusCampaign = Schemas['BonusCampaign']
export type TopDealerBonus = Schemas['TopDealerBonus']

export type Goal = NonNullable<BonusCampaign['goal']>
export type Reward = NonNullable<BonusCampaign['reward']>
export type Period = NonNullable<TopDealerBonus['period']>

export type { LocalProblem }

// Campaign days are the store's calendar days (every store is in Asia/Shanghai today, as
// format/time.ts): a campaign of 2026-03-01..2026-03-31 counts orders paid in
// [03-01 00:00 +08:00, 04-01 00:00 +08:00).
const storeOffset = '+08:00'
const storeOffsetMs = 8 * 3600 * 1000
const dayMs = 86400 * 1000

// ---- the form ---------------------------------------------------------------------------------

export interface ProjectRow {
  key: number
  name: string
  startDay: string // YYYY-MM-DD, the first day counted
  endDay: string // YYYY-MM-DD, the last day counted
  goal: Goal
  goalCount: string // whole
  minOrder: string // yuan (new_paying_customers)
  product: string // product code (product_units)
  reward: Reward
  awardYuan: string // yuan (fixed)
  awardPercent: string // percent of the winner's campaign sales (sales_bp)
  budget: string // yuan
  winnerLimit: string // whole
}

export interface BonusForm {
  levelDifference: boolean
  flatPercent: string // "0" = off
  orderCapPercent: string
  level2Cash: boolean
  projects: ProjectRow[]
  topDealer: boolean
  poolPercent: string
  thresholdYuan: string
  period: Period
}

let nextKey = 1

export function emptyProject(): ProjectRow {
  return {
    key: nextKey++,
    name: '',
    startDay: '',
    endDay: '',
    goal: 'new_paying_customers',
    goalCount: '',
    minOrder: '0',
    product: '',
    reward: 'fixed',
    awardYuan: '',
    awardPercent: '',
    budget: '',
    winnerLimit: '',
  }
}

/** The store's calendar day of an instant (YYYY-MM-DD). */
export function storeDay(iso: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  return new Date(ms + storeOffsetMs).toISOString().slice(0, 10)
}

/** The instant a store day begins, RFC 3339 in the store's zone: "2026-03-01T00:00:00+08:00". */
export function dayStart(day: string): string {
  return `${day}T00:00:00${storeOffset}`
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + dayMs).toISOString().slice(0, 10)
}

const isDay = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))

function projectRow(c: BonusCampaign): ProjectRow {
  return {
    key: nextKey++,
    name: c.name,
    startDay: storeDay(c.starts_at),
    // ends_at is the first instant no longer counted: the last day counted is the one before it.
    endDay: storeDay(new Date(Date.parse(c.ends_at) - 1000).toISOString()),
    goal: c.goal ?? 'new_paying_customers',
    goalCount: String(c.goal_count),
    minOrder: yuanText(c.min_order_fen ?? 0),
    product: c.product ?? '',
    reward: c.reward ?? 'fixed',
    awardYuan: c.reward === 'sales_bp' ? '' : yuanText(c.award_fen ?? 0),
    awardPercent: c.reward === 'sales_bp' ? percentText(c.award_bp ?? 0) : '',
    budget: yuanText(c.budget_fen),
    winnerLimit: String(c.winner_limit),
  }
}

/** The form of the configuration in force, or of none (the defaults of business rules section 7). */
export function bonusForm(config: BonusConfig | null | undefined): BonusForm {
  return {
    levelDifference: config?.level_difference ?? false,
    flatPercent: percentText(config?.flat_bp ?? 0),
    orderCapPercent: percentText(config?.order_cap_bp ?? 5000),
    level2Cash: config?.level2_cash ?? false,
    projects: (config?.projects ?? []).map(projectRow),
    topDealer: !!config?.top_dealer,
    poolPercent: config?.top_dealer ? percentText(config.top_dealer.pool_bp) : '',
    thresholdYuan: config?.top_dealer ? yuanText(config.top_dealer.threshold_fen) : '',
    period: config?.top_dealer?.period ?? 'quarter',
  }
}

export type ProjectField =
  | 'name'
  | 'starts_at'
  | 'ends_at'
  | 'goal_count'
  | 'min_order_fen'
  | 'product'
  | 'award_fen'
  | 'award_bp'
  | 'budget_fen'
  | 'winner_limit'
export const projectField = (j: number, name: ProjectField | string): string => `projects[${j}].${name}`

export type Collected =
  | { ok: true; body: BonusProposal; awardParts: string[] }
  | { ok: false; problems: LocalProblem[] }

/**
 * The PUT body of the form: the level-difference award when on, the flat push when flat_bp > 0,
 * each campaign, the top-dealer pool when on; `awardParts[i]` is the form part award i came from
 * ('level_difference', 'flat_push', 'projects[j]', 'top_dealer'). The tier award (the dividend)
 * is always on and needs no entry.
 */
export function bonusBody(form: BonusForm): Collected {
  const problems: LocalProblem[] = []
  const { percent, yuan, whole } = fieldReaders(problems, 'bonus')
  const day = (text: string, field: string): string => {
    if (isDay(text)) return text
    problems.push({ field, key: 'bonus.local.day' })
    return '1970-01-01'
  }

  const awards: ProposedAward[] = []
  const awardParts: string[] = []
  if (form.levelDifference) {
    awards.push({ type: 'level_difference' })
    awardParts.push('level_difference')
  }
  const flat = percent(form.flatPercent.trim() === '' ? '0' : form.flatPercent, 'flat_bp')
  if (flat > 0) {
    awards.push({ type: 'flat_push', flat_bp: flat })
    awardParts.push('flat_push')
  }
  form.projects.forEach((row, j) => {
    const f = (name: ProjectField) => projectField(j, name)
    const start = day(row.startDay, f('starts_at'))
    const end = day(row.endDay, f('ends_at'))
    const campaign: BonusCampaign = {
      name: row.name.trim(),
      starts_at: dayStart(start),
      ends_at: dayStart(nextDay(end)),
      goal: row.goal,
      goal_count: whole(row.goalCount, f('goal_count')),
      reward: row.reward,
      budget_fen: yuan(row.budget, f('budget_fen')),
      winner_limit: whole(row.winnerLimit, f('winner_limit')),
    }
    if (row.goal === 'new_paying_customers') campaign.min_order_fen = row.minOrder.trim() === '' ? 0 : yuan(row.minOrder, f('min_order_fen'))
    else campaign.product = row.product.trim()
    if (row.reward === 'fixed') campaign.award_fen = yuan(row.awardYuan, f('award_fen'))
    else campaign.award_bp = percent(row.awardPercent, f('award_bp'))
    awards.push({ type: 'project', campaign })
    awardParts.push(`projects[${j}]`)
  })
  if (form.topDealer) {
    awards.push({
      type: 'top_dealer',
      top_dealer: { pool_bp: percent(form.poolPercent, 'top_dealer.pool_bp'), threshold_fen: yuan(form.thresholdYuan, 'top_dealer.threshold_fen'), period: form.period },
    })
    awardParts.push('top_dealer')
  }
  const body: BonusProposal = {
    awards,
    order_cap_bp: percent(form.orderCapPercent, 'order_cap_bp'),
    level2_cash: form.level2Cash,
  }
  return problems.length ? { ok: false, problems } : { ok: true, body, awardParts }
}

// ---- where the server's problems go --------------------------------------------------------------

/**
 * The form field a problem of the form's own body names, or null when the form has no input for
 * it (a tier's rate, which the tiers page sets; anything unexpected): those are listed apart.
 */
export function formFieldOf(field: string, awardParts: readonly string[]): string | null {
  if (field === 'order_cap_bp') return 'order_cap_bp'
  if (field === 'level2_cash_sign_off' || field === 'level2_cash') return 'level2_cash'
  const match = /^awards\[(\d+)\]\.?(.*)$/.exec(field)
  if (!match) return null
  const part = awardParts[Number(match[1])]
  const rest = match[2] ?? ''
  if (part === undefined) return null
  if (part === 'level_difference') return 'level_difference'
  if (part === 'flat_push') return 'flat_bp'
  if (part === 'top_dealer') {
    const sub = /^top_dealer\.(pool_bp|threshold_fen|period)$/.exec(rest)
    return sub ? `top_dealer.${sub[1]}` : 'top_dealer.pool_bp'
  }
  const project = /^projects\[(\d+)\]$/.exec(part)
  if (project) {
    const sub = /^campaign\.([a-z_]+)$/.exec(rest)
    return projectField(Number(project[1]), sub ? sub[1]! : 'name')
  }
  return null
}

/**
 * The field a refusal names: the problems of `details.problems`, or for a strict body's refusal
 * (`invalid_field`: "awards[0].campaign.starts_at must be RFC 3339 with a zone") the one its
 * message starts with.
 */
export function refusedProblems(error: { code: string; message: string; problems: readonly Problem[] }): Problem[] {
  if (error.problems.length) return [...error.problems]
  if (['invalid_field', 'missing_field', 'unknown_field'].includes(error.code)) {
    const match = /^([A-Za-z_][\w.[\]]*) /.exec(error.message)
    if (match) return [{ field: match[1]!, code: error.code, message: error.message }]
  }
  return []
}

/** Problems placed at the form's fields, and those with no input of their own. */
export function placeProblems(problems: readonly Problem[], awardParts: readonly string[]): { byField: Record<string, Problem[]>; apart: Problem[] } {
  const byField: Record<string, Problem[]> = {}
  const apart: Problem[] = []
  for (const p of problems) {
    const field = formFieldOf(p.field, awardParts)
    if (field) (byField[field] ??= []).push(p)
    else apart.push(p)
  }
  return { byField, apart }
}

// ---- another system's plan ---------------------------------------------------------------------

export type PlanParsed = { ok: true; body: BonusProposal } | { ok: false; key: string; detail?: string }

/**
 * A plan pasted as the PUT body's JSON: sent as it is, so the validator names every unlawful part.
 * Only that it is a JSON object is checked here; everything else is the server's to judge.
 */
export function parsePlan(text: string): PlanParsed {
  if (text.trim() === '') return { ok: false, key: 'bonus.plan.local.empty' }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { ok: false, key: 'bonus.plan.local.not_json', detail: e instanceof Error ? e.message : String(e) }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, key: 'bonus.plan.local.not_object' }
  return { ok: true, body: value as BonusProposal }
}

export interface PlanGroup {
  /** The award's index in the plan, or null for the plan as a whole (cap, partner entry, tiers). */
  award: number | null
  /** The award's own name in the plan, else its type ('' for the whole plan). */
  label: string
  problems: { field: string; code: string; message: string }[]
}

/**
 * A pasted plan's problems by award (in the plan's order), the whole plan's first; `field` is the
 * part within the award ("depth", "level_rates_bp") or the plan's own path ("order_cap_bp").
 */
export function groupPlanProblems(problems: readonly Problem[], plan: BonusProposal): PlanGroup[] {
  const whole: PlanGroup = { award: null, label: '', problems: [] }
  const byAward = new Map<number, PlanGroup>()
  for (const p of problems) {
    const match = /^awards\[(\d+)\]\.?(.*)$/.exec(p.field)
    if (!match) {
      whole.problems.push({ field: p.field, code: p.code, message: p.message })
      continue
    }
    const i = Number(match[1])
    let group = byAward.get(i)
    if (!group) {
      const award = Array.isArray(plan.awards) ? (plan.awards[i] as Partial<ProposedAward> | undefined) : undefined
      const label = typeof award?.label === 'string' && award.label ? award.label : typeof award?.type === 'string' ? award.type : ''
      group = { award: i, label, problems: [] }
      byAward.set(i, group)
    }
    group.problems.push({ field: match[2] || p.field, code: p.code, message: p.message })
  }
  const groups = [...byAward.values()].sort((a, b) => (a.award ?? 0) - (b.award ?? 0))
  return whole.problems.length ? [whole, ...groups] : groups
}

// ---- words for the configuration in force ---------------------------------------------------------

/** "5%" for 500, "关" style words are the page's own: this answers the ratio or null when off. */
export function ratioOrOff(bp: number): string | null {
  return bp > 0 ? formatBp(bp) : null
}

/** A campaign's counted days, as the form shows them: ["2026-03-01", "2026-03-31"]. */
export function campaignDays(c: BonusCampaign): [string, string] {
  return [storeDay(c.starts_at), storeDay(new Date(Date.parse(c.ends_at) - 1000).toISOString())]
}
