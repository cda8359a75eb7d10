// The console's login and its guards in a real Chromium, against the real server serving the
// built console (docs/console-login.md): a browser without a session is sent to the login page,
// which shows a QR code and, in development, the command that confirms it; the test confirms the
// page's own ticket through the API as the staff member's mini-program would, and the page lands
// where it was going; one long-poll at a time; a write without the CSRF header is refused; logout,
// "sign out everywhere" and a session ended elsewhere bring the login page back; a cashier sees
// neither the owner's pages in the menu nor their content by URL; the store switcher changes both.
// Screenshots in the test's output folder (ctest: build/test-output/browser/).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import {
  addConsoleSession,
  addStaff,
  apiCall,
  consoleSession,
  consoleUrl,
  launchBrowser,
  loginViaTicket,
  openStore,
  outputDir,
  screenshot,
  signIn,
  startConsoleStack,
  watchForErrors,
} from './support.mjs'

const shots = outputDir('console_login')
const notSignedIn = [401, '/api/v1/console/me']
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

// A page of a fresh context (no cookies), and what it reports wrong.
async function freshPage(expected = [notSignedIn]) {
  await browser.context.clearCookies()
  const page = await browser.context.newPage()
  return { page, problems: watchForErrors(page, { expected }) }
}

test('a browser without a session is sent to the login page, which shows the QR code in Chinese, then English', async () => {
  const { page, problems } = await freshPage()
  await page.goto(consoleUrl(stack, 'settings'))
  await page.waitForURL((url) => url.pathname === '/console/login')
  assert.equal(new URL(page.url()).searchParams.get('next'), '/settings', 'the login page comes back to the page asked for')
  const qr = page.locator('[data-test=login-qr]')
  await qr.waitFor()
  assert.match(await qr.getAttribute('src'), /^data:image\/(png|jpeg);base64,/)
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
  assert.match(await page.locator('[data-test=login]').innerText(), /登录商户后台/)
  assert.match(await page.locator('[data-test=login-countdown]').innerText(), /二维码 \d+ 秒后失效/)
  // Development (conf/dev.json): the page says how to sign in without a phone, for its own ticket.
  const command = await page.locator('[data-test=dev-command]').innerText()
  assert.match(command, /^build\/server\/sharedstore console-confirm --config conf\/dev\.json --ticket [A-Za-z0-9_-]{24} --user-id N$/)
  await screenshot(page, shots, 'login.png')

  await page.locator('[data-test=locale-switch]').click()
  await page.getByRole('option', { name: 'English' }).click()
  await page.getByText('Sign in to the merchant console').waitFor()
  await page.locator('.el-select__popper').waitFor({ state: 'hidden' })
  assert.equal(await page.locator('html').getAttribute('lang'), 'en')
  await screenshot(page, shots, 'login-en.png')
  // The choice is kept: a reload comes back in English; then back to Chinese for the next tests.
  await page.reload()
  await page.getByText('Sign in to the merchant console').waitFor()
  await page.locator('[data-test=locale-switch]').click()
  await page.getByRole('option', { name: '简体中文' }).click()
  await page.getByText('登录商户后台').waitFor()
  assert.deepEqual(problems, [])
  await page.close()
})

