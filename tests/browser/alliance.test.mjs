// The alliance pages in a real Chromium, against the real server serving the built console
// (docs/alliance.md, "Console"): a platform operator who is staff of no store (granted with the
// CLI) signs in by the QR ticket and lands on the pool page; a configuration the fund cannot pay
// (rate cap 400 bp at a fund share of 5000 bp) is refused at its field, a funded one becomes a
// version of the history; a store is admitted by its id (again: "a member already"; an unknown id:
// "no such store"), and the member list grows with "load more". The operator locks a consumer to a
// member store by hand, reassigns them with a reason (two audit lines), and is refused a store
// outside the alliance; the stores' books count the fan. The store's owner then sets a
// concession (12 %), is refused one out of range (25 %) at its field, a cashier reads it without a
// form, and the operator's list shows it. A store owner who is no operator has no platform page in
// the menu, and its URL shows a polite 403 without asking the platform API anything.
//
// The pool configuration is platform-wide and other tests change it at the same time on the same
// database: every configuration saved here keeps the defaults (fund share 5000, lock 100, vest 7
// days) but for the voucher validity, unique to this run; concessions stay at 1000 bp or more; the
// assertions look for this run's version in the history, never at which version is newest.
// Screenshots in the test's output folder (ctest: build/test-output/browser/alliance/).
import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { after, before, test } from 'node:test'

import {
  addStaff,
  api,
  consoleUrl,
  fillField,
  launchBrowser,
  openConsoleAs,
  openStore,
  outputDir,
  signIn,
  startConsoleStack,
  watchForErrors,
  wholePageShot,
} from './support.mjs'

const shots = outputDir('alliance')
const run = randomBytes(3).toString('hex')
let stack
let browser
const scene = {}

// docs/business-rules.md section 3.1's defaults: the configuration every save here starts from.
const defaults = {
  initial_value_cp: 10000000,
  min_holders: 20,
  growth_bp: 1500,
  first_rate_bp: 50,
  rate_step_bp: 10,
  rate_cap_bp: 300,
  fund_share_bp: 5000,
  quota_bp: 2500,
  advance_periods: 3,
  advance_budget_bp: 2000,
  lock_bp: 100,
  voucher_validity_days: 365,
  vest_days: 7,
  supply_voucher_max_bp: 3000,
}
// This run's own voucher validity (30-3650 days): its version is the one with this number.
const validity = 400 + randomInt(3000)
const pageSize = 20

before(async () => {
  stack = await startConsoleStack()
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await stack?.stop()
})

const shoot = (page, name) => wholePageShot(page, shots, name)
const itemError = (page, item) => page.locator(`[data-test=${item}] .el-form-item__error`)

async function fillPool(page, values) {
  for (const [field, value] of Object.entries(values)) await fillField(page, `pool-${field}`, String(value))
}

