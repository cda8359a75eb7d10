// ctest contract.route_table_vs_spec: node route_table_vs_spec.mjs PATH/TO/sharedstore
// Reads the route table from the binary (`sharedstore routes`) and compares it with
// docs/openapi.yaml, and the spec's error codes with docs/errors.md (compare_routes.mjs).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { compareErrorCodes, compareRoutesWithSpec, parseRouteLines } from './compare_routes.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// The YAML parser is one of the console's dev dependencies (console/package-lock.json).
const { parse } = createRequire(path.join(root, 'console', 'package.json'))('yaml')

const binary = process.argv[2]
if (!binary) {
  console.error('usage: node tests/contract/route_table_vs_spec.mjs PATH/TO/sharedstore')
  process.exit(2)
}

const routes = parseRouteLines(execFileSync(binary, ['routes'], { encoding: 'utf8' }))
const spec = parse(readFileSync(path.join(root, 'docs', 'openapi.yaml'), 'utf8'))
const problems = [
  ...compareRoutesWithSpec(routes, spec),
  ...compareErrorCodes(readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8'), spec),
]
for (const problem of problems) console.error(`FAIL ${problem}`)
const operations = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0)
console.log(`${routes.length} routes, ${operations} operations in docs/openapi.yaml: ${problems.length} mismatch(es)`)
process.exit(problems.length === 0 ? 0 : 1)
