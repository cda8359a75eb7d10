// ctest contract.responses_match_spec: real answers of the server, one scenario through every
// route family (sign in, a store, tiers, cards, partners, shares and claims, leads, POS keys and
// callbacks, orders paid by stored value and by WeChat Pay, refunds, reports, payouts from
// settlement to WeChat Pay's transfer, the console's login and files, sign out), each validated
// against docs/openapi.yaml (spec_validator.mjs). Run by scripts/test, which starts
// MariaDB and Redis; the test starts its own server and WeChat simulator.
//   node --test responses_match_spec.test.mjs  (SHAREDSTORE_BINARY, WECHAT_SIM_BINARY set by ctest)
import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { startStack } from './stack.mjs'
import { loadSpec, specValidator } from './spec_validator.mjs'

const spec = loadSpec()
const validator = specValidator(spec)
const failures = []
let stack
// A console build of two files for /console/ (the real one is console.build's, not needed here).
const consoleDir = mkdtempSync(path.join(tmpdir(), 'contract-console-'))
const assetName = 'app-3f9c0a1b.js'

before(async () => {
  writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>商户后台</title><script type="module" src="/console/assets/' + assetName + '"></script>')
  mkdirSync(path.join(consoleDir, 'assets'))
  writeFileSync(path.join(consoleDir, 'assets', assetName), 'console.log("sharedstore")\n')
  stack = await startStack({
    sharedstore: process.env.SHAREDSTORE_BINARY,
    wechatSim: process.env.WECHAT_SIM_BINARY,
    env: { SHAREDSTORE_CONSOLE_STATIC_DIR: consoleDir },
  })
})

after(async () => {
  await stack?.stop()
  rmSync(consoleDir, { recursive: true, force: true })
})

async function call(method, url, { token, body, headers = {}, raw } = {}) {
  const sent = { ...headers }
  if (token) sent.Authorization = `Bearer ${token}`
  let payload = raw
  if (body !== undefined) {
    payload = JSON.stringify(body)
    sent['Content-Type'] = 'application/json'
  }
  // Redirects are answers to check, not to follow.
  const response = await fetch(stack.api + url, { method, headers: sent, body: payload, redirect: 'manual' })
  const text = await response.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, contentType: response.headers.get('content-type'), headers: response.headers, text, json }
}

// `name=value` of the cookie an answer set, for the Cookie header of the next calls.
function cookieOf(answer, name) {
  const set = answer.headers.getSetCookie().find((c) => c.startsWith(name + '='))
  return set ? set.split(';')[0] : undefined
}

// One call of the operation METHOD pattern: its answer is validated, and `expect` is its status.
async function op(method, pattern, params, options = {}) {
  // `{path...}` takes the rest of the path, slashes included.
  let url = pattern.replace(/\{([a-z_]+)(\.\.\.)?\}/g, (_, name, rest) => (rest ? params[name] : encodeURIComponent(params[name])))
  if (options.query) url += '?' + new URLSearchParams(options.query)
  const answer = await call(method.toUpperCase(), url, options)
  failures.push(...validator.check(method, pattern, answer))
  if (options.expect && answer.status !== options.expect)
    failures.push(`${method.toUpperCase()} ${url}: expected ${options.expect}, got ${answer.status} ${answer.text.slice(0, 200)}`)
  return answer
}

async function login(openid) {
  const { code } = await stack.sim('/sim/v1/login-codes', { openid })
  const answer = await op('post', '/api/v1/auth/wechat/login', {}, { body: { code }, expect: 200 })
  return { token: answer.json.token, id: answer.json.user.id, openid }
}

