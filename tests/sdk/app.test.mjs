// ctest sdk.app: the sample mini-program (miniprogram/app/) run in Node: App() and Page() as
// WeChat calls them, each phone's wx the Node adapter, against a real instance, the simulator,
// MariaDB and a Redis of the test's own. The WXML is read too: every handler it binds is a
// method of its page, every name it shows is in the page's data.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, test } from 'node:test'

import { CLAIM_MESSAGES, CONSOLE_REFUSALS, formatFen } from '../../miniprogram/sdk/index.js'
import { root } from '../contract/stack.mjs'
import { startCluster } from './cluster.mjs'
import { createWx } from './wx_node.mjs'
import { api, eventually, newRun, signIn, storeWithPartner } from './scenario.mjs'

const run = newRun()
const appDir = path.join(root, 'miniprogram', 'app')
const pages = JSON.parse(readFileSync(path.join(appDir, 'app.json'), 'utf8')).pages
let cluster
let a
let world
let copy
let partner
let loaded = 0

before(async () => {
  // The app as DevTools would get it: its folder with the SDK copied in (npm run sync:app).
  copy = mkdtempSync(path.join(tmpdir(), 'sdk-app-'))
  cpSync(appDir, path.join(copy, 'app'), { recursive: true, filter: (from) => !from.startsWith(path.join(appDir, 'sdk')) })
  execFileSync(process.execPath, [path.join(root, 'miniprogram', 'scripts', 'sync-sdk.mjs'), path.join(copy, 'app', 'sdk')])
  writeFileSync(path.join(copy, 'package.json'), '{"type":"module"}')
  cluster = await startCluster({ tag: 'sdk_app' })
  a = await cluster.startInstance()
  world = await storeWithPartner(cluster, a.api, run, { settlementDelayDays: 0 })
  partner = await launch(world.partner.openid, {
    transfer: async ({ package: pkg }) => void (await cluster.sim('/sim/v1/transfers/confirm', { package: pkg, openid: world.partner.openid })),
  })
})

after(async () => {
  partner?.app.client.reminders.stop()
  if (process.exitCode) console.log(cluster?.logs())
  await cluster?.stop()
  if (copy) rmSync(copy, { recursive: true, force: true })
})

/** Launches the app for one user: its own wx, its own App instance (a module of its own). */
async function launch(openid, options = {}) {
  const wx = createWx({ loginCode: async () => (await cluster.sim('/sim/v1/login-codes', { openid })).code, route: () => a.ws, ...options })
  let definition
  globalThis.wx = wx
  globalThis.App = (d) => (definition = d)
  await import(pathToFileURL(path.join(copy, 'app', 'app.js')).href + `?phone=${++loaded}`)
  definition.globalData.config = { baseUrl: a.api, subscribeTemplateId: 'dividend-reminder-dev', simulator: null }
  definition.onLaunch()
  return { wx, app: definition }
}

/** True when the 12 digits end in their Luhn check digit (every second digit from the right doubled). */
function luhn(digits) {
  let sum = 0
  for (const [i, c] of [...digits].reverse().entries()) {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1)
    sum += d > 9 ? d - 9 : d
  }
  return sum % 10 === 0
}

/** Opens `route` in `phone`'s app as WeChat would: Page() registers it, onLoad(query) runs. */
async function open(phone, route, query = {}) {
  let definition
  globalThis.wx = phone.wx
  globalThis.getApp = () => phone.app
  globalThis.Page = (d) => (definition = d)
  await import(pathToFileURL(path.join(copy, 'app', route + '.js')).href + `?open=${++loaded}`)
  const page = { data: structuredClone(definition.data) }
  page.setData = (patch) => Object.assign(page.data, patch)
  for (const [name, value] of Object.entries(definition)) if (typeof value === 'function') page[name] = value.bind(page)
  await page.onLoad?.(query)
  return page
}

