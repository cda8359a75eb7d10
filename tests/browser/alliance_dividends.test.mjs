// The operator's dividends tab in a real Chromium (docs/alliance.md "Dividends"), on a database and
// a Redis of this test's own: the pool and its dividends are platform-wide, and other tests' lots
// must not join them (nor their inboxes this test's). With the worked example's S0 (40,000 cp, one holder; docs/business-rules.md 3.1):
// before any dividend the tab shows dividend 1's threshold and the holders it still needs; a
// consumer's 1000.00 at a store with a concession of 20 % vests 20,000 cp each for them and the
// store, the job pays dividend 1 (r = 50 bp: ¥1.00 each), and the tab shows it with the next
// threshold ceil(40,000 x 1.15) = 46,000 cp and the fund's ¥98.00 left; the consumer's vouchers
// are ¥1.00. Screenshots in build/test-output/browser/alliance_dividends/.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, test } from 'node:test'

import {
  api,
  launchBrowser,
  makePosKey,
  openConsoleAs,
  openStore,
  outputDir,
  posOrder,
  signIn,
  startIsolatedConsoleStack,
  wholePageShot,
} from './support.mjs'

const shots = outputDir('alliance_dividends')
let isolated
let database
let stack
let browser

before(async () => {
  isolated = await startIsolatedConsoleStack('dividends')
  ;({ stack, database } = isolated)
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await isolated?.stop()
})

test('the dividends tab shows the pool towards dividend 1, then the dividend the job paid', async () => {
  const operator = await signIn(stack, 'oDividendOp')
  await stack.command('grant-platform-operator', ['--user', operator.id, '--by', 'dividends-browser-test'])
  const config = (await api(stack, 'GET', '/api/v1/platform/alliance/config', { token: operator.token })).current.config
  await api(stack, 'PUT', '/api/v1/platform/alliance/config', { token: operator.token, body: { ...config, initial_value_cp: 40000, min_holders: 1 } })
  const owner = await signIn(stack, 'oDividendOwner')
  const store = await openStore(stack, owner, '分红测试店')
  await api(stack, 'POST', '/api/v1/platform/alliance/merchants', { token: operator.token, body: { merchant_id: store.id }, expect: 201 })
  await api(stack, 'PUT', `${store.path}/alliance`, { token: owner.token, body: { concession_bp: 2000, voucher_max_bp: 5000 } })

  // Nothing vested: dividend 1 waits for 40,000 cp and one consumer.
  const { page, problems } = await openConsoleAs(browser, stack, operator, 'alliance-pool?tab=dividends')
  await page.locator('[data-test=dividend-progress]').getByText('第 1 次分红').waitFor()
  assert.equal((await page.locator('[data-test=dividend-threshold]').innerText()).trim(), '40,000 cp（400 积分）')
  assert.equal((await page.locator('[data-test=dividend-holders]').innerText()).trim(), '0 人（首次分红至少 1 人）')
  assert.equal((await page.locator('[data-test=dividend-fund-free]').innerText()).trim(), '¥0.00')
  await page.locator('[data-test=dividends-table]').getByText('尚未分红').waitFor()
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'dividends-before.png')

  // A purchase, its refund window closed (moved back rather than waited for), vested, then paid.
  const consumer = await signIn(stack, 'oDividendConsumer')
  const key = await makePosKey(stack, store)
  await posOrder(stack, key, consumer, 100000)
  database.sql("UPDATE alliance_accruals SET vests_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE state = 'pending'")
  const vested = await stack.runJob('vest-alliance-lots')
  assert.equal(vested.orders, 1)
  const paid = await stack.runJob('pay-alliance-dividends')
  assert.equal(paid.dividend, 1, JSON.stringify(paid))
  assert.equal(paid.released_fen, 200)

  await page.reload()
  await page.locator('[data-test=dividend-progress]').getByText('第 2 次分红').waitFor()
  assert.equal((await page.locator('[data-test=dividend-pool]').innerText()).trim(), '40,000 cp（400 积分）')
  assert.equal((await page.locator('[data-test=dividend-threshold]').innerText()).trim(), '46,000 cp（460 积分）')
  assert.equal((await page.locator('[data-test=dividend-holders]').innerText()).trim(), '1', 'after dividend 1 the holders count no more')
  assert.equal((await page.locator('[data-test=dividend-fund-free]').innerText()).trim(), '¥98.00')
  // The platform's book: the vouchers credited are a liability the fund has set aside, the store's
  // concession is still owed to the platform.
  assert.equal((await page.locator('[data-test=books-vouchers-outstanding]').innerText()).trim(), '¥2.00')
  assert.equal((await page.locator('[data-test=books-advances]').innerText()).trim(), '¥0.00')
  assert.equal((await page.locator('[data-test=books-debts]').innerText()).trim(), '¥0.00')
  assert.equal((await page.locator('[data-test=books-reimbursements]').innerText()).trim(), '¥0.00')
  assert.equal((await page.locator('[data-test=books-concessions]').innerText()).trim(), '¥200.00')
  assert.equal((await page.locator('[data-test=dividend-state-1]').innerText()).trim(), '已完成')
  assert.equal((await page.locator('[data-test=dividend-released-1]').innerText()).trim(), '¥2.00')
  assert.match(await page.locator('[data-test=dividends-table]').innerText(), /50 bp（0\.5%）[\s\S]*40,000 cp[\s\S]*¥2\.00/)
  assert.equal(await page.locator('[data-test=dividend-running]').count(), 0)
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'dividends.png')
  assert.deepEqual(problems, [])
  await page.close()

  // The consumer holds the vouchers, the store its own; neither is cash.
  const mine = await api(stack, 'GET', '/api/v1/me/alliance', { token: consumer.token })
  assert.equal(mine.vouchers.balance_fen, 100)
  assert.equal(mine.vouchers.credits[0].dividend_number, 1)
  const books = await api(stack, 'GET', `${store.path}/alliance`, { token: owner.token })
  assert.equal(books.books.vouchers_fen, 100)
  // And the books hold: check-ledger exits 0 on this database.
  const check = execFileSync(process.env.SHAREDSTORE_BINARY, ['check-ledger', '--config', process.env.SHAREDSTORE_TEST_CONFIG], {
    env: { ...process.env, SHAREDSTORE_MYSQL_DATABASE: database.name },
    encoding: 'utf8',
  })
  assert.match(check, /all checks hold/)
})