test('an operator without a store signs in, is refused an unfunded pool, saves a funded one and admits a store', async () => {
  scene.operator = await signIn(stack, 'oAllianceOp' + run)
  const granted = await stack.command('grant-platform-operator', ['--user', scene.operator.id, '--by', 'alliance-browser-test'])
  assert.equal(granted.platform_operator_user_id, scene.operator.id)
  // More members than a page holds, admitted before the store of this test: "load more" finds them.
  const filler = await signIn(stack, 'oAllianceFiller' + run)
  scene.fillers = []
  for (let i = 0; i <= pageSize; i++) {
    const store = await openStore(stack, filler, `联盟分页店 ${i + 1}`)
    await api(stack, 'POST', '/api/v1/platform/alliance/merchants', { token: scene.operator.token, body: { merchant_id: store.id }, expect: 201 })
    scene.fillers.push(store)
  }
  scene.owner = await signIn(stack, 'oAllianceOwner' + run)
  scene.store = await openStore(stack, scene.owner, '联盟测试茶饮 ' + run)

  // The login as a person does it: the QR code on the login page, confirmed from the mini-program.
  await browser.context.clearCookies()
  const page = await browser.context.newPage()
  const problems = watchForErrors(page, {
    expected: [
      [401, '/api/v1/console/me'],
      [422, '/api/v1/platform/alliance/config'],
      [404, '/api/v1/platform/alliance/merchants'],
    ],
  })
  await page.goto(consoleUrl(stack))
  await page.waitForURL((url) => url.pathname === '/console/login')
  const qr = page.locator('[data-test=login-qr]')
  await qr.waitFor()
  await api(stack, 'POST', `/api/v1/console/tickets/${await qr.getAttribute('data-ticket')}/confirm`, { token: scene.operator.token })
  // No store, so no overview: home is the pool page, and the menu has the platform pages only.
  await page.waitForURL((url) => url.pathname === '/console/alliance-pool')
  await page.locator('[data-test=pool-current]').waitFor()
  await page.locator('[data-test=menu-alliance-pool]').waitFor()
  assert.equal(await page.locator('[data-test=menu-dashboard]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-alliance]').count(), 0)
  assert.match(await page.locator('[data-test=menu-platform]').innerText(), /平台运营[\s\S]*联盟积分池/)
  assert.equal(await page.locator('[data-test=store-switch]').count(), 0)
  await page.locator('[data-test=operator-no-store]').getByText('平台运营账号（未关联门店）').waitFor()
  await page.locator('[data-test=platform-operator]').waitFor()

  // The configuration in force with units, and the validator's bounds.
  assert.match(await page.locator('[data-test=fact-fund_share_bp]').innerText(), /^\d[\d,]* bp（[\d.]+%）$/)
  assert.match(await page.locator('[data-test=fact-initial_value_cp]').innerText(), /^[\d,]+ cp（[\d,.]+ 积分）$/)
  assert.match(await page.locator('[data-test=fact-vest_days]').innerText(), /^\d+ 天$/)
  assert.match(await page.locator('[data-test=bound-rate-cap]').innerText(), /^\d+ bp（[\d.]+%）$/)
  assert.match(await page.locator('[data-test=lowest-concession]').innerText(), /bp/)
  await page.mouse.move(0, 0)
  await shoot(page, 'pool.png')

  // Unfunded: a rate cap of 400 bp at a fund share of 5000 bp and growth 1500 bp (at most 326).
  await fillPool(page, { ...defaults, voucher_validity_days: validity, rate_cap_bp: 400 })
  assert.match(await page.locator('[data-test=pool-conversion-rate_cap_bp]').innerText(), /= 4%/)
  assert.match(await page.locator('[data-test=pool-range-rate_cap_bp]').innerText(), /最多 326/)
  await page.locator('[data-test=pool-save]').click()
  const capError = itemError(page, 'pool-item-rate_cap_bp')
  await capError.getByText(/rate_cap_unfunded/).waitFor()
  assert.match(await capError.innerText(), /分红比例上限超过基金能覆盖的范围[\s\S]*at most 326 bp/)
  await page.locator('[data-test=pool-error]').getByText('积分池配置未通过校验，请查看标出的问题').waitFor()
  assert.equal(await itemError(page, 'pool-item-fund_share_bp').count(), 0, 'only the field at fault is marked')
  const afterRefusal = await api(stack, 'GET', '/api/v1/platform/alliance/config', { token: scene.operator.token })
  assert.ok(!afterRefusal.history.some((v) => v.config.voucher_validity_days === validity), 'the refused configuration was not saved')
  await page.locator('[data-test=pool-item-rate_cap_bp]').scrollIntoViewIfNeeded()
  await page.mouse.move(0, 0)
  await shoot(page, 'pool-refused.png')

  // Funded: the defaults with this run's voucher validity.
  await fillPool(page, { rate_cap_bp: 300 })
  await page.locator('[data-test=pool-save]').click()
  const saved = await page.getByText(/已保存为第 \d+ 版/).innerText()
  const version = Number(/第 (\d+) 版/.exec(saved)[1])
  await page.locator('[data-test=pool-version]').getByText(`第 ${version} 版`).waitFor()
  assert.equal(await itemError(page, 'pool-item-rate_cap_bp').count(), 0)
  assert.equal((await page.locator('[data-test=fact-voucher_validity_days]').innerText()).trim(), `${validity.toLocaleString('en')} 天`)
  await page.locator(`[data-test=history-version-${version}]`).waitFor()
  const view = await api(stack, 'GET', '/api/v1/platform/alliance/config', { token: scene.operator.token })
  const mine = view.history.find((v) => v.version === version)
  assert.ok(mine, `version ${version} is in the history`)
  assert.deepEqual(mine.config, { ...defaults, voucher_validity_days: validity })
  assert.equal(mine.created_by_user_id, scene.operator.id)
  await page.mouse.move(0, 0)
  await shoot(page, 'pool-saved.png')

  // Members: admit the store by its id.
  await page.locator('#tab-members').click()
  await page.waitForURL((url) => url.searchParams.get('tab') === 'members')
  await page.locator('[data-test=members-table]').waitFor()
  await fillField(page, 'admit-merchant-id', scene.store.id)
  await page.locator('[data-test=admit-submit]').click()
  await page.getByText(`已接纳「${scene.store.name}」入盟`).waitFor()
  await page.locator(`[data-test=member-${scene.store.id}]`).waitFor()
  assert.equal((await page.locator(`[data-test=member-concession-${scene.store.id}]`).innerText()).trim(), '未设置')
  // Again: a member already (200). An id of no store: said at the input (404).
  await fillField(page, 'admit-merchant-id', scene.store.id)
  await page.locator('[data-test=admit-submit]').click()
  await page.getByText(`「${scene.store.name}」已是联盟成员`).waitFor()
  await fillField(page, 'admit-merchant-id', '999999999999')
  await page.locator('[data-test=admit-submit]').click()
  await page.locator('[data-test=admit-form] .el-form-item__error').getByText('没有这个门店').waitFor()
  const admitted = await api(stack, 'GET', `/api/v1/merchants/${scene.store.id}/alliance`, { token: scene.owner.token })
  assert.equal(admitted.admitted, true)

  // "Load more" until the first filler store (admitted before this store, so further down).
  assert.equal(await page.locator('[data-test=members-table] tbody tr').count(), pageSize)
  const first = page.locator(`[data-test=member-${scene.fillers[0].id}]`)
  for (let i = 0; i < 50 && (await first.count()) === 0; i++) {
    const shown = await page.locator('[data-test=members-table] tbody tr').count()
    await page.locator('[data-test=members-more]').click()
    await page.waitForFunction((n) => document.querySelectorAll('[data-test=members-table] tbody tr').length > n, shown)
  }
  await first.waitFor()
  assert.ok((await page.locator('[data-test=members-table] tbody tr').count()) > pageSize)
  assert.match(await page.locator('[data-test=members-shown]').innerText(), /已显示 \d+ 家/)
  await fillField(page, 'admit-merchant-id', '')
  await page.mouse.move(0, 0)
  await shoot(page, 'pool-members.png')
  assert.deepEqual(problems, [])
  await page.close()
})

