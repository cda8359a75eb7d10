// What the browser tests share: Debian's Chromium driven by playwright-core (never a browser
// download), a fresh profile each launch, a folder for screenshots; and the real stack for the
// console's pages with the calls a test makes as the mini-program, the POS or the console
// (startConsoleStack, signIn, openStore, consoleSession, loginViaTicket, ...).
import { execFileSync, spawn } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { freePort, startStack, stop } from '../contract/stack.mjs'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const consoleDir = path.join(root, 'console')

// playwright-core is one of the console's dev dependencies (console/package-lock.json).
const require = createRequire(path.join(consoleDir, 'package.json'))
const { chromium } = require('playwright-core')

export const chromiumPath = process.env.SHAREDSTORE_CHROMIUM || '/usr/bin/chromium'

// Without the background-networking flags Chromium keeps calling hosts this closed network
// refuses; as root it needs --no-sandbox.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Screenshots go here: SHAREDSTORE_TEST_OUTPUT_DIR (ctest sets it per test), else a temporary folder. */
export function outputDir(name) {
  const dir = process.env.SHAREDSTORE_TEST_OUTPUT_DIR || path.join(tmpdir(), 'sharedstore-browser', name)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A PNG of the whole page in `dir`, once CSS transitions (Element Plus fades dialogs and messages in) have ended. */
export async function screenshot(page, dir, name) {
  await page.screenshot({ path: path.join(dir, name), fullPage: true, animations: 'disabled' })
}

/**
 * A PNG of the whole console page in `dir`: the console scrolls inside its main panel, so the
 * window grows to hold it first; Element Plus's messages ("已保存", they fade after 3 s) are waited
 * out, so the picture shows the page, not them.
 */
export async function wholePageShot(page, dir, name) {
  await page.waitForFunction(() => !document.querySelector('.el-message'), null, { timeout: 20000 })
  const height = await page.evaluate(() => {
    const main = document.querySelector('.el-main')
    return main ? main.scrollHeight + main.getBoundingClientRect().top : document.body.scrollHeight
  })
  await page.setViewportSize({ width: 1280, height: Math.max(800, Math.ceil(height)) })
  await screenshot(page, dir, name)
  await page.setViewportSize({ width: 1280, height: 800 })
}

/** Types into the field marked data-test=`testId`: Element Plus puts a text input's attributes on the <input>, a number input's on its wrapper. */
export async function fillField(page, testId, value) {
  const id = `[data-test="${testId}"]`
  await page.locator(`input${id}, textarea${id}, ${id} input, ${id} textarea`).first().fill(value)
}

/** A new page signed in to the console as `user` at `pathname`; `expected`: the refusals the test asks for (watchForErrors). */
export async function openConsoleAs(browser, stack, user, pathname, expected = []) {
  await dropConsoleCookies(browser.context)
  await addConsoleSession(browser.context, stack, await consoleSession(stack, user))
  const page = await browser.context.newPage()
  const problems = watchForErrors(page, { expected })
  await page.goto(consoleUrl(stack, pathname))
  return { page, problems }
}

/** A headless Chromium with an empty profile of its own; close() removes the profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'sharedstore-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * Collects what a page reports wrong: console errors, uncaught exceptions, failed requests,
 * answers of 400 and more. `expected` lists answers the test causes on purpose, as
 * [status, pathname or RegExp] pairs (e.g. [401, '/api/v1/console/me'] for a browser not signed in
 * yet);
 * the browser's own console line about such an answer is expected with it. A long-poll the test
 * ends by leaving the page (the login page's ticket or its wait) is not a failure.
 */
export function watchForErrors(page, { expected = [] } = {}) {
  const problems = []
  const isExpected = (status, url) => {
    const { pathname } = new URL(url)
    return expected.some(([s, p]) => s === status && (p instanceof RegExp ? p.test(pathname) : p === pathname))
  }
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const url = message.location()?.url ?? ''
    const status = Number(/status of (\d{3})/.exec(message.text())?.[1] ?? 0)
    if (status && url && isExpected(status, url)) return
    problems.push(`console: ${message.text()} ${url}`)
  })
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`))
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? ''
    if (reason === 'net::ERR_ABORTED' && /^\/api\/v1\/console\/tickets(\/[^/]+)?$/.test(new URL(request.url()).pathname)) return
    // A read cut off because the page moved on (a test opening the next page while a list or a
    // badge still loads) is not an error anyone sees; an aborted write still is.
    if (reason === 'net::ERR_ABORTED' && request.method() === 'GET' && new URL(request.url()).pathname.startsWith('/api/')) return
    problems.push(`request failed: ${request.url()} ${reason}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400 && !isExpected(response.status(), response.url())) problems.push(`HTTP ${response.status()}: ${response.url()}`)
  })
  return problems
}

