// Promoters and regional service centres in a real Chromium (docs/promoters-and-centres.md), on a
// database and a Redis of this test's own. The operator adds a promoter on the promoters tab (a
// user who is one already refused beside the field); the store binds with its invite code; the
// operator appoints 南山区's county centre on the centres tab, and a second, overlapping one at
// 1200 bp is refused with its reasons beside the fields; a consumer's ¥100,000.00 order settles
// (its net moved into October 2026); the statements tab issues October (an open month refused),
// the drill-down names the store, its CSV and PDF exports download, and the promoter's statement
// is paid by a recorded transfer. The regions tab walks 广东省 / 深圳市 to 南山区 with its store
// and centre; the merchant tab changes the store's region with a reason (audited); the sharing tab
// refuses a promoter rate that shares more than half. The promoter and the centre's contact, staff
// of no store, land on their own page with their statements. check-ledger holds at the end.
// Screenshots in build/test-output/browser/promoters_centres/.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, test } from 'node:test'

import { api, fillField, launchBrowser, makePosKey, openConsoleAs, openStore, outputDir, posOrder, signIn, startIsolatedConsoleStack, wholePageShot } from './support.mjs'

const shots = outputDir('promoters_centres')
let isolated
let database
let stack
let browser

before(async () => {
  isolated = await startIsolatedConsoleStack('shares')
  ;({ stack, database } = isolated)
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await isolated?.stop()
})

const text = async (page, testId) => (await page.locator(`[data-test="${testId}"]`).innerText()).trim()
const errorOf = (page, testId) => page.locator(`.el-form-item:has([data-test="${testId}"]) .el-form-item__error`)

async function pickDay(page, testId, day) {
  const input = page.locator(`input[data-test="${testId}"], [data-test="${testId}"] input`).first()
  await input.fill(day)
  await input.press('Enter')
}

