// The built console in a real Chromium: the shell loads with its side menu in Chinese, switches
// to English, and a deep link to the login page survives a reload. Screenshots are kept in the
// test's output folder (ctest: build/test-output/browser/).
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { consoleDir, launchBrowser, outputDir, watchForErrors } from './support.mjs'
import { serveConsole } from './static_server.mjs'

const dist = path.join(consoleDir, 'dist')
const shots = outputDir('console_shell')
let server
let browser

before(async () => {
  assert.ok(existsSync(path.join(dist, 'index.html')), 'console/dist is missing: build the console first (cd console && npm run build)')
  server = await serveConsole(dist)
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await server?.close()
})

test('the shell shows the side menu in Chinese, then in English', async () => {
  const page = await browser.context.newPage()
  const problems = watchForErrors(page)
  await page.goto(server.url)
  const menu = page.locator('[data-test=side-menu]')
  await menu.waitFor()
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
  assert.match(await menu.innerText(), /概览/)
  assert.match(await page.locator('.brand').innerText(), /共享店铺/)
  assert.match(await page.locator('[data-test=home]').innerText(), /欢迎使用商户后台/)
  await page.screenshot({ path: path.join(shots, 'console-shell-zh-CN.png'), fullPage: true })

  await page.locator('[data-test=locale-switch]').click()
  await page.getByRole('option', { name: 'English' }).click()
  await page.getByText('Welcome to the merchant console').waitFor()
  await page.locator('.el-select__popper').waitFor({ state: 'hidden' })
  assert.match(await menu.innerText(), /Overview/)
  await page.screenshot({ path: path.join(shots, 'console-shell-en.png'), fullPage: true })

  // The choice is kept: a reload comes back in English.
  await page.reload()
  await page.getByText('Welcome to the merchant console').waitFor()
  assert.deepEqual(problems, [])
  await page.close()
})

test('a deep link to the login page loads it', async () => {
  const page = await browser.context.newPage()
  const problems = watchForErrors(page)
  await page.goto(server.url + 'login')
  await page.locator('[data-test=login]').waitFor()
  await page.screenshot({ path: path.join(shots, 'login.png'), fullPage: true })
  assert.deepEqual(problems, [])
  await page.close()
})