// ---- The real stack for console pages -----------------------------------------------------------
// The server (serving the built console/dist at /console/) and the WeChat simulator, on
// scripts/test's MariaDB and Redis, and the API calls a test makes as the mini-program, the POS
// or the console would. Every page area's browser test starts one with startConsoleStack().
export const consoleDist = path.join(consoleDir, 'dist')

/** The server with /console/ served from console/dist, and the simulator (SHAREDSTORE_BINARY, WECHAT_SIM_BINARY from ctest). */
export async function startConsoleStack({ env = {} } = {}) {
  if (!existsSync(path.join(consoleDist, 'index.html'))) throw new Error('console/dist is missing: build the console first (cd console && npm run build)')
  const sharedstore = process.env.SHAREDSTORE_BINARY
  const wechatSim = process.env.WECHAT_SIM_BINARY
  if (!sharedstore || !wechatSim) throw new Error('SHAREDSTORE_BINARY and WECHAT_SIM_BINARY are not set: run this test through ctest (scripts/test -L browser)')
  return startStack({ sharedstore, wechatSim, env: { SHAREDSTORE_CONSOLE_STATIC_DIR: consoleDist, ...env } })
}

// ---- A database of a test's own -----------------------------------------------------------------
// For pages over platform-wide state (the alliance's pool and dividends) that other tests' data
// must not join: a database on scripts/test's MariaDB, migrated, for a stack started with
// startConsoleStack({ env: { SHAREDSTORE_MYSQL_DATABASE: name } }); sql() runs statements in it.
function mariadb(database, statement) {
  const args = ['-h', '127.0.0.1', '-P', process.env.SHAREDSTORE_MYSQL_PORT, '-u', process.env.SHAREDSTORE_MYSQL_USER, '--batch', '--skip-column-names']
  if (database) args.push(database)
  // The password through the environment, not the command line.
  return execFileSync('mariadb', [...args, '-e', statement], { env: { ...process.env, MYSQL_PWD: process.env.SHAREDSTORE_MYSQL_PASSWORD }, encoding: 'utf8' })
}

/**
 * A Redis of the test's own (no persistence), for a stack on a scratch database: user ids repeat
 * across databases, so their inboxes, and the relay's mark, must not share the tests' Redis.
 * { port, stop() }.
 */
export async function startScratchRedis() {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (up) return { port, stop: () => stop(child) }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not listen on ${port}`)
}

export function createScratchDatabase(tag) {
  const name = `scratch_${tag}_${randomBytes(4).toString('hex')}`
  mariadb('', `CREATE DATABASE \`${name}\``)
  execFileSync(process.env.SHAREDSTORE_BINARY, ['migrate', '--config', process.env.SHAREDSTORE_TEST_CONFIG], {
    env: { ...process.env, SHAREDSTORE_MYSQL_DATABASE: name },
    encoding: 'utf8',
  })
  return {
    name,
    sql: (statement) => mariadb(name, statement).trim(),
    drop: () => mariadb('', `DROP DATABASE IF EXISTS \`${name}\``),
  }
}

/**
 * A console stack on a database and a Redis of the test's own (the alliance's pool is
 * platform-wide: other tests' lots must not join it, nor their inboxes this test's).
 * { stack, database, stop() }; stop() tears down what was started, whatever failed.
 */
export async function startIsolatedConsoleStack(tag) {
  const database = createScratchDatabase(tag)
  let redis
  try {
    redis = await startScratchRedis()
    const stack = await startConsoleStack({ env: { SHAREDSTORE_MYSQL_DATABASE: database.name, SHAREDSTORE_REDIS_PORT: String(redis.port) } })
    return {
      stack,
      database,
      async stop() {
        await stack.stop()
        await redis.stop()
        database.drop()
      },
    }
  } catch (error) {
    await redis?.stop()
    database.drop()
    throw error
  }
}

/** The console's URL on the stack: consoleUrl(stack, 'settings') -> http://127.0.0.1:PORT/console/settings */
export function consoleUrl(stack, page = '') {
  return `${stack.api}/console/${page}`
}

/**
 * One HTTP call to the stack: as the mini-program (`token`: a Bearer session) or as the console
 * (`console`: a consoleSession(), with its CSRF token on writes unless `csrf: false`).
 * Answers { status, json, text, headers }; never throws on a status.
 */