test('the operator runs promoters, centres, regions and statements; the payees read their own', async () => {
  const operator = await signIn(stack, 'oSharesOp')
  await stack.command('grant-platform-operator', ['--user', operator.id, '--by', 'shares-browser-test'])
  const owner = await signIn(stack, 'oSharesOwner')
  const store = await openStore(stack, owner, '南山茶饮')
  await api(stack, 'POST', '/api/v1/platform/alliance/merchants', { token: operator.token, body: { merchant_id: store.id }, expect: 201 })
  await api(stack, 'PUT', `${store.path}/alliance`, { token: owner.token, body: { concession_bp: 1000, voucher_max_bp: 5000 } })
  await api(stack, 'PUT', `${store.path}/region`, { token: owner.token, body: { region_code: '440305' }, expect: 201 })
  const promoterUser = await signIn(stack, 'oSharesPromoter')
  const contact = await signIn(stack, 'oSharesContact')

  // Promoters: one added on the tab, the same user again refused beside the field.
  const op = await openConsoleAs(browser, stack, operator, 'promoters-centres', [
    [409, '/api/v1/platform/promoters'],
    [422, '/api/v1/platform/centres'],
    [409, '/api/v1/platform/shares/statements'],
    [422, '/api/v1/platform/shares/config'],
  ])
  const page = op.page
  await page.locator('[data-test=promoters-table]').getByText('还没有推广人员').waitFor()
  await fillField(page, 'promoter-user', promoterUser.id)
  await fillField(page, 'promoter-name', '李推广')
  await page.locator('[data-test=promoter-create]').click()
  await page.locator('.el-message').getByText(/已新增 李推广，邀请码 [2-9A-HJ-NP-Z]{8}/).waitFor()
  const promoter = (await api(stack, 'GET', '/api/v1/platform/promoters', { token: operator.token })).items[0]
  assert.equal(await text(page, `promoter-code-${promoter.id}`), promoter.invite_code)
  await fillField(page, 'promoter-user', promoterUser.id)
  await fillField(page, 'promoter-name', '李推广')
  await page.locator('[data-test=promoter-create]').click()
  await errorOf(page, 'promoter-user').getByText('这位用户已经是推广人员').waitFor()
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'promoters.png')
  await api(stack, 'POST', `${store.path}/promoter`, { token: owner.token, body: { invite_code: promoter.invite_code }, expect: 201 })

  // Centres: 南山区's county centre, then an overlapping one above the level's rate, refused.
  await page.locator('.el-tabs__item', { hasText: '服务中心' }).click()
  await page.locator('[data-test=centres-table]').getByText('暂无服务中心').waitFor()
  await fillField(page, 'centre-code', '440305')
  await fillField(page, 'centre-name', '南山区服务中心有限公司')
  await fillField(page, 'centre-contract', 'NS-2026-01')
  await fillField(page, 'centre-contact', contact.id)
  await fillField(page, 'centre-rate', '1000')
  await pickDay(page, 'centre-from', '2026-01-01')
  await pickDay(page, 'centre-to', '2027-12-31')
  await page.locator('[data-test=centre-appoint]').click()
  await page.locator('.el-message').getByText('已任命 南山区服务中心有限公司（南山区）').waitFor()
  const centre = (await api(stack, 'GET', '/api/v1/platform/centres', { token: operator.token })).items[0]
  await page.locator(`[data-test=centre-${centre.id}]`).waitFor()
  await fillField(page, 'centre-contract', 'NS-2026-02')
  await fillField(page, 'centre-rate', '1200')
  await page.locator('[data-test=centre-appoint]').click()
  await errorOf(page, 'centre-rate').getByText('比例高于该级在分成设置中的比例').waitFor()
  await errorOf(page, 'centre-code').getByText('该地区同级已有服务中心，合同期重叠').waitFor()
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'centres-refused.png')

  // A consumer's ¥100,000.00 order settles: K ¥10,000.00, the fund ¥5,000.00, the net ¥5,000.00.
  const consumer = await signIn(stack, 'oSharesConsumer')
  await posOrder(stack, await makePosKey(stack, store), consumer, 10000000)
  database.sql("UPDATE alliance_accruals SET vests_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE state = 'pending'")
  await stack.runJob('vest-alliance-lots')
  database.sql("UPDATE platform_net_lines SET recorded_at = '2026-10-15 04:00:00'")

  // Statements: an open month refused; October issued; the drill-down, the exports, the payment.
  await page.locator('.el-tabs__item', { hasText: '对账单' }).click()
  await fillField(page, 'share-statements-period', '2099-01')
  await page.locator('[data-test=share-statements-issue]').click()
  await errorOf(page, 'share-statements-period').getByText('这个月还没有结束（结束一小时后才能出具）').waitFor()
  await fillField(page, 'share-statements-period', '2026-10')
  await page.locator('[data-test=share-statements-issue]').click()
  await page.locator('.el-message').getByText('2026-10：新出具 2 张，已有 0 张').waitFor()
  const statements = (await api(stack, 'GET', '/api/v1/platform/shares/statements?period=2026-10', { token: operator.token })).items
  const mine = statements.find((s) => s.payee.kind === 'promoter')
  const county = statements.find((s) => s.payee.kind === 'centre')
  assert.equal(mine.payable_fen, 100000, '20 % of ¥5,000.00')
  assert.equal(county.payable_fen, 50000, '10 % of ¥5,000.00')
  assert.equal(await text(page, `share-statement-payable-${mine.id}`), '¥1,000.00')
  await page.locator(`[data-test=share-statement-open-${mine.id}]`).click()
  const drawer = page.locator('.el-drawer [data-test=statement-detail]')
  await drawer.locator('[data-test=detail-merchants]').getByText(`南山茶饮（${store.id}）`).waitFor()
  assert.equal(await drawer.locator('[data-test=detail-payable]').innerText(), '¥1,000.00')
  const csvHref = await drawer.locator('[data-test=export-csv]').getAttribute('href')
  const csv = await page.request.get(new URL(csvHref, page.url()).toString())
  assert.equal(csv.status(), 200)
  assert.match(csv.headers()['content-type'], /text\/csv/)
  assert.match(await csv.text(), /南山茶饮/)
  const pdf = await page.request.get(new URL(await drawer.locator('[data-test=export-pdf]').getAttribute('href'), page.url()).toString())
  assert.equal(pdf.status(), 200)
  assert.equal(pdf.headers()['content-type'], 'application/pdf')
  assert.equal((await pdf.body()).subarray(0, 8).toString(), '%PDF-1.4')
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'statement-detail.png')
  await page.locator('.el-drawer__close-btn').click()
  await page.locator(`[data-test=share-statement-pay-${mine.id}]`).click()
  await fillField(page, 'share-pay-reference', 'BANK-20261105-007')
  await fillField(page, 'share-pay-invoice', 'INV-0042')
  await page.locator('[data-test=share-pay-save]').click()
  await page.locator(`[data-test=share-statement-state-${mine.id}]`).getByText('已付款').waitFor()
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'statements.png')

  // Regions: 广东省 / 深圳市 / 南山区 with its store and its centre.
  await page.locator('.el-tabs__item', { hasText: '地区' }).click()
  await page.locator('[data-test=region-440000]').click()
  await page.locator('[data-test=region-440300]').click()
  await page.locator('[data-test=region-440305]').waitFor()
  assert.equal(await text(page, 'region-merchants-440305'), '1')
  await page.locator('[data-test=regions-table]').getByText('南山区服务中心有限公司（2027-12-31）').waitFor()
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'regions.png')

  // The merchant tab: the store's region changed with a reason; the audit shows both.
  await page.locator('.el-tabs__item', { hasText: '商户归属' }).click()
  await fillField(page, 'merchant-id', store.id)
  await page.locator('[data-test=merchant-look]').click()
  await page.locator('[data-test=merchant-region-code]').getByText('广东省 / 深圳市 / 南山区').waitFor()
  assert.match(await text(page, 'merchant-promoter-name'), /李推广/)
  await fillField(page, 'region-code', '440306')
  await page.locator('[data-test=region-change]').click()
  await errorOf(page, 'region-reason').getByText('请填写原因').waitFor()
  await fillField(page, 'region-reason', '营业执照地址变更')
  await page.locator('[data-test=region-change]').click()
  await page.locator('[data-test=merchant-region-code]').getByText('广东省 / 深圳市 / 宝安区').waitFor()
  assert.equal(await page.locator('[data-test=region-changes] tbody tr').count(), 2)
  await page.mouse.move(0, 0)
  await wholePageShot(page, shots, 'merchant.png')

  // Sharing: a promoter rate that shares more than half is refused beside it.
  await page.locator('.el-tabs__item', { hasText: '分成设置' }).click()
  await fillField(page, 'share-config-promoter_bp', '4000')
  await page.locator('[data-test=share-config-total]').getByText('合计 58%（上限 50%）').waitFor()
  await page.locator('[data-test=share-config-save]').click()
  await errorOf(page, 'share-config-promoter_bp').getByText('推广人员与各级服务中心合计超过平台净收入的一半').waitFor()
  assert.deepEqual(op.problems, [])
  await page.close()

  // The promoter (staff of no store) lands on their own page.
  const own = await openConsoleAs(browser, stack, promoterUser, '')
  await own.page.locator('[data-test=my-shares-page]').waitFor()
  assert.equal(await text(own.page, 'my-invite-code'), promoter.invite_code)
  await own.page.locator('[data-test=my-merchants]').getByText(`南山茶饮（${store.id}）`).waitFor()
  assert.equal(await text(own.page, `my-statement-payable-${mine.id}`), '¥1,000.00')
  await own.page.locator(`[data-test=my-statement-open-${mine.id}]`).click()
  await own.page.locator('.el-drawer [data-test=detail-merchants]').getByText(`南山茶饮（${store.id}）`).waitFor()
  await own.page.locator('.el-drawer__close-btn').click()
  await own.page.mouse.move(0, 0)
  await wholePageShot(own.page, shots, 'promoter-own.png')
  assert.equal(await own.page.locator('[data-test=menu-promoters-centres]').count(), 0, 'no platform page for a promoter')
  assert.deepEqual(own.problems, [])
  await own.page.close()

  // The centre's contact sees the centre and its statement, not the promoter's.
  const theirs = await openConsoleAs(browser, stack, contact, 'my-shares')
  await theirs.page.locator('[data-test=my-centres]').getByText('南山区服务中心有限公司').waitFor()
  assert.equal(await text(theirs.page, `my-statement-payable-${county.id}`), '¥500.00')
  assert.equal(await theirs.page.locator(`[data-test=my-statement-payable-${mine.id}]`).count(), 0)
  assert.equal(await theirs.page.locator('[data-test=my-promoter]').count(), 0)
  await theirs.page.mouse.move(0, 0)
  await wholePageShot(theirs.page, shots, 'centre-own.png')
  assert.deepEqual(theirs.problems, [])
  await theirs.page.close()

  // And the books hold: check-ledger exits 0 on this database.
  const check = execFileSync(process.env.SHAREDSTORE_BINARY, ['check-ledger', '--config', process.env.SHAREDSTORE_TEST_CONFIG], {
    env: { ...process.env, SHAREDSTORE_MYSQL_DATABASE: database.name },
    encoding: 'utf8',
  })
  assert.match(check, /all checks hold/)
})
