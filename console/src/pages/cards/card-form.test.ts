import { describe, expect, it } from 'vitest'

import { ApiError } from '../../api/client'
import { emptyTemplateForm, problemsByField, templateBody } from './card-form'

describe('the card template form', () => {
  it('sends the window as RFC 3339 and leaves out an empty cover', () => {
    const form = emptyTemplateForm(new Date(2026, 11, 2, 15, 0))
    form.title = ' 会员卡 '
    form.benefit = '全场九折'
    expect(templateBody(form)).toEqual({
      ok: true,
      body: {
        kind: 'vip',
        title: '会员卡',
        benefit: '全场九折',
        valid_from: new Date(2026, 11, 2).toISOString(),
        valid_until: new Date(2027, 2, 2).toISOString(),
      },
    })
    form.coverUrl = 'https://example.org/c.png'
    const withCover = templateBody(form)
    expect(withCover.ok && withCover.body.cover_url).toBe('https://example.org/c.png')
  })

  it('asks for a window before anything is sent', () => {
    const form = { ...emptyTemplateForm(), validity: null }
    expect(templateBody(form)).toEqual({ ok: false, problems: [{ field: 'valid_from', key: 'cards.local.validity_missing' }] })
  })
})

describe('problems by field', () => {
  it('takes the listed problems of invalid_card', () => {
    const error = new ApiError(400, 'invalid_card', 'the card is not valid; see details', [
      { field: 'title', code: 'title_length', message: 'a title has 1 to 32 characters' },
      { field: 'valid_until', code: 'window_empty', message: 'valid_until must be after valid_from' },
    ], 'r1')
    expect(Object.keys(problemsByField(error, ['title', 'valid_until']))).toEqual(['title', 'valid_until'])
  })

  it('reads the field a strict body refusal names at the start of its message', () => {
    const error = new ApiError(400, 'invalid_field', 'quota must be from 1 to 200', [], 'r2')
    expect(problemsByField(error, ['card_template_id', 'quota'])).toEqual({ quota: [{ field: 'quota', code: 'invalid_field', message: 'quota must be from 1 to 200' }] })
    expect(problemsByField(new ApiError(409, 'partner_not_active', 'x', [], 'r3'), ['quota'])).toEqual({})
  })
})
