// The bonus page in a real Chromium, against the real server serving the built console: an owner
// of a store without a bonus system pastes the public counter-example (a 1980-yuan member product
// paying 50 % to the referrer in cash and a team reward six levels deep) and sees every reason,
// listed by award with its code, explanation and the server's words (through the what-if, which
// saves nothing), and a lawful plan checked without being saved; then sets a configuration
// through the form: first one the server refuses (each reason under its input), then a lawful one
// (level difference, flat 5 %, cap 50 %) that becomes version 1, and a project campaign
// typed in store days and yuan (version 2). A cashier reads it without a form.
// Screenshots in the test's output folder (ctest: build/test-output/browser/bonus/).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { addStaff, api, fillField, launchBrowser, openConsoleAs, openStore, outputDir, signIn, startConsoleStack, wholePageShot } from './support.mjs'

const shots = outputDir('bonus')
const run = randomBytes(3).toString('hex')
let stack
let browser
const scene = {}

// The counter-example of docs/business-rules.md section 7, as another system's plan (that section's
// "Worked refusal").
const counterExample = {
  awards: [
    { type: 'other', label: '推荐奖', base: 'membership', depth: 1, level_rates_bp: [5000], recipient: 'referrer', medium: 'cash' },
    { type: 'other', label: '团队奖', base: 'membership', depth: 6, level_rates_bp: [0, 0, 0, 0, 0, 5000], medium: 'cash' },
  ],
  partner_entry: { required_purchase_fen: 198000, purchase_returnable: false, purchase_unlocks_rewards: true },
}

before(async () => {
  stack = await startConsoleStack()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await stack?.stop()
})

const openAs = (user, pathname, expected = []) => openConsoleAs(browser, stack, user, pathname, expected)
const shoot = (page, name) => wholePageShot(page, shots, name)
const fill = fillField

// The codes a group of the plan's result shows, in order.
async function codesOf(page, group) {
  return page.locator(`[data-test=${group}] [data-test^=code-]`).allInnerTexts()
}

