// ctest browser.card_report: the card results page (issue 26) in a real Chromium against the real
// server, MariaDB, Redis and the WeChat simulator. A partner's card is claimed by two friends; one
// shows a code at the desk, which redeems it (POST .../card-redemptions), and buys twice at the
// POS with the redemption on the first order; the owner's page shows two claimed, one redeemed,
// one first purchase and one repeat, per partner and per card; a cashier has no such page.
// Screenshot in the test's output folder.
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, test } from 'node:test'

import {
  addConsoleSession,
  addStaff,
  api,
  claim,
  consoleSession,
  consoleUrl,
  dropConsoleCookies,
  enrolPartner,
  launchBrowser,
  makePosKey,
  openStore,
  outputDir,
  posOrder,
  signIn,
  startConsoleStack,
  watchForErrors,
} from './support.mjs'

const shots = outputDir('card_report')
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

test('the card results page shows claims, redemptions, first and repeat purchases per partner and per card', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner)
  const sharer = await signIn(stack)
  const { shareCode } = await enrolPartner(stack, store, sharer)
  const friend = await signIn(stack)
  const other = await signIn(stack)
  assert.equal(await claim(stack, friend, shareCode), 'claimed')
  assert.equal(await claim(stack, other, shareCode), 'claimed')

  // The friend shows the card's code at the desk; the owner redeems it with the bill.
  const cards = await api(stack, 'GET', '/api/v1/me/cards', { token: friend.token })
  assert.equal(cards.items.length, 1)
  assert.equal(cards.items[0].state, 'usable')
  const code = await api(stack, 'POST', `/api/v1/me/cards/${cards.items[0].id}/code`, { token: friend.token })
  assert.match(code.code, /^\d{12}$/)
  const redeemed = await api(stack, 'POST', `${store.path}/card-redemptions`, { token: owner.token, body: { code: code.qr_payload, request_id: 'desk-browser-1' } })
  assert.equal(redeemed.redemption.state, 'redeemed')
  const key = await makePosKey(stack, store)
  await posOrder(stack, key, friend, 10000, { card_redemption_id: redeemed.redemption.id })
  await posOrder(stack, key, friend, 3000)

  await signInBrowser(owner)
  const page = await browser.context.newPage()
  const problems = watchForErrors(page)
  await page.goto(consoleUrl(stack, 'card-report'))
  await page.locator('[data-test=card-report-totals]').waitFor()
  assert.equal(await page.locator('[data-test=total-claimed]').innerText(), '2')
  assert.equal(await page.locator('[data-test=total-redeemed]').innerText(), '1 (50%)')
  assert.equal(await page.locator('[data-test=total-first_purchases]').innerText(), '1 (50%)')
  assert.equal(await page.locator('[data-test=total-repeat_30d]').innerText(), '1 (50%)')
  const partners = await page.locator('[data-test=card-report-partners]').innerText()
  assert.ok(partners.includes('#'), partners)
  const templates = await page.locator('[data-test=card-report-templates]').innerText()
  assert.ok(templates.includes('VIP 会员卡'), templates)
  await page.screenshot({ path: path.join(shots, 'card-report.png'), fullPage: true, animations: 'disabled' })
  assert.deepEqual(problems, [])
  await page.close()

  // A cashier has no card results page in the menu.
  const cashier = await signIn(stack)
  await addStaff(stack, store, cashier, 'cashier')
  await signInBrowser(cashier)
  const desk = await browser.context.newPage()
  await desk.goto(consoleUrl(stack, ''))
  const menu = await desk.locator('[data-test=side-menu]').innerText()
  assert.ok(!menu.includes('卡券成效'), menu)
  await desk.close()
})