test('signing in by ticket: the staff member confirms the page\'s QR code and the page opens where it was going, one long-poll at a time', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner, '春风茶饮')
  const { page, problems } = await freshPage()
  // Each wait on the ticket is one request, the next only after the previous answered.
  let inFlight = 0
  let most = 0
  const isWait = (request) => request.method() === 'GET' && /^\/api\/v1\/console\/tickets\/[^/]+$/.test(new URL(request.url()).pathname)
  page.on('request', (r) => isWait(r) && (most = Math.max(most, ++inFlight)))
  page.on('requestfinished', (r) => isWait(r) && inFlight--)
  page.on('requestfailed', (r) => isWait(r) && inFlight--)

  await page.goto(consoleUrl(stack, 'staff'))
  await page.waitForURL((url) => url.pathname === '/console/login')
  await loginViaTicket(page, stack, owner)
  assert.equal(new URL(page.url()).pathname, '/console/staff')
  assert.equal(most, 1, 'one long-poll at a time')
  await page.locator('[data-test=staff-table]').waitFor()
  assert.match(await page.locator('[data-test=store-switch]').innerText(), /春风茶饮/)
  assert.equal(await page.locator('[data-test=current-role]').innerText(), '店主')
  const menu = await page.locator('[data-test=side-menu]').innerText()
  for (const item of ['概览', '门店设置', '员工', 'POS 密钥']) assert.ok(menu.includes(item), `the owner's menu has ${item}: ${menu}`)

  // Signed in, the login page sends the browser on; "next" cannot lead off the console. (Its
  // requests settled first: leaving the page would abort a reload still in flight, not an error.)
  await page.waitForLoadState('networkidle')
  await page.goto(consoleUrl(stack, 'login?next=' + encodeURIComponent('//evil.example/')))
  await page.waitForURL((url) => url.pathname === '/console/')
  await page.locator('[data-test=dashboard]').waitFor()
  assert.equal(new URL(page.url()).host, new URL(stack.api).host)
  // The session is this store owner's: the API agrees.
  const me = await page.evaluate(async () => (await fetch('/api/v1/console/me')).json())
  assert.equal(me.user.id, owner.id)
  assert.deepEqual(me.stores, [{ merchant_id: store.id, name: '春风茶饮', role: 'owner' }])
  assert.deepEqual(problems, [])
  await page.close()
})

test('a write without the CSRF header is refused, even from the console\'s own page', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner)
  await browser.context.clearCookies()
  await addConsoleSession(browser.context, stack, await consoleSession(stack, owner))
  const page = await browser.context.newPage()
  const problems = watchForErrors(page, { expected: [[403, `${store.path}/settings`]] })
  await page.goto(consoleUrl(stack))
  await page.locator('[data-test=dashboard]').waitFor()
  const patch = (withToken) =>
    page.evaluate(
      async ({ url, withToken }) => {
        const headers = { 'Content-Type': 'application/json' }
        if (withToken) headers['X-CSRF-Token'] = (await (await fetch('/api/v1/console/me')).json()).csrf_token
        const response = await fetch(url, { method: 'PATCH', headers, body: JSON.stringify({ protection_days: 10 }) })
        return { status: response.status, body: await response.json() }
      },
      { url: `${store.path}/settings`, withToken },
    )
  const refused = await patch(false)
  assert.equal(refused.status, 403)
  assert.equal(refused.body.error.code, 'csrf_token_invalid')
  const unchanged = await apiCall(stack, 'GET', store.path, { token: owner.token })
  assert.equal(unchanged.json.merchant.protection_days, null, 'the refused write changed nothing')
  const accepted = await patch(true)
  assert.equal(accepted.status, 200)
  assert.equal(accepted.body.merchant.protection_days, 10)
  assert.deepEqual(problems, [])
  await page.close()
})

test('logout, sign out everywhere, and a session ended from the phone all bring back the login page', async () => {
  const owner = await signIn(stack)
  await openStore(stack, owner)
  const expected = [notSignedIn, [401, /^\/api\/v1\/merchants\/\d+$/]]
  const { page, problems } = await freshPage(expected)
  await loginViaTicket(page, stack, owner)

  // Logout: this browser's session ends; the next visit asks for a scan.
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=logout]').click()
  await page.waitForURL((url) => url.pathname === '/console/login')
  await page.goto(consoleUrl(stack, 'settings'))
  await page.waitForURL((url) => url.pathname === '/console/login')

  // Sign out everywhere: another computer's session ends with this one.
  const elsewhere = await consoleSession(stack, owner)
  await loginViaTicket(page, stack, owner)
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=revoke-all]').click()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await page.waitForURL((url) => url.pathname === '/console/login')
  assert.equal((await apiCall(stack, 'GET', '/api/v1/console/me', { console: elsewhere })).status, 401, 'the other computer is signed out too')

  // Ended from the phone (revoke-all with the Bearer token): the page's next call is a 401, and the
  // console asks for a scan, coming back to the page the user was on.
  await loginViaTicket(page, stack, owner)
  await page.locator('[data-test=menu-settings]').waitFor()
  const revoked = await apiCall(stack, 'POST', '/api/v1/console/sessions/revoke-all', { token: owner.token })
  assert.equal(revoked.status, 200)
  await page.locator('[data-test=menu-settings]').click()
  await page.waitForURL((url) => url.pathname === '/console/login')
  assert.equal(new URL(page.url()).searchParams.get('next'), '/settings')
  await page.locator('[data-test=login-qr]').waitFor()
  assert.deepEqual(problems, [])
  await page.close()
})

