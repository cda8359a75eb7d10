// What the browser tests share: Debian's Chromium driven by playwright-core (never a browser
// download), a fresh profile each launch, and a folder for screenshots.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const consoleDir = path.join(root, 'console')

// playwright-core is one of the console's dev dependencies (console/package-lock.json).
const require = createRequire(path.join(consoleDir, 'package.json'))
const { chromium } = require('playwright-core')

export const chromiumPath = process.env.SHAREDSTORE_CHROMIUM || '/usr/bin/chromium'

// Without the background-networking flags Chromium keeps calling hosts this closed network
// refuses; as root it needs --no-sandbox.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Screenshots go here: SHAREDSTORE_TEST_OUTPUT_DIR (ctest sets it per test), else a temporary folder. */
export function outputDir(name) {
  const dir = process.env.SHAREDSTORE_TEST_OUTPUT_DIR || path.join(tmpdir(), 'sharedstore-browser', name)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A headless Chromium with an empty profile of its own; close() removes the profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'sharedstore-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Collects what a page reports wrong: console errors, uncaught exceptions, failed requests. */
export function watchForErrors(page) {
  const problems = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`))
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
  })
  return problems
}
