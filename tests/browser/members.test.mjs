// The member pages in a real Chromium, against the real server serving the built console: an
// owner sets the member programme (a refusal shown at its field), saves a level table (a bad one
// first: the problem shown in its row), adds a top-up package and withdraws it; people visit the
// store's page through the mini-program's API, and the funnel shows them as fans, the chart and
// the table; one of them is looked up. A cashier reads the programme without write buttons and
// has no funnel. Screenshots in the test's output folder (ctest: build/test-output/browser/members/).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'

import { addStaff, api, consoleUrl, fillField, launchBrowser, openConsoleAs, openStore, outputDir, signIn, startConsoleStack, wholePageShot } from './support.mjs'

const shots = outputDir('members')
const run = randomBytes(3).toString('hex')
let stack
let browser
const scene = {}

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

test('an owner sets the programme, the level table and a top-up package', async () => {
  scene.owner = await signIn(stack, 'oMemOwner' + run)
  scene.cashier = await signIn(stack, 'oMemCashier' + run)
  scene.store = await openStore(stack, scene.owner, '会员测试茶饮')
  const S = scene.store.path
  await addStaff(stack, scene.store, scene.cashier, 'cashier')

  // The refusals this test asks for: a programme and a level table the server finds wrong.
  const { page, problems } = await openAs(scene.owner, 'members', [
    [400, /\/member-program$/],
    [400, /\/member-levels$/],
  ])
  await page.locator('[data-test=members-page]').waitFor()
  await page.locator('[data-test=program-none]').waitFor()

  // The programme: 101 points per yuan is the server's to refuse, next to its input.
  await fill(page, 'points-per-yuan', '101')
  await fill(page, 'point-value', '0.01')
  await fill(page, 'max-points', '500')
  await fill(page, 'validity-months', '12')
  await page.locator('[data-test=spend-task]').click()
  await fill(page, 'task-days', '30')
  await fill(page, 'task-spend', '299.90')
  await fill(page, 'terms-version', 'v1')
  await fill(page, 'terms-text', '成为会员即同意本店会员条款。')
  await page.locator('[data-test=program-save]').click()
  await page.locator('[data-test=member-program]').getByText('每元积分为 0 到 100').waitFor()
  await fill(page, 'points-per-yuan', '2')
  await page.locator('[data-test=program-save]').click()
  await page.locator('[data-test=points-example]').getByText('实付 ¥100.00 可得 200 积分，可抵扣 ¥2.00').waitFor()
  const { program } = await api(stack, 'GET', `${S}/member-program`, { token: scene.owner.token })
  assert.equal(program.points_per_yuan, 2)
  assert.equal(program.point_value_fen, 1)
  assert.equal(program.task_spend_fen, 29990)
  assert.equal(program.task_days, 30)
  assert.equal(program.task_topup_fen, null)
  assert.equal(program.terms_version, 'v1')

  // The level table: level 2 at the same growth as level 1 is refused in its row.
  await fill(page, 'level-name-0', '普通会员')
  await fill(page, 'level-threshold-0', '0')
  await fill(page, 'level-discount-0', '100')
  await fill(page, 'level-multiplier-0', '1')
  await page.locator('[data-test=level-add]').click()
  await fill(page, 'level-name-1', '金卡')
  await fill(page, 'level-threshold-1', '0')
  await fill(page, 'level-discount-1', '95')
  await fill(page, 'level-multiplier-1', '1.2')
  await fill(page, 'level-retention-1', '300')
  assert.match(await page.locator('[data-test=level-discount-words-1]').innerText(), /95折（优惠 5%）· 9500 bp/)
  await page.locator('[data-test=levels-save]').click()
  await page.locator('[data-test=level-row-1]').getByText('须高于上一级的成长值').waitFor()
  await shoot(page, 'members-problems.png')
  await fill(page, 'level-threshold-1', '1000')
  await page.locator('[data-test=levels-save]').click()
  await page.getByText('会员等级已保存').waitFor()
  const levels = await api(stack, 'GET', `${S}/member-levels`, { token: scene.owner.token })
  assert.deepEqual(
    levels.items.map((l) => [l.level_no, l.name, l.threshold_growth, l.discount_bp, l.points_multiplier_bp, l.retention_growth_12m]),
    [
      [1, '普通会员', 0, 10000, 10000, 0],
      [2, '金卡', 1000, 9500, 12000, 300],
    ],
  )

  // A top-up package in yuan: pay 300, get 100; then withdrawn.
  await fill(page, 'offer-name', '充300送100')
  await fill(page, 'offer-pay', '300')
  await fill(page, 'offer-bonus', '100')
  await page.locator('[data-test=offer-add]').click()
  const table = page.locator('[data-test=offers-topup_package]')
  await table.getByText('充 ¥300.00 送 ¥100.00（到账 ¥400.00）').waitFor()
  const [offer] = (await api(stack, 'GET', `${S}/member-offers?kind=topup_package`, { token: scene.owner.token })).items
  assert.deepEqual([offer.name, offer.pay_fen, offer.bonus_fen, offer.active], ['充300送100', 30000, 10000, true])
  await page.locator(`[data-test=offer-toggle-${offer.id}]`).click()
  await page.locator(`[data-test=offer-status-${offer.id}]`).getByText('已下架').waitFor()
  assert.equal((await api(stack, 'GET', `${S}/member-offers?kind=topup_package`, { token: scene.owner.token })).items[0].active, false)
  assert.deepEqual((await api(stack, 'GET', `/api/v1/me/stores/${scene.store.id}/offers?kind=topup_package`, { token: scene.cashier.token })).items, [])
  // Put back on sale for the screenshot of a working store.
  await page.locator(`[data-test=offer-toggle-${offer.id}]`).click()
  await page.locator(`[data-test=offer-status-${offer.id}]`).getByText('在售').waitFor()
  await page.mouse.move(0, 0)
  await shoot(page, 'members.png')
  assert.deepEqual(problems, [])
  await page.close()
})

