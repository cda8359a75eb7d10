// ctest sdk.unit: the SDK's logic without servers: the reconnect backoff on a fake clock, what
// the reminders socket does on each close code, network and app event, de-duplication, acks, the
// HTTP error mapping and retry rules, the one re-login, share codes, money text.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { reconnectDelay, RECONNECT_MAX_MS, RECONNECT_MIN_MS } from '../../miniprogram/sdk/backoff.js'
import { createHttp } from '../../miniprogram/sdk/http.js'
import { formatFen } from '../../miniprogram/sdk/money.js'
import { compareIds, createReminders, lastIdKey } from '../../miniprogram/sdk/reminders.js'
import { createSession } from '../../miniprogram/sdk/session.js'
import { describeClaim, shareCodeFrom } from '../../miniprogram/sdk/share.js'

// ---- a fake clock and a fake wx whose sockets the test opens, fails and closes -----------------

function fakeClock() {
  let now = 0
  const timers = []
  return {
    setTimeout(fn, ms) {
      const timer = { fn, at: now + ms, ms, done: false }
      timers.push(timer)
      return timer
    },
    clearTimeout(timer) {
      if (timer) timer.done = true
    },
    /** The pending timer (one at most, by the module's design), or undefined. */
    pending: () => timers.filter((t) => !t.done),
    /** Runs the next pending timer: time moves to its due moment. */
    fire() {
      const next = timers.filter((t) => !t.done).sort((x, y) => x.at - y.at)[0]
      assert.ok(next, 'a timer is pending')
      next.done = true
      now = next.at
      next.fn()
      return next.ms
    },
    now: () => now,
  }
}

function fakeWx() {
  const storage = new Map()
  const sockets = []
  const listeners = { network: new Set(), show: new Set(), hide: new Set() }
  const wx = {
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => void storage.set(key, value),
    removeStorageSync: (key) => void storage.delete(key),
    connectSocket(option) {
      const handlers = { open: [], close: [], error: [], message: [] }
      const task = {
        option,
        sent: [],
        closedWith: null,
        onOpen: (f) => handlers.open.push(f),
        onClose: (f) => handlers.close.push(f),
        onError: (f) => handlers.error.push(f),
        onMessage: (f) => handlers.message.push(f),
        send: ({ data }) => task.sent.push(JSON.parse(data)),
        close: ({ code }) => {
          task.closedWith = code
        },
        // The test plays the server and the network:
        $open: () => handlers.open.forEach((f) => f({})),
        $fail: () => {
          handlers.error.forEach((f) => f({ errMsg: 'connect failed' }))
          handlers.close.forEach((f) => f({ code: 1006, reason: '' }))
        },
        $close: (code, reason = '') => handlers.close.forEach((f) => f({ code, reason })),
        $error: () => handlers.error.forEach((f) => f({ errMsg: 'socket error' })),
        $frame: (frame) => handlers.message.forEach((f) => f({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) })),
      }
      sockets.push(task)
      return task
    },
    getNetworkType: ({ success }) => success({ networkType: wx.$network }),
    onNetworkStatusChange: (f) => listeners.network.add(f),
    offNetworkStatusChange: (f) => listeners.network.delete(f),
    onAppShow: (f) => listeners.show.add(f),
    offAppShow: (f) => listeners.show.delete(f),
    onAppHide: (f) => listeners.hide.add(f),
    offAppHide: (f) => listeners.hide.delete(f),
    $network: 'wifi',
    $sockets: sockets,
    $storage: storage,
    $emit: (kind, value) => listeners[kind].forEach((f) => f(value)),
  }
  return wx
}