test('every page of app.json has its four files; its WXML binds only its methods and shows only its data', async () => {
  assert.deepEqual(pages, ['pages/dividends/index', 'pages/share/index', 'pages/withdrawals/index', 'pages/cards/index', 'pages/vouchers/index', 'pages/console-login/index'])
  for (const route of pages) {
    const files = readdirSync(path.join(appDir, path.dirname(route)))
    for (const ext of ['js', 'json', 'wxml', 'wxss']) assert.ok(files.includes(`index.${ext}`), `${route}.${ext}`)
    let definition
    globalThis.Page = (d) => (definition = d)
    await import(pathToFileURL(path.join(copy, 'app', route + '.js')).href + `?lint=${++loaded}`)
    const wxml = readFileSync(path.join(appDir, route + '.wxml'), 'utf8')
    for (const [, handler] of wxml.matchAll(/\b(?:bind|catch)[a-z]+="([^"]+)"/g)) {
      assert.equal(typeof definition[handler], 'function', `${route}.wxml binds ${handler}, which the page lacks`)
    }
    const known = new Set([...Object.keys(definition.data), 'item', 'index', 'true', 'false', 'null'])
    for (const [, expression] of wxml.matchAll(/\{\{([^}]*)\}\}/g)) {
      const names = expression.replace(/'[^']*'/g, '').match(/(?<![.\w$])[A-Za-z_$][\w$]*/g) ?? []
      for (const name of names) assert.ok(known.has(name), `${route}.wxml shows "${name}" ({{${expression}}}), not in the page's data`)
    }
  }
})

test('the share page opened from a QR scene: the card, the claim, and an owned customer told so', async () => {
  const newcomer = await launch(`oNew${run}`)
  const page = await open(newcomer, 'pages/share/index', { scene: encodeURIComponent(world.share.qr_scene) })
  assert.equal(page.data.error, '')
  assert.equal(page.data.view.card.title, '会员卡')
  assert.equal(page.data.view.merchant.name, '茶饮小店')
  await page.onClaim()
  assert.equal(page.data.result.title, CLAIM_MESSAGES.claimed)

  // Now the first partner's customer, opening another partner's card: told, and not moved.
  const otherShare = await world.otherPartnerShare(`oOther${run}`)
  const owned = await open(newcomer, 'pages/share/index', { code: otherShare.share_code })
  await owned.onClaim()
  assert.equal(owned.data.result.title, CLAIM_MESSAGES.owned_by_other)
  const again = await open(newcomer, 'pages/share/index', { code: world.share.share_code })
  await again.onClaim()
  assert.equal(again.data.result.title, CLAIM_MESSAGES.already_yours)
  const broken = await open(newcomer, 'pages/share/index', { code: 'short' })
  assert.equal(broken.data.error, '这个分享链接无效')
  const unknown = await open(newcomer, 'pages/share/index', { code: 'AAAAAAAAAAAAAAAA' })
  assert.equal(unknown.data.error, '这个分享链接不存在')
  newcomer.app.client.reminders.stop()
})

test('my partnerships: today\'s and this month\'s dividends, and a live line for each reminder, acked', async () => {
  const page = await open(partner, 'pages/dividends/index')
  assert.equal(page.data.error, '')
  assert.equal(page.data.memberships.length, 1)
  assert.equal(page.data.memberships[0].merchant, '茶饮小店')
  assert.equal(page.data.memberships[0].tier, '银卡')
  const before = page.data.items.length
  await eventually(() => partner.app.client.reminders.status().connected, 'the app\'s socket opens')
  const customer = await world.ownedCustomer(`oBuyer${run}`)
  const paid = await world.pay(customer, 12800) // 6400 profit x 10 % = 640 fen
  await eventually(() => page.data.items.length === before + 1 && page.data.summary.today === formatFen(paid.dividend.amount_fen), 'the live line and the figures')
  const [fresh] = page.data.items
  assert.equal(fresh.dividendId, paid.dividend.id)
  assert.equal(fresh.live, true)
  assert.equal(fresh.amount, '¥6.40')
  assert.equal(page.data.summary.month, '¥6.40')
  await eventually(() => partner.app.client.reminders.status().ackedId !== null, 'the shown reminder is acked')
  page.onUnload()
})

test('withdrawals: an amount in yuan, WeChat\'s confirmation, the payout reminder marks it paid', async () => {
  await cluster.runJob('settle-dividends')
  const page = await open(partner, 'pages/withdrawals/index')
  assert.equal(page.data.balances.length, 1)
  assert.equal(page.data.balances[0].withdrawable, '¥6.40')
  page.onAmountInput({ detail: { value: '1.2.3' } })
  await page.onWithdraw()
  assert.deepEqual(page.data.problems, ['请输入金额，例如 12.50'])
  page.onAmountInput({ detail: { value: '100' } })
  await page.onWithdraw()
  assert.deepEqual(page.data.problems, ['可提现余额不足'])
  page.onAmountInput({ detail: { value: '1.50' } })
  await page.onWithdraw()
  assert.deepEqual(page.data.problems, [])
  await eventually(() => page.data.payouts[0]?.state === '已到账', 'the payout reminder marks it paid')
  assert.equal(page.data.payouts[0].amount, '¥1.50')
  await eventually(() => page.data.balances[0].withdrawable === '¥4.90', 'the balance after the payout')
  page.onUnload()
})