test('an owner checks the counter-example, then saves a lawful configuration', async () => {
  scene.owner = await signIn(stack, 'oBonusOwner' + run)
  scene.cashier = await signIn(stack, 'oBonusCashier' + run)
  scene.store = await openStore(stack, scene.owner, '奖励测试美发')
  const S = scene.store.path
  await addStaff(stack, scene.store, scene.cashier, 'cashier')
  // The awards read the store's tiers: 20 % and 30 %.
  await api(stack, 'PUT', `${S}/tiers`, {
    token: scene.owner.token,
    body: { tiers: [{ name: '银卡', buy_in_fen: 1000000, ratio_bp: 2000 }, { name: '金卡', buy_in_fen: 3000000, ratio_bp: 3000 }], profit_margin_bp: 3000 },
  })

  // Both refusals are asked for: the plan, and the form's first try.
  const { page, problems } = await openAs(scene.owner, 'bonus', [[422, /\/bonus-config(\/preview)?$/]])
  await page.locator('[data-test=bonus-page]').waitFor()
  await page.locator('[data-test=bonus-none]').waitFor()
  assert.equal(await page.locator('[data-test=bonus-history]').getByText('暂无版本').count(), 1)

  // The counter-example, pasted as it is: every reason, by award.
  await fill(page, 'plan-text', JSON.stringify(counterExample, null, 2))
  await page.locator('[data-test=plan-check-run]').click()
  await page.locator('[data-test=plan-problems]').waitFor()
  assert.deepEqual(await codesOf(page, 'plan-group-whole'), ['order_cap_exceeded', 'entry_fee'])
  assert.deepEqual((await codesOf(page, 'plan-group-0')).sort(), ['base_not_consumer_sales', 'referrer_cash', 'unsupported_award_type'])
  assert.deepEqual((await codesOf(page, 'plan-group-1')).sort(), ['base_not_consumer_sales', 'depth_exceeds_two_levels', 'referrer_cash', 'unsupported_award_type'])
  // Each group is named as the plan names the award; each line has the field, the explanation and the server's words.
  const team = page.locator('[data-test=plan-group-1]')
  assert.match(await team.innerText(), /第 2 项奖励「团队奖」/)
  const depthRow = team.locator('tr', { hasText: 'depth_exceeds_two_levels' })
  const depthText = await depthRow.innerText()
  assert.match(depthText, /^depth\b/)
  assert.match(depthText, /奖励只到 A2/)
  assert.match(depthText, /6th level above the buyer/)
  assert.match(await page.locator('[data-test=plan-group-0]').innerText(), /第 1 项奖励「推荐奖」[\s\S]*非合伙人的推荐人只能得积分或礼品/)
  assert.match(await page.locator('[data-test=plan-group-whole]').innerText(), /partner_entry\.required_purchase_fen[\s\S]*入门费/)
  assert.match(await page.locator('[data-test=plan-problems]').innerText(), /方案不合规，共 9 个问题/)
  // Nothing was stored.
  assert.equal((await api(stack, 'GET', `${S}/bonus-config`, { token: scene.owner.token })).current, null)
  await page.locator('[data-test=plan-problems]').scrollIntoViewIfNeeded()
  await shoot(page, 'bonus-plan-refused.png')

  // A lawful plan is checked and still not saved: the store has no orders, so it would pay nothing.
  await fill(page, 'plan-text', JSON.stringify({ awards: [{ type: 'level_difference' }], order_cap_bp: 5000 }))
  await page.locator('[data-test=plan-check-run]').click()
  await page.locator('[data-test=plan-lawful]').getByText('方案合规（未保存）：按近 90 天的 0 笔订单试算，奖励合计 ¥0.00，占利润 0%。').waitFor()
  assert.equal(await page.locator('[data-test=plan-problems]').count(), 0)
  assert.equal((await api(stack, 'GET', `${S}/bonus-config`, { token: scene.owner.token })).current, null)
  await page.locator('[data-test=bonus-none]').waitFor()

  // The form: flat 40 % on a 20 % lowest tier is above the 50 % cap, and cash for A2 has no sign-off.
  await page.locator('[data-test=level-difference]').click()
  await fill(page, 'flat-percent', '40')
  await fill(page, 'order-cap-percent', '50')
  await page.locator('[data-test=level2-cash]').click()
  await page.locator('[data-test=sign-off-missing]').waitFor()
  await page.locator('[data-test=bonus-save]').click()
  const form = page.locator('[data-test=bonus-form]')
  const capItem = form.locator('.el-form-item', { has: page.locator('[data-test=order-cap-percent]') })
  await capItem.locator('.el-form-item__error').getByText(/order_cap_exceeded/).waitFor()
  assert.match(await capItem.locator('.el-form-item__error').innerText(), /奖励合计超过每单上限[\s\S]*6000 bp/)
  const cashItem = form.locator('.el-form-item', { has: page.locator('[data-test=level2-cash]') })
  assert.match(await cashItem.locator('.el-form-item__error').innerText(), /level2_cash_without_sign_off/)
  await page.locator('[data-test=bonus-error]').getByText('奖励制度不合规，请查看标出的问题').waitFor()
  await page.mouse.move(0, 0)
  await shoot(page, 'bonus-form-problems.png')

  // A lawful one: level difference on, flat 5 %, cap 50 %, A2 in points.
  await fill(page, 'flat-percent', '5')
  await page.locator('[data-test=level2-cash]').click()
  await page.locator('[data-test=bonus-save]').click()
  await page.getByText('已保存为第 1 版').waitFor()
  await page.locator('[data-test=bonus-version]').getByText('第 1 版').waitFor()
  const view = await api(stack, 'GET', `${S}/bonus-config`, { token: scene.owner.token })
  assert.equal(view.current.version, 1)
  assert.equal(view.current.created_by_user_id, scene.owner.id)
  assert.deepEqual(view.current.config, {
    level_difference: true,
    flat_bp: 500,
    projects: [],
    top_dealer: null,
    order_cap_bp: 5000,
    level2_cash: false,
    level2_cash_sign_off: null,
  })
  assert.equal((await page.locator('[data-test=fact-flat]').innerText()).trim(), '开启，A2 与 A1 同档位时得利润的 5%')
  assert.equal((await page.locator('[data-test=fact-order-cap]').innerText()).trim(), '利润的 50%')
  // The form tried on the last 90 days: figures beside it, nothing saved. (The store has no orders yet.)
  await page.locator('[data-test=bonus-preview]').click()
  await page.locator('[data-test=bonus-what-if]').getByText('试算：近 90 天 0 笔订单').waitFor()
  assert.equal((await page.locator('[data-test=what-if-share]').innerText()).trim(), '0%')
  await page.locator('[data-test=bonus-what-if]').screenshot({ path: path.join(shots, 'bonus-what-if.png'), animations: 'disabled' })
  assert.equal((await api(stack, 'GET', `${S}/bonus-config`, { token: scene.owner.token })).history.length, 1, 'the what-if saved nothing')
  // The form now shows what is in force.
  assert.equal(await page.locator('input[data-test=flat-percent], [data-test=flat-percent] input').first().inputValue(), '5')
  await page.locator('[data-test=bonus-history]').getByText('级差奖 · 平推 5% · 上限 50% · A2 积分').waitFor()
  // The page as it opens with a version in force (the plan's result above was this visit's only).
  await page.reload()
  await page.locator('[data-test=bonus-version]').getByText('第 1 版').waitFor()
  await page.mouse.move(0, 0)
  await shoot(page, 'bonus.png')

  // A project campaign in store days and yuan: 烫染季, 03-01..03-31, 20 new customers of ¥100, ¥500 each, budget ¥5,000, 10 winners.
  await page.locator('[data-test=project-add]').click()
  await fill(page, 'project-name-0', '烫染季')
  for (const [testId, day] of [['project-start-0', '2026-03-01'], ['project-end-0', '2026-03-31']]) {
    await fill(page, testId, day)
    await page.keyboard.press('Enter')
  }
  await fill(page, 'project-count-0', '20')
  await fill(page, 'project-min-order-0', '100')
  await fill(page, 'project-award-0', '500')
  await fill(page, 'project-budget-0', '5,000')
  await fill(page, 'project-winners-0', '10')
  await page.locator('[data-test=bonus-save]').click()
  await page.getByText('已保存为第 2 版').waitFor()
  const [campaign] = (await api(stack, 'GET', `${S}/bonus-config`, { token: scene.owner.token })).current.config.projects
  assert.deepEqual(campaign, {
    name: '烫染季',
    starts_at: '2026-02-28T16:00:00Z',
    ends_at: '2026-03-31T16:00:00Z',
    goal: 'new_paying_customers',
    goal_count: 20,
    min_order_fen: 10000,
    product: '',
    reward: 'fixed',
    award_fen: 50000,
    award_bp: 0,
    budget_fen: 500000,
    winner_limit: 10,
  })
  assert.deepEqual(problems, [])
  await page.close()
})

