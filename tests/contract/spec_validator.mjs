// Checks a real answer against docs/openapi.yaml: its status is one the operation lists (not only
// `default`), its content type is declared, and a JSON body is valid under the declared schema
// (JSON Schema 2020-12, as OpenAPI 3.1 uses it).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

import { root } from './stack.mjs'

// The YAML parser and the JSON Schema validator are the console's dev dependencies.
const require = createRequire(path.join(root, 'console', 'package.json'))
const { parse } = require('yaml')
const Ajv2020 = require('ajv/dist/2020').default
const addFormats = require('ajv-formats').default

const escape = (part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')

export function loadSpec() {
  return parse(readFileSync(path.join(root, 'docs', 'openapi.yaml'), 'utf8'))
}

export function specValidator(spec) {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats(ajv)
  ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isSafeInteger(n) })
  ajv.addSchema(spec, 'spec')
  const exercised = new Set()

  /** Problems of `answer` ({status, contentType, text}) as the answer of METHOD pattern; [] when none. */
  function check(method, pattern, answer) {
    const key = `${method.toUpperCase()} ${pattern}`
    const operation = spec.paths?.[pattern]?.[method]
    if (!operation) return [`${key}: no such operation in the spec`]
    exercised.add(key)
    const status = String(answer.status)
    const listed = operation.responses?.[status]
    if (!listed) return [`${key}: answered ${status}, which the operation does not list (body ${answer.text.slice(0, 200)})`]
    const base = listed.$ref ? `#/components/responses/${listed.$ref.split('/').pop()}` : `#/paths/${escape(pattern)}/${method}/responses/${status}`
    const response = listed.$ref ? spec.components.responses[listed.$ref.split('/').pop()] : listed
    if (!response.content) return answer.text === '' ? [] : [`${key} ${status}: the spec declares no body, the server sent ${answer.text.slice(0, 100)}`]
    const type = (answer.contentType ?? '').split(';')[0].trim()
    if (!response.content[type]) return [`${key} ${status}: content type ${type || '(none)'} is not among ${Object.keys(response.content).join(', ')}`]
    if (type !== 'application/json') return []
    let body
    try {
      body = JSON.parse(answer.text)
    } catch {
      return [`${key} ${status}: the body is not JSON: ${answer.text.slice(0, 100)}`]
    }
    const ref = `spec${base}/content/application~1json/schema`
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })
    if (validate(body)) return []
    return [`${key} ${status}: ${ajv.errorsText(validate.errors)} in ${answer.text.slice(0, 400)}`]
  }

  return { check, exercised }
}
