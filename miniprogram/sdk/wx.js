// Small helpers around wx. The SDK never reaches for the global `wx`: it is handed one (the
// mini-program's, or tests/sdk/wx_node.mjs in Node), so every call it makes can be watched.

/** A random id: 8-64 of [A-Za-z0-9_-] as the API's request ids want (docs/api.md). */
export function randomId(prefix = 'mp') {
  let text = ''
  for (let i = 0; i < 20; i++) text += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 36)]
  return `${prefix}-${text}`
}
