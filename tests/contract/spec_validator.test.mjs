// The answer validator on answers made wrong on purpose, against the real docs/openapi.yaml.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { loadSpec, specValidator } from './spec_validator.mjs'

const { check } = specValidator(loadSpec())
const json = (status, body) => ({ status, contentType: 'application/json', text: JSON.stringify(body) })
const user = { id: '42', has_unionid: false, phone: null, created_at: '2026-11-27T08:00:00Z' }

test('a right answer has no problem', () => {
  assert.deepEqual(check('get', '/healthz', json(200, { status: 'alive' })), [])
  assert.deepEqual(check('get', '/api/v1/me', json(200, { user })), [])
  assert.deepEqual(check('get', '/api/v1/me', json(401, { error: { code: 'invalid_session', message: 'm', request_id: 'r' } })), [])
  assert.deepEqual(check('post', '/api/v1/auth/logout', { status: 204, contentType: null, text: '' }), [])
})

test('a status the operation does not list is a problem', () => {
  assert.match(check('get', '/api/v1/me', json(409, { error: { code: 'no_tiers', message: 'm', request_id: 'r' } }))[0], /does not list/)
})

test('a missing, extra or mistyped field is a problem', () => {
  const { phone, ...withoutPhone } = user
  void phone
  assert.equal(check('get', '/api/v1/me', json(200, { user: withoutPhone })).length, 1)
  assert.equal(check('get', '/api/v1/me', json(200, { user: { ...user, openid: 'o' } })).length, 1)
  assert.equal(check('get', '/api/v1/me', json(200, { user: { ...user, id: 42 } })).length, 1)
  const summary = { dividends: { today_fen: 1, this_month_fen: 1, total_fen: 1, pending_fen: 0, settled_fen: 1 }, stored_value: [], time_zone: 'Asia/Shanghai' }
  assert.deepEqual(check('get', '/api/v1/partners/me/summary', json(200, summary)), [])
  const fractional = { ...summary, dividends: { ...summary.dividends, today_fen: 1.5 } }
  assert.equal(check('get', '/api/v1/partners/me/summary', json(200, fractional)).length, 1, 'fen are integers')
})

test('an unknown error code, a wrong content type and an unknown operation are problems', () => {
  assert.equal(check('get', '/api/v1/me', json(401, { error: { code: 'nope', message: 'm', request_id: 'r' } })).length, 1)
  assert.match(check('get', '/healthz', { status: 200, contentType: 'text/plain', text: 'alive' })[0], /content type text\/plain/)
  assert.match(check('get', '/api/v1/nowhere', json(200, {}))[0], /no such operation/)
})
