// The share tiers and card pages in a real Chromium, against the real server (which serves the
// built console), MariaDB, Redis and the WeChat simulator: an owner creates the first tier table,
// partners are enrolled and their customers buy at the POS through the API, the owner previews a
// new table's what-if (numbers and chart) and publishes it; a cashier has no tier page; a card
// template is created and a pack issued to a partner. Screenshots in the test's output folder.
//
// Logged in without a phone (tests/browser/support.mjs): a console session made over HTTP
// (ticket, confirmed with the staff member's Bearer session, long-poll), whose cookie is handed to
// the browser; the console reads its CSRF token from GET /api/v1/console/me as after a real login.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'

import {
  addConsoleSession,
  addStaff,
  api,
  apiCall,
  claim,
  consoleSession,
  consoleUrl,
  dropConsoleCookies,
  fillField,
  launchBrowser,
  makePosKey,
  openStore,
  outputDir,
  posCall,
  signIn,
  startConsoleStack,
  watchForErrors,
  wholePageShot,
} from './support.mjs'

const shots = outputDir('tiers_cards')
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

async function signInBrowser(user) {
  await dropConsoleCookies(browser.context)
  await addConsoleSession(browser.context, stack, await consoleSession(stack, user))
}

// The store every test uses: its owner, a cashier, and (after the first table) partners.
const scene = {}

const shoot = (page, name) => wholePageShot(page, shots, name)
const fill = fillField

// `expected`: the refusals the test asks for, as watchForErrors takes them.
async function openPage(pathname, expected = []) {
  const page = await browser.context.newPage()
  const problems = watchForErrors(page, { expected })
  await page.goto(consoleUrl(stack, pathname))
  return { page, problems }
}