test('my cards: a share button\'s onShareAppMessage shares a new link of that pack', async () => {
  const page = await open(partner, 'pages/cards/index')
  assert.equal(page.data.packs.length, 1)
  const [pack] = page.data.packs
  assert.equal(pack.shareable, true)
  const shared = page.onShareAppMessage({ from: 'button', target: { dataset: { pack: pack.id } } })
  assert.match(shared.title, /茶饮小店送你一张会员卡/)
  const { path: sharedPath } = await shared.promise
  const code = new URL('https://x' + sharedPath).searchParams.get('code')
  assert.match(sharedPath, /^\/pages\/share\/index\?code=[A-Za-z0-9_-]{16}$/)
  const view = await partner.app.client.shares.view(code)
  assert.equal(view.claimable, true)
  assert.deepEqual(page.onShareAppMessage({ from: 'menu' }), { title: '共享小店', path: '/pages/dividends/index' })
})

test('my vouchers: a pool dividend credits the buyer, the live line comes from its reminder, acked, and the balance follows', async () => {
  // The store joins the alliance (a concession of 10 %), the pool's first dividend at 1,000 cp and one holder.
  const operator = await signIn(cluster, a.api, `oOperator${run}`)
  await cluster.command('grant-platform-operator', ['--user', operator.id, '--by', 'sdk-app-test'])
  const config = (await api(a.api, 'GET', '/api/v1/platform/alliance/config', { token: operator.token, expect: 200 })).current.config
  await api(a.api, 'PUT', '/api/v1/platform/alliance/config', { token: operator.token, body: { ...config, initial_value_cp: 1000, min_holders: 1 }, expect: 200 })
  await api(a.api, 'POST', '/api/v1/platform/alliance/merchants', { token: operator.token, body: { merchant_id: world.merchant.id }, expect: 201 })
  await api(a.api, 'PUT', `/api/v1/merchants/${world.merchant.id}/alliance`, { token: world.owner.token, body: { concession_bp: 1000, voucher_max_bp: 5000 }, expect: 200 })
  const buyerOpenid = `oVoucherBuyer${run}`
  const buyer = await world.ownedCustomer(buyerOpenid)
  await world.pay(buyer, 50000) // K = 5000: a lot of 5000 cp each for the buyer and the store
  const phone = await launch(buyerOpenid)
  const page = await open(phone, 'pages/vouchers/index')
  assert.equal(page.data.error, '')
  assert.equal(page.data.balance, '¥0.00')
  assert.equal(page.data.pending, '50')
  assert.deepEqual(page.data.credits, [])
  assert.equal(page.data.store, '茶饮小店', 'the first payment at a member store locked the buyer to it')
  await eventually(() => phone.app.client.reminders.status().connected, 'the app\'s socket opens')

  // The refund window closes (moved back rather than waited for), the lots vest, the dividend pays 0.5 %.
  await cluster.sql("UPDATE alliance_accruals SET vests_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE state = 'pending'")
  await cluster.runJob('vest-alliance-lots')
  const paid = await cluster.runJob('pay-alliance-dividends')
  assert.equal(paid.dividend, 1, JSON.stringify(paid))
  await eventually(() => page.data.credits.length === 1 && page.data.balance === '¥0.25', 'the live line and the balance')
  const [credit] = page.data.credits
  assert.equal(credit.live, true)
  assert.equal(credit.source, '第 1 次分红')
  assert.equal(credit.left, '¥0.25') // floor(5000 x 50 / 10000) = 25 fen
  await eventually(() => phone.app.client.reminders.status().ackedId !== null, 'the shown reminder is acked')
  page.onUnload()
  phone.app.client.reminders.stop()

  // Opened again: the credit from the API, with its end a year (the pool's validity) later.
  const again = await open(phone, 'pages/vouchers/index')
  assert.equal(again.data.credits.length, 1)
  assert.equal(again.data.credits[0].live, false)
  assert.equal(again.data.credits[0].amount, '¥0.25')
  assert.equal(again.data.vested, '50')
  assert.deepEqual([again.data.held, again.data.debt, again.data.desk], ['', '', null], 'nothing held, no debt: not shown')

  // 到店使用: a desk code, shown grouped for reading, is the one the server keeps for the buyer,
  // with its two minutes counting down; a tap replaces it.
  const stored = async () => {
    const [, row] = (await cluster.sql(`SELECT digits, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), expires_at) FROM alliance_voucher_codes WHERE user_id = ${buyer.id}`)).trim().split('\n')
    const [digits, left] = row?.split('\t') ?? []
    return { digits, left: Number(left) }
  }
  const seconds = (left) => Number(left.split(':')[0]) * 60 + Number(left.split(':')[1])
  await again.onDeskCode()
  assert.equal(again.data.deskError, '')
  const shown = again.data.desk
  assert.match(shown.code, /^\d{12}$/)
  assert.ok(luhn(shown.code), `${shown.code} carries its Luhn check digit`)
  assert.equal(shown.grouped, shown.code.replace(/(\d{4})(?=\d)/g, '$1 '))
  assert.match(shown.grouped, /^\d{4} \d{4} \d{4}$/)
  assert.equal(shown.spendable, '¥0.25')
  const kept = await stored()
  assert.equal(kept.digits, shown.code, 'the code shown is the one the server stored')
  assert.match(shown.left, /^[0-2]:[0-5]\d$/)
  assert.ok(Math.abs(seconds(shown.left) - kept.left) <= 2 && kept.left > 100, `${shown.left} left on screen, ${kept.left} s on the server`)
  await again.onDeskCode() // the tap on the code
  const renewed = again.data.desk.code
  assert.match(renewed, /^\d{12}$/)
  assert.notEqual(renewed, shown.code)
  assert.equal((await stored()).digits, renewed, 'one live code: the new one replaced it')

  // The desk reserves with it: the vouchers are held (shown), then the order spends them and its
  // refund gives them back as a credit of its own (退款退回).
  const sale = `D${run}-1`
  const reserved = await world.pos('/api/v1/pos/voucher-reservations', { merchant_order_id: sale, code: renewed, order_total_fen: 1000, voucher_fen: 25 })
  assert.equal(reserved.status, 201, JSON.stringify(reserved.answer))
  assert.equal((await stored()).digits, undefined, 'the reservation used the code up')
  await again.onPullDownRefresh()
  assert.deepEqual([again.data.balance, again.data.held, again.data.debt], ['¥0.00', '¥0.25', ''])
  await world.pay(buyer, 975, a.api, { merchant_order_id: sale, voucher_fen: 25, voucher_reservation_id: reserved.answer.reservation.id })
  const refunded = await world.pos('/api/v1/pos/refunds', { merchant_order_id: sale, merchant_refund_id: `R${run}-1`, amount_fen: 975 })
  assert.equal(refunded.status, 201, JSON.stringify(refunded.answer))
  await again.onPullDownRefresh()
  assert.deepEqual([again.data.balance, again.data.held], ['¥0.25', ''])
  const returned = again.data.credits.find((c) => c.source === '退款退回')
  assert.ok(returned, JSON.stringify(again.data.credits))
  assert.deepEqual([returned.amount, returned.left], ['¥0.25', '¥0.25'])
  again.onUnload()
})

