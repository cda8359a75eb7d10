// ctest sdk.session: the SDK's sign-in, shares, phone binding and payouts on a Node wx against a
// real instance, the simulator, MariaDB and a Redis of the test's own (cluster.mjs).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { describeClaim, shareCodeFrom } from '../../miniprogram/sdk/index.js'
import { SESSION_KEY } from '../../miniprogram/sdk/session.js'
import { startCluster } from './cluster.mjs'
import { api, eventually, newRun, phone, storeWithPartner } from './scenario.mjs'

const run = newRun()
let cluster
let a
let world
let partnerPhone
const reminders = []
const closes = []

before(async () => {
  cluster = await startCluster({ tag: 'sdk_session' })
  a = await cluster.startInstance()
  world = await storeWithPartner(cluster, a.api, run, { settlementDelayDays: 0 })
  partnerPhone = phone(cluster, {
    openid: world.partner.openid,
    base: () => a.api,
    socket: () => a.ws,
    // WeChat's confirmation page, where the partner taps 确认收款: the simulator plays it.
    transfer: async ({ mchId, appId, package: pkg }) => {
      assert.equal(mchId, cluster.mchid)
      assert.equal(appId, cluster.appid)
      await cluster.sim('/sim/v1/transfers/confirm', { package: pkg, openid: world.partner.openid })
    },
  })
  partnerPhone.client.reminders.on('reminder', (r) => reminders.push(r))
  partnerPhone.client.reminders.on('close', (event) => closes.push(event.code))
})

after(async () => {
  partnerPhone?.client.reminders.stop()
  if (process.exitCode) console.log(cluster?.logs())
  await cluster?.stop()
})

const logins = (wx) => wx.$record.requests.filter((r) => r.url.endsWith('/api/v1/auth/wechat/login')).length
const tokenOf = (wx) => wx.getStorageSync(SESSION_KEY).token
const revoke = (token) => api(a.api, 'POST', '/api/v1/auth/logout', { token, expect: 204 })

test('login, then the session revoked on the server: one new sign-in and the call succeeds; the socket too', async () => {
  const { client, wx } = partnerPhone
  const session = await client.login()
  assert.equal(session.user.id, world.partner.id)
  assert.equal((await client.me()).user.id, world.partner.id)
  assert.equal(logins(wx), 1)

  const first = tokenOf(wx)
  await revoke(first) // signed out elsewhere: the server no longer knows the token
  assert.equal((await client.me()).user.id, world.partner.id)
  assert.equal(logins(wx), 2, 'one new sign-in')
  assert.notEqual(tokenOf(wx), first)

  // The socket: a sign-out closes it with 4401; the SDK signs in again and reconnects.
  client.reminders.start()
  await eventually(() => client.reminders.status().connected, 'the socket opens')
  await revoke(tokenOf(wx))
  await eventually(() => closes.includes(4401), 'the socket is closed with 4401')
  await eventually(() => client.reminders.status().connected, 'the socket opens again')
  assert.equal(logins(wx), 3)
  // Revoked while the phone is offline: the next upgrade is refused (401), which WeChat reports
  // as a bare failure; the SDK asks the server about its session, signs in again, connects.
  wx.$setOnline(false)
  await eventually(() => !client.reminders.status().connected, 'the socket is down')
  await revoke(tokenOf(wx))
  wx.$setOnline(true)
  await eventually(() => client.reminders.status().connected, 'the socket opens after the refused upgrade')
  assert.equal(logins(wx), 4)
  assert.ok(wx.$record.refusedUpgrades >= 1, 'an upgrade was refused with 401')
  const customer = await world.ownedCustomer(`oCust${run}`)
  const paid = await world.pay(customer, 12800)
  await eventually(() => reminders.some((r) => r.dividend_id === paid.dividend.id), 'the reminder reaches the new socket')
  reminders.at(-1).ack()
})