function fakeSession() {
  const session = {
    token: 'token-1',
    logins: 0,
    forgotten: [],
    checks: 0,
    check: async () => void session.checks++,
    current: async () => ({ token: session.token, user: { id: '7' } }),
    forget: (token) => session.forgotten.push(token),
    login: async () => {
      session.logins++
      session.token = `token-${session.logins + 1}`
      return { token: session.token, user: { id: '7' } }
    },
  }
  return session
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

async function started({ random = () => 0.5, network = 'wifi', autoAck = false } = {}) {
  const clock = fakeClock()
  const wx = fakeWx()
  wx.$network = network
  const session = fakeSession()
  const reminders = createReminders({ wx, session, url: 'wss://api.example.org/ws', clock, random, autoAck })
  const seen = []
  const errors = []
  reminders.on('reminder', (r) => seen.push(r))
  reminders.on('error', (e) => errors.push(e))
  reminders.start()
  await settle()
  return { clock, wx, session, reminders, seen, errors, last: () => wx.$sockets.at(-1) }
}

// ---- backoff -----------------------------------------------------------------------------------

test('the backoff doubles from 1 s to 30 s, jittered by up to 20 % either way and never outside 1..30 s', () => {
  const nominal = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
  assert.deepEqual(nominal.map((_, n) => reconnectDelay(n, () => 0.5)), nominal)
  assert.deepEqual(nominal.map((_, n) => reconnectDelay(n, () => 0)), [1000, 1600, 3200, 6400, 12800, 24000, 24000, 24000])
  assert.deepEqual(nominal.map((_, n) => reconnectDelay(n, () => 0.9999999)), [1200, 2400, 4800, 9600, 19200, 30000, 30000, 30000])
  for (let n = 0; n < 40; n++) {
    for (const r of [0, 0.1, 0.37, 0.5, 0.81, 0.9999]) {
      const d = reconnectDelay(n, () => r)
      assert.ok(d >= RECONNECT_MIN_MS && d <= RECONNECT_MAX_MS, `${n} ${r}: ${d}`)
    }
  }
  // Jitter spreads phones that failed together: ten random draws are not one value.
  const draws = new Set(Array.from({ length: 10 }, () => reconnectDelay(3)))
  assert.ok(draws.size > 1)
})

test('failed connections back off 1, 2, 4, 8, 16, 30, 30 s on the clock, and an open socket starts again from 1 s', async () => {
  const { clock, wx, last, session } = await started()
  assert.equal(wx.$sockets.length, 1, 'connects at start')
  assert.equal(last().option.header.Authorization, 'Bearer token-1')
  assert.deepEqual(last().option.protocols, ['sharedstore.v1'])
  const waits = []
  for (let i = 0; i < 7; i++) {
    last().$fail()
    assert.equal(clock.pending().length, 1, 'one reconnect is scheduled')
    waits.push(clock.fire())
    await settle()
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 30000, 30000])
  assert.equal(wx.$sockets.length, 8)
  assert.equal(session.checks, 7, 'after each failed handshake the session is checked (a 401 looks like any failure)')
  last().$open()
  last().$close(4408) // idle: the network was away
  assert.equal(clock.fire(), 1000)
  await settle()
  assert.equal(session.checks, 7, 'a socket that was open and closed is no sign of a refused token')
})

test('1001 reconnects at once; if that fails, the backoff starts at 1 s', async () => {
  const { clock, wx, last } = await started()
  last().$open()
  last().$close(1001, 'shutting down')
  assert.equal(clock.fire(), 0)
  await settle()
  assert.equal(wx.$sockets.length, 2)
  last().$fail()
  assert.equal(clock.fire(), 1000)
})

test('4401 forgets the token, signs in once and reconnects at once with the new token', async () => {
  const { clock, session, last } = await started()
  last().$open()
  last().$close(4401, 'session ended')
  await settle()
  assert.deepEqual(session.forgotten, ['token-1'])
  assert.equal(session.logins, 1)
  assert.equal(clock.fire(), 0)
  await settle()
  assert.equal(last().option.header.Authorization, 'Bearer token-2')
})

test('an error on an open socket waits for its close, whose code counts; without a close it ends after 3 s', async () => {
  const { clock, session, wx, last } = await started()
  last().$open()
  last().$error()
  last().$close(4401)
  await settle()
  assert.equal(session.logins, 1, 'the 4401 after the error was acted on')
  const waits = clock.pending().map((t) => t.ms).sort((x, y) => x - y)
  assert.deepEqual(waits, [0, 3000], 'the reconnect at once, and the error\'s wait, which finds it ended')
  clock.fire()
  await settle()
  assert.equal(wx.$sockets.length, 2)
  clock.fire() // the 3 s wait of the first socket: already ended, nothing more
  assert.equal(clock.pending().length, 0)
  last().$open()
  last().$error() // and no close ever comes
  assert.equal(clock.fire(), 3000)
  assert.equal(clock.fire(), 1000, 'then the backoff')
})

test('1008 stops: the same client would be refused again', async () => {
  const { clock, wx, last, errors, reminders } = await started()
  last().$open()
  last().$close(1008, 'frame refused')
  assert.equal(clock.pending().length, 0)
  assert.equal(wx.$sockets.length, 1)
  assert.equal(errors.length, 1)
  assert.equal(reminders.status().running, false)
})