export async function apiCall(stack, method, pathname, { token, console: session, csrf = true, body, headers = {} } = {}) {
  const sent = { Accept: 'application/json', ...headers }
  if (token) sent.Authorization = `Bearer ${token}`
  if (session) {
    sent.Cookie = `${session.cookie.name}=${session.cookie.value}`
    if (csrf && method !== 'GET') sent['X-CSRF-Token'] = session.csrf
  }
  let payload
  if (body !== undefined) {
    payload = JSON.stringify(body)
    sent['Content-Type'] = 'application/json'
  }
  const response = await fetch(stack.api + pathname, { method, headers: sent, body: payload })
  const text = await response.text()
  let json
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: response.status, json, text, headers: response.headers }
}

/** apiCall that expects `status` (200 unless told) and answers the JSON, or throws with the body. */
export async function api(stack, method, pathname, options = {}) {
  const { expect = method === 'POST' ? [200, 201] : [200], ...rest } = options
  const answer = await apiCall(stack, method, pathname, rest)
  const wanted = Array.isArray(expect) ? expect : [expect]
  if (!wanted.includes(answer.status)) throw new Error(`${method} ${pathname}: expected ${wanted.join(' or ')}, got ${answer.status} ${answer.text.slice(0, 300)}`)
  return answer.json
}

/** A WeChat user signed in to the mini-program through the simulator: { token, id, openid }. */
export async function signIn(stack, openid = 'oBrowser' + randomBytes(6).toString('hex')) {
  const { code } = await stack.sim('/sim/v1/login-codes', { openid })
  const answer = await api(stack, 'POST', '/api/v1/auth/wechat/login', { body: { code } })
  return { token: answer.token, id: answer.user.id, openid }
}

/** A store opened by `owner` (signed in): { id, name, owner, path }. */
export async function openStore(stack, owner, name = '茶饮小店') {
  const answer = await api(stack, 'POST', '/api/v1/merchants', { token: owner.token, body: { name } })
  return { id: answer.merchant.id, name, owner, path: `/api/v1/merchants/${answer.merchant.id}` }
}

/** `user` becomes `role` (manager or cashier) of `store`, by its owner. */
export async function addStaff(stack, store, user, role) {
  await api(stack, 'PUT', `${store.path}/staff/${user.id}`, { token: store.owner.token, body: { role } })
}

/**
 * A store's partner programme, as a merchant sets it up: tiers (10,000 / 30,000 yuan at 20 / 30 %,
 * margin 30 %), a card, a partner enrolled with a 10,000-yuan cash buy-in holding a pack of it,
 * and a share link. Answers { partner, partnerId, packId, shareCode }.
 */
export async function enrolPartner(stack, store, partner) {
  const owner = store.owner
  await api(stack, 'PUT', `${store.path}/tiers`, {
    token: owner.token,
    body: { tiers: [{ name: '银卡', buy_in_fen: 1000000, ratio_bp: 2000 }, { name: '金卡', buy_in_fen: 3000000, ratio_bp: 3000 }], profit_margin_bp: 3000 },
  })
  const now = Date.now()
  const card = await api(stack, 'POST', `${store.path}/card-templates`, {
    token: owner.token,
    body: { kind: 'vip', title: 'VIP 会员卡', benefit: '全场九折', valid_from: new Date(now - 3600e3).toISOString(), valid_until: new Date(now + 90 * 86400e3).toISOString() },
  })
  const enrolled = await api(stack, 'POST', `${store.path}/partners`, { token: owner.token, body: { user_id: partner.id, amount_fen: 1000000 } })
  const partnerId = enrolled.partner.id
  const pack = await api(stack, 'POST', `${store.path}/partners/${partnerId}/card-packs`, { token: owner.token, body: { card_template_id: card.card_template.id, quota: 100 } })
  const share = await api(stack, 'POST', `/api/v1/partners/me/cards/${pack.card_pack.id}/shares`, { token: partner.token })
  return { partner, partnerId, packId: pack.card_pack.id, shareCode: share.share_code }
}

/** `customer` claims the share link's card: the outcome ("claimed", ...). */
export async function claim(stack, customer, shareCode) {
  return (await api(stack, 'POST', `/api/v1/shares/${shareCode}/claim`, { token: customer.token })).outcome
}

/** A POS API key of the store (by its owner): { id, secret }. */
export async function makePosKey(stack, store, label = 'front desk') {
  const answer = await api(stack, 'POST', `${store.path}/api-keys`, { token: store.owner.token, body: { label } })
  return { id: answer.api_key.id, secret: answer.secret }
}

