// The console's one way to the API, typed by the spec: `schema.d.ts` is generated from
// docs/openapi.yaml on every build (npm run gen:api), so a path, a parameter or a field the spec
// does not have fails the type check. Same origin as the console, the session in a cookie
// (credentials: 'include'), the CSRF token on every write, and every failure as one ApiError.
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type ErrorCode = Schemas['ErrorCode']
export type Problem = Schemas['Problem']

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch'

/** The paths that have an operation for `M`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never
}[keyof paths]

type Operation<P extends keyof paths, M extends Method> = Extract<paths[P][M], { responses: unknown }>

type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : undefined

/** The JSON body of the operation's 2xx answers (undefined for 204). */
export type SuccessBody<P extends keyof paths, M extends Method> = {
  [S in keyof Operation<P, M>['responses']]: S extends 200 | 201 | 204 ? JsonContent<Operation<P, M>['responses'][S]> : never
}[keyof Operation<P, M>['responses']]

type Parameters<O> = O extends { parameters: infer Q } ? Q : never
type PathParams<O> = Parameters<O> extends { path: infer T } ? T : never
type QueryParams<O> = Parameters<O> extends { query?: infer T } ? T : never
type RequestBody<O> = O extends { requestBody?: infer R }
  ? [NonNullable<R>] extends [never]
    ? never
    : NonNullable<R> extends { content: { 'application/json': infer B } }
      ? B
      : never
  : never

type IfDeclared<T, Shape> = [T] extends [never] ? { [K in keyof Shape]?: never } : [T] extends [undefined] ? { [K in keyof Shape]?: never } : Shape

/** What a call names: the path's parameters, its query, its body, as far as the operation has them. */
export type RequestOptions<P extends keyof paths, M extends Method> = IfDeclared<PathParams<Operation<P, M>>, { path: PathParams<Operation<P, M>> }> &
  IfDeclared<QueryParams<Operation<P, M>>, { query?: QueryParams<Operation<P, M>> }> &
  IfDeclared<RequestBody<Operation<P, M>>, { body: RequestBody<Operation<P, M>> }> & {
    signal?: AbortSignal
    /** A 401 is this call's own answer (the session check at start-up), not a lost session. */
    unauthorizedIsExpected?: boolean
    /** Told the status of a successful answer, where two mean different things (201 made, 200 there already). */
    onStatus?: (status: number) => void
  }

/** Every failure of a call: the API's error body, or what stood for one (network, a proxy's page). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error' | 'unexpected_response',
    message: string,
    readonly problems: Problem[],
    readonly request_id: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /**
   * The problems that name `field` (a form shows them next to it): those of `details.problems`
   * (`invalid_tiers`, `invalid_card`), and for a strict body's refusal (`invalid_field`,
   * `missing_field`, `unknown_field`), whose message starts with the field it names
   * ("protection_days must be from 1 to 3650"), that one.
   */
  problemsFor(field: string): Problem[] {
    const listed = this.problems.filter((p) => p.field === field)
    if (listed.length || !bodyFieldCodes.has(this.code)) return listed
    return this.message.startsWith(field + ' ') ? [{ field, code: this.code, message: this.message }] : []
  }

  /** Whether some field of the form names this error (else the form shows it as a whole). */
  namesAField(fields: readonly string[]): boolean {
    return fields.some((f) => this.problemsFor(f).length > 0)
  }
}

const bodyFieldCodes: ReadonlySet<string> = new Set(['invalid_field', 'missing_field', 'unknown_field'])

/** Called on every 401 (the session ended: idle, revoked, signed out elsewhere); the console sends the user to the login page. */
let unauthorizedHandler: ((error: ApiError) => void) | null = null
export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | null): void {
  unauthorizedHandler = handler
}

/** The CSRF header the console session requires on writes (docs/openapi.yaml, consoleCsrf). */
export const csrfHeader = 'X-CSRF-Token'

let csrfToken = ''
/** Set by the console login once the session exists; cleared at logout. */
export function setCsrfToken(token: string): void {
  csrfToken = token
}

export function expandPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params?.[name]
    if (value === undefined) throw new Error(`${template}: no value for {${name}}`)
    return encodeURIComponent(value)
  })
}

export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return ''
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) search.set(key, String(value))
  const text = search.toString()
  return text ? `?${text}` : ''
}

function isErrorBody(value: unknown): value is Schemas['Error'] {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const error = (value as { error: unknown }).error
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
}

/** Maps a non-2xx answer to an ApiError, whatever its body. */
export async function errorOf(response: Response): Promise<ApiError> {
  const headerId = response.headers.get('X-Request-Id') ?? ''
  const text = await response.text().catch(() => '')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (isErrorBody(body)) {
    const e = body.error
    return new ApiError(response.status, e.code, e.message, e.details?.problems ?? [], e.request_id || headerId)
  }
  return new ApiError(response.status, 'unexpected_response', `HTTP ${response.status}`, [], headerId)
}

export type Fetch = (input: string, init: RequestInit) => Promise<Response>

/** A client on `baseUrl` ('' = the console's own origin). `fetchImpl` is for tests. */
export function createClient(baseUrl = '', fetchImpl: Fetch = (input, init) => fetch(input, init)) {
  async function call<P extends PathsWith<M>, M extends Method>(method: M, path: P, options: RequestOptions<P, M>): Promise<SuccessBody<P, M>> {
    const { path: params, query, body, signal, unauthorizedIsExpected, onStatus } = options as {
      path?: Record<string, string>
      query?: Record<string, unknown>
      body?: unknown
      signal?: AbortSignal
      unauthorizedIsExpected?: boolean
      onStatus?: (status: number) => void
    }
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (method !== 'get' && csrfToken) headers[csrfHeader] = csrfToken
    const url = baseUrl + expandPath(path as string, params) + queryString(query)
    let response: Response
    try {
      response = await fetchImpl(url, {
        method: method.toUpperCase(),
        headers,
        credentials: 'include',
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
      })
    } catch (cause) {
      throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause), [], '')
    }
    if (!response.ok) {
      const error = await errorOf(response)
      if (error.status === 401 && !unauthorizedIsExpected) unauthorizedHandler?.(error)
      throw error
    }
    onStatus?.(response.status)
    if (response.status === 204) return undefined as SuccessBody<P, M>
    const type = response.headers.get('Content-Type') ?? ''
    if (!type.startsWith('application/json'))
      throw new ApiError(response.status, 'unexpected_response', `expected JSON, got ${type || 'no Content-Type'}`, [], response.headers.get('X-Request-Id') ?? '')
    return (await response.json()) as SuccessBody<P, M>
  }

  return {
    get: <P extends PathsWith<'get'>>(path: P, options: RequestOptions<P, 'get'>) => call('get', path, options),
    post: <P extends PathsWith<'post'>>(path: P, options: RequestOptions<P, 'post'>) => call('post', path, options),
    put: <P extends PathsWith<'put'>>(path: P, options: RequestOptions<P, 'put'>) => call('put', path, options),
    patch: <P extends PathsWith<'patch'>>(path: P, options: RequestOptions<P, 'patch'>) => call('patch', path, options),
    delete: <P extends PathsWith<'delete'>>(path: P, options: RequestOptions<P, 'delete'>) => call('delete', path, options),
  }
}

export type ApiClient = ReturnType<typeof createClient>

/** The console's client, on its own origin. */
export const api = createClient()