test('offline: no attempts at all; the network back: a socket at once, with the backoff reset', async () => {
  const { clock, wx, last } = await started({ network: 'none' })
  assert.equal(wx.$sockets.length, 0)
  wx.$emit('network', { isConnected: true, networkType: '4g' })
  await settle()
  assert.equal(wx.$sockets.length, 1)
  for (let i = 0; i < 3; i++) {
    last().$fail()
    clock.fire()
    await settle()
  }
  wx.$emit('network', { isConnected: false, networkType: 'none' })
  assert.equal(clock.pending().length, 0, 'nothing is tried while offline')
  wx.$emit('network', { isConnected: true, networkType: 'wifi' })
  await settle()
  last().$fail()
  assert.equal(clock.fire(), 1000)
})

test('a network change closes the open socket and opens a new one at once', async () => {
  const { wx, last } = await started()
  const first = last()
  first.$open()
  wx.$emit('network', { isConnected: true, networkType: '4g' })
  await settle()
  assert.equal(first.closedWith, 1000)
  assert.equal(wx.$sockets.length, 2)
  first.$close(1000) // the old one's close, later: schedules nothing more
  await settle()
  assert.equal(wx.$sockets.length, 2)
})

test('in the background the socket closes and nothing reconnects; back in front it connects at once', async () => {
  const { clock, wx, last } = await started()
  last().$open()
  wx.$emit('hide', {})
  assert.equal(last().closedWith, 1000)
  last().$close(1000)
  assert.equal(clock.pending().length, 0)
  wx.$emit('show', {})
  await settle()
  assert.equal(wx.$sockets.length, 2)
})

test('resume after the stored last id, de-duplication by id, one ack for the newest shown, acks held until open', async () => {
  const clock = fakeClock()
  const wx = fakeWx()
  wx.$storage.set(lastIdKey('7'), '40-0')
  const reminders = createReminders({ wx, session: fakeSession(), url: 'wss://x/ws', clock, random: () => 0.5 })
  const seen = []
  reminders.on('dividend', (r) => seen.push(r.id))
  reminders.start()
  await settle()
  const socket = wx.$sockets[0]
  socket.$open()
  assert.deepEqual(socket.sent, [{ type: 'resume', after: '40-0' }])
  for (const id of ['39-0', '40-0', '41-0', '42-0', '41-0', '42-0', '43-0']) socket.$frame({ type: 'dividend', id })
  socket.$frame('not json')
  socket.$frame({ type: 'dividend', id: '44' })
  assert.deepEqual(seen, ['41-0', '42-0', '43-0'])
  assert.equal(wx.$storage.get(lastIdKey('7')), '43-0')
  assert.equal(reminders.status().duplicates, 4)
  reminders.ack('42-0')
  reminders.ack('41-0') // covered by the ack of 42
  reminders.ack('43-0')
  assert.deepEqual(socket.sent.slice(1), [{ type: 'ack', id: '42-0' }, { type: 'ack', id: '43-0' }])
  // Offline, the ack waits for the next socket, after its resume.
  socket.$close(1006)
  socket.$frame({ type: 'dividend', id: '44-0' }) // a late frame of a closed socket is not read
  reminders.ack('43-0')
  clock.fire()
  await settle()
  const next = wx.$sockets[1]
  reminders.ack('43-0')
  next.$open()
  assert.deepEqual(next.sent, [{ type: 'resume', after: '43-0' }])
  next.$frame({ type: 'payout', id: '44-0' })
  reminders.ack('44-0')
  assert.deepEqual(next.sent.at(-1), { type: 'ack', id: '44-0' })
  // A first start (no id stored): no resume, so the server sends what is new from now on.
  const fresh = await started()
  fresh.last().$open()
  assert.deepEqual(fresh.last().sent, [])
})

test('reminder ids compare by number, not as text', () => {
  assert.ok(compareIds('9-0', '10-0') < 0)
  assert.ok(compareIds('10-1', '10-0') > 0)
  assert.equal(compareIds('12345678901234567890-0', '12345678901234567890-0'), 0)
})

// ---- HTTP and the session ----------------------------------------------------------------------

/** A wx.request that answers from `script` in turn: [status, body, headers] or 'network'/'timeout'. */
function scriptedWx(script) {
  const calls = []
  return {
    calls,
    getStorageSync: (key) => (scriptedWx.storage.has(key) ? scriptedWx.storage.get(key) : ''),
    setStorageSync: (key, value) => void scriptedWx.storage.set(key, value),
    removeStorageSync: (key) => void scriptedWx.storage.delete(key),
    login: ({ success }) => setImmediate(() => success({ code: `code-${calls.length}` })),
    request(option) {
      calls.push(option)
      const next = script.shift()
      setImmediate(() => {
        if (next === 'network') return option.fail({ errMsg: 'request:fail connect ECONNREFUSED' })
        if (next === 'timeout') return option.fail({ errMsg: 'request:fail timeout' })
        const [status, body, header = {}] = next
        option.success({ statusCode: status, data: body === undefined ? '' : JSON.stringify(body), header: { 'X-Request-Id': `srv-${calls.length}`, ...header } })
      })
    },
  }
}
scriptedWx.storage = new Map()
const noSleep = async () => {}
const errorBody = (code, extra = {}) => ({ error: { code, message: `${code} happened`, request_id: 'rid-42', ...extra } })