test('an owner creates the first tier table, previews a new one on real orders, and publishes it', async () => {
  scene.owner = await signIn(stack, 'oOwner' + run)
  scene.cashier = await signIn(stack, 'oCashier' + run)
  const store = await openStore(stack, scene.owner, '浏览器测试茶饮')
  scene.store = store
  const S = store.path
  await addStaff(stack, store, scene.cashier, 'cashier')
  await signInBrowser(scene.owner)

  // The server's refusals this test asks for: a table whose ratios go down.
  const { page, problems } = await openPage('tiers', [[400, /\/tier-versions\/preview$/]])
  await page.locator('[data-test=tiers-page]').waitFor()
  await page.getByText('尚未设置分享档位').waitFor()
  await page.locator('[data-test=menu-tiers]').waitFor()

  // The first table, typed in yuan and percent: 银卡 1,000 yuan at 20 %, 金卡 3,000 yuan at 30 %, margin 30 %.
  await fill(page, 'tier-name-0', '银卡')
  await fill(page, 'tier-buy-in-0', '1,000')
  await fill(page, 'tier-ratio-0', '20')
  await page.locator('[data-test=tier-add]').click()
  await fill(page, 'tier-name-1', '金卡')
  await fill(page, 'tier-buy-in-1', '3000.001')
  await fill(page, 'tier-ratio-1', '10')
  await fill(page, 'profit-margin', '30')
  // A typo is caught before anything is sent; a rule only the server knows, by the server.
  await page.locator('[data-test=tiers-publish]').click()
  await page.locator('[data-test=tier-row-1]').getByText('金额最多两位小数').waitFor()
  await fill(page, 'tier-buy-in-1', '3000')
  await page.locator('[data-test=whatif-run]').click()
  await page.locator('[data-test=tier-row-1]').getByText('入股更高的档位比例不能更低').waitFor()
  await shoot(page, 'tiers-problems.png')
  await fill(page, 'tier-ratio-1', '30')
  await page.locator('[data-test=tiers-publish]').click()
  await page.locator('.el-message-box .el-button--primary').click()
  await page.locator('[data-test=current-version]').getByText('第 1 版').waitFor()
  const first = await api(stack, 'GET', `${S}/tiers`, { token: scene.owner.token })
  assert.deepEqual(first.current.tiers, [
    { name: '银卡', buy_in_fen: 100000, ratio_bp: 2000 },
    { name: '金卡', buy_in_fen: 300000, ratio_bp: 3000 },
  ])
  assert.equal(first.current.profit_margin_bp, 3000)

  // Real orders through the API: A (银卡) and B (金卡) each own a customer who buys at the POS;
  // C bought in 2,000 yuan (银卡 now, 金卡 under the proposed table) and owns nobody.
  const now = Date.now()
  const card = await api(stack, 'POST', `${S}/card-templates`, {
    token: scene.owner.token,
    body: { kind: 'vip', title: '会员卡', benefit: '九折', valid_from: new Date(now - 3600e3).toISOString(), valid_until: new Date(now + 30 * 86400e3).toISOString() },
  })
  const key = await makePosKey(stack, store, '前台')
  scene.partners = {}
  for (const [name, buyIn, buys] of [['A', 100000, 10000], ['B', 300000, 20000], ['C', 200000, 0]]) {
    const person = await signIn(stack, 'oPartner' + name + run)
    const { partner } = await api(stack, 'POST', `${S}/partners`, { token: scene.owner.token, body: { user_id: person.id, amount_fen: buyIn } })
    scene.partners[name] = partner
    if (!buys) continue
    const { card_pack } = await api(stack, 'POST', `${S}/partners/${partner.id}/card-packs`, { token: scene.owner.token, body: { card_template_id: card.card_template.id } })
    const share = await api(stack, 'POST', `/api/v1/partners/me/cards/${card_pack.id}/shares`, { token: person.token })
    const customer = await signIn(stack, 'oCustomer' + name + run)
    assert.equal(await claim(stack, customer, share.share_code), 'claimed')
    const paid = await posCall(stack, key, '/api/v1/pos/orders', { merchant_order_id: `${name}-${run}`, user_id: customer.id, amount_fen: buys, paid_at: new Date().toISOString() })
    assert.equal(paid.status, 201, paid.text)
    assert.notEqual(paid.json.dividend, null)
  }

  // The new table: 银卡 at 25 %, 金卡 from 2,000 yuan at 40 %, margin 40 %.
  await page.reload()
  await page.locator('[data-test=current-version]').getByText('第 1 版').waitFor()
  await fill(page, 'tier-ratio-0', '25')
  await fill(page, 'tier-buy-in-1', '2000')
  await fill(page, 'tier-ratio-1', '40')
  await fill(page, 'profit-margin', '40')
  await page.locator('[data-test=whatif-run]').click()
  const result = page.locator('[data-test=whatif-result]')
  await result.waitFor()
  // In force: A's 100 yuan -> profit 30 yuan at 20 % = 6 yuan; B's 200 yuan -> 60 at 30 % = 18.
  // Proposed: 40 at 25 % = 10; 80 at 40 % = 32. Profit 90 -> 120, share 26.66 % -> 35 %.
  const totals = await page.locator('[data-test=whatif-totals]').innerText()
  for (const figure of ['¥90.00', '¥120.00', '+¥30.00', '¥24.00', '¥42.00', '+¥18.00', '26.66%', '35%']) assert.ok(totals.includes(figure), `${figure} in ${totals}`)
  assert.match(await result.innerText(), /回放 2 笔已支付订单/)
  assert.match(await result.innerText(), /这些订单实际入账分红 ¥24\.00/)
  assert.match(await page.locator('[data-test=whatif-tier-changes]').innerText(), /档位变化的合伙人: 1 人/)
  // The charts are SVG: their legend and labels are text in the page.
  for (const chart of ['whatif-chart-totals', 'whatif-chart-partners']) {
    const svg = page.locator(`[data-test=${chart}] svg`)
    await svg.waitFor()
    const text = await svg.textContent()
    assert.ok(text.includes('现行') && text.includes('拟议'), `${chart} has both series: ${text}`)
  }
  assert.ok((await page.locator('[data-test=whatif-chart-partners] svg').textContent()).includes(`用户 ${scene.partners.B.user_id}`))
  const partnersTable = await page.locator('[data-test=whatif-partners]').innerText()
  assert.match(partnersTable, /档位变化/)
  assert.ok(partnersTable.includes('¥32.00') && partnersTable.includes('¥18.00'), partnersTable)
  await shoot(page, 'tiers-whatif.png')

  // Nothing was written by the preview; publishing writes version 2.
  assert.equal((await api(stack, 'GET', `${S}/tiers`, { token: scene.owner.token })).current.version, 1)
  await fill(page, 'profit-margin', '41')
  await page.locator('[data-test=whatif-stale]').waitFor()
  await fill(page, 'profit-margin', '40')
  await page.locator('[data-test=tiers-publish]').click()
  await page.locator('.el-message-box .el-button--primary').click()
  await page.locator('[data-test=current-version]').getByText('第 2 版').waitFor()
  const history = await page.locator('[data-test=tier-history]').innerText()
  assert.match(history, /第 2 版[\s\S]*至今[\s\S]*第 1 版/)
  const second = await api(stack, 'GET', `${S}/tiers`, { token: scene.owner.token })
  assert.deepEqual(second.current.tiers, [
    { name: '银卡', buy_in_fen: 100000, ratio_bp: 2500 },
    { name: '金卡', buy_in_fen: 200000, ratio_bp: 4000 },
  ])
  assert.equal(second.current.profit_margin_bp, 4000)
  await shoot(page, 'tiers-published.png')
  assert.deepEqual(problems, [])
  await page.close()
})