test('a cashier reads the configuration without the form or the plan check', async () => {
  const { page, problems } = await openAs(scene.cashier, 'bonus')
  await page.locator('[data-test=bonus-read-only]').waitFor()
  await page.locator('[data-test=bonus-version]').getByText('第 2 版').waitFor()
  assert.equal((await page.locator('[data-test=fact-level-difference]').innerText()).trim(), '开启')
  assert.match(await page.locator('[data-test=bonus-projects]').innerText(), /烫染季[\s\S]*2026-03-01 ~ 2026-03-31[\s\S]*20 位新付费顾客（单笔满 ¥100\.00）[\s\S]*每位获奖者 ¥500\.00[\s\S]*¥5,000\.00[\s\S]*10 人/)
  assert.match(await page.locator('[data-test=bonus-history]').innerText(), /级差奖 · 平推 5% · 项目奖 1 个 · 上限 50% · A2 积分[\s\S]*级差奖 · 平推 5% · 上限 50% · A2 积分/)
  assert.equal((await page.locator('[data-test=fact-level2]').innerText()).trim(), '会员积分（1 积分 = 1 分钱奖励）')
  for (const write of ['bonus-form-card', 'bonus-save', 'plan-check', 'plan-text']) assert.equal(await page.locator(`[data-test=${write}]`).count(), 0, write)
  assert.equal(await page.locator('[data-test=menu-bonus]').count(), 1)
  // The server refuses a cashier's PUT as well.
  const refused = await api(stack, 'PUT', `${scene.store.path}/bonus-config`, { token: scene.cashier.token, body: { awards: [] }, expect: 403 })
  assert.equal(refused.error.code, 'forbidden')
  await page.mouse.move(0, 0)
  await shoot(page, 'bonus-cashier.png')
  assert.deepEqual(problems, [])
  await page.close()
})
