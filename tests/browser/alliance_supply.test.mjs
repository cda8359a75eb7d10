// Supply bills in a real Chromium (docs/alliance.md "Supply orders"), on a database and a Redis of
// this test's own (the pool is platform-wide). The store holds ¥1.00 of vouchers from dividend 1
// (the worked example's first step). The operator bills it ¥10.00 on the supply tab (its id typed
// wrong first: "no such store"; the same reference again: "issued already"). The owner opens the
// store's alliance page: spendable ¥1.00, vouchers may pay 30 %; the pay dialog offers ¥1.00, is
// refused ¥2.00 (more than the store holds) and ¥3.01 (more than 30 % of the bill) beside the
// field, then pays ¥1.00 of vouchers and owes ¥9.00. A cashier reads the bills without a pay
// button. The operator refunds the bill with a reason (the vouchers come back), and cancels a
// second one. Settlement: the store's postings moved into October 2026, the operator issues that
// month's statements on the settlement tab (an open month refused beside the field) and records
// the store's transfer; the store's page shows it settled and owes no concession. check-ledger
// holds at the end. Screenshots in build/test-output/browser/alliance_supply/.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, test } from 'node:test'

import {
  addStaff,
  api,
  fillField,
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

const shots = outputDir('alliance_supply')
let isolated
let database
let stack
let browser

before(async () => {
  isolated = await startIsolatedConsoleStack('supply')
  ;({ stack, database } = isolated)
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await isolated?.stop()
})

const text = async (page, testId) => (await page.locator(`[data-test="${testId}"]`).innerText()).trim()
const statistic = async (page, testId) => (await page.locator(`[data-test="${testId}"] .el-statistic__number`).innerText()).trim()

test('the operator bills a store, the store pays part with its vouchers, the operator refunds and cancels', async () => {
  const operator = await signIn(stack, 'oSupplyOp')
  await stack.command('grant-platform-operator', ['--user', operator.id, '--by', 'supply-browser-test'])
  const config = (await api(stack, 'GET', '/api/v1/platform/alliance/config', { token: operator.token })).current.config
  await api(stack, 'PUT', '/api/v1/platform/alliance/config', { token: operator.token, body: { ...config, initial_value_cp: 40000, min_holders: 1 } })
  const owner = await signIn(stack, 'oSupplyOwner')
  const store = await openStore(stack, owner, '供货测试店')
  await api(stack, 'POST', '/api/v1/platform/alliance/merchants', { token: operator.token, body: { merchant_id: store.id }, expect: 201 })
  await api(stack, 'PUT', `${store.path}/alliance`, { token: owner.token, body: { concession_bp: 2000, voucher_max_bp: 5000 } })
  // Dividend 1: ¥1.00 of vouchers for the consumer and for the store.
  const consumer = await signIn(stack, 'oSupplyConsumer')
  await posOrder(stack, await makePosKey(stack, store), consumer, 100000)
  database.sql("UPDATE alliance_accruals SET vests_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE state = 'pending'")
  await stack.runJob('vest-alliance-lots')
  assert.equal((await stack.runJob('pay-alliance-dividends')).dividend, 1)

  // The operator's supply tab: a wrong store id, then the bill, then the same bill again.
  const op = await openConsoleAs(browser, stack, operator, 'alliance-pool?tab=supply', [[404, '/api/v1/platform/alliance/supply-orders']])
  const page = op.page
  await page.locator('[data-test=supply-orders]').getByText('暂无供货单').waitFor()
  await fillField(page, 'supply-merchant-id', '999999')
  await fillField(page, 'supply-reference', 'GH-2026-0001')
  await fillField(page, 'supply-description', '茶叶 20 箱')
  await fillField(page, 'supply-amount', '10')
  await page.locator('[data-test=supply-issue]').click()
  await page.locator('[data-test=supply-item-merchant] .el-form-item__error').getByText('没有这家门店').waitFor()
  await fillField(page, 'supply-merchant-id', store.id)
  await page.locator('[data-test=supply-issue]').click()
  await page.locator('.el-message').getByText(`已向“供货测试店”开具供货单 GH-2026-0001`).waitFor()
  const bills = await api(stack, 'GET', '/api/v1/platform/alliance/supply-orders', { token: operator.token })
  assert.equal(bills.items.length, 1)
  const bill = bills.items[0]
  assert.equal(bill.amount_fen, 1000)
  await page.locator(`[data-test=supply-state-${bill.id}]`).getByText('待付款').waitFor()
  await fillField(page, 'supply-reference', 'GH-2026-0001')
  await fillField(page, 'supply-description', '茶叶 20 箱')
  await fillField(page, 'supply-amount', '10.00')
  await page.locator('[data-test=supply-issue]').click()
  await page.locator('.el-message').getByText('供货单 GH-2026-0001 已开具过，未重复开具').waitFor()
  assert.equal((await api(stack, 'GET', '/api/v1/platform/alliance/supply-orders', { token: operator.token })).items.length, 1)
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'operator-issued.png')
  assert.deepEqual(op.problems, [])
  await page.close()

  // The owner pays: the dialog offers all ¥1.00; ¥2.00 and ¥3.01 are refused beside the field.
  const own = await openConsoleAs(browser, stack, owner, 'alliance')
  const store_page = own.page
  await store_page.locator('[data-test=supply-card]').waitFor()
  await store_page.locator(`[data-test=supply-ref-${bill.id}]`).waitFor()
  assert.equal(await statistic(store_page, 'supply-spendable'), '¥1.00')
  assert.match(await statistic(store_page, 'supply-cap'), /30/)
  assert.equal(await statistic(store_page, 'supply-owed'), '¥0.00')
  await store_page.locator(`[data-test=supply-pay-${bill.id}]`).click()
  const dialog = store_page.locator('[data-test=supply-pay-dialog]')
  await dialog.getByText('支付供货单 GH-2026-0001').waitFor()
  assert.equal(await store_page.locator('input[data-test=supply-voucher]').inputValue(), '1.00')
  assert.equal(await text(store_page, 'supply-money-part'), '其余 ¥9.00 为欠平台的货款')
  await fillField(store_page, 'supply-voucher', '2')
  await store_page.locator('[data-test=supply-pay-submit]').click()
  await dialog.locator('.el-form-item__error').getByText('本店可用消费券只有 ¥1.00').waitFor()
  await fillField(store_page, 'supply-voucher', '3.01')
  await store_page.locator('[data-test=supply-pay-submit]').click()
  await dialog.locator('.el-form-item__error').getByText('本单消费券最多可付 ¥3.00').waitFor()
  await fillField(store_page, 'supply-voucher', '1')
  await store_page.mouse.move(0, 0)
  await wholePageShot(store_page, shots, 'store-pay-dialog.png')
  await store_page.locator('[data-test=supply-pay-submit]').click()
  await store_page.locator(`[data-test=supply-state-${bill.id}]`).getByText('已付款').waitFor()
  assert.equal(await text(store_page, `supply-paid-${bill.id}`), '消费券 ¥1.00 + 货款 ¥9.00')
  assert.equal(await statistic(store_page, 'supply-spendable'), '¥0.00')
  assert.equal(await statistic(store_page, 'supply-owed'), '¥9.00')
  assert.equal(await statistic(store_page, 'books-vouchers'), '¥0.00', 'the store books count the vouchers spent')
  await store_page.mouse.move(0, 0)
  await wholePageShot(store_page, shots, 'store-paid.png')
  assert.deepEqual(own.problems, [])
  await store_page.close()

  // A cashier reads the bills, without a pay button.
  const cashier = await signIn(stack, 'oSupplyCashier')
  await addStaff(stack, store, cashier, 'cashier')
  await api(stack, 'POST', '/api/v1/platform/alliance/supply-orders', {
    token: operator.token,
    body: { merchant_id: store.id, reference: 'GH-2026-0002', description: '纸杯 5 箱', amount_fen: 5000 },
    expect: 201,
  })
  const cash = await openConsoleAs(browser, stack, cashier, 'alliance')
  await cash.page.locator('[data-test=supply-table]').getByText('GH-2026-0002').waitFor()
  assert.equal(await cash.page.locator('[data-test^=supply-pay-]').count(), 0)
  assert.deepEqual(cash.problems, [])
  await cash.page.close()

  // The operator refunds the paid bill (the vouchers come back) and cancels the open one.
  const again = await openConsoleAs(browser, stack, operator, 'alliance-pool?tab=supply')
  const p2 = again.page
  await p2.locator(`[data-test=supply-refund-${bill.id}]`).click()
  const box = p2.locator('.supply-refund-box')
  await box.waitFor()
  await box.locator('input').fill('货物退回')
  await box.getByRole('button', { name: '退款' }).click()
  await p2.locator(`[data-test=supply-state-${bill.id}]`).getByText('已退款').waitFor()
  const second = (await api(stack, 'GET', '/api/v1/platform/alliance/supply-orders?state=open', { token: operator.token })).items[0]
  assert.equal(second.reference, 'GH-2026-0002')
  await p2.locator(`[data-test=supply-cancel-${second.id}]`).click()
  const cancelBox = p2.locator('.supply-cancel-box')
  await cancelBox.waitFor()
  await cancelBox.getByRole('button', { name: '作废' }).click()
  await cancelBox.getByText('原因 1–500 个字符').waitFor()
  await cancelBox.locator('input').fill('重复开具')
  await cancelBox.getByRole('button', { name: '作废' }).click()
  await p2.locator(`[data-test=supply-state-${second.id}]`).getByText('已作废').waitFor()
  await p2.mouse.move(0, 0)
  await wholePageShot(p2, shots, 'operator-refunded.png')
  assert.deepEqual(again.problems, [])
  await p2.close()

  const books = await api(stack, 'GET', `${store.path}/alliance/supply-orders`, { token: owner.token })
  assert.equal(books.vouchers_spendable_fen, 100, 'the refund gave the vouchers back')
  assert.equal(books.supply_owed_fen, 0)

  // Settlement: the store's postings moved into October 2026 (a month that has closed); the
  // operator issues October's statements and records the store's transfer of its ¥200.00 of
  // concession; the store's page shows the statement settled.
  database.sql(`UPDATE ledger_transactions SET created_at = '2026-10-15 04:00:00', recorded_at = '2026-10-15 04:00:00' WHERE merchant_id = ${Number(store.id)}`)
  const st = await openConsoleAs(browser, stack, operator, 'alliance-pool?tab=statements', [[409, '/api/v1/platform/alliance/statements']])
  const p3 = st.page
  await p3.locator('[data-test=statements-card]').waitFor()
  await fillField(p3, 'statements-period', '2099-01')
  await p3.locator('[data-test=statements-issue]').click()
  await p3.locator('[data-test=statements-issue-card] .el-form-item__error').getByText('这个月还没有结束（结束一小时后才能出具）').waitFor()
  await fillField(p3, 'statements-period', '2026-10')
  await p3.locator('[data-test=statements-issue]').click()
  await p3.locator('.el-message').getByText('2026-10：新出具 1 张，已有 0 张').waitFor()
  const statement = (await api(stack, 'GET', '/api/v1/platform/alliance/statements?period=2026-10', { token: operator.token })).items[0]
  assert.equal(statement.concession_fen, 20000)
  assert.equal(statement.net_fen, 20000)
  assert.equal(await text(p3, `statement-net-${statement.id}`), '门店付平台 ¥200.00')
  await p3.locator(`[data-test=statement-settle-${statement.id}]`).click()
  const settleBox = p3.locator('.statement-settle-box')
  await settleBox.getByText('“供货测试店”应向平台转账 ¥200.00。到账后填写银行转账流水号：').waitFor()
  await settleBox.locator('input').fill('BANK-20261105-001')
  await settleBox.getByRole('button', { name: '结算' }).click()
  await p3.locator(`[data-test=statement-state-${statement.id}]`).getByText('已结算').waitFor()
  await p3.mouse.move(0, 0)
  await wholePageShot(p3, shots, 'operator-statements.png')
  // The members tab: nothing left unsettled with the store.
  await p3.locator('.el-tabs__item', { hasText: '成员门店' }).click()
  await p3.locator(`[data-test=member-unsettled-${store.id}]`).getByText('已结清').waitFor()
  assert.deepEqual(st.problems, [])
  await p3.close()
  const storeView = await openConsoleAs(browser, stack, owner, 'alliance')
  await storeView.page.locator('[data-test=store-statement-state-2026-10]').getByText('已结算').waitFor()
  assert.equal(await text(storeView.page, 'store-statement-net-2026-10'), '本店付平台 ¥200.00')
  assert.match(await storeView.page.locator('[data-test=store-statements]').innerText(), /BANK-20261105-001/)
  assert.equal(await statistic(storeView.page, 'books-owed'), '¥0.00', 'the concession owed is settled')
  await storeView.page.locator('[data-test=statements-card]').scrollIntoViewIfNeeded()
  await wholePageShot(storeView.page, shots, 'store-statements.png')
  assert.deepEqual(storeView.problems, [])
  await storeView.page.close()
  const check = execFileSync(process.env.SHAREDSTORE_BINARY, ['check-ledger', '--config', process.env.SHAREDSTORE_TEST_CONFIG], {
    env: { ...process.env, SHAREDSTORE_MYSQL_DATABASE: database.name },
    encoding: 'utf8',
  })
  assert.match(check, /all checks hold/)
})
