// The comparison itself, on tables and specs made wrong on purpose: a check that cannot fail
// would let the route table and docs/openapi.yaml drift apart unnoticed.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { compareErrorCodes, compareRoutesWithSpec, expectedSecurity, parseRouteLines } from './compare_routes.mjs'

const routes = parseRouteLines(
  [
    '{"method":"GET","pattern":"/healthz","access":"none"}',
    '{"method":"POST","pattern":"/api/v1/merchants","access":"user_session"}',
    '{"method":"GET","pattern":"/api/v1/merchants/{merchant_id}","access":"staff"}',
    '{"method":"PATCH","pattern":"/api/v1/merchants/{merchant_id}","access":"staff"}',
    '{"method":"GET","pattern":"/api/v1/console/me","access":"console_session"}',
    '{"method":"POST","pattern":"/api/v1/console/logout","access":"console_session"}',
    '{"method":"POST","pattern":"/api/v1/pos/orders","access":"pos_signature"}',
    '{"method":"GET","pattern":"/ws","access":"user_session","endpoint":"websocket"}',
  ].join('\n'),
)

function spec() {
  return {
    paths: {
      '/healthz': { get: { security: [] } },
      '/api/v1/merchants': { post: { security: [{ userSession: [] }] } },
      '/api/v1/merchants/{merchant_id}': {
        get: { security: [{ userSession: [] }, { consoleSession: [] }] },
        patch: { security: [{ userSession: [] }, { consoleSession: [], consoleCsrf: [] }] },
      },
      '/api/v1/console/me': { get: { security: [{ consoleSession: [] }] } },
      '/api/v1/console/logout': { post: { security: [{ consoleSession: [], consoleCsrf: [] }] } },
      '/api/v1/pos/orders': { post: { security: [{ posSignature: [] }] } },
      '/ws': { get: { security: [{ userSession: [] }], 'x-websocket': true } },
    },
  }
}

test('a table and a spec that agree have no problem', () => {
  assert.deepEqual(compareRoutesWithSpec(routes, spec()), [])
})

test('a route without an operation is named', () => {
  const added = [...routes, { method: 'DELETE', pattern: '/api/v1/merchants/{merchant_id}', access: 'user_session' }]
  assert.deepEqual(compareRoutesWithSpec(added, spec()), [
    'DELETE /api/v1/merchants/{merchant_id} (user_session) is a route but docs/openapi.yaml has no operation for it',
  ])
})

test('an operation without a route is named', () => {
  const s = spec()
  s.paths['/api/v1/merchants'].get = { security: [{ userSession: [] }] }
  assert.deepEqual(compareRoutesWithSpec(routes, s), ['GET /api/v1/merchants is in docs/openapi.yaml but the server has no such route'])
})

test('a path template that differs is both a missing operation and an extra one', () => {
  const s = spec()
  s.paths['/api/v1/pos/order'] = s.paths['/api/v1/pos/orders']
  delete s.paths['/api/v1/pos/orders']
  assert.equal(compareRoutesWithSpec(routes, s).length, 2)
})

