// Copies the SDK (miniprogram/sdk/*.js) into the sample app (miniprogram/app/sdk/): a
// mini-program sees only the files under its own folder. `npm run sync:app`; scripts/run does it.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const from = path.join(here, '..', 'sdk')
const to = process.argv[2] ?? path.join(here, '..', 'app', 'sdk')
rmSync(to, { recursive: true, force: true })
mkdirSync(to, { recursive: true })
const files = readdirSync(from).filter((name) => name.endsWith('.js'))
for (const name of files) copyFileSync(path.join(from, name), path.join(to, name))
console.log(`copied ${files.length} SDK files into ${to}`)