test('the owner sets the concession and is refused one out of range; a cashier reads it; the operator sees it', async () => {
  const S = scene.store
  const { page, problems } = await openConsoleAs(browser, stack, scene.owner, 'alliance', [[422, `/api/v1/merchants/${S.id}/alliance`]])
  await page.locator('[data-test=alliance-current]').waitFor()
  assert.equal((await page.locator('[data-test=fact-concession]').innerText()).trim(), '尚未设置让利比例。')
  assert.equal(await page.locator('[data-test=alliance-read-only]').count(), 0)

  await fillField(page, 'concession-percent', '12')
  await fillField(page, 'voucher-max-percent', '40')
  await page.locator('[data-test=concession-save]').click()
  await page.getByText('已保存为第 1 版').waitFor()
  await page.locator('[data-test=fact-concession]').getByText('12%（1200 bp）').waitFor()
  assert.equal((await page.locator('[data-test=fact-voucher-max]').innerText()).trim(), '订单金额的 40%（4000 bp）')
  // 100 yuan at 12 %: 12 yuan of concession, half to the fund (the fund share every test keeps), 12 points each.
  assert.equal((await page.locator('[data-test=concession-example]').innerText()).trim(), '让利 ¥12.00，其中 ¥6.00 进入消费券基金；顾客与本店各得 12 积分')
  await page.locator('[data-test=concession-row-1]').waitFor()
  const stored = await api(stack, 'GET', `/api/v1/merchants/${S.id}/alliance`, { token: scene.owner.token })
  assert.deepEqual([stored.concession.version, stored.concession.concession_bp, stored.concession.voucher_max_bp], [1, 1200, 4000])
  // The store's books: nothing paid yet, so every figure is zero.
  const books = page.locator('[data-test=alliance-books]')
  await books.waitFor()
  assert.match(await books.innerText(), /待生效积分[\s\S]*已计入积分池[\s\S]*持有消费券[\s\S]*累计获得消费券[\s\S]*累计收取消费券[\s\S]*应付平台让利[\s\S]*待平台结算消费券[\s\S]*锁定粉丝/)
  assert.equal((await page.locator('[data-test=books-vouchers] .el-statistic__number').innerText()).trim(), '¥0.00')
  assert.equal((await page.locator('[data-test=books-reimbursement] .el-statistic__number').innerText()).trim(), '¥0.00')
  // The eight figures on one row at the test's 1280 px: every title at the height of the first.
  const tops = await books.locator('.el-statistic__head').evaluateAll((heads) => heads.map((h) => Math.round(h.getBoundingClientRect().top)))
  assert.equal(tops.length, 8)
  assert.equal(new Set(tops).size, 1, `the books' figures wrap: titles at ${tops}`)
  assert.equal((await page.locator('[data-test=books-fans] .el-statistic__number').innerText()).trim(), '0')
  await page.mouse.move(0, 0)
  await shoot(page, 'alliance-owner.png')

  // 25 % is above the 20 % a concession may be: the server says so at the input; nothing changes.
  await fillField(page, 'concession-percent', '25')
  await page.locator('[data-test=concession-save]').click()
  const concessionError = itemError(page, 'concession-item')
  await concessionError.getByText(/out_of_range/).waitFor()
  assert.match(await concessionError.innerText(), /超出允许范围[\s\S]*300-2000 bp/)
  assert.equal(await itemError(page, 'voucher-max-item').count(), 0)
  await page.locator('[data-test=concession-error]').getByText('让利设置未通过校验，请查看标出的问题').waitFor()
  assert.equal((await api(stack, 'GET', `/api/v1/merchants/${S.id}/alliance`, { token: scene.owner.token })).history.length, 1)
  await page.mouse.move(0, 0)
  await shoot(page, 'alliance-refused.png')
  assert.deepEqual(problems, [])
  await page.close()

  // A cashier reads the same, without a form.
  const cashier = await signIn(stack, 'oAllianceCashier' + run)
  await addStaff(stack, S, cashier, 'cashier')
  const asCashier = await openConsoleAs(browser, stack, cashier, 'alliance')
  await asCashier.page.locator('[data-test=alliance-read-only]').waitFor()
  await asCashier.page.locator('[data-test=fact-concession]').getByText('12%（1200 bp）').waitFor()
  assert.equal(await asCashier.page.locator('[data-test=concession-form-card]').count(), 0)
  assert.equal(await asCashier.page.locator('[data-test=menu-alliance-pool]').count(), 0)
  await asCashier.page.mouse.move(0, 0)
  await shoot(asCashier.page, 'alliance-cashier.png')
  assert.deepEqual(asCashier.problems, [])
  await asCashier.page.close()

  // The operator's list shows the concession in force.
  const asOperator = await openConsoleAs(browser, stack, scene.operator, 'alliance-pool?tab=members')
  await asOperator.page.locator(`[data-test=member-concession-${S.id}]`).getByText('1,200 bp（12%）').waitFor()
  // The same in English (the choice is the browser's: put back afterwards).
  await asOperator.page.evaluate(() => localStorage.setItem('sharedstore.console.locale', 'en'))
  await asOperator.page.reload()
  await asOperator.page.locator(`[data-test=member-concession-${S.id}]`).getByText('1,200 bp (12%)').waitFor()
  await asOperator.page.locator('#tab-config').click()
  await asOperator.page.locator('[data-test=pool-form]').getByText('Fund share of each concession').waitFor()
  await asOperator.page.mouse.move(0, 0)
  await shoot(asOperator.page, 'pool-en.png')
  await asOperator.page.evaluate(() => localStorage.removeItem('sharedstore.console.locale'))
  assert.deepEqual(asOperator.problems, [])
  await asOperator.page.close()

  // An operator who is also staff of a store has both: the store's pages, then the platform's.
  await stack.command('grant-platform-operator', ['--user', cashier.id, '--by', 'alliance-browser-test'])
  const both = await openConsoleAs(browser, stack, cashier, '')
  await both.page.locator('[data-test=cashier-welcome]').waitFor()
  await both.page.locator('[data-test=menu-alliance]').waitFor()
  await both.page.locator('[data-test=menu-alliance-pool]').click()
  await both.page.locator('[data-test=pool-current]').waitFor()
  await both.page.locator('[data-test=store-switch]').waitFor()
  await both.page.locator('[data-test=platform-operator]').waitFor()
  await both.page.mouse.move(0, 0)
  await shoot(both.page, 'operator-with-store.png')
  assert.deepEqual(both.problems, [])
  await both.page.close()
})