test('the funnel shows the people who visited, and one of them looked up', async () => {
  const S = scene.store.path
  // Two people open the store's page in the mini-program: each becomes a fan.
  scene.visitors = []
  for (const name of ['A', 'B']) {
    const person = await signIn(stack, 'oMemVisitor' + name + run)
    const visited = await api(stack, 'POST', `/api/v1/me/stores/${scene.store.id}/visits`, { token: person.token, body: { source: 'page' } })
    assert.equal(visited.stage.stage, 'fan')
    scene.visitors.push(person)
  }
  // One accepts the terms (not a member yet: no task met).
  await api(stack, 'POST', `/api/v1/me/stores/${scene.store.id}/member-terms`, { token: scene.visitors[0].token, body: { terms_version: 'v1' } })

  const { page, problems } = await openAs(scene.owner, 'member-funnel', [[404, /\/members\/\d+$/]])
  await page.locator('[data-test=funnel-figures]').waitFor()
  const fans = async () => (await page.locator('[data-test=stage-fan] .el-statistic__content').innerText()).trim()
  assert.equal(await fans(), '2')
  const svg = page.locator('[data-test=cohort-chart] svg')
  await svg.waitFor()
  const legend = await svg.textContent()
  for (const word of ['新粉丝', '成为顾客', '成为会员', '成为合伙人']) assert.ok(legend.includes(word), `${word} in the chart: ${legend}`)
  const funnel = await api(stack, 'GET', `${S}/member-funnel`, { token: scene.owner.token })
  const thisWeek = funnel.weeks.at(-1)
  assert.equal(thisWeek.fans, 2)
  const firstRow = await page.locator('[data-test=funnel-table] .el-table__body tr').first().innerText()
  assert.ok(firstRow.includes(thisWeek.week_start) && /\b2\b/.test(firstRow), firstRow)
  await page.locator('[data-test=funnel-weeks]').getByText('4 周').click()
  await page.locator('[data-test=funnel-figures][data-weeks="4"]').waitFor()

  // A user the store has never seen, then a visitor.
  await fill(page, 'lookup-user', scene.cashier.id)
  await page.locator('[data-test=lookup-run]').click()
  await page.locator('[data-test=lookup-not-found]').waitFor()
  await fill(page, 'lookup-user', scene.visitors[0].id)
  await page.locator('[data-test=lookup-run]').click()
  const result = page.locator('[data-test=lookup-result]')
  await result.waitFor()
  assert.equal((await page.locator('[data-test=lookup-stage]').innerText()).trim(), '粉丝')
  assert.match(await page.locator('[data-test=lookup-prepaid]').innerText(), /¥0\.00（本金 ¥0\.00 \+ 赠送 ¥0\.00），可退 ¥0\.00/)
  const text = await result.innerText()
  assert.match(text, /v1，.* 同意/)
  assert.match(await page.locator('[data-test=lookup-events]').innerText(), /路人 → 粉丝[\s\S]*首次到访/)
  await page.mouse.move(0, 0)
  await shoot(page, 'member-funnel.png')
  assert.deepEqual(problems, [])
  await page.close()
})

test('a cashier reads the programme without write buttons, and has no funnel', async () => {
  const { page, problems } = await openAs(scene.cashier, 'members')
  await page.locator('[data-test=members-read-only]').waitFor()
  await page.locator('[data-test=levels-table]').getByText('金卡').waitFor()
  assert.match(await page.locator('[data-test=levels-table]').innerText(), /95折 \(9500 bp\)[\s\S]*1\.2x/)
  await page.locator('[data-test=offers-topup_package]').getByText('充300送100').waitFor()
  for (const write of ['program-save', 'levels-save', 'level-add', 'offer-add', 'offer-form']) assert.equal(await page.locator(`[data-test=${write}]`).count(), 0, write)
  assert.equal(await page.locator('[data-test^=offer-toggle-]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-member-funnel]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-members]').count(), 1)
  await shoot(page, 'members-cashier.png')
  await page.goto(consoleUrl(stack, 'member-funnel'))
  await page.locator('[data-test=forbidden]').waitFor()
  assert.deepEqual(problems, [])
  await page.close()
})
