// ctest browser.money_pages: the console's money pages in a real Chromium against the real server,
// MariaDB, Redis and WeChat simulator (issue 15; payouts: docs/payouts.md). The owner enrols two
// partners with cash on the partners page; a customer claimed through the API shows in the leads;
// a POS order recorded through the API shows its dividend on the partner's page; a WeChat Pay order
// refunded in part on the orders page shows its reversal there and on the dividends page; the
// reconciliation says balanced; the owner reassigns the customer with a reason; payout limits set
// on the page make the partner's withdrawals (after `sharedstore run-job settle-dividends`) wait
// for approval, one is approved and paid, one rejected; a cashier reaches neither payouts nor the
// customers' reassignment. Screenshots in the test's output folder.
//
// The browser is signed in by a console session made over HTTP (support.mjs consoleSession: a
// ticket, confirmed with the staff member's Bearer session, then the long-poll that hands out the
// cookie), whose cookie is added to the browser; the console reads its CSRF token from
// GET /api/v1/console/me. The login page itself is browser.console_login's.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { after, before, test } from 'node:test'

import {
  addConsoleSession,
  apiCall,
  consoleSession,
  consoleUrl,
  dropConsoleCookies,
  launchBrowser,
  makePosKey,
  outputDir,
  posOrder,
  signIn,
  startConsoleStack,
  watchForErrors,
} from './support.mjs'

const shots = outputDir('money_pages')
const run = randomBytes(3).toString('hex')
let stack
let browser

before(async () => {
  stack = await startConsoleStack()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await stack?.stop()
})

// ---- the API, as the mini-program, the front desk and the simulator use it ----------------------

/** One call (support.mjs apiCall) whose status must be `expect` when given: { status, json }. */
async function call(method, url, { expect, ...options } = {}) {
  const answer = await apiCall(stack, method, url, options)
  if (expect !== undefined && answer.status !== expect) throw new Error(`${method} ${url}: expected ${expect}, got ${answer.status} ${answer.text}`)
  return answer
}

async function signBrowserIn(session) {
  await dropConsoleCookies(browser.context)
  await addConsoleSession(browser.context, stack, session)
}

