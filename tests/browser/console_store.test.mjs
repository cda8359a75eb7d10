// The store's own pages in a real Chromium, against the real server serving the built console:
// the dashboard shows a POS order recorded through the API (its sale and its partner's dividend),
// settings persist and show the API's refusals next to their field, staff are added, changed and
// removed, and a POS API key is created (its secret shown once, and it signs orders) and revoked.
// Screenshots in the test's output folder (ctest: build/test-output/browser/console_store/).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import {
  addConsoleSession,
  api,
  apiCall,
  claim,
  consoleSession,
  consoleUrl,
  enrolPartner,
  launchBrowser,
  makePosKey,
  openStore,
  outputDir,
  screenshot,
  posCall,
  posOrder,
  signIn,
  startConsoleStack,
  watchForErrors,
} from './support.mjs'

const shots = outputDir('console_store')
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

// The owner's browser, signed in with a console session, at `page` of the console.
async function ownerPage(owner, pagePath, expected = []) {
  await browser.context.clearCookies()
  await addConsoleSession(browser.context, stack, await consoleSession(stack, owner))
  const page = await browser.context.newPage()
  const problems = watchForErrors(page, { expected })
  await page.goto(consoleUrl(stack, pagePath))
  return { page, problems }
}

const figure = async (page, card) => (await page.locator(`[data-test=${card}] .el-statistic__content`).innerText()).trim()

test('the dashboard shows a POS order recorded through the API: its sale, profit, the dividend and the partner', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner, '春风茶饮')
  const partner = await signIn(stack)
  const customer = await signIn(stack)
  const programme = await enrolPartner(stack, store, partner)
  assert.equal(await claim(stack, customer, programme.shareCode), 'claimed')

  const { page, problems } = await ownerPage(owner, '')
  await page.locator('[data-test=dashboard-quiet]').waitFor()
  assert.equal(await figure(page, 'card-sales'), '¥0.00')

  // 128 yuan at the front desk: profit 30 % = ¥38.40, the partner's dividend 20 % of it = ¥7.68.
  const key = await makePosKey(stack, store)
  const recorded = await posOrder(stack, key, customer, 12800)
  assert.equal(recorded.dividend.amount_fen, 768)
  await page.locator('[data-test=dashboard-days]').getByText('今日').click()
  await page.locator('[data-test=dashboard-figures][data-days="1"]').waitFor()
  assert.equal(await figure(page, 'card-sales'), '¥128.00')
  assert.equal(await figure(page, 'card-profit'), '¥38.40')
  assert.equal(await figure(page, 'card-dividends'), '¥7.68')
  assert.match(await page.locator('[data-test=dividends-pending]').innerText(), /待结算 ¥7\.68/)
  assert.match(await page.locator('[data-test=dividends-settled]').innerText(), /已结算 ¥0\.00/)
  assert.equal(await figure(page, 'card-customers'), '1')
  const top = await page.locator('[data-test=top-partners]').innerText()
  assert.match(top, new RegExp(`#${programme.partnerId}`))
  assert.match(top, /¥128\.00/)
  assert.match(top, /¥7\.68/)

  // 30 days: the chart has a point per day, and the same totals.
  await page.locator('[data-test=dashboard-days]').getByText('近 30 天').click()
  await page.locator('[data-test=dashboard-figures][data-days="30"]').waitFor()
  await page.locator('[data-test=line-chart] canvas').waitFor()
  assert.equal(await figure(page, 'card-sales'), '¥128.00')
  await page.setViewportSize({ width: 1280, height: 1040 })
  await screenshot(page, shots, 'dashboard.png')
  await page.setViewportSize({ width: 1280, height: 800 })
  assert.deepEqual(problems, [])
  await page.close()
})

test('store settings are saved, persist, and the API\'s refusal shows next to its field', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner, '春风茶饮')
  const { page, problems } = await ownerPage(owner, 'settings', [[400, `${store.path}/settings`]])
  await page.locator('[data-test=settings-save]').waitFor()

  await page.locator('[data-test=protection-on]').click()
  await page.locator('[data-test=protection-days]').fill('5000')
  await page.locator('[data-test=settings-save]').click()
  // 5000 days is past the API's 3650: its message, under the field.
  await page.locator('.el-form-item__error').filter({ hasText: 'protection_days must be from 1 to 3650' }).waitFor()

  await page.locator('[data-test=protection-days]').fill('30')
  await page.locator('[data-test=settlement-delay]').fill('3')
  await page.locator('[data-test=allow-existing]').click()
  await page.locator('[data-test=settings-save]').click()
  await page.locator('.el-message--success').waitFor()
  const saved = (await api(stack, 'GET', store.path, { token: owner.token })).merchant
  assert.deepEqual(
    [saved.protection_days, saved.settlement_delay_days, saved.allow_existing_customers, saved.cards_for_owned_customers],
    [30, 3, true, false],
  )

  await page.reload()
  await page.locator('[data-test=protection-days]').waitFor()
  assert.equal(await page.locator('[data-test=protection-days]').inputValue(), '30')
  assert.equal(await page.locator('[data-test=settlement-delay]').inputValue(), '3')
  assert.equal(await page.locator('[data-test=allow-existing]').getAttribute('class').then((c) => c.includes('is-checked')), true)
  await screenshot(page, shots, 'settings.png')

  // Switched off, the protection period is removed (null), not set to some number.
  await page.locator('[data-test=protection-on]').click()
  await page.locator('[data-test=settings-save]').click()
  await page.locator('.el-message--success').last().waitFor()
  await page.waitForFunction(async (url) => (await (await fetch(url)).json()).merchant.protection_days === null, store.path)
  assert.deepEqual(problems, [])
  await page.close()
})