test('every answer of a scenario through every route family matches docs/openapi.yaml', async () => {
  const run = randomBytes(3).toString('hex')
  const owner = await login('oOwner' + run)
  const partner = await login('oPartner' + run)
  const partner2 = await login('oPartnerB' + run)
  const customer = await login('oCust' + run)
  const cashier = await login('oCash' + run)

  await op('get', '/healthz', {}, { expect: 200 })
  await op('get', '/readyz', {}, { expect: 200 })
  await op('get', '/metrics', {}, { expect: 200 })
  await op('post', '/api/v1/merchants', {}, { token: owner.token, raw: '{', headers: { 'Content-Type': 'application/json' }, expect: 400 })
  await op('get', '/api/v1/me', {}, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/me', {}, { expect: 401 })
  const { code: phoneCode } = await stack.sim('/sim/v1/phone-codes', { openid: customer.openid, phone: '13812345678' })
  await op('post', '/api/v1/me/phone', {}, { token: customer.token, body: { code: phoneCode }, expect: 200 })
  await op('post', '/api/v1/me/phone', {}, { token: customer.token, body: { code: phoneCode }, expect: 400 })
  await op('post', '/api/v1/me/subscriptions', {}, { token: partner.token, body: { template_id: 'tpl-1', accepted: 2 }, expect: 200 })

  const m = (await op('post', '/api/v1/merchants', {}, { token: owner.token, body: { name: '茶饮小店' }, expect: 201 })).json.merchant
  const M = { merchant_id: m.id }
  await op('get', '/api/v1/merchants/{merchant_id}', M, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}', M, { token: customer.token, expect: 403 })
  await op('get', '/api/v1/merchants/{merchant_id}', { merchant_id: '999999999' }, { token: owner.token, expect: 404 })
  await op('patch', '/api/v1/merchants/{merchant_id}/settings', M, { token: owner.token, body: { settlement_delay_days: 0, protection_days: 30 }, expect: 200 })
  await op('patch', '/api/v1/merchants/{merchant_id}/settings', M, { token: owner.token, body: { protection_days: null, bogus: 1 }, expect: 400 })
  await op('put', '/api/v1/merchants/{merchant_id}/staff/{user_id}', { ...M, user_id: cashier.id }, { token: owner.token, body: { role: 'cashier' }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/staff', M, { token: owner.token, expect: 200 })
  await op('put', '/api/v1/merchants/{merchant_id}/tiers', M, {
    token: owner.token,
    body: { tiers: [{ name: 'a', buy_in_fen: 100, ratio_bp: 600 }, { name: 'b', buy_in_fen: 200, ratio_bp: 500 }], profit_margin_bp: 3000 },
    expect: 400,
  })
  await op('get', '/api/v1/merchants/{merchant_id}/tiers', M, { token: owner.token, expect: 200 })
  await op('put', '/api/v1/merchants/{merchant_id}/tiers', M, {
    token: owner.token,
    body: { tiers: [{ name: '银卡', buy_in_fen: 10000, ratio_bp: 500 }, { name: '金卡', buy_in_fen: 50000, ratio_bp: 1000 }], profit_margin_bp: 3000, category_margins: { drinks: 6000 } },
    expect: 200,
  })
  await op('get', '/api/v1/merchants/{merchant_id}/tiers', M, { token: cashier.token, expect: 200 })
  // The bonus system (docs/bonus.md): none yet, a refused plan with its reasons, a lawful one.
  await op('get', '/api/v1/merchants/{merchant_id}/bonus-config', M, { token: cashier.token, expect: 200 })
  const refusedPlan = await op('put', '/api/v1/merchants/{merchant_id}/bonus-config', M, {
    token: owner.token,
    body: { awards: [{ type: 'other', label: '团队奖', base: 'membership', depth: 6, level_rates_bp: [0, 0, 0, 0, 0, 5000], medium: 'cash' }] },
    expect: 422,
  })
  assert.ok(refusedPlan.json.error.details.problems.length >= 3, 'every reason of the refusal is listed')
  await op('put', '/api/v1/merchants/{merchant_id}/bonus-config', M, { token: owner.token, body: { awards: [{ type: 'tier' }, { type: 'level_difference' }] }, expect: 200 })
  await op('get', '/api/v1/partners/me/awards', {}, { token: owner.token, expect: 200 })
  await op('post', '/api/v1/merchants/{merchant_id}/bonus-config/preview', M, { token: owner.token, body: { awards: [{ type: 'level_difference' }, { type: 'flat_push', flat_bp: 300 }] }, expect: 200 })
  // The alliance (docs/alliance.md): the owner is granted the platform operator role from the command line.
  await op('get', '/api/v1/platform/alliance/config', {}, { token: owner.token, expect: 403 })
  await stack.command('grant-platform-operator', ['--user', owner.id, '--by', 'contract-test'])
  // Numbers unfunded whatever the pool in force (another suite may set it meanwhile).
  const pool = (await op('get', '/api/v1/platform/alliance/config', {}, { token: owner.token, expect: 200 })).json.current.config
  const unfunded = await op('put', '/api/v1/platform/alliance/config', {}, { token: owner.token, body: { ...pool, rate_cap_bp: 5000, quota_bp: 50000 }, expect: 422 })
  assert.equal(unfunded.json.error.details.problems.length, 2, 'both unfunded numbers are named')
  await op('put', '/api/v1/platform/alliance/config', {}, { token: owner.token, body: pool, expect: 200 })
  await op('put', '/api/v1/merchants/{merchant_id}/alliance', M, { token: owner.token, body: { concession_bp: 1000, voucher_max_bp: 5000 }, expect: 409 })
  await op('post', '/api/v1/platform/alliance/merchants', {}, { token: owner.token, body: { merchant_id: M.merchant_id }, expect: 201 })
  await op('post', '/api/v1/platform/alliance/merchants', {}, { token: owner.token, body: { merchant_id: M.merchant_id }, expect: 200 })
  await op('put', '/api/v1/merchants/{merchant_id}/alliance', M, { token: owner.token, body: { concession_bp: 1000, voucher_max_bp: 5000 }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/alliance', M, { token: cashier.token, expect: 200 })
  await op('get', '/api/v1/platform/alliance/merchants', {}, { token: owner.token, expect: 200 })
  // A QR scan of the member store locks the customer to it; the operator reads and moves the lock.
  await op('post', '/api/v1/me/stores/{merchant_id}/visits', M, { token: customer.token, body: { source: 'qr' }, expect: 200 })
  const myAlliance = await op('get', '/api/v1/me/alliance', {}, { token: customer.token, expect: 200 })
  assert.equal(myAlliance.json.lock.merchant.id, M.merchant_id)
  const F = { user_id: customer.id }
  await op('get', '/api/v1/platform/alliance/fans/{user_id}', F, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/platform/alliance/fans/{user_id}', F, { token: customer.token, expect: 403 })
  await op('get', '/api/v1/platform/alliance/fans/{user_id}', { user_id: '999999999' }, { token: owner.token, expect: 404 })
  await op('put', '/api/v1/platform/alliance/fans/{user_id}', F, { token: owner.token, body: { merchant_id: M.merchant_id }, expect: 400 })
  await op('put', '/api/v1/platform/alliance/fans/{user_id}', F, { token: owner.token, body: { merchant_id: M.merchant_id, reason: '核对' }, expect: 200 })
  // The dividends: the pool's progress (platform-wide: other tests' figures), operators only.
  const dividends = await op('get', '/api/v1/platform/alliance/dividends', {}, { token: owner.token, expect: 200 })
  assert.ok(dividends.json.pool.next_number >= 1)
  await op('get', '/api/v1/platform/alliance/dividends', {}, { token: customer.token, expect: 403 })
  assert.equal(myAlliance.json.vouchers.balance_fen, 0)
  // Supply orders: the operator bills the member store, the store pays it (no vouchers: money alone).
  const reference = `INV-${Date.now()}`
  const bill = { merchant_id: M.merchant_id, reference, description: '茶叶', amount_fen: 5000 }
  const issued = await op('post', '/api/v1/platform/alliance/supply-orders', {}, { token: owner.token, body: bill, expect: 201 })
  await op('post', '/api/v1/platform/alliance/supply-orders', {}, { token: owner.token, body: bill, expect: 200 })
  await op('post', '/api/v1/platform/alliance/supply-orders', {}, { token: owner.token, body: { ...bill, amount_fen: 1 }, expect: 409 })
  const SO = { ...M, supply_order_id: issued.json.supply_order.id }
  await op('post', '/api/v1/merchants/{merchant_id}/alliance/supply-orders/{supply_order_id}/pay', SO, { token: cashier.token, body: { voucher_fen: 0 }, expect: 403 })
  await op('post', '/api/v1/merchants/{merchant_id}/alliance/supply-orders/{supply_order_id}/pay', SO, { token: owner.token, body: { voucher_fen: 1 }, expect: 409 })
  const paidBill = await op('post', '/api/v1/merchants/{merchant_id}/alliance/supply-orders/{supply_order_id}/pay', SO, { token: owner.token, body: { voucher_fen: 0 }, expect: 200 })
  assert.equal(paidBill.json.supply_order.money_fen, 5000)
  const storeBills = await op('get', '/api/v1/merchants/{merchant_id}/alliance/supply-orders', M, { token: cashier.token, expect: 200 })
  assert.equal(storeBills.json.supply_owed_fen, 5000)
  await op('get', '/api/v1/platform/alliance/supply-orders', {}, { token: owner.token, query: { state: 'paid' }, expect: 200 })
  await op('post', '/api/v1/platform/alliance/supply-orders/{supply_order_id}/cancel', SO, { token: owner.token, body: { reason: '重复' }, expect: 409 })
  await op('post', '/api/v1/platform/alliance/supply-orders/{supply_order_id}/refund', SO, { token: owner.token, body: { reason: '退货' }, expect: 200 })
  await op('post', '/api/v1/platform/alliance/supply-orders/{supply_order_id}/refund', { supply_order_id: '999999999' }, { token: owner.token, body: { reason: '退货' }, expect: 404 })
  // Statements: a month that has not closed is refused; an old one issues (nothing moved then).
  await op('post', '/api/v1/platform/alliance/statements', {}, { token: owner.token, body: { period: '2099-01' }, expect: 409 })
  await op('post', '/api/v1/platform/alliance/statements', {}, { token: owner.token, body: { period: '2020-01' }, expect: 200 })
  await op('get', '/api/v1/platform/alliance/statements', {}, { token: owner.token, query: { period: '2020-01' }, expect: 200 })
  await op('post', '/api/v1/platform/alliance/statements/{statement_id}/settle', { statement_id: '999999999' }, { token: owner.token, body: { transfer_reference: 'B-1' }, expect: 404 })
  await op('get', '/api/v1/merchants/{merchant_id}/alliance/statements', M, { token: cashier.token, expect: 200 })
  // Regions, promoters, centres and their statements (docs/promoters-and-centres.md); the promoter
  // and the centre's contact are people of their own (both may then use the console).
  const promoterUser = await login('oProm' + run)
  const contactUser = await login('oCentre' + run)
  await op('get', '/api/v1/platform/regions', {}, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/platform/regions', {}, { token: owner.token, query: { parent: '440300' }, expect: 200 })
  await op('get', '/api/v1/platform/regions', {}, { token: owner.token, query: { parent: '999999' }, expect: 422 })
  await op('get', '/api/v1/merchants/{merchant_id}/region', M, { token: cashier.token, expect: 200 })
  await op('put', '/api/v1/merchants/{merchant_id}/region', M, { token: owner.token, body: { region_code: '440300' }, expect: 422 })
  await op('put', '/api/v1/merchants/{merchant_id}/region', M, { token: owner.token, body: { region_code: '440305' }, expect: 201 })
  await op('put', '/api/v1/merchants/{merchant_id}/region', M, { token: owner.token, body: { region_code: '440306' }, expect: 409 })
  await op('get', '/api/v1/platform/merchants/{merchant_id}/region', M, { token: owner.token, expect: 200 })
  await op('put', '/api/v1/platform/merchants/{merchant_id}/region', M, { token: owner.token, body: { region_code: '440306', reason: '换证' }, expect: 200 })
  const promoter = (await op('post', '/api/v1/platform/promoters', {}, { token: owner.token, body: { user_id: promoterUser.id, name: '推广员' }, expect: 201 })).json.promoter
  await op('post', '/api/v1/platform/promoters', {}, { token: owner.token, body: { user_id: promoterUser.id, name: '推广员' }, expect: 409 })
  await op('get', '/api/v1/platform/promoters', {}, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/platform/promoters/{promoter_id}', { promoter_id: promoter.id }, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/platform/promoters/{promoter_id}', { promoter_id: '999999999' }, { token: owner.token, expect: 404 })
  await op('post', '/api/v1/merchants/{merchant_id}/promoter', M, { token: owner.token, body: { invite_code: 'ZZZZZZZZ' }, expect: 404 })
  await op('post', '/api/v1/merchants/{merchant_id}/promoter', M, { token: owner.token, body: { invite_code: promoter.invite_code }, expect: 201 })
  await op('get', '/api/v1/merchants/{merchant_id}/promoter', M, { token: cashier.token, expect: 200 })
  await op('get', '/api/v1/platform/merchants/{merchant_id}/promoter', M, { token: owner.token, expect: 200 })
  await op('put', '/api/v1/platform/merchants/{merchant_id}/promoter', M, { token: owner.token, body: { promoter_id: promoter.id, reason: '核对' }, expect: 200 })
  await op('get', '/api/v1/me/promoter', {}, { token: promoterUser.token, expect: 200 })
  await op('get', '/api/v1/me/promoter', {}, { token: cashier.token, expect: 403 })
  const shares = (await op('get', '/api/v1/platform/shares/config', {}, { token: owner.token, expect: 200 })).json.in_force
  const { version, set_by_user_id, set_at, ...rates } = shares
  await op('put', '/api/v1/platform/shares/config', {}, { token: owner.token, body: { ...rates, promoter_bp: 4000 }, expect: 422 })
  await op('put', '/api/v1/platform/shares/config', {}, { token: owner.token, body: rates, expect: 200 })
  // A contract far ahead, on a code and years of its own (the database outlives one run).
  const year = 2100 + Math.floor(Math.random() * 800)
  const centre = { level: 'county', region_code: '440305', name: '南山服务中心', contract_reference: `C-${run}`, rate_bp: 1000, starts_on: `${year}-01-01`, ends_on: `${year}-12-31`, contact_user_id: contactUser.id }
  const appointed = (await op('post', '/api/v1/platform/centres', {}, { token: owner.token, body: centre, expect: 201 })).json.centre
  await op('post', '/api/v1/platform/centres', {}, { token: owner.token, body: centre, expect: 200 })
  await op('post', '/api/v1/platform/centres', {}, { token: owner.token, body: { ...centre, contract_reference: `D-${run}`, rate_bp: 9000, recruitment_reward_fen: 100 }, expect: 422 })
  await op('get', '/api/v1/platform/centres', {}, { token: owner.token, query: { level: 'county', region: '4403' }, expect: 200 })
  await op('get', '/api/v1/platform/centres/{centre_id}', { centre_id: appointed.id }, { token: owner.token, expect: 200 })
  await op('post', '/api/v1/platform/centres/{centre_id}/terminate', { centre_id: appointed.id }, { token: owner.token, body: { ends_on: `${year}-06-30`, reason: '提前终止' }, expect: 200 })
  await op('post', '/api/v1/platform/centres/{centre_id}/terminate', { centre_id: appointed.id }, { token: owner.token, body: { ends_on: `${year + 1}-06-30`, reason: 'x' }, expect: 422 })
  await op('get', '/api/v1/me/centres', {}, { token: contactUser.token, expect: 200 })
  await op('get', '/api/v1/me/centres', {}, { token: cashier.token, expect: 403 })
  await op('post', '/api/v1/platform/shares/statements', {}, { token: owner.token, body: { period: '2099-01' }, expect: 409 })
  await op('post', '/api/v1/platform/shares/statements', {}, { token: owner.token, body: { period: '2020-01' }, expect: 200 })
  await op('get', '/api/v1/platform/shares/statements', {}, { token: owner.token, query: { period: '2020-01', payee_kind: 'promoter' }, expect: 200 })
  const nobody = { statement_id: '999999999' }
  await op('get', '/api/v1/platform/shares/statements/{statement_id}', nobody, { token: owner.token, expect: 404 })
  await op('get', '/api/v1/platform/shares/statements/{statement_id}/export', nobody, { token: owner.token, query: { format: 'pdf' }, expect: 404 })
  await op('post', '/api/v1/platform/shares/statements/{statement_id}/pay', nobody, { token: owner.token, body: { payment_reference: 'B-1' }, expect: 404 })
  await op('get', '/api/v1/me/share-statements', {}, { token: promoterUser.token, expect: 200 })
  await op('get', '/api/v1/me/share-statements/{statement_id}', nobody, { token: promoterUser.token, expect: 404 })
  await op('get', '/api/v1/me/share-statements/{statement_id}/export', nobody, { token: promoterUser.token, expect: 404 })
  const now = Date.now()
  const iso = (t) => new Date(t).toISOString()
  await op('post', '/api/v1/merchants/{merchant_id}/card-templates', M, {
    token: owner.token,
    body: { kind: 'vip', title: '', benefit: 'x', valid_from: iso(now), valid_until: iso(now - 1000) },
    expect: 400,
  })
  const tpl = (
    await op('post', '/api/v1/merchants/{merchant_id}/card-templates', M, {
      token: owner.token,
      body: { kind: 'vip', title: '会员卡', benefit: '九折\n每周三双倍积分', valid_from: iso(now - 3600e3), valid_until: iso(now + 30 * 86400e3), cover_url: 'https://example.org/c.png' },
      expect: 201,
    })
  ).json.card_template
  await op('post', '/api/v1/merchants/{merchant_id}/card-templates', M, {
    token: owner.token,
    body: { kind: 'gift', title: '礼品卡', benefit: 'gift', valid_from: iso(now - 3600e3), valid_until: iso(now + 30 * 86400e3) },
    expect: 201,
  })
  const page = await op('get', '/api/v1/merchants/{merchant_id}/card-templates', M, { token: cashier.token, query: { limit: 1 }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/card-templates', M, { token: cashier.token, query: { cursor: page.json.next_cursor }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/card-templates', M, { token: cashier.token, query: { limit: 0 }, expect: 400 })

  const p1 = (await op('post', '/api/v1/merchants/{merchant_id}/partners', M, { token: cashier.token, body: { user_id: partner.id, amount_fen: 10000, request_id: 'req-' + run + '-1' }, expect: 201 })).json.partner
  await op('post', '/api/v1/merchants/{merchant_id}/partners', M, { token: cashier.token, body: { user_id: partner.id, amount_fen: 10000, request_id: 'req-' + run + '-1' }, expect: 200 })
  await op('post', '/api/v1/merchants/{merchant_id}/partners', M, { token: cashier.token, body: { user_id: partner.id, amount_fen: 10000 }, expect: 409 })
  await op('post', '/api/v1/merchants/{merchant_id}/partners', M, { token: cashier.token, body: { user_id: customer.id, amount_fen: 100 }, expect: 400 })
  const p2 = (await op('post', '/api/v1/merchants/{merchant_id}/partners', M, { token: owner.token, body: { user_id: partner2.id, amount_fen: 60000, note: 'cash' }, expect: 201 })).json.partner
  const P1 = { ...M, partner_id: p1.id }
  await op('post', '/api/v1/merchants/{merchant_id}/partners/{partner_id}/buy-ins', P1, { token: cashier.token, body: { amount_fen: 5000, note: '续费' }, expect: 201 })
  await op('get', '/api/v1/merchants/{merchant_id}/partners', M, { token: cashier.token, query: { status: 'active' }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/partners/{partner_id}', P1, { token: cashier.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/partners/{partner_id}', { ...M, partner_id: '99999999' }, { token: cashier.token, expect: 404 })
  const pack = (await op('post', '/api/v1/merchants/{merchant_id}/partners/{partner_id}/card-packs', P1, { token: owner.token, body: { card_template_id: tpl.id, quota: 5 }, expect: 201 })).json.card_pack
  await op('get', '/api/v1/partners/me', {}, { token: partner.token, expect: 200 })
  await op('get', '/api/v1/partners/me/cards', {}, { token: partner.token, expect: 200 })
  const share = (await op('post', '/api/v1/partners/me/cards/{card_id}/shares', { card_id: pack.id }, { token: partner.token, expect: 201 })).json
  await op('post', '/api/v1/partners/me/cards/{card_id}/shares', { card_id: pack.id }, { token: customer.token, expect: 404 })
  const S = { code: share.share_code }
  await op('get', '/api/v1/shares/{code}', S, { expect: 200 })
  await op('get', '/api/v1/shares/{code}/qr.png', S, { expect: 200 })
  await op('get', '/api/v1/shares/{code}', { code: 'AAAAAAAAAAAAAAAA' }, { expect: 404 })
  await op('post', '/api/v1/shares/{code}/claim', S, { token: customer.token, expect: 200 })
  await op('post', '/api/v1/shares/{code}/claim', S, { token: partner.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/leads', M, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/leads', M, { token: cashier.token, expect: 403 })
  await op('get', '/api/v1/partners/me/customers', {}, { token: partner.token, query: { merchant_id: m.id }, expect: 200 })

  const key = (await op('post', '/api/v1/merchants/{merchant_id}/api-keys', M, { token: owner.token, body: { label: '前台' }, expect: 201 })).json
  await op('get', '/api/v1/merchants/{merchant_id}/api-keys', M, { token: owner.token, expect: 200 })

  // A POS callback signed with the key's secret (docs/pos-callbacks.md).
  function pos(path, body, expect, headers = {}) {
    const text = JSON.stringify(body)
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = 'n' + randomBytes(12).toString('hex')
    const signature = createHmac('sha256', key.secret).update(`${timestamp}\n${nonce}\nPOST\n${path}\n${text}`).digest('hex')
    const signed = { 'Content-Type': 'application/json', 'X-Api-Key': key.api_key.id, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature }
    return op('post', path, {}, { raw: text, headers: { ...signed, ...headers }, expect })
  }
  // Paid now, after the claim: the customer's owner earns a dividend.
  const order1 = { merchant_order_id: 'A-' + run, user_id: customer.id, amount_fen: 12800, profit_fen: 3000, paid_at: iso(Date.now()), category: 'drinks' }
  const recorded = await pos('/api/v1/pos/orders', order1, 201)
  assert.notEqual(recorded.json?.dividend, null, 'the POS order earned a dividend')
  await pos('/api/v1/pos/orders', order1, 200)
  await pos('/api/v1/pos/orders', { ...order1, amount_fen: 20000 }, 409)
  await pos('/api/v1/pos/orders', { merchant_order_id: 'B-' + run, amount_fen: 500, paid_at: iso(Date.now()) }, 201)
  await pos('/api/v1/pos/orders', order1, 401, { 'X-Signature': '0'.repeat(64) })
  await pos('/api/v1/pos/orders', { ...order1, bogus: 1 }, 400)
  const refunded = await pos('/api/v1/pos/refunds', { merchant_order_id: 'A-' + run, merchant_refund_id: 'R-1', amount_fen: 5000 }, 201)
  assert.ok(refunded.json?.reversed_fen > 0, 'the refund took back part of the dividend')
  await pos('/api/v1/pos/refunds', { merchant_order_id: 'A-' + run, merchant_refund_id: 'R-1', amount_fen: 5000 }, 200)
  await pos('/api/v1/pos/refunds', { merchant_order_id: 'A-' + run, merchant_refund_id: 'R-1', amount_fen: 4000 }, 409)
  await pos('/api/v1/pos/refunds', { merchant_order_id: 'Z-' + run, merchant_refund_id: 'R-2', amount_fen: 5000 }, 404)

  await op('post', '/api/v1/orders', {}, { token: partner.token, body: { merchant_id: m.id, amount_fen: 1000, description: '奶茶', pay_with: 'stored_value' }, expect: 201 })
  await op('post', '/api/v1/orders', {}, { token: customer.token, body: { merchant_id: m.id, amount_fen: 1000, description: '奶茶', pay_with: 'stored_value' }, expect: 409 })
  const wx = (await op('post', '/api/v1/orders', {}, { token: customer.token, body: { merchant_id: m.id, amount_fen: 2000, description: '套餐', pay_with: 'wechat' }, expect: 201 })).json.order
  await stack.sim(`/sim/v1/pay/transactions/${wx.out_trade_no}/succeed`, {})
  let mine
  for (let i = 0; i < 50; i++) {
    mine = await op('get', '/api/v1/me/orders/{order_id}', { order_id: wx.id }, { token: customer.token, expect: 200 })
    if (mine.json.order.status === 'paid') break
    await new Promise((res) => setTimeout(res, 100))
  }
  if (mine.json.order.status !== 'paid') failures.push('wechat order not paid')
  const unpaid = (await op('post', '/api/v1/orders', {}, { token: customer.token, body: { merchant_id: m.id, amount_fen: 1500, description: '套餐', pay_with: 'wechat' }, expect: 201 })).json.order
  const closed = await op('post', '/api/v1/me/orders/{order_id}/close', { order_id: unpaid.id }, { token: customer.token, expect: 200 })
  if (closed.json.order.status !== 'closed') failures.push('unpaid order not closed')
  await op('post', '/api/v1/me/orders/{order_id}/close', { order_id: wx.id }, { token: customer.token, expect: 409 })
  await op('get', '/api/v1/me/orders/{order_id}', { order_id: wx.id }, { token: partner.token, expect: 404 })
  const O = { ...M, order_id: wx.id }
  await op('post', '/api/v1/merchants/{merchant_id}/orders/{order_id}/refunds', O, { token: owner.token, body: { request_id: 'rf-' + run + '-1', amount_fen: 500, reason: '少送一杯' }, expect: 201 })
  await op('post', '/api/v1/merchants/{merchant_id}/orders/{order_id}/refunds', O, { token: owner.token, body: { request_id: 'rf-' + run + '-1', amount_fen: 500, reason: '少送一杯' }, expect: 200 })
  await op('post', '/api/v1/merchants/{merchant_id}/orders/{order_id}/refunds', O, { token: owner.token, body: { request_id: 'rf-' + run + '-2', amount_fen: 50000 }, expect: 409 })

  await op('get', '/api/v1/partners/me/dividends', {}, { token: partner.token, expect: 200 })
  await op('get', '/api/v1/partners/me/dividends', {}, { token: partner.token, query: { state: 'settled', merchant_id: m.id }, expect: 200 })
  await op('get', '/api/v1/partners/me/summary', {}, { token: partner.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/orders', M, { token: cashier.token, query: { status: 'paid' }, expect: 200 })
  const period = { from: iso(now - 86400e3), to: iso(now + 86400e3) }
  await op('get', '/api/v1/merchants/{merchant_id}/dividends', M, { token: owner.token, query: period, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/bonus-report', M, { token: owner.token, query: period, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/dividends', M, { token: owner.token, expect: 400 })
  await op('get', '/api/v1/merchants/{merchant_id}/reconciliation', M, { token: owner.token, query: period, expect: 200 })
  const proposed = { tiers: [{ name: '银卡', buy_in_fen: 10000, ratio_bp: 800 }, { name: '金卡', buy_in_fen: 40000, ratio_bp: 1500 }], profit_margin_bp: 4000 }
  const whatIf = await op('post', '/api/v1/merchants/{merchant_id}/tier-versions/preview', M, { token: owner.token, body: proposed, expect: 200 })
  assert.ok(whatIf.json?.orders > 0 && whatIf.json.partners.length > 0, 'the what-if replayed the paid orders')
  await op('post', '/api/v1/merchants/{merchant_id}/tier-versions/preview', M, { token: owner.token, body: { ...proposed, from: period.from, to: period.to }, expect: 200 })
  await op('post', '/api/v1/merchants/{merchant_id}/tier-versions/preview', M, { token: owner.token, body: { ...proposed, profit_margin_bp: 10001 }, expect: 400 })
  await op('post', '/api/v1/merchants/{merchant_id}/tier-versions/preview', M, { token: cashier.token, body: proposed, expect: 403 })
  const dashboard = await op('get', '/api/v1/merchants/{merchant_id}/dashboard', M, { token: owner.token, query: { days: '1' }, expect: 200 })
  assert.ok(dashboard.json.totals.sales_fen > 0 && dashboard.json.top_partners.length > 0, 'the dashboard shows the scenario\'s sales and its partner')
  await op('get', '/api/v1/merchants/{merchant_id}/dashboard', M, { token: owner.token, query: { days: '30' }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/dashboard', M, { token: owner.token, query: { days: '2' }, expect: 400 })
  await op('get', '/api/v1/merchants/{merchant_id}/dashboard', M, { token: cashier.token, expect: 403 })
  await op('get', '/api/v1/merchants/{merchant_id}/payment-anomalies', M, { token: owner.token, query: { limit: 5 }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/payment-anomalies', M, { token: cashier.token, expect: 403 })

  // The member journey (docs/members.md): the store's programme, levels and offers, a person's
  // visit, terms, points and referrer, the funnel, one person's trail, and orders that buy a
  // top-up package and spend the pre-stored value.
  const visitor = await login('oVisitor' + run)
  await op('get', '/api/v1/merchants/{merchant_id}/member-program', M, { token: owner.token, expect: 200 })
  const program = { points_per_yuan: 1, point_value_fen: 1, max_points_per_order: 500, points_validity_months: 12, task_spend_fen: 1000, task_days: 30, task_topup_fen: 10000, terms_version: 'v1', terms_text: '会员条款' }
  const badProgram = await op('put', '/api/v1/merchants/{merchant_id}/member-program', M, { token: owner.token, body: { ...program, points_per_yuan: 101, task_days: null }, expect: 400 })
  if (badProgram.json?.error?.code !== 'invalid_member_program' || !(badProgram.json.error.details?.problems?.length >= 2)) failures.push(`a bad programme: ${badProgram.text}`)
  await op('put', '/api/v1/merchants/{merchant_id}/member-program', M, { token: cashier.token, body: program, expect: 403 })
  await op('put', '/api/v1/merchants/{merchant_id}/member-program', M, { token: owner.token, body: program, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/member-program', M, { token: cashier.token, expect: 200 })
  const levels = [
    { name: '普通会员', threshold_growth: 0, discount_bp: 10000, points_multiplier_bp: 10000 },
    { name: '金卡', threshold_growth: 1000, discount_bp: 9500, points_multiplier_bp: 12000, retention_growth_12m: 300 },
  ]
  await op('put', '/api/v1/merchants/{merchant_id}/member-levels', M, { token: owner.token, body: { levels: [levels[1], levels[0]] }, expect: 400 })
  await op('put', '/api/v1/merchants/{merchant_id}/member-levels', M, { token: owner.token, body: { levels }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/member-levels', M, { token: cashier.token, expect: 200 })
  const topup = (await op('post', '/api/v1/merchants/{merchant_id}/member-offers', M, { token: owner.token, body: { kind: 'topup_package', name: '充100送20', pay_fen: 10000, bonus_fen: 2000 }, expect: 201 })).json?.offer
  await op('post', '/api/v1/merchants/{merchant_id}/member-offers', M, { token: owner.token, body: { kind: 'topup_package', name: '', pay_fen: 10, bonus_fen: 20 }, expect: 400 })
  await op('post', '/api/v1/merchants/{merchant_id}/member-offers', M, { token: owner.token, body: { kind: 'membership_product', name: '年卡', price_fen: 9900 }, expect: 201 })
  const item = (await op('post', '/api/v1/merchants/{merchant_id}/member-offers', M, { token: owner.token, body: { kind: 'points_item', name: '杯子', points_price: 300 }, expect: 201 })).json?.offer
  const withdrawn = (await op('post', '/api/v1/merchants/{merchant_id}/member-offers', M, { token: owner.token, body: { kind: 'topup_package', name: '旧套餐', pay_fen: 5000 }, expect: 201 })).json?.offer
  await op('patch', '/api/v1/merchants/{merchant_id}/member-offers/{offer_id}', { ...M, offer_id: withdrawn.id }, { token: owner.token, body: { active: false }, expect: 200 })
  await op('patch', '/api/v1/merchants/{merchant_id}/member-offers/{offer_id}', { ...M, offer_id: '99999999' }, { token: owner.token, body: { active: false }, expect: 404 })
  await op('get', '/api/v1/merchants/{merchant_id}/member-offers', M, { token: cashier.token, query: { kind: 'topup_package' }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/member-offers', M, { token: cashier.token, query: { kind: 'gift' }, expect: 400 })
  await op('get', '/api/v1/me/stores/{merchant_id}/membership', M, { token: visitor.token, expect: 200 })
  await op('post', '/api/v1/me/stores/{merchant_id}/visits', M, { token: visitor.token, body: { source: 'page' }, expect: 200 })
  await op('post', '/api/v1/me/stores/{merchant_id}/visits', M, { token: visitor.token, body: { source: 'mail' }, expect: 400 })
  await op('post', '/api/v1/me/stores/{merchant_id}/member-terms', M, { token: customer.token, body: { terms_version: 'v0' }, expect: 409 })
  await op('post', '/api/v1/me/stores/{merchant_id}/member-terms', M, { token: customer.token, body: { terms_version: 'v1' }, expect: 200 })
  await op('get', '/api/v1/me/stores/{merchant_id}/offers', M, { token: customer.token, query: { kind: 'topup_package' }, expect: 200 })
  await op('post', '/api/v1/me/stores/{merchant_id}/points-exchanges', M, { token: visitor.token, body: { item_id: item.id, request_id: 'px-' + run + '-1' }, expect: 409 })
  await op('get', '/api/v1/me/referrer', {}, { token: customer.token, expect: 200 })
  await op('get', '/api/v1/me/referrer', {}, { token: visitor.token, expect: 200 })
  // A top-up package bought with WeChat Pay, then a purchase paid from the pre-stored value.
  const topupOrder = (await op('post', '/api/v1/orders', {}, { token: customer.token, body: { merchant_id: m.id, kind: 'top_up', offer_id: topup.id, description: '储值', pay_with: 'wechat' }, expect: 201 })).json.order
  await op('post', '/api/v1/orders', {}, { token: customer.token, body: { merchant_id: m.id, kind: 'top_up', offer_id: withdrawn.id, description: '储值', pay_with: 'wechat' }, expect: 409 })
  await stack.sim(`/sim/v1/pay/transactions/${topupOrder.out_trade_no}/succeed`, {})
  let topped
  for (let i = 0; i < 50; i++) {
    topped = await op('get', '/api/v1/me/orders/{order_id}', { order_id: topupOrder.id }, { token: customer.token, expect: 200 })
    if (topped.json.order.status === 'paid') break
    await new Promise((res) => setTimeout(res, 100))
  }
  if (topped.json.order.status !== 'paid') failures.push('the top-up order was not paid')
  const prepaidOrder = await op('post', '/api/v1/orders', {}, { token: customer.token, body: { merchant_id: m.id, amount_fen: 6000, description: '套餐', pay_with: 'prepaid' }, expect: 201 })
  const drawn = prepaidOrder.json?.order?.member
  if (drawn?.prepaid_principal_fen !== 5000 || drawn?.prepaid_bonus_fen !== 1000) failures.push(`6000 fen from 10000 + 2000 draws in proportion: ${prepaidOrder.text}`)
  await op('post', '/api/v1/orders', {}, { token: visitor.token, body: { merchant_id: m.id, amount_fen: 100, description: '套餐', pay_with: 'prepaid' }, expect: 409 })
  await op('get', '/api/v1/me/stores/{merchant_id}/membership', M, { token: customer.token, expect: 200 })
  await op('get', '/api/v1/me/stores/{merchant_id}/points', M, { token: customer.token, query: { limit: 5 }, expect: 200 })
  const funnel = await op('get', '/api/v1/merchants/{merchant_id}/member-funnel', M, { token: owner.token, expect: 200 })
  if (!(funnel.json?.stages?.fan >= 1)) failures.push(`the visitor is a fan in the funnel: ${funnel.text}`)
  await op('get', '/api/v1/merchants/{merchant_id}/member-funnel', M, { token: owner.token, query: { weeks: '4' }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/member-funnel', M, { token: owner.token, query: { weeks: '3' }, expect: 400 })
  await op('get', '/api/v1/merchants/{merchant_id}/members/{user_id}', { ...M, user_id: customer.id }, { token: cashier.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/members/{user_id}', { ...M, user_id: owner.id }, { token: owner.token, expect: 404 })

  // Payouts (docs/payouts.md). The store settles at once (settlement_delay_days 0 above), so
  // settle-dividends, run beside the server as an operator would, moves the partner's dividends
  // to their withdrawable balance; the simulator then plays WeChat Pay and the partner.
  const settled = await stack.runJob('settle-dividends')
  const myBalances = await op('get', '/api/v1/me/payout-balances', {}, { token: partner.token, query: { merchant_id: m.id }, expect: 200 })
  const balance = myBalances.json?.items?.[0]
  if (!(balance?.withdrawable_fen >= 60)) failures.push(`after settle-dividends (${JSON.stringify(settled)}) the partner has ${JSON.stringify(balance)}`)
  const withdrawal = (amount_fen, n, token = partner.token, expect = 201) =>
    op('post', '/api/v1/me/withdrawals', {}, { token, body: { merchant_id: m.id, amount_fen, request_id: `wd-${run}-${n}` }, expect })
  const w1 = (await withdrawal(20, 1)).json?.payout
  if (w1?.state !== 'wait_user_confirm' || !w1?.confirm) failures.push(`a withdrawal without approval waits for the partner with confirm: ${JSON.stringify(w1)}`)
  const W1 = { payout_id: w1.id }
  await withdrawal(20, 1, partner.token, 200)
  await withdrawal(30, 1, partner.token, 409)
  const refused = await withdrawal(1, 2, partner.token, 409)
  if (refused.json?.error?.code !== 'withdrawal_refused') failures.push(`1 fen: ${refused.text}`)
  await withdrawal(20, 3, customer.token, 404)
  await op('put', '/api/v1/me/real-name', {}, { token: partner.token, body: { real_name: '张3' }, expect: 400 })
  await op('put', '/api/v1/me/real-name', {}, { token: partner.token, body: { real_name: '张三' }, expect: 200 })
  await stack.sim('/sim/v1/transfers/confirm', { out_bill_no: w1.out_bill_no })
  let paid
  for (let i = 0; i < 50; i++) {
    paid = await op('get', '/api/v1/me/withdrawals/{payout_id}', W1, { token: partner.token, expect: 200 })
    if (paid.json?.payout?.state === 'succeeded') break
    await new Promise((res) => setTimeout(res, 100))
  }
  if (paid.json?.payout?.state !== 'succeeded') failures.push(`the confirmed transfer did not succeed: ${paid.text}`)
  await op('get', '/api/v1/me/withdrawals/{payout_id}', W1, { token: customer.token, expect: 404 })
  await op('get', '/api/v1/me/withdrawals', {}, { token: partner.token, query: { merchant_id: m.id, limit: 1 }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/payout-limits', M, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/payout-limits', M, { token: cashier.token, expect: 403 })
  const limits = { payout_min_fen: 10, payout_max_fen: 100000, payout_daily_max_fen: 500000, payout_max_pending: 3 }
  await op('put', '/api/v1/merchants/{merchant_id}/payout-limits', M, { token: owner.token, body: { ...limits, payout_min_fen: 5, payout_max_fen: 1, payout_approval_above_fen: null }, expect: 400 })
  await op('put', '/api/v1/merchants/{merchant_id}/payout-limits', M, { token: owner.token, body: limits, expect: 400 })
  await op('put', '/api/v1/merchants/{merchant_id}/payout-limits', M, { token: owner.token, body: { ...limits, payout_approval_above_fen: 10 }, expect: 200 })
  // Above 10 fen the store decides: one approved, then cancelled by the partner; one rejected.
  const w2 = (await withdrawal(20, 4)).json?.payout
  if (w2?.state !== 'awaiting_approval') failures.push(`above the approval amount: ${JSON.stringify(w2)}`)
  const W2 = { ...M, payout_id: w2.id }
  await op('post', '/api/v1/merchants/{merchant_id}/payouts/{payout_id}/approve', W2, { token: owner.token, expect: 200 })
  await op('post', '/api/v1/me/withdrawals/{payout_id}/cancel', W2, { token: partner.token, expect: 200 })
  const w3 = (await withdrawal(20, 5)).json?.payout
  const W3 = { ...M, payout_id: w3.id }
  await op('post', '/api/v1/merchants/{merchant_id}/payouts/{payout_id}/reject', W3, { token: owner.token, body: { reason: '请到店领取' }, expect: 200 })
  await op('post', '/api/v1/merchants/{merchant_id}/payouts/{payout_id}/reject', W3, { token: owner.token, body: { reason: '又一次' }, expect: 409 })
  await op('post', '/api/v1/merchants/{merchant_id}/payouts/{payout_id}/approve', W3, { token: owner.token, expect: 409 })
  await op('post', '/api/v1/merchants/{merchant_id}/payouts/{payout_id}/approve', { ...M, payout_id: '99999999' }, { token: owner.token, expect: 404 })
  await op('post', '/api/v1/me/withdrawals/{payout_id}/cancel', W3, { token: partner.token, expect: 409 })
  await op('get', '/api/v1/merchants/{merchant_id}/payouts', M, { token: owner.token, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/payouts', M, { token: owner.token, query: { state: 'succeeded' }, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/payouts', M, { token: owner.token, query: { state: 'paid' }, expect: 400 })
  await op('get', '/api/v1/merchants/{merchant_id}/payout-balances', M, { token: owner.token, expect: 200 })
  const reconciled = await op('get', '/api/v1/merchants/{merchant_id}/payout-reconciliation', M, { token: owner.token, expect: 200 })
  if (reconciled.json?.balanced !== true) failures.push(`the store's payouts do not balance with the ledger: ${reconciled.text}`)
  await op('post', '/api/v1/wechat/pay/transfer-notify', {}, { body: { id: 'x', event_type: 'MCHTRANSFER.BILL.FINISHED' }, expect: 401 })

  // The console's login (docs/console-login.md): a ticket made by the login page, confirmed from
  // the owner's mini-program, taken as a session by the page holding the ticket cookie.
  const made = await op('post', '/api/v1/console/tickets', {}, { expect: 201 })
  const ticketCookie = cookieOf(made, 'sharedstore_ticket')
  if (!ticketCookie) failures.push('POST /api/v1/console/tickets set no ticket cookie')
  const T = { ticket: made.json?.ticket_id }
  await op('get', '/api/v1/console/tickets/{ticket}', T, { expect: 403 })
  await op('post', '/api/v1/console/tickets/{ticket}/confirm', T, { token: customer.token, expect: 403 })
  await op('post', '/api/v1/console/tickets/{ticket}/confirm', T, { token: owner.token, expect: 200 })
  await op('post', '/api/v1/console/tickets/{ticket}/confirm', T, { token: owner.token, expect: 200 })
  await op('post', '/api/v1/console/tickets/{ticket}/confirm', T, { token: cashier.token, expect: 409 })
  const signedIn = await op('get', '/api/v1/console/tickets/{ticket}', T, { headers: { Cookie: ticketCookie }, expect: 200 })
  if (signedIn.json?.status !== 'confirmed') failures.push(`the confirmed ticket's long-poll: ${signedIn.text}`)
  const sessionCookie = cookieOf(signedIn, 'sharedstore_console')
  if (!sessionCookie) failures.push('the confirmed long-poll set no session cookie')
  const taken = await op('get', '/api/v1/console/tickets/{ticket}', T, { headers: { Cookie: ticketCookie }, expect: 200 })
  if (taken.json?.status !== 'expired') failures.push(`a ticket makes one session: ${taken.text}`)
  await op('get', '/api/v1/console/tickets/{ticket}', { ticket: 'not-a-ticket' }, { expect: 200 })
  await op('post', '/api/v1/console/tickets/{ticket}/confirm', { ticket: randomBytes(18).toString('base64url') }, { token: owner.token, expect: 404 })
  const consoleCookie = { Cookie: sessionCookie }
  const me = await op('get', '/api/v1/console/me', {}, { headers: consoleCookie, expect: 200 })
  const csrf = { ...consoleCookie, 'X-CSRF-Token': me.json?.csrf_token }
  await op('get', '/api/v1/console/me', {}, { expect: 401 })
  // A staff route from the console: the session reads; a write needs the CSRF token too.
  await op('get', '/api/v1/merchants/{merchant_id}', M, { headers: consoleCookie, expect: 200 })
  await op('get', '/api/v1/merchants/{merchant_id}/payout-limits', M, { headers: consoleCookie, expect: 200 })
  await op('patch', '/api/v1/merchants/{merchant_id}/settings', M, { headers: consoleCookie, body: { protection_days: 60 }, expect: 403 })
  await op('patch', '/api/v1/merchants/{merchant_id}/settings', M, { headers: csrf, body: { protection_days: 60 }, expect: 200 })
  await op('post', '/api/v1/console/logout', {}, { headers: consoleCookie, expect: 403 })
  await op('post', '/api/v1/console/logout', {}, { headers: csrf, expect: 204 })
  await op('get', '/api/v1/console/me', {}, { headers: consoleCookie, expect: 401 })
  await op('post', '/api/v1/console/sessions/revoke-all', {}, { token: owner.token, expect: 200 })
  // Its files.
  await op('get', '/console', {}, { expect: 308 })
  await op('head', '/console', {}, { expect: 308 })
  await op('get', '/console/{path...}', { 'path': '' }, { expect: 200 })
  await op('get', '/console/{path...}', { 'path': 'stores/12/partners' }, { expect: 200 })
  const asset = await op('get', '/console/{path...}', { 'path': 'assets/' + assetName }, { expect: 200 })
  await op('get', '/console/{path...}', { 'path': 'assets/' + assetName }, { headers: { 'If-None-Match': asset.headers.get('etag') }, expect: 304 })
  await op('head', '/console/{path...}', { 'path': 'assets/' + assetName }, { expect: 200 })
  await op('get', '/console/{path...}', { 'path': 'missing.js' }, { expect: 404 })
  await op('head', '/console/{path...}', { 'path': 'missing.js' }, { expect: 404 })

  await op('put', '/api/v1/merchants/{merchant_id}/leads/{customer_user_id}', { ...M, customer_user_id: customer.id }, { token: owner.token, body: { partner_id: p2.id, reason: '顾客要求' }, expect: 200 })
  await op('put', '/api/v1/merchants/{merchant_id}/leads/{customer_user_id}', { ...M, customer_user_id: customer.id }, { token: owner.token, body: { partner_id: p2.id, reason: '顾客要求' }, expect: 409 })
  await op('get', '/api/v1/merchants/{merchant_id}/lead-history', M, { token: owner.token, query: { customer_user_id: customer.id }, expect: 200 })
  await op('delete', '/api/v1/partners/me/shares/{code}', S, { token: partner.token, expect: 200 })
  await op('get', '/api/v1/shares/{code}/qr.png', S, { expect: 404 })
  await op('delete', '/api/v1/merchants/{merchant_id}/api-keys/{key_id}', { ...M, key_id: key.api_key.id }, { token: owner.token, expect: 200 })
  await op('delete', '/api/v1/merchants/{merchant_id}/api-keys/{key_id}', { ...M, key_id: 'pk_' + '0'.repeat(32) }, { token: owner.token, expect: 404 })
  await op('patch', '/api/v1/merchants/{merchant_id}/partners/{partner_id}', P1, { token: owner.token, body: { status: 'paused', inactive_dividends: 'stop', note: '休假' }, expect: 200 })
  await op('post', '/api/v1/merchants/{merchant_id}/partners/{partner_id}/card-packs', P1, { token: owner.token, body: { card_template_id: tpl.id }, expect: 409 })
  await op('delete', '/api/v1/merchants/{merchant_id}/staff/{user_id}', { ...M, user_id: cashier.id }, { token: owner.token, expect: 200 })
  await op('delete', '/api/v1/merchants/{merchant_id}/staff/{user_id}', { ...M, user_id: owner.id }, { token: owner.token, expect: 409 })
  await op('post', '/api/v1/wechat/pay/notify', {}, { body: { id: 'x' }, expect: 401 })
  await op('post', '/api/v1/auth/logout', {}, { token: owner.token, expect: 204 })
  await op('post', '/api/v1/auth/logout', {}, { token: owner.token, expect: 401 })

  // Every family of routes (a tag of the spec) had at least one answer checked.
  const families = new Map(spec.tags.map((t) => [t.name, []]))
  for (const [pattern, item] of Object.entries(spec.paths))
    for (const [method, operation] of Object.entries(item))
      if (method !== 'parameters') families.get(operation.tags[0]).push(`${method.toUpperCase()} ${pattern}`)
  for (const [family, operations] of families)
    if (!operations.some((o) => validator.exercised.has(o))) failures.push(`no answer of the ${family} routes was checked`)
  const unchecked = [...families.values()].flat().filter((o) => !validator.exercised.has(o))
  console.log(`${validator.exercised.size} operations answered and validated; not exercised here: ${unchecked.join(', ') || 'none'}`)
  if (failures.length) console.log(stack.logs().slice(-4000))
  assert.deepEqual(failures, [])
})