test('a cashier sees neither the owner\'s pages in the menu nor their content by URL; the store switcher changes both', async () => {
  const owner = await signIn(stack)
  const store = await openStore(stack, owner, '春风茶饮')
  const cashier = await signIn(stack)
  await addStaff(stack, store, cashier, 'cashier')
  // The cashier also owns a small store of their own.
  const own = await openStore(stack, cashier, '自家小铺')
  await browser.context.clearCookies()
  await addConsoleSession(browser.context, stack, await consoleSession(stack, cashier))
  const page = await browser.context.newPage()
  const problems = watchForErrors(page)
  await page.goto(consoleUrl(stack))
  await page.locator('[data-test=store-switch]').waitFor()

  const choose = async (name) => {
    await page.locator('[data-test=store-switch]').click()
    const option = page.locator('.el-select-dropdown__item').filter({ hasText: name })
    await option.click()
    await option.waitFor({ state: 'hidden' })
    await page.locator('[data-test=store-switch]').filter({ hasText: name }).waitFor()
  }
  await choose('春风茶饮')
  await page.locator('[data-test=cashier-welcome]').waitFor()
  assert.equal(await page.locator('[data-test=current-role]').innerText(), '收银员')
  const menu = await page.locator('[data-test=side-menu]').innerText()
  assert.match(menu, /概览/)
  for (const item of ['门店设置', '员工', 'POS 密钥']) assert.ok(!menu.includes(item), `a cashier's menu has no ${item}: ${menu}`)
  await screenshot(page, shots, 'cashier-dashboard.png')

  // Typed by hand: a polite 403 in the page's place, and the page's API calls are never made.
  const calls = []
  page.on('request', (r) => new URL(r.url()).pathname.startsWith(`/api/v1/merchants/${store.id}/api-keys`) && calls.push(r.url()))
  for (const [pagePath, title] of [['api-keys', 'POS'], ['staff', '员工'], ['settings', '设置']]) {
    await page.goto(consoleUrl(stack, pagePath))
    const forbidden = page.locator('[data-test=forbidden]')
    await forbidden.waitFor()
    const text = await forbidden.innerText()
    assert.match(text, /没有权限/, title)
    assert.match(text, /春风茶饮/)
    assert.match(text, /收银员/)
  }
  assert.deepEqual(calls, [])
  await screenshot(page, shots, 'cashier-forbidden.png')

  // At their own store the same user is the owner: the keys page opens, the menu has it.
  await choose('自家小铺')
  await page.locator('[data-test=settings]').waitFor()
  await page.goto(consoleUrl(stack, 'api-keys'))
  await page.locator('[data-test=api-keys]').waitFor()
  assert.match(await page.locator('[data-test=side-menu]').innerText(), /POS 密钥/)
  const answer = await apiCall(stack, 'GET', `/api/v1/merchants/${own.id}/api-keys`, { token: cashier.token })
  assert.equal(answer.status, 200)
  // And the API itself refuses the cashier at the other store, whatever the page shows.
  assert.equal((await apiCall(stack, 'GET', `/api/v1/merchants/${store.id}/api-keys`, { token: cashier.token })).status, 403)
  assert.deepEqual(problems, [])
  await page.close()
})