/** A callback signed with a POS key, as a front desk sends it (docs/pos-callbacks.md): the apiCall answer. */
export async function posCall(stack, key, pathname, body) {
  const text = JSON.stringify(body)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = 'n' + randomBytes(12).toString('hex')
  const signature = createHmac('sha256', key.secret).update(`${timestamp}\n${nonce}\nPOST\n${pathname}\n${text}`).digest('hex')
  const response = await fetch(stack.api + pathname, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Api-Key': key.id, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature },
    body: text,
  })
  const answer = await response.text()
  return { status: response.status, json: answer ? JSON.parse(answer) : undefined, text: answer }
}

/** A POS order of `amount_fen` paid now by `customer` (a signed-in user): the order and its dividend. */
export async function posOrder(stack, key, customer, amount_fen, extra = {}) {
  const body = { merchant_order_id: 'P-' + randomBytes(6).toString('hex'), user_id: customer.id, amount_fen, paid_at: new Date().toISOString(), ...extra }
  const answer = await posCall(stack, key, '/api/v1/pos/orders', body)
  if (answer.status !== 201) throw new Error(`POS order: ${answer.status} ${answer.text}`)
  return answer.json
}

// "name=value" of the Set-Cookie header naming `name`.
function setCookie(headers, name) {
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(';')
    const at = pair.indexOf('=')
    if (pair.slice(0, at) === name) return { name, value: pair.slice(at + 1) }
  }
  return null
}

/**
 * A console session of `staffUser` made over HTTP exactly as the login page makes it: a ticket
 * (with the browser's ticket cookie), the staff member's confirmation with their Bearer token, the
 * long-poll that hands over the session. Answers { cookie: {name, value}, csrf, userId, stores }.
 * Put it into a browser with addConsoleSession(); call the API with it through apiCall({console}).
 */
export async function consoleSession(stack, staffUser) {
  const made = await fetch(stack.api + '/api/v1/console/tickets', { method: 'POST' })
  if (made.status !== 201) throw new Error(`POST /api/v1/console/tickets: ${made.status} ${await made.text()}`)
  const ticket = await made.json()
  const ticketCookie = setCookie(made.headers, 'sharedstore_ticket')
  if (!ticketCookie) throw new Error('the ticket answer set no sharedstore_ticket cookie')
  await api(stack, 'POST', `/api/v1/console/tickets/${ticket.ticket_id}/confirm`, { token: staffUser.token })
  const waited = await fetch(stack.api + `/api/v1/console/tickets/${ticket.ticket_id}`, { headers: { Cookie: `${ticketCookie.name}=${ticketCookie.value}` } })
  const state = await waited.json()
  if (state.status !== 'confirmed') throw new Error(`the long-poll answered ${JSON.stringify(state)}`)
  const cookie = setCookie(waited.headers, 'sharedstore_console')
  if (!cookie) throw new Error('the confirmed long-poll set no sharedstore_console cookie')
  return { cookie, csrf: state.csrf_token, userId: state.user.id, stores: state.stores }
}

/** Signs a browser context in with a consoleSession() (its cookie, as the server would have set it). */
export async function addConsoleSession(context, stack, session) {
  await context.addCookies([{ name: session.cookie.name, value: session.cookie.value, url: stack.api, httpOnly: true, sameSite: 'Strict' }])
}

/** Signs the browser out of the console (drops its session cookie; the session itself lives on). */
export async function dropConsoleCookies(context) {
  await context.clearCookies()
}

/**
 * Signs a browser in the way a person does: on the login page (opened here, with `next`: the
 * page to come back to, e.g. 'settings'; or the one the browser was sent to, when it is on it
 * already and `next` is not given), waits for the QR code, confirms that code's ticket through the
 * API as `staffUser` would from the mini-program, and waits until the console has opened the page
 * it was going to. Answers the ticket id.
 */
export async function loginViaTicket(page, stack, staffUser, { next } = {}) {
  const here = new URL(page.url() === 'about:blank' ? consoleUrl(stack) : page.url())
  let target
  if (next === undefined && here.pathname === '/console/login') {
    target = here.searchParams.get('next') ?? '/'
  } else {
    target = '/' + (next ?? '')
    await page.goto(consoleUrl(stack, next ? `login?next=${encodeURIComponent(target)}` : 'login'))
  }
  const qr = page.locator('[data-test=login-qr]')
  await qr.waitFor()
  const ticketId = await qr.getAttribute('data-ticket')
  await api(stack, 'POST', `/api/v1/console/tickets/${ticketId}/confirm`, { token: staffUser.token })
  await page.waitForURL((url) => url.pathname === '/console' + target.split('?')[0])
  await page.locator('[data-test=side-menu]').waitFor()
  return ticketId
}
