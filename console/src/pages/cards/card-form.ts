// The card forms as people fill them (a kind, texts, a validity window picked as two times, a
// quota) and the API's bodies. Field names are the API's (`valid_until`, `quota`), so the server's
// problems and the checks here land next to the same input.
import { ApiError, type Problem, type Schemas } from '../../api/client'

export type CardKind = Schemas['CardKind']
export type CardTemplateInput = Schemas['CardTemplateInput']

export const cardKinds: CardKind[] = ['vip', 'treat', 'gift']

export interface TemplateForm {
  kind: CardKind
  title: string
  benefit: string
  validity: [Date, Date] | null
  coverUrl: string
}

export function emptyTemplateForm(now = new Date()): TemplateForm {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate())
  const end = new Date(start.getFullYear(), start.getMonth() + 3, start.getDate())
  return { kind: 'vip', title: '', benefit: '', validity: [start, end], coverUrl: '' }
}

/** The body of POST .../card-templates, or the field that stops it (its i18n key). */
export function templateBody(form: TemplateForm): { ok: true; body: CardTemplateInput } | { ok: false; problems: { field: string; key: string }[] } {
  if (!form.validity) return { ok: false, problems: [{ field: 'valid_from', key: 'cards.local.validity_missing' }] }
  const [from, until] = form.validity
  const body: CardTemplateInput = {
    kind: form.kind,
    title: form.title.trim(),
    benefit: form.benefit.trim(),
    valid_from: from.toISOString(),
    valid_until: until.toISOString(),
  }
  const cover = form.coverUrl.trim()
  if (cover) body.cover_url = cover
  return { ok: true, body }
}

/**
 * What a failed write says about each field: the problems of `details.problems` (invalid_card),
 * or a strict body's refusal (invalid_field, missing_field), whose message starts with the field.
 */
export function problemsByField(error: unknown, fields: readonly string[]): Record<string, Problem[]> {
  const out: Record<string, Problem[]> = {}
  if (!(error instanceof ApiError)) return out
  for (const p of error.problems) (out[p.field] ??= []).push(p)
  if (!error.problems.length && ['invalid_field', 'missing_field', 'unknown_field'].includes(error.code)) {
    const field = fields.find((f) => error.message.startsWith(f + ' '))
    if (field) out[field] = [{ field, code: error.code, message: error.message }]
  }
  return out
}
