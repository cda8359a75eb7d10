// The route table (`sharedstore routes`) against docs/openapi.yaml, both ways: every route has its
// operation with the security its access declares, every operation is a route, and the spec's
// error codes are those of docs/errors.md. Pure functions: route_table_vs_spec.mjs feeds them the
// real binary's table and the real files; compare_routes.test.mjs feeds them wrong ones.

export const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']

// A route's declared access (server/http/access.hpp) -> the security requirements its operation
// names, as alternatives (any one of them admits the caller). `none` is an explicit empty list.
// A console session's write also names the CSRF scheme: the gate refuses it without X-CSRF-Token.
// `staff` is a user session or a console session (docs/access-control.md).
export const schemesOfAccess = {
  none: [],
  user_session: ['userSession'],
  pos_signature: ['posSignature'],
  wechat_pay_signature: ['wechatPaySignature'],
  console_session: ['consoleSession'],
  staff: ['userSession', 'consoleSession'],
}
const csrfScheme = 'consoleCsrf'
const writes = new Set(['post', 'put', 'patch', 'delete'])

// One text per set of alternatives: the order of the alternatives, and of the schemes within
// one, means nothing in OpenAPI, so it does not count as a difference.
function canonical(security) {
  return JSON.stringify(
    security
      .map((requirement) => Object.fromEntries(Object.entries(requirement).sort(([a], [b]) => a.localeCompare(b))))
      .map((requirement) => JSON.stringify(requirement))
      .sort()
      .map((text) => JSON.parse(text)),
  )
}

/** The security an operation must declare for a route of `access` and `method`, as JSON text. */
export function expectedSecurity(access, method) {
  if (!(access in schemesOfAccess)) return undefined
  return canonical(
    schemesOfAccess[access].map((scheme) => {
      const requirement = { [scheme]: [] }
      if (scheme === 'consoleSession' && writes.has(method)) requirement[csrfScheme] = []
      return requirement
    }),
  )
}

/** An operation's declared security in the form of expectedSecurity (undefined: none declared). */
export function declaredSecurity(operation) {
  if (operation.security === undefined) return undefined
  if (!Array.isArray(operation.security) || operation.security.some((r) => r === null || typeof r !== 'object' || Array.isArray(r)))
    return JSON.stringify(operation.security)
  return canonical(operation.security)
}

/** Parses `sharedstore routes` output: one {method, pattern, access[, endpoint]} a line. */
export function parseRouteLines(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const route = JSON.parse(line)
      for (const key of ['method', 'pattern', 'access'])
        if (typeof route[key] !== 'string') throw new Error(`route line without ${key}: ${line}`)
      return route
    })
}

/** Every mismatch between the routes and the spec, as sentences (empty: they agree). */
export function compareRoutesWithSpec(routes, spec) {
  const problems = []
  if (spec.security !== undefined)
    problems.push('the spec sets a top-level `security`: each operation must declare its own, so none inherits one by accident')
  const seen = new Set()
  for (const route of routes) {
    const method = route.method.toLowerCase()
    const key = `${route.method} ${route.pattern}`
    if (seen.has(key)) problems.push(`${key} is twice in the route table`)
    seen.add(key)
    const operation = spec.paths?.[route.pattern]?.[method]
    if (!operation) {
      problems.push(`${key} (${route.access}) is a route but docs/openapi.yaml has no operation for it`)
      continue
    }
    const want = expectedSecurity(route.access, method)
    if (want === undefined) {
      problems.push(`${key}: access ${route.access} has no security scheme in tests/contract/compare_routes.mjs (schemesOfAccess)`)
      continue
    }
    const got = declaredSecurity(operation)
    if (got !== want) problems.push(`${key}: the route's access is ${route.access}, so the operation's security must be ${want}, not ${got ?? 'absent'}`)
    const websocket = route.endpoint === 'websocket'
    if (websocket !== (operation['x-websocket'] === true))
      problems.push(`${key}: ${websocket ? 'the WebSocket endpoint needs' : 'only the WebSocket endpoint has'} \`x-websocket: true\``)
  }
  for (const [pattern, item] of Object.entries(spec.paths ?? {})) {
    for (const method of httpMethods) {
      if (!item?.[method]) continue
      const key = `${method.toUpperCase()} ${pattern}`
      if (!seen.has(key)) problems.push(`${key} is in docs/openapi.yaml but the server has no such route`)
    }
  }
  return problems
}

/** The codes of docs/errors.md's table (`| 404 | \`not_found\` | ...`). */
export function documentedErrorCodes(errorsMarkdown) {
  const codes = new Set()
  for (const match of errorsMarkdown.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)) codes.add(match[2])
  return codes
}

/** The spec's ErrorCode enum against docs/errors.md, both ways. */
export function compareErrorCodes(errorsMarkdown, spec) {
  const documented = documentedErrorCodes(errorsMarkdown)
  const listed = new Set(spec.components?.schemas?.ErrorCode?.enum ?? [])
  const problems = []
  if (documented.size === 0) problems.push('docs/errors.md lists no error code (the table was not found)')
  for (const code of documented) if (!listed.has(code)) problems.push(`error code ${code} is in docs/errors.md but not in the spec's ErrorCode`)
  for (const code of listed) if (!documented.has(code)) problems.push(`error code ${code} is in the spec's ErrorCode but not in docs/errors.md`)
  return problems
}