test('the owner adds a staff member, changes their role and removes them', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner, '春风茶饮')
  const newcomer = await signIn(stack)
  const { page, problems } = await ownerPage(owner, 'staff', [[404, /\/staff\/\d+$/]])
  await page.locator(`[data-test=staff-row-${owner.id}]`).waitFor()

  // An id nobody has: said next to the field, nothing added.
  await page.locator('[data-test=staff-user-id]').fill('999999999')
  await page.locator('[data-test=staff-add-button]').click()
  await page.locator('.el-form-item__error').filter({ hasText: '没有这个用户' }).waitFor()

  await page.locator('[data-test=staff-user-id]').fill(newcomer.id)
  await page.locator('[data-test=staff-add-button]').click()
  await page.locator(`[data-test=staff-row-${newcomer.id}]`).waitFor()
  let staff = (await api(stack, 'GET', `${store.path}/staff`, { token: owner.token })).items
  assert.deepEqual(staff.map((s) => [s.user_id, s.role]).sort(), [[owner.id, 'owner'], [newcomer.id, 'cashier']].sort())
  await screenshot(page, shots, 'staff.png')

  await page.locator(`[data-test=staff-role-${newcomer.id}]`).click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '店长' }).click()
  await page.locator('.el-message--success').filter({ hasText: '店长' }).waitFor()
  staff = (await api(stack, 'GET', `${store.path}/staff`, { token: owner.token })).items
  assert.equal(staff.find((s) => s.user_id === newcomer.id)?.role, 'manager')

  await page.locator(`[data-test=staff-remove-${newcomer.id}]`).click()
  await page.locator('.el-message-box').getByRole('button', { name: '移除' }).click()
  await page.locator(`[data-test=staff-row-${newcomer.id}]`).waitFor({ state: 'detached' })
  staff = (await api(stack, 'GET', `${store.path}/staff`, { token: owner.token })).items
  assert.deepEqual(staff.map((s) => s.user_id), [owner.id])
  // Removed means removed: the former manager's session no longer reaches the store.
  assert.equal((await apiCall(stack, 'GET', store.path, { token: newcomer.token })).status, 403)
  assert.deepEqual(problems, [])
  await page.close()
})

test('a POS API key is created with its secret shown once, signs orders, and stops when revoked', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner, '春风茶饮')
  const customer = await signIn(stack)
  const { page, problems } = await ownerPage(owner, 'api-keys')
  await page.locator('[data-test=key-table]').waitFor()

  await page.locator('[data-test=key-label]').fill('前台收银机')
  await page.locator('[data-test=key-create]').click()
  const dialog = page.locator('[data-test=key-created]')
  await dialog.waitFor()
  assert.match(await dialog.innerText(), /只显示这一次/)
  const secret = await page.locator('[data-test=key-secret]').innerText()
  const id = await page.locator('[data-test=key-created-id]').innerText()
  assert.match(secret, /^sk_[0-9a-f]{64}$/)
  assert.match(id, /^pk_[0-9a-f]{32}$/)
  assert.equal(await dialog.locator('[data-test=copy]').count(), 1)
  await screenshot(page, shots, 'api-key-created.png')

  // The secret is the real one: a front desk signs an order with it.
  const order = { merchant_order_id: 'K-1', user_id: customer.id, amount_fen: 1000, paid_at: new Date().toISOString() }
  assert.equal((await posCall(stack, { id, secret }, '/api/v1/pos/orders', order)).status, 201)

  await page.locator('[data-test=key-secret-done]').click()
  await dialog.waitFor({ state: 'detached' })
  assert.equal(await page.locator('[data-test=key-secret]').count(), 0, 'the secret is not on the page any more')
  assert.match(await page.locator(`[data-test=key-status-${id}]`).innerText(), /有效/)
  const listed = await page.locator('[data-test=key-table]').innerText()
  assert.ok(!listed.includes(secret), 'the list never shows a secret')
  await screenshot(page, shots, 'api-keys.png')

  await page.locator(`[data-test=key-revoke-${id}]`).click()
  await page.locator('.el-message-box').getByRole('button', { name: '吊销' }).click()
  await page.locator(`[data-test=key-status-${id}]`).filter({ hasText: '已吊销' }).waitFor()
  const refused = await posCall(stack, { id, secret }, '/api/v1/pos/orders', { ...order, merchant_order_id: 'K-2' })
  assert.equal(refused.status, 401)
  const keys = (await api(stack, 'GET', `${store.path}/api-keys`, { token: owner.token })).items
  assert.notEqual(keys.find((k) => k.id === id)?.revoked_at, null)
  assert.deepEqual(problems, [])
  await page.close()
})