async function until(what, check, { timeoutMs = 10000 } = {}) {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// ---- the pages --------------------------------------------------------------------------------

async function open(page, p, ready) {
  await page.goto(consoleUrl(stack, p))
  await page.locator(ready).waitFor()
}

async function shoot(page, name, { quiet = false } = {}) {
  await page.waitForLoadState('networkidle')
  // For the pictures the docs keep: without the messages that fade away by themselves.
  if (quiet) await until('the messages to fade', async () => (await page.locator('.el-message').count()) === 0)
  // Element Plus fades messages and dialogs: a still page makes a readable picture.
  await page.waitForTimeout(350)
  await page.screenshot({ path: path.join(shots, name), fullPage: true })
}

const dialog = (page) => page.locator('.el-dialog:visible')

// The page as it was when a step failed, beside the other screenshots.
async function shotOnFailure(page, name, steps) {
  try {
    await steps()
  } catch (error) {
    await page.screenshot({ path: path.join(shots, `FAILED-${name}.png`), fullPage: true }).catch(() => undefined)
    throw error
  }
}

async function textOf(page, selector) {
  return (await page.locator(selector).innerText()).trim()
}

// The state one test leaves for the next (node:test runs them in order).
const world = {}

test('the owner enrols two partners, sees a claimed customer, a dividend, a refund and its reversal, and a balanced reconciliation', async () => {
  const [owner, partnerA, partnerB, customer, cashier] = await Promise.all(['Owner', 'PartnerA', 'PartnerB', 'Customer', 'Cashier'].map((who) => signIn(stack, `o${who}${run}`)))
  Object.assign(world, { owner, partnerA, partnerB, customer, cashier })

  const m = (await call('POST', '/api/v1/merchants', { token: owner.token, body: { name: '街角茶饮' }, expect: 201 })).json.merchant
  const S = `/api/v1/merchants/${m.id}`
  world.S = S
  await call('PATCH', `${S}/settings`, { token: owner.token, body: { settlement_delay_days: 0 }, expect: 200 })
  await call('PUT', `${S}/staff/${cashier.id}`, { token: owner.token, body: { role: 'cashier' }, expect: 200 })
  await call('PUT', `${S}/tiers`, {
    token: owner.token,
    body: { tiers: [{ name: '银卡', buy_in_fen: 10000, ratio_bp: 1000 }, { name: '金卡', buy_in_fen: 50000, ratio_bp: 2000 }], profit_margin_bp: 3000 },
    expect: 200,
  })

  world.ownerSession = await consoleSession(stack, owner)
  await signBrowserIn(world.ownerSession)
  const page = await browser.context.newPage()
  // Refused on purpose below: a first buy-in under the lowest tier, a payout minimum under WeChat's.
  const problems = watchForErrors(page, { expected: [[400, `${S}/partners`], [400, `${S}/payout-limits`]] })
  world.ownerPage = page
  world.problems = problems
  await shotOnFailure(page, 'owner', async () => {
    // Two partners enrolled with cash at the desk, on the page.
    await open(page, 'partners', '[data-test=partners]')
    await page.locator('[data-test=partner-table]').getByText('还没有合伙人').waitFor()
    for (const [who, yuan] of [
      [partnerA, '100'],
      [partnerB, '500.00'],
    ]) {
      await page.locator('[data-test=enrol]').click()
      await dialog(page).waitFor()
      await dialog(page).locator('input[data-test=buy-in-user]').fill(who.id)
      await dialog(page).locator('input[data-test=buy-in-amount]').fill(yuan)
      await dialog(page).locator('input[data-test=buy-in-note]').fill('收据 ' + who.id)
      await dialog(page).locator('[data-test=buy-in-submit]').click()
      await page.locator(`[data-test=partner-link-${who.id}]`).waitFor()
    }
    // A first buy-in below the lowest tier is refused, beside the amount.
    await page.locator('[data-test=enrol]').click()
    await dialog(page).locator('input[data-test=buy-in-user]').fill(customer.id)
    await dialog(page).locator('input[data-test=buy-in-amount]').fill('12.5')
    await dialog(page).locator('[data-test=buy-in-submit]').click()
    await dialog(page).getByText('首次入股金额不能低于最低档位的入股金额').waitFor()
    await dialog(page).locator('.el-dialog__headerbtn').click()
    await dialog(page).waitFor({ state: 'hidden' })
    const table = await textOf(page, '[data-test=partner-table]')
    assert.match(table, /银卡/)
    assert.match(table, /金卡/)
    assert.match(table, /¥500\.00/)
    await shoot(page, 'partners.png', { quiet: true })

    const partners = (await call('GET', `${S}/partners`, { token: owner.token, expect: 200 })).json.items
    const pA = partners.find((p) => p.user_id === partnerA.id)
    const pB = partners.find((p) => p.user_id === partnerB.id)
    assert.equal(pA.total_buy_in_fen, 10000, 'the page sent 100 yuan as 10000 fen')
    assert.equal(pB.stored_value_fen, 50000)
    Object.assign(world, { pA, pB })

    // A card pack for partner A (the cards pages are another area's: through the API), shared and
    // claimed by the customer: the customer shows in the leads.
    const now = Date.now()
    const tpl = (
      await call('POST', `${S}/card-templates`, {
        token: owner.token,
        body: { kind: 'vip', title: '会员卡', benefit: '九折', valid_from: new Date(now - 3600e3).toISOString(), valid_until: new Date(now + 30 * 86400e3).toISOString() },
        expect: 201,
      })
    ).json.card_template
    const pack = (await call('POST', `${S}/partners/${pA.id}/card-packs`, { token: owner.token, body: { card_template_id: tpl.id, quota: 10 }, expect: 201 })).json
      .card_pack
    const share = (await call('POST', `/api/v1/partners/me/cards/${pack.id}/shares`, { token: partnerA.token, expect: 201 })).json
    const claimed = (await call('POST', `/api/v1/shares/${share.share_code}/claim`, { token: customer.token, expect: 200 })).json
    assert.equal(claimed.outcome, 'claimed')

    await open(page, 'customers', '[data-test=customers]')
    const leadRow = page.locator('[data-test=lead-table] .el-table__row', { hasText: `#${customer.id}` })
    await leadRow.waitFor()
    assert.match(await leadRow.innerText(), new RegExp(`#${partnerA.id}`))
    assert.match(await leadRow.innerText(), /尚未消费/)

    // A POS order through the API: 128 yuan, 30 yuan profit, A's 10 % tier: a 3-yuan dividend.
    const key = await makePosKey(stack, { path: S, owner }, '前台')
    const order = await posOrder(stack, key, customer, 12800, { merchant_order_id: 'A-' + run, profit_fen: 3000 })
    assert.equal(order.dividend.amount_fen, 300)

    await open(page, `partners/${pA.id}`, '[data-test=partner-dividends] [data-test=dividend-gross]')
    assert.equal(await textOf(page, '[data-test=dividend-gross]'), '¥3.00')
    assert.equal(await textOf(page, '[data-test=dividend-net]'), '¥3.00')
    assert.match(await textOf(page, '[data-test=card-pack-table]'), /会员卡/)
    assert.match(await textOf(page, '[data-test=buy-in-table]'), /¥100\.00/)

    // A WeChat Pay order of 50 yuan (margin 30 %: 15 yuan profit, a 1.50-yuan dividend), refunded
    // in half on the orders page: 0.75 yuan reversed.
    const placed = (
      await call('POST', '/api/v1/orders', { token: customer.token, body: { merchant_id: m.id, amount_fen: 5000, description: '双人套餐', pay_with: 'wechat' }, expect: 201 })
    ).json.order
    await stack.sim(`/sim/v1/pay/transactions/${placed.out_trade_no}/succeed`, {})
    await until('the WeChat Pay order to be paid', async () => (await call('GET', `/api/v1/me/orders/${placed.id}`, { token: customer.token })).json.order.status === 'paid')
    world.wechatOrder = placed

    await open(page, 'orders', `[data-test=refund-${placed.id}]`)
    assert.equal(await page.locator('[data-test=order-table] [data-test^=refund-]').count(), 1, 'only the WeChat Pay order is refundable here')
    await page.locator(`[data-test=refund-${placed.id}]`).click()
    await dialog(page).waitFor()
    assert.equal(await dialog(page).locator('input[data-test=refund-amount]').inputValue(), '50.00', 'the form starts from what is left')
    await dialog(page).locator('input[data-test=refund-amount]').fill('60')
    await dialog(page).locator('[data-test=refund-submit]').click()
    await dialog(page).getByText('不能超过可退金额 ¥50.00').waitFor()
    await dialog(page).locator('input[data-test=refund-amount]').fill('25.00')
    await dialog(page).locator('input[data-test=refund-reason]').fill('少送一杯')
    await dialog(page).locator('[data-test=refund-submit]').click()
    await dialog(page).locator('[data-test=refund-result]').waitFor()
    // WeChat Pay answers PROCESSING and then notifies SUCCESS; "check again" sends the same request.
    await until('the refund to succeed', async () => {
      const status = await dialog(page).locator('[data-test=refund-result]').getAttribute('data-status')
      if (status === 'succeeded') return true
      assert.equal(status, 'processing')
      await dialog(page).locator('[data-test=refund-check]').click()
      await page.waitForTimeout(200)
      return false
    })
    assert.match(await dialog(page).innerText(), /退款成功/)
    await shoot(page, 'orders-refund.png')
    await dialog(page).locator('.el-dialog__footer').getByText('关闭').click()
    await until('the refunded amount to show', async () => (await textOf(page, `[data-test=refunded-${placed.id}]`)) === '¥25.00')
    await shoot(page, 'orders.png')

    // The reversal on the partner's page and the dividends page.
    await open(page, `partners/${pA.id}`, '[data-test=partner-dividends] [data-test=dividend-gross]')
    assert.equal(await textOf(page, '[data-test=dividend-gross]'), '¥4.50')
    assert.equal(await textOf(page, '[data-test=dividend-reversed]'), '¥0.75')
    assert.equal(await textOf(page, '[data-test=dividend-net]'), '¥3.75')
    await shoot(page, 'partner-detail.png')

    await open(page, 'dividends', `[data-test=dividend-net-${partnerA.id}]`)
    assert.equal(await textOf(page, `[data-test=dividend-net-${partnerA.id}]`), '¥3.75')
    await shoot(page, 'dividends.png')

    await open(page, 'reconciliation', '[data-test=reconciliation-verdict]')
    assert.equal(await page.locator('[data-test=reconciliation-verdict]').getAttribute('data-balanced'), 'true')
    for (const check of ['sales', 'dividends', 'stored_value'])
      assert.equal(await page.locator(`[data-test=check-${check}]`).getAttribute('data-balanced'), 'true', check)
    assert.match(await textOf(page, '[data-test=reconciliation-totals]'), /¥178\.00/, 'purchases: 128 + 50 yuan')
    await shoot(page, 'reconciliation.png')

    // The owner gives the customer to partner B, with a reason; the history says so.
    await open(page, 'customers', `[data-test=reassign-${customer.id}]`)
    await shoot(page, 'customers.png')
    await page.locator(`[data-test=reassign-${customer.id}]`).click()
    await dialog(page).waitFor()
    await dialog(page).locator('[data-test=reassign-submit]').click()
    await dialog(page).getByText('请选择合伙人').waitFor()
    await dialog(page).locator('[data-test=reassign-partner]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: `#${partnerB.id}` }).click()
    await dialog(page).locator('input[data-test=reassign-reason]').fill('顾客要求更换导购')
    await dialog(page).locator('[data-test=reassign-submit]').click()
    await dialog(page).waitFor({ state: 'hidden' })
    await until('the lead to move', async () => (await leadRow.innerText()).includes(`#${partnerB.id}`))
    await page.getByRole('tab', { name: '归属变更记录' }).click()
    const history = page.locator('[data-test=history-table]')
    await history.getByText('顾客要求更换导购').waitFor()
    assert.match(await history.innerText(), /店主改派/)
    assert.match(await history.innerText(), /领取卡券/)
    await shoot(page, 'customers-history.png')

    await open(page, 'payment-anomalies', '[data-test=anomaly-table]')
    await page.getByText('没有支付异常').waitFor()
    assert.deepEqual(problems, [])
  })
})

test('payout limits set on the page make a withdrawal wait; the owner approves one and rejects another', async () => {
  const { owner, partnerA, S, ownerPage: page, problems } = world
  assert.ok(page, 'the first test set the store up')
  await shotOnFailure(page, 'payouts', async () => {
    // Limits: withdrawals above 1 yuan wait for approval.
    await open(page, 'payouts', '[data-test=payouts]')
    await page.getByRole('tab', { name: '提现限额' }).click()
    await page.locator('input[data-test=limit-min]').waitFor()
    await until('the limits to load', async () => (await page.locator('input[data-test=limit-max]').inputValue()) !== '')
    await page.locator('input[data-test=limit-min]').fill('0.05')
    await page.locator('[data-test=approval-on]').click()
    await page.locator('input[data-test=limit-approval-above]').fill('1.00')
    await page.locator('[data-test=limits-submit]').click()
    // WeChat transfers at least 0.10 yuan: the API's problem shows beside the field.
    await page.locator('[data-test=payout-limits]').getByText('微信转账最低 0.10 元').waitFor()
    await page.locator('input[data-test=limit-min]').fill('0.10')
    await page.locator('input[data-test=limit-max]').fill('100')
    await page.locator('input[data-test=limit-daily]').fill('500')
    await page.locator('input[data-test=limit-pending]').fill('3')
    await page.locator('[data-test=limits-submit]').click()
    await page.getByText('提现限额已保存').waitFor()
    const limits = (await call('GET', `${S}/payout-limits`, { token: owner.token, expect: 200 })).json.limits
    assert.deepEqual(limits, { payout_min_fen: 10, payout_max_fen: 10000, payout_daily_max_fen: 50000, payout_max_pending: 3, payout_approval_above_fen: 100 })
    await shoot(page, 'payout-limits.png')

    // settle-dividends moves A's 3.75 yuan to the withdrawable balance; A asks for 2 and 1.50 yuan.
    const settled = await stack.runJob('settle-dividends')
    assert.ok(settled.dividends >= 2, JSON.stringify(settled))
    const balance = (await call('GET', `/api/v1/me/payout-balances?merchant_id=${world.S.split('/').pop()}`, { token: partnerA.token, expect: 200 })).json.items[0]
    assert.equal(balance.withdrawable_fen, 375)
    const merchantId = S.split('/').pop()
    const ask = (amount, id) => call('POST', '/api/v1/me/withdrawals', { token: partnerA.token, body: { merchant_id: merchantId, amount_fen: amount, request_id: `wd-${run}-${id}` }, expect: 201 })
    const first = (await ask(200, 1)).json.payout
    const second = (await ask(150, 2)).json.payout
    assert.equal(first.state, 'awaiting_approval')
    assert.equal(second.state, 'awaiting_approval')

    await page.getByRole('tab', { name: '提现记录' }).click()
    await page.locator('[data-test=payout-list]').getByRole('button', { name: '刷新' }).click()
    await page.locator(`[data-test=approve-${first.id}]`).waitFor()
    await shoot(page, 'payouts-awaiting.png')
    await page.locator(`[data-test=approve-${first.id}]`).click()
    await page.locator('.el-message-box').getByText('¥2.00').waitFor()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByText('已批准，转账已发起').waitFor()
    await page.locator(`[data-test=approve-${first.id}]`).waitFor({ state: 'detached' })

    await page.locator(`[data-test=reject-${second.id}]`).click()
    await dialog(page).waitFor()
    await dialog(page).locator('[data-test=reject-submit]').click()
    await dialog(page).getByText('请填写拒绝原因').waitFor()
    await dialog(page).locator('input[data-test=reject-reason]').fill('本月已提现，请下月再申请')
    await dialog(page).locator('[data-test=reject-submit]').click()
    await dialog(page).waitFor({ state: 'hidden' })
    await page.locator(`[data-test=reject-${second.id}]`).waitFor({ state: 'detached' })

    // The approved bill waits for the partner, who confirms it in WeChat: paid.
    const approved = await until('the approved payout to reach WeChat Pay', async () => {
      const p = (await call('GET', `/api/v1/me/withdrawals/${first.id}`, { token: partnerA.token, expect: 200 })).json.payout
      return p.state === 'wait_user_confirm' ? p : null
    })
    await stack.sim('/sim/v1/transfers/confirm', { out_bill_no: approved.out_bill_no })
    await until('the payout to be paid', async () => (await call('GET', `/api/v1/me/withdrawals/${first.id}`, { token: partnerA.token, expect: 200 })).json.payout.state === 'succeeded')

    await page.locator('[data-test=payout-state-filter]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '全部' }).click()
    await until('both payouts listed', async () => (await page.locator('[data-test=payout-table] .el-table__row').count()) === 2)
    await page.locator('[data-test=payout-list]').getByRole('button', { name: '刷新' }).click()
    await until('the paid state to show', async () => (await textOf(page, `[data-test=payout-state-${first.id}]`)) === '已到账')
    assert.equal(await textOf(page, `[data-test=payout-state-${second.id}]`), '已拒绝')
    assert.match(await textOf(page, '[data-test=payout-table]'), /本月已提现，请下月再申请/)
    await shoot(page, 'payouts.png', { quiet: true })

    await page.getByRole('tab', { name: '余额与欠款' }).click()
    const balances = page.locator('[data-test=payout-balance-table]')
    const rowA = balances.locator('.el-table__row', { hasText: `#${partnerA.id}` })
    await rowA.waitFor()
    // 3.75 settled: 2.00 paid out, 1.50 back from the rejection, 1.75 withdrawable.
    assert.match(await rowA.innerText(), /¥1\.75[\s\S]*¥0\.00[\s\S]*¥0\.00[\s\S]*¥2\.00/)
    await page.getByRole('tab', { name: '打款对账' }).click()
    await page.locator('[data-test=payout-verdict]').waitFor()
    assert.equal(await page.locator('[data-test=payout-verdict]').getAttribute('data-balanced'), 'true')

    await open(page, `partners/${world.pA.id}`, '[data-test=balance-withdrawable]')
    assert.equal(await textOf(page, '[data-test=balance-withdrawable]'), '¥1.75')
    assert.deepEqual(problems, [])
    await page.close()
  })
})

test('a cashier reaches neither the payouts nor the customers’ reassignment, and the API refuses them too', async () => {
  const { cashier, S, pA } = world
  const session = await consoleSession(stack, cashier)
  await signBrowserIn(session)
  const page = await browser.context.newPage()
  const problems = watchForErrors(page)
  await shotOnFailure(page, 'cashier', async () => {
    await open(page, 'payouts', '[data-test=forbidden]')
    assert.match(await textOf(page, '[data-test=forbidden]'), /收银员/)
    assert.equal(await page.locator('[data-test=payouts]').count(), 0)
    // Nor are they in the cashier's menu; the desk's pages are.
    assert.equal(await page.locator('[data-test=menu-payouts]').count(), 0)
    assert.equal(await page.locator('[data-test=menu-customers]').count(), 0)
    assert.equal(await page.locator('[data-test=menu-dividends]').count(), 0)
    assert.equal(await page.locator('[data-test=menu-partners]').count(), 1)
    assert.equal(await page.locator('[data-test=menu-orders]').count(), 1)
    await shoot(page, 'cashier-payouts.png')
    await open(page, 'customers', '[data-test=forbidden]')
    assert.equal(await page.locator('[data-test=customers]').count(), 0)

    // The partners page is the cashier's too (buy-ins at the desk), without the status changes.
    await open(page, 'partners', `[data-test=top-up-${world.partnerA.id}]`)
    assert.equal(await page.locator('[data-test^=change-status-]').count(), 0)
    await open(page, `partners/${pA.id}`, '[data-test=partner-facts]')
    assert.equal(await page.locator('[data-test=partner-dividends]').count(), 0)
    assert.deepEqual(problems, [], 'the pages asked the API nothing a cashier may not read')

    // What the pages do not offer, the API refuses: the cashier's own session, CSRF token and all.
    assert.equal((await call('GET', `${S}/payouts`, { console: session })).status, 403)
    assert.equal((await call('POST', `${S}/payouts/1/approve`, { console: session })).status, 403)
    const reassigned = await call('PUT', `${S}/leads/${world.customer.id}`, { console: session, body: { partner_id: pA.id, reason: '试试' } })
    assert.equal(reassigned.status, 403)
    assert.equal(reassigned.json.error.code, 'forbidden')

    // The same notice in English.
    await open(page, 'payouts', '[data-test=forbidden]')
    await page.locator('[data-test=locale-switch]').click()
    await page.getByRole('option', { name: 'English' }).click()
    await page.getByText('Not available to your role').waitFor()
    assert.match(await textOf(page, '[data-test=forbidden]'), /Your role at “街角茶饮” is Cashier/)
    await until('the language list to close', async () => (await page.locator('.el-select__popper:visible').count()) === 0)
    await shoot(page, 'cashier-payouts-en.png')
    await page.close()
  })
})