test('an error answer becomes an ApiError with its code, message, request id, problems and Retry-After', async () => {
  const wx = scriptedWx([[400, errorBody('invalid_tiers', { details: { problems: [{ field: 'tiers[0].ratio_bp', code: 'invalid_tiers', message: 'x' }] } })], [429, errorBody('rate_limited'), { 'retry-after': '7' }], [200, 'not an object but JSON']])
  const http = createHttp({ wx, baseUrl: 'https://api.example.org/', sleep: noSleep })
  await assert.rejects(http.request({ method: 'PUT', path: '/api/v1/x', body: { a: 1 } }), (error) => {
    assert.equal(error.name, 'ApiError')
    assert.equal(error.status, 400)
    assert.equal(error.code, 'invalid_tiers')
    assert.equal(error.requestId, 'rid-42')
    assert.equal(error.problems[0].field, 'tiers[0].ratio_bp')
    return true
  })
  assert.equal(wx.calls[0].url, 'https://api.example.org/api/v1/x')
  assert.equal(wx.calls[0].header['Content-Type'], 'application/json')
  assert.match(wx.calls[0].header['X-Request-Id'], /^mp-[a-z0-9]{20}$/)
  await assert.rejects(http.request({ method: 'GET', path: '/api/v1/y', query: { limit: 5, cursor: null, q: 'a b' } }), { status: 429, code: 'rate_limited', retryAfterS: 7 })
  assert.equal(wx.calls[1].url, 'https://api.example.org/api/v1/y?limit=5&q=a%20b')
  assert.equal(await http.request({ method: 'GET', path: '/z' }), 'not an object but JSON')
})

test('a POST is never sent twice unless it carries its own request id; reads are retried on network failures and 503', async () => {
  const slept = []
  const sleep = async (ms) => void slept.push(ms)
  let wx = scriptedWx(['network', [201, { ok: 1 }]])
  let http = createHttp({ wx, baseUrl: 'https://a', sleep })
  await assert.rejects(http.request({ method: 'POST', path: '/api/v1/orders', body: {} }), { status: 0, code: 'network_error' })
  assert.equal(wx.calls.length, 1)

  wx = scriptedWx([[503, errorBody('dependency_unavailable'), { 'Retry-After': '1' }], [201, { payout: 1 }]])
  http = createHttp({ wx, baseUrl: 'https://a', sleep })
  assert.deepEqual(await http.request({ method: 'POST', path: '/api/v1/me/withdrawals', body: { request_id: 'wd-1' }, repeatable: true }), { payout: 1 })
  assert.equal(wx.calls.length, 2)
  assert.equal(wx.calls[0].header['X-Request-Id'], wx.calls[1].header['X-Request-Id'], 'one request id for both attempts')
  assert.deepEqual(slept, [1000])
  // The request id in the body is enough to make it repeatable.
  wx = scriptedWx(['network', [201, { partner: 1 }]])
  http = createHttp({ wx, baseUrl: 'https://a', sleep })
  assert.deepEqual(await http.request({ method: 'POST', path: '/api/v1/merchants/1/partners', body: { user_id: '2', amount_fen: 100, request_id: 'desk-0001' } }), { partner: 1 })
  assert.equal(wx.calls.length, 2)

  wx = scriptedWx(['timeout', 'network', 'network'])
  http = createHttp({ wx, baseUrl: 'https://a', sleep })
  await assert.rejects(http.request({ method: 'GET', path: '/api/v1/me' }), { code: 'network_error' })
  assert.equal(wx.calls.length, 3, 'two retries, then the error')

  wx = scriptedWx([[500, errorBody('internal')], [409, errorBody('conflict')]])
  http = createHttp({ wx, baseUrl: 'https://a', sleep })
  await assert.rejects(http.request({ method: 'GET', path: '/a' }), { code: 'internal' })
  await assert.rejects(http.request({ method: 'PUT', path: '/b' }), { code: 'conflict' })
  assert.equal(wx.calls.length, 2, 'neither a 500 nor a 4xx is repeated')
})