test('the console\'s QR code: the page asks, the staff member confirms, the waiting console page is signed in', async () => {
  const owner = await launch(world.owner.openid)
  async function ticket() {
    const response = await fetch(a.api + '/api/v1/console/tickets', { method: 'POST' })
    assert.equal(response.status, 201)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sharedstore_ticket=')).split(';')[0]
    return { id: (await response.json()).ticket_id, cookie }
  }
  const made = await ticket()
  const page = await open(owner, 'pages/console-login/index', { scene: encodeURIComponent(`t=${made.id}`) })
  assert.equal(page.data.state, 'ask', 'nothing is confirmed before the staff member says so')
  await page.onConfirm()
  assert.equal(page.data.state, 'done', page.data.message)
  const waiting = await (await fetch(`${a.api}/api/v1/console/tickets/${made.id}`, { headers: { Cookie: made.cookie } })).json()
  assert.equal(waiting.status, 'confirmed')
  assert.equal(waiting.user.id, world.owner.id)
  assert.equal(waiting.stores[0].role, 'owner')

  // A customer is no staff member: told so; a code that is no console code is refused at once.
  const customer = await launch(`oNotStaff${run}`)
  const other = await ticket()
  const refused = await open(customer, 'pages/console-login/index', { scene: encodeURIComponent(`t=${other.id}`) })
  await refused.onConfirm()
  assert.equal(refused.data.message, CONSOLE_REFUSALS.console_not_staff)
  const wrong = await open(customer, 'pages/console-login/index', { scene: encodeURIComponent(world.share.qr_scene) })
  assert.equal(wrong.data.state, 'error')
  owner.app.client.reminders.stop()
  customer.app.client.reminders.stop()
})