test('a share opened from a QR scene and claimed; a customer another partner owns is told so', async () => {
  const newcomer = phone(cluster, { openid: `oNew${run}`, base: () => a.api, socket: () => a.ws })
  const code = shareCodeFrom({ scene: encodeURIComponent(world.share.qr_scene) })
  assert.equal(code, world.share.share_code)
  const view = await newcomer.client.shares.view(code)
  assert.equal(view.claimable, true)
  assert.equal(view.merchant.name, '茶饮小店')
  assert.equal(view.card.title, '会员卡')
  assert.equal(logins(newcomer.wx), 0, 'the public view needs no sign-in')
  const claimed = await newcomer.client.shares.claim(code)
  assert.equal(claimed.outcome, 'claimed')
  assert.equal(describeClaim(claimed).ok, true)
  assert.equal(logins(newcomer.wx), 1)

  // Another partner of the store shares a card with the same customer: ownership does not move.
  const otherShare = await world.otherPartnerShare(`oOther${run}`)
  const fromPath = new URL('https://x' + otherShare.path).searchParams.get('code')
  const owned = await newcomer.client.shares.claim(shareCodeFrom({ code: fromPath }))
  assert.equal(owned.outcome, 'owned_by_other')
  assert.equal(owned.holds_card, false)
  assert.match(describeClaim(owned).title, /其他合伙人/)
  const leads = await api(a.api, 'GET', `/api/v1/partners/me/customers?merchant_id=${world.merchant.id}`, { token: world.partner.token, expect: 200 })
  assert.ok(leads.items.some((lead) => lead.customer.user_id === (newcomer.client.session.user()).id), 'still the first partner\'s customer')
})

test('the phone is bound through the getPhoneNumber button\'s code, and shown masked', async () => {
  const buyer = phone(cluster, { openid: `oPhone${run}`, base: () => a.api, socket: () => a.ws })
  await buyer.client.login()
  const { code } = await cluster.sim('/sim/v1/phone-codes', { openid: buyer.openid, phone: '13812345678' })
  const user = await buyer.client.bindPhone({ detail: { code, errMsg: 'getPhoneNumber:ok' } })
  assert.equal(user.phone, '138****5678')
  assert.equal(buyer.client.session.user().phone, '138****5678')
  await assert.rejects(buyer.client.bindPhone({ detail: { code } }), { status: 400, code: 'phone_code_invalid' })
})

test('a withdrawal handed to wx.requestMerchantTransfer and confirmed ends in a payout reminder', async () => {
  const { client } = partnerPhone
  await cluster.runJob('settle-dividends') // the store settles at once (settlement_delay_days 0)
  const [balance] = (await client.payouts.balances(world.merchant.id)).items
  assert.ok(balance.withdrawable_fen >= 640, JSON.stringify(balance))
  const requestId = `wd-${run}-1`
  const created = await client.payouts.withdraw({ merchantId: world.merchant.id, amountFen: 500, requestId })
  assert.equal(created.replayed, false)
  assert.equal(created.payout.state, 'wait_user_confirm')
  assert.ok(created.payout.confirm?.package)
  const again = await client.payouts.withdraw({ merchantId: world.merchant.id, amountFen: 500, requestId })
  assert.equal(again.replayed, true)
  assert.equal(again.payout.id, created.payout.id)

  await client.payouts.confirm(created.payout)
  const frame = await eventually(() => reminders.find((r) => r.type === 'payout' && r.payout_id === created.payout.id), 'the payout reminder')
  assert.equal(frame.state, 'succeeded')
  assert.equal(frame.amount_fen, 500)
  assert.equal(frame.merchant.id, world.merchant.id)
  frame.ack()
  assert.equal((await client.payouts.get(created.payout.id)).payout.state, 'succeeded')
  // Nothing left to confirm, and a partner who closes WeChat's page is told it was cancelled.
  await assert.rejects(client.payouts.confirm((await client.payouts.get(created.payout.id)).payout), { code: 'payout_not_waiting' })
  const declined = phone(cluster, { openid: world.partner.openid, base: () => a.api, socket: () => a.ws })
  const second = await declined.client.payouts.withdraw({ merchantId: world.merchant.id, amountFen: 100 })
  await assert.rejects(declined.client.payouts.confirm(second.payout), { code: 'cancelled' })
  await declined.client.payouts.cancel(second.payout.id)
})