test('401 invalid_session signs in again once and repeats the call; a second 401 surfaces', async () => {
  scriptedWx.storage.clear()
  const login = (token) => [200, { token, expires_in: 3600, user: { id: '5' } }]
  const wx = scriptedWx([login('t1'), [401, errorBody('invalid_session')], login('t2'), [200, { user: { id: '5' } }], [401, errorBody('invalid_session')], login('t3'), [401, errorBody('invalid_session')]])
  const http = createHttp({ wx, baseUrl: 'https://a', sleep: noSleep })
  const session = createSession({ wx, http })
  assert.deepEqual(await session.authorized({ method: 'POST', path: '/api/v1/me/phone', body: { code: 'p' } }), { user: { id: '5' } })
  assert.deepEqual(wx.calls.map((c) => [c.url.replace('https://a', ''), c.header.Authorization ?? null]), [
    ['/api/v1/auth/wechat/login', null],
    ['/api/v1/me/phone', 'Bearer t1'],
    ['/api/v1/auth/wechat/login', null],
    ['/api/v1/me/phone', 'Bearer t2'],
  ])
  await assert.rejects(session.authorized({ method: 'GET', path: '/api/v1/me' }), { status: 401, code: 'invalid_session' })
  assert.equal(wx.calls.length, 7, 'one re-login, not two')
  await assert.rejects(session.bindPhone({ detail: { errMsg: 'getPhoneNumber:fail user deny' } }), { code: 'cancelled' })
})

// ---- share codes and money ----------------------------------------------------------------------

test('a share code comes from the page query or the QR scene; anything else is no code', () => {
  assert.equal(shareCodeFrom({ code: 'AbCdEfGh12345678' }), 'AbCdEfGh12345678')
  assert.equal(shareCodeFrom({ scene: encodeURIComponent('c=AbCdEfGh1234_-78') }), 'AbCdEfGh1234_-78')
  assert.equal(shareCodeFrom({ scene: 'c=AbCdEfGh1234_-78' }), 'AbCdEfGh1234_-78')
  for (const options of [undefined, {}, { code: 'short' }, { scene: 't=AbCdEfGh12345678abcdefgh' }, { scene: '%E0%A4%A' }, { code: 'AbCdEfGh1234567!' }]) {
    assert.equal(shareCodeFrom(options), null, JSON.stringify(options))
  }
  assert.match(describeClaim({ outcome: 'owned_by_other', holds_card: false }).title, /其他合伙人/)
  assert.match(describeClaim({ outcome: 'owned_by_other', holds_card: true }).title, /卡券已放入/)
  assert.equal(describeClaim({ outcome: 'claimed', holds_card: true }).ok, true)
})

test('a console ticket comes from the QR scene t=<24 characters>; a share scene is none', async () => {
  const { consoleTicketFrom } = await import('../../miniprogram/sdk/console.js')
  const ticket = 'abcdefghijklmnopqrstu-_x' // 24 URL-safe characters
  assert.equal(consoleTicketFrom({ scene: encodeURIComponent(`t=${ticket}`) }), ticket)
  assert.equal(consoleTicketFrom({ scene: `t=${ticket}` }), ticket)
  assert.equal(consoleTicketFrom({ scene: `t=${ticket.slice(1)}` }), null)
  assert.equal(consoleTicketFrom({ scene: `t=${ticket}y` }), null)
  assert.equal(consoleTicketFrom({ scene: `t=${ticket.slice(1)}!` }), null)
  for (const options of [undefined, {}, { scene: 'c=AbCdEfGh12345678' }, { scene: 't=short' }, { scene: '%E0' }]) assert.equal(consoleTicketFrom(options), null)
})

test('fen are shown as yuan without floating point', () => {
  assert.equal(formatFen(0), '¥0.00')
  assert.equal(formatFen(5), '¥0.05')
  assert.equal(formatFen(768), '¥7.68')
  assert.equal(formatFen(123456789), '¥1,234,567.89')
  assert.equal(formatFen(-1050), '-¥10.50')
  assert.equal(formatFen(1.5), '—')
})

test('yuan as typed become integer fen, and anything else no amount', async () => {
  const { parseYuan } = await import('../../miniprogram/sdk/money.js')
  assert.equal(parseYuan('12'), 1200)
  assert.equal(parseYuan('12.3'), 1230)
  assert.equal(parseYuan(' 0.07 '), 7)
  assert.equal(parseYuan('1234567.89'), 123456789)
  for (const text of ['', '1.234', '-1', '1e3', '１２', '12.', '.5', 'abc', '1,000']) assert.equal(parseYuan(text), null, text)
})