test('a store owner who is no platform operator has no platform page, by menu or by URL', async () => {
  const owner = await signIn(stack, 'oAllianceOutsider' + run)
  const store = await openStore(stack, owner, '未入盟小店 ' + run)
  const { page, problems } = await openConsoleAs(browser, stack, owner, 'alliance')
  const platformCalls = []
  page.on('request', (request) => new URL(request.url()).pathname.startsWith('/api/v1/platform/') && platformCalls.push(request.url()))
  // Not admitted: who admits stores, and the id to give them.
  await page.locator('[data-test=alliance-not-member]').getByText('本店尚未加入众店联盟').waitFor()
  assert.match(await page.locator('[data-test=alliance-not-member]').innerText(), /门店由平台运营方接纳入盟/)
  assert.equal((await page.locator('[data-test=alliance-store-id]').innerText()).trim(), `本店编号：${store.id}`)
  assert.equal(await page.locator('[data-test=concession-form-card]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-alliance-pool]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-platform]').count(), 0)
  assert.equal(await page.locator('[data-test=platform-operator]').count(), 0)
  await page.mouse.move(0, 0)
  await shoot(page, 'alliance-not-member.png')

  // The platform page's URL, typed: the polite 403 in its place, and no call of the platform API.
  await page.goto(consoleUrl(stack, 'alliance-pool'))
  await page.locator('[data-test=forbidden]').getByText('此页面仅供平台运营方使用。').waitFor()
  assert.equal(await page.locator('[data-test=alliance-pool-page]').count(), 0)
  assert.equal(await page.locator('[data-test=pool-current]').count(), 0)
  await page.locator('[data-test=menu-dashboard]').waitFor()
  assert.deepEqual(platformCalls, [])
  await shoot(page, 'platform-forbidden.png')
  // And the API says the same to this owner.
  const refused = await api(stack, 'GET', '/api/v1/platform/alliance/config', { token: owner.token, expect: 403 })
  assert.equal(refused.error.code, 'forbidden')
  assert.deepEqual(problems, [])
  await page.close()
})