test('security must be what the access declares, and declared on each operation', () => {
  const s = spec()
  s.paths['/api/v1/pos/orders'].post.security = [{ userSession: [] }]
  delete s.paths['/healthz'].get.security
  const problems = compareRoutesWithSpec(routes, s)
  assert.equal(problems.length, 2)
  assert.match(problems[0], /GET \/healthz: the route's access is none, so the operation's security must be \[\], not absent/)
  assert.match(problems[1], /POST \/api\/v1\/pos\/orders: the route's access is pos_signature/)
  assert.match(compareRoutesWithSpec(routes, { ...spec(), security: [{ userSession: [] }] })[0], /top-level `security`/)
})

test('an access the map does not know is named, not passed', () => {
  const odd = [...routes, { method: 'GET', pattern: '/api/v1/operators', access: 'operator_session' }]
  const s = spec()
  s.paths['/api/v1/operators'] = { get: { security: [{ operatorSession: [] }] } }
  assert.match(compareRoutesWithSpec(odd, s)[0], /access operator_session has no security scheme/)
})

test('console writes need the CSRF scheme beside the session, reads do not', () => {
  assert.equal(expectedSecurity('console_session', 'get'), '[{"consoleSession":[]}]')
  assert.equal(expectedSecurity('console_session', 'post'), '[{"consoleCsrf":[],"consoleSession":[]}]')
  assert.equal(expectedSecurity('staff', 'get'), '[{"consoleSession":[]},{"userSession":[]}]')
  assert.equal(expectedSecurity('staff', 'delete'), '[{"consoleCsrf":[],"consoleSession":[]},{"userSession":[]}]')
  assert.equal(expectedSecurity('none', 'post'), '[]')
  const s = spec()
  delete s.paths['/api/v1/console/logout'].post.security[0].consoleCsrf
  s.paths['/api/v1/console/me'].get.security[0].consoleCsrf = []
  const problems = compareRoutesWithSpec(routes, s)
  assert.equal(problems.length, 2)
  assert.match(problems[0], /GET \/api\/v1\/console\/me: the route's access is console_session/)
  assert.match(problems[1], /POST \/api\/v1\/console\/logout: the route's access is console_session/)
})

test('a staff route names both sessions as alternatives, with CSRF on console writes', () => {
  const drifts = [
    // the console session forgotten: the console could not call it, by the spec
    (s) => (s.paths['/api/v1/merchants/{merchant_id}'].get.security = [{ userSession: [] }]),
    // the Bearer token forgotten
    (s) => (s.paths['/api/v1/merchants/{merchant_id}'].get.security = [{ consoleSession: [] }]),
    // both required at once instead of either
    (s) => (s.paths['/api/v1/merchants/{merchant_id}'].get.security = [{ userSession: [], consoleSession: [] }]),
    // a console write without CSRF
    (s) => (s.paths['/api/v1/merchants/{merchant_id}'].patch.security = [{ userSession: [] }, { consoleSession: [] }]),
    // CSRF put beside the Bearer token
    (s) => (s.paths['/api/v1/merchants/{merchant_id}'].patch.security = [{ userSession: [], consoleCsrf: [] }, { consoleSession: [], consoleCsrf: [] }]),
  ]
  for (const drift of drifts) {
    const s = spec()
    drift(s)
    const problems = compareRoutesWithSpec(routes, s)
    assert.equal(problems.length, 1, JSON.stringify(problems))
    assert.match(problems[0], /\/api\/v1\/merchants\/\{merchant_id\}: the route's access is staff/)
  }
  // The order of the alternatives, and of the schemes within one, means nothing.
  const s = spec()
  s.paths['/api/v1/merchants/{merchant_id}'].patch.security = [{ consoleCsrf: [], consoleSession: [] }, { userSession: [] }]
  assert.deepEqual(compareRoutesWithSpec(routes, s), [])
})

test('staff and console_session are told apart both ways', () => {
  // A staff route declared as console-only, and a console-only route declared as staff.
  const asStaff = routes.map((r) => (r.pattern === '/api/v1/console/me' ? { ...r, access: 'staff' } : r))
  assert.match(compareRoutesWithSpec(asStaff, spec())[0], /GET \/api\/v1\/console\/me: the route's access is staff/)
  const s = spec()
  s.paths['/api/v1/console/me'].get.security = [{ userSession: [] }, { consoleSession: [] }]
  assert.match(compareRoutesWithSpec(routes, s)[0], /GET \/api\/v1\/console\/me: the route's access is console_session/)
  // A user_session route declared as staff (the console would be told it may call it).
  const t = spec()
  t.paths['/api/v1/merchants'].post.security = [{ userSession: [] }, { consoleSession: [], consoleCsrf: [] }]
  assert.match(compareRoutesWithSpec(routes, t)[0], /POST \/api\/v1\/merchants: the route's access is user_session/)
})

test('the WebSocket endpoint, and only it, is marked x-websocket', () => {
  const s = spec()
  delete s.paths['/ws'].get['x-websocket']
  s.paths['/healthz'].get['x-websocket'] = true
  assert.equal(compareRoutesWithSpec(routes, s).length, 2)
})

test('error codes are compared with docs/errors.md both ways', () => {
  const doc = '| status | code | when |\n| --- | --- | --- |\n| 404 | `not_found` | no endpoint |\n| 409 | `no_tiers` | x |\n'
  const s = { components: { schemas: { ErrorCode: { enum: ['not_found', 'rate_limited'] } } } }
  assert.deepEqual(compareErrorCodes(doc, s), [
    "error code no_tiers is in docs/errors.md but not in the spec's ErrorCode",
    "error code rate_limited is in the spec's ErrorCode but not in docs/errors.md",
  ])
  assert.match(compareErrorCodes('no table here', s)[0], /lists no error code/)
})