test('a cashier has no tier page, nor the cards page', async () => {
  await signInBrowser(scene.cashier)
  const { page, problems } = await openPage('tiers')
  // The polite 403 in the page's place, and neither page in the menu.
  await page.locator('[data-test=forbidden]').waitFor()
  assert.equal(await page.locator('[data-test=tier-editor]').count(), 0)
  await page.locator('[data-test=side-menu]').waitFor()
  assert.equal(await page.locator('[data-test=menu-tiers]').count(), 0)
  assert.equal(await page.locator('[data-test=menu-cards]').count(), 0)
  const menu = await page.locator('[data-test=side-menu]').innerText()
  assert.doesNotMatch(menu, /分享档位|卡券与卡包/)
  await shoot(page, 'tiers-cashier.png')
  await page.goto(consoleUrl(stack, 'cards'))
  await page.locator('[data-test=forbidden]').waitFor()
  assert.equal(await page.locator('[data-test=template-list]').count(), 0)
  // The API agrees: the what-if is the owner's and managers'.
  const body = { tiers: [{ name: 'x', buy_in_fen: 100, ratio_bp: 100 }], profit_margin_bp: 100 }
  assert.equal((await apiCall(stack, 'POST', `${scene.store.path}/tier-versions/preview`, { token: scene.cashier.token, body })).status, 403)
  assert.deepEqual(problems, [])
  await page.close()
})

test('an owner creates a card template and issues a pack of it to a partner', async () => {
  await signInBrowser(scene.owner)
  const { page, problems } = await openPage('cards', [[400, /\/card-templates$/]])
  await page.locator('[data-test=template-list] .el-table__row').first().waitFor()
  assert.match(await page.locator('[data-test=template-list]').innerText(), /会员卡[\s\S]*九折/)

  await page.locator('[data-test=template-create]').click()
  const dialog = page.locator('[data-test=template-dialog]')
  await dialog.waitFor()
  await page.locator('[data-test=template-kind]').getByText('礼品卡').click()
  await fill(page, 'template-benefit', '满 100 元送 20 元')
  await fill(page, 'template-cover', 'http://example.org/cover.png')
  await page.locator('[data-test=template-save]').click()
  // The server's problems, each under its input.
  await page.getByText('名称为 1 到 32 个字').waitFor()
  await page.getByText('封面须为 https:// 开头的地址（最长 512 字节）').waitFor()
  await shoot(page, 'cards-template-form.png')
  await fill(page, 'template-title', '新客礼品卡')
  await fill(page, 'template-cover', '')
  // An edited field drops its problem.
  await page.getByText('名称为 1 到 32 个字').waitFor({ state: 'hidden' })
  await page.locator('[data-test=template-save]').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('[data-test=template-list]').getByText('新客礼品卡').waitFor()
  const templates = await api(stack, 'GET', `${scene.store.path}/card-templates`, { token: scene.owner.token })
  const created = templates.items.find((c) => c.title === '新客礼品卡')
  assert.equal(created.kind, 'gift')
  assert.equal(created.benefit, '满 100 元送 20 元')
  assert.ok(new Date(created.valid_until) > new Date(created.valid_from))

  // A pack of 50 for partner A.
  const A = scene.partners.A
  await page.locator('[data-test=pack-partner]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: `用户 ${A.user_id}` }).click()
  await page.locator('[data-test=partner-packs]').waitFor()
  await page.locator('[data-test=pack-template]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '新客礼品卡' }).click()
  await fill(page, 'pack-quota', '50')
  await page.locator('[data-test=pack-issue]').click()
  await page.locator('[data-test=partner-packs]').getByText('新客礼品卡').waitFor()
  const packs = (await api(stack, 'GET', `${scene.store.path}/partners/${A.id}`, { token: scene.owner.token })).partner.card_packs
  const issued = packs.find((k) => k.card.template_id === created.id)
  assert.equal(issued.quota, 50)
  assert.equal(issued.quota_left, 50)
  await shoot(page, 'cards-packs.png')
  assert.deepEqual(problems, [])
  await page.close()
})