test('the operator locks a consumer to a member store, reassigns them with a reason, and is refused a store outside', async () => {
  const S = scene.store
  const consumer = await signIn(stack, 'oAllianceFan' + run)
  const outsiderOwner = await signIn(stack, 'oAllianceFanOutside' + run)
  const outside = await openStore(stack, outsiderOwner, '非联盟门店 ' + run)
  const second = scene.fillers[1]
  const fansPath = `/api/v1/platform/alliance/fans/${consumer.id}`
  const { page, problems } = await openConsoleAs(browser, stack, scene.operator, 'alliance-pool?tab=fans', [
    [404, '/api/v1/platform/alliance/fans/999999999999'],
    [409, fansPath],
  ])
  await page.locator('[data-test=fan-lookup]').waitFor()
  // A user id of nobody: said at the input.
  await fillField(page, 'fan-user-id', '999999999999')
  await page.locator('[data-test=fan-look]').click()
  await page.locator('[data-test=fan-lookup] .el-form-item__error').getByText('没有这个用户').waitFor()
  assert.equal(await page.locator('[data-test=fan-lock-card]').count(), 0)

  // A consumer no alliance store has touched: no lock, no changes; the operator locks them to S.
  await fillField(page, 'fan-user-id', consumer.id)
  await page.locator('[data-test=fan-look]').click()
  await page.locator('[data-test=fan-no-lock]').getByText('该用户尚未被任何联盟门店锁定').waitFor()
  await page.waitForURL((url) => url.searchParams.get('user') === consumer.id && url.searchParams.get('tab') === 'fans')
  assert.equal(await page.locator('[data-test=fan-changes] tbody tr').count(), 0)
  // No reason: refused before asking the server.
  await fillField(page, 'fan-target', S.id)
  await page.locator('[data-test=fan-reassign-submit]').click()
  await page.locator('[data-test=fan-reassign] .el-form-item__error').getByText('请写明改派原因（记入审计）').waitFor()
  await fillField(page, 'fan-reason', '顾客在本店办卡，由运营方补录')
  await page.locator('[data-test=fan-reassign-submit]').click()
  await page.getByText(`已改派给「${S.name}」`).waitFor()
  await page.locator('[data-test=fan-locked-to]').getByText(`${S.name} (${S.id})`).waitFor()
  assert.equal((await page.locator('[data-test=fan-source]').innerText()).trim(), '运营方改派')
  assert.equal(await page.locator('[data-test=fan-changes] tbody tr').count(), 1)

  // A store outside the alliance: 409, said at the store input; the lock stays.
  await fillField(page, 'fan-target', outside.id)
  await fillField(page, 'fan-reason', '误操作')
  await page.locator('[data-test=fan-reassign-submit]').click()
  await page.locator('[data-test=fan-reassign] .el-form-item__error').getByText('该门店不是联盟成员').waitFor()
  assert.equal((await api(stack, 'GET', fansPath, { token: scene.operator.token })).lock.merchant.id, S.id)

  // Reassigned to another member: two audit lines, newest first, with the reason and the operator.
  await fillField(page, 'fan-target', second.id)
  await fillField(page, 'fan-reason', '顾客要求改到常去的门店')
  await page.locator('[data-test=fan-reassign-submit]').click()
  await page.locator('[data-test=fan-locked-to]').getByText(`(${second.id})`).waitFor()
  await page.waitForFunction(() => document.querySelectorAll('[data-test=fan-changes] tbody tr').length === 2)
  const view = await api(stack, 'GET', fansPath, { token: scene.operator.token })
  assert.equal(view.lock.merchant.id, second.id)
  assert.deepEqual(
    view.changes.map((c) => [c.from_merchant_id, c.to_merchant_id, c.source, c.reason, c.changed_by_user_id]),
    [
      [S.id, second.id, 'operator', '顾客要求改到常去的门店', scene.operator.id],
      [null, S.id, 'operator', '顾客在本店办卡，由运营方补录', scene.operator.id],
    ],
  )
  assert.match(await page.locator('[data-test=fan-changes]').innerText(), /顾客要求改到常去的门店/)
  await page.mouse.move(0, 0)
  await shoot(page, 'pool-fans.png')
  // A reload opens the same person.
  await page.reload()
  await page.locator('[data-test=fan-locked-to]').getByText(`(${second.id})`).waitFor()
  assert.deepEqual(problems, [])
  await page.close()

  // The second store's books count the fan; S's no longer do.
  const secondBooks = await api(stack, 'GET', `/api/v1/merchants/${second.id}/alliance`, { token: second.owner.token })
  assert.equal(secondBooks.books.fans, 1)
  const sBooks = await api(stack, 'GET', `/api/v1/merchants/${S.id}/alliance`, { token: scene.owner.token })
  assert.equal(sBooks.books.fans, 0)
})
