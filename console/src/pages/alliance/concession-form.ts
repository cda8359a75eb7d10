// A store's concession as the owner types it (percent, at most two decimals: "12" is 1200 bp) and
// the PUT body the server checks (integer bp). The range (300-2000 bp) and the fan-lock bound are
// hints; the server decides (422 alliance_concession_refused names each problem at its field).
import type { Problem, Schemas } from '../../api/client'
import { parsePercent } from '../../format/ratio'

export type StoreAllianceView = Schemas['StoreAllianceView']
export type Concession = Schemas['AllianceConcession']
export type ConcessionField = 'concession_bp' | 'voucher_max_bp'
export const concessionFields: readonly ConcessionField[] = ['concession_bp', 'voucher_max_bp']

/** The share of an order vouchers may pay when the owner has set none (business rules section 3). */
export const defaultVoucherMaxBp = 5000

export interface ConcessionForm {
  concessionPercent: string
  voucherMaxPercent: string
}

function percentOf(bp: number): string {
  const whole = Math.trunc(bp / 100)
  const rest = String(Math.abs(bp % 100)).padStart(2, '0').replace(/0+$/, '')
  return rest ? `${whole}.${rest}` : String(whole)
}

/** The form filled with the concession in force, or empty with the default voucher share. */
export function concessionForm(current: Concession | null): ConcessionForm {
  return {
    concessionPercent: current ? percentOf(current.concession_bp) : '',
    voucherMaxPercent: percentOf(current ? current.voucher_max_bp : defaultVoucherMaxBp),
  }
}

export type LocalProblem = { field: ConcessionField; reason: string }
export type ConcessionBody =
  | { ok: true; body: { concession_bp: number; voucher_max_bp: number } }
  | { ok: false; problems: LocalProblem[] }

/** The PUT body, or why a typed percent does not read (empty, not_a_number, too_many_decimals, negative, too_large). */
export function concessionBody(form: ConcessionForm): ConcessionBody {
  const problems: LocalProblem[] = []
  const read = (text: string, field: ConcessionField): number => {
    const parsed = parsePercent(text)
    if (parsed.ok) return parsed.value
    problems.push({ field, reason: parsed.reason })
    return 0
  }
  const concession_bp = read(form.concessionPercent, 'concession_bp')
  const voucher_max_bp = read(form.voucherMaxPercent, 'voucher_max_bp')
  return problems.length ? { ok: false, problems } : { ok: true, body: { concession_bp, voucher_max_bp } }
}

/**
 * The lowest concession the pool accepts now: the range's floor, or higher where the platform's part
 * of it, floor((10000 - fund_share) x c / 10000), must pay the fan-lock reward (lock_bp). Null when
 * no concession in the range can (the pool then refuses every one).
 */
export function lowestConcessionBp(pool: StoreAllianceView['pool'], bounds: { concession_bp_min: number; concession_bp_max: number }): number | null {
  const platformShare = 10000 - pool.fund_share_bp
  if (pool.lock_bp <= 0) return bounds.concession_bp_min
  if (platformShare <= 0) return null
  const needed = Math.ceil((pool.lock_bp * 10000) / platformShare)
  const lowest = Math.max(bounds.concession_bp_min, needed)
  return lowest <= bounds.concession_bp_max ? lowest : null
}

/**
 * What an order of `paidFen` gives at a concession (business rules section 3, split_concession):
 * the concession K owed to the platform, its fund share, the platform's part, and the points of each
 * of the consumer's and the store's lots (K cp; 100 cp = 1 point).
 */
export function orderExample(paidFen: number, concessionBp: number, fundShareBp: number) {
  const concessionFen = Math.floor((paidFen * concessionBp) / 10000)
  const fundFen = Math.floor((concessionFen * fundShareBp) / 10000)
  return { concessionFen, fundFen, platformFen: concessionFen - fundFen, lotCp: concessionFen }
}

/** A refusal's problems by the field they name; the rest apart. */
export function placeProblems(problems: readonly Problem[]): { byField: Partial<Record<ConcessionField, Problem[]>>; apart: Problem[] } {
  const byField: Partial<Record<ConcessionField, Problem[]>> = {}
  const apart: Problem[] = []
  for (const p of problems) {
    if ((concessionFields as readonly string[]).includes(p.field)) (byField[p.field as ConcessionField] ??= []).push(p)
    else apart.push(p)
  }
  return { byField, apart }
}
