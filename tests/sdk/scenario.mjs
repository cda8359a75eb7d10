// The people and the store of an SDK test, made over the API as a merchant would make them
// (docs/api.md): an owner with a store, tiers and a card template, a partner enrolled with a card
// pack and a share link, customers, a POS key to pay orders with. The phones under test use the
// SDK; everything else here is plain HTTP.
import { createHmac, randomBytes } from 'node:crypto'

import { createClient } from '../../miniprogram/sdk/index.js'
import { createWx } from './wx_node.mjs'

export const newRun = () => randomBytes(3).toString('hex')

/** A plain JSON call; fails the test on a status other than `expect`. */
export async function api(base, method, pathname, { token, body, expect } = {}) {
  const headers = {}
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const response = await fetch(base + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  const json = text ? JSON.parse(text) : null
  if (expect !== undefined && response.status !== expect) throw new Error(`${method} ${pathname}: expected ${expect}, got ${response.status} ${text}`)
  return json
}

/** Signs `openid` in through the simulator, over plain HTTP (the merchant's side of a test). */
export async function signIn(cluster, base, openid) {
  const { code } = await cluster.sim('/sim/v1/login-codes', { openid })
  const answer = await api(base, 'POST', '/api/v1/auth/wechat/login', { body: { code }, expect: 200 })
  return { openid, token: answer.token, id: answer.user.id }
}

/**
 * A phone: the SDK on a Node wx whose wx.login gives `openid`'s codes. `base()` and `socket()`
 * say where calls go (a load balancer in front of instances); `options` go to createWx.
 */
export function phone(cluster, { openid, base, socket, ...options }) {
  const wx = createWx({
    loginCode: async () => (await cluster.sim('/sim/v1/login-codes', { openid })).code,
    route: () => socket(),
    ...options,
  })
  const client = createClient({ wx, baseUrl: base(), subscribeTemplateId: 'dividend-reminder-dev' })
  return { wx, client, openid }
}

/**
 * A store whose partner owns a customer: `owner`, `partner` (with `share` of a card pack),
 * `customer` (claimed through the share), `pay(amount)` through a POS key, and `pos(path, body)` for
 * the desk's other calls.
 */
export async function storeWithPartner(cluster, base, run, { settlementDelayDays = 7, partnerOpenid } = {}) {
  const owner = await signIn(cluster, base, `oOwner${run}`)
  const partner = await signIn(cluster, base, partnerOpenid ?? `oPartner${run}`)
  const merchant = (await api(base, 'POST', '/api/v1/merchants', { token: owner.token, body: { name: '茶饮小店' }, expect: 201 })).merchant
  const m = `/api/v1/merchants/${merchant.id}`
  await api(base, 'PATCH', `${m}/settings`, { token: owner.token, body: { settlement_delay_days: settlementDelayDays }, expect: 200 })
  await api(base, 'PUT', `${m}/tiers`, {
    token: owner.token,
    body: { tiers: [{ name: '银卡', buy_in_fen: 10000, ratio_bp: 1000 }], profit_margin_bp: 5000 },
    expect: 200,
  })
  const now = Date.now()
  const template = (await api(base, 'POST', `${m}/card-templates`, {
    token: owner.token,
    body: { kind: 'vip', title: '会员卡', benefit: '全场九折', valid_from: new Date(now - 3600e3).toISOString(), valid_until: new Date(now + 30 * 86400e3).toISOString() },
    expect: 201,
  })).card_template
  const enrolled = (await api(base, 'POST', `${m}/partners`, { token: owner.token, body: { user_id: partner.id, amount_fen: 10000 }, expect: 201 })).partner
  const pack = (await api(base, 'POST', `${m}/partners/${enrolled.id}/card-packs`, { token: owner.token, body: { card_template_id: template.id, quota: 50 }, expect: 201 })).card_pack
  const share = await api(base, 'POST', `/api/v1/partners/me/cards/${pack.id}/shares`, { token: partner.token, expect: 201 })
  const key = await api(base, 'POST', `${m}/api-keys`, { token: owner.token, body: { label: '前台' }, expect: 201 })
  let orders = 0

  /** A customer signed in and claimed through the partner's share (now the partner's lead). */
  async function ownedCustomer(openid) {
    const customer = await signIn(cluster, base, openid)
    const claimed = await api(base, 'POST', `/api/v1/shares/${share.share_code}/claim`, { token: customer.token, expect: 200 })
    if (claimed.outcome !== 'claimed') throw new Error(`claim: ${JSON.stringify(claimed)}`)
    return customer
  }

  /** A POST of the desk, signed with the store's key (docs/pos-callbacks.md), through `via`: its status and answer. */
  async function pos(pathname, body, via = base) {
    const text = JSON.stringify(body)
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = 'n' + randomBytes(12).toString('hex')
    const signature = createHmac('sha256', key.secret).update(`${timestamp}\n${nonce}\nPOST\n${pathname}\n${text}`).digest('hex')
    const response = await fetch(via + pathname, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': key.api_key.id, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature },
      body: text,
    })
    return { status: response.status, answer: await response.json() }
  }

  /** A POS order of `customer` (docs/pos-callbacks.md), through `via`; `extra` joins the body (voucher_fen, ...). */
  async function pay(customer, amountFen, via = base, extra = {}) {
    const body = { merchant_order_id: `P${run}-${++orders}`, user_id: customer.id, amount_fen: amountFen, paid_at: new Date().toISOString(), ...extra }
    const { status, answer } = await pos('/api/v1/pos/orders', body, via)
    if (status !== 201 || !answer.dividend) throw new Error(`POS order: ${status} ${JSON.stringify(answer)}`)
    return answer
  }

  /** A share link of another partner of the store (enrolled now, with a pack of the same card). */
  async function otherPartnerShare(openid) {
    const other = await signIn(cluster, base, openid)
    const enrolled = (await api(base, 'POST', `${m}/partners`, { token: owner.token, body: { user_id: other.id, amount_fen: 10000 }, expect: 201 })).partner
    const otherPack = (await api(base, 'POST', `${m}/partners/${enrolled.id}/card-packs`, { token: owner.token, body: { card_template_id: template.id }, expect: 201 })).card_pack
    return api(base, 'POST', `/api/v1/partners/me/cards/${otherPack.id}/shares`, { token: other.token, expect: 201 })
  }

  return { owner, partner, merchant, pack, share, ownedCustomer, otherPartnerShare, pay, pos }
}

/** Resolves when `predicate()` holds, checking every 20 ms; rejects with `what` after `ms`. */
export async function eventually(predicate, what, ms = 15000) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await predicate()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
