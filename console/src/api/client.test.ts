import { afterEach, describe, expect, it } from 'vitest'

import { ApiError, createClient, expandPath, queryString, setCsrfToken, setUnauthorizedHandler, type Fetch } from './client'

type Call = { url: string; init: RequestInit }

function fakeFetch(answer: () => Response | Promise<Response>): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = []
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init })
      return answer()
    },
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

const merchant = {
  id: '12',
  name: '茶饮小店',
  owner_user_id: '3',
  time_zone: 'Asia/Shanghai',
  allow_existing_customers: false,
  cards_for_owned_customers: false,
  protection_days: null,
  settlement_delay_days: 7,
  created_at: '2026-11-27T08:00:00Z',
}

afterEach(() => {
  setCsrfToken('')
  setUnauthorizedHandler(null)
})

describe('the API client', () => {
  it('fills the path, sends the cookie and no CSRF header on a read', async () => {
    const f = fakeFetch(() => json(200, { merchant, role: 'owner' }))
    const answer = await createClient('', f.fetch).get('/api/v1/merchants/{merchant_id}', { path: { merchant_id: '12' } })
    expect(answer.merchant.name).toBe('茶饮小店')
    expect(f.calls).toHaveLength(1)
    expect(f.calls[0]!.url).toBe('/api/v1/merchants/12')
    expect(f.calls[0]!.init.method).toBe('GET')
    expect(f.calls[0]!.init.credentials).toBe('include')
    expect(f.calls[0]!.init.headers).not.toHaveProperty('X-CSRF-Token')
    expect(f.calls[0]!.init.body).toBeNull()
  })

  it('sends the body as JSON and the CSRF token on a write', async () => {
    setCsrfToken('csrf-123')
    const f = fakeFetch(() => json(201, { merchant, role: 'owner' }))
    await createClient('', f.fetch).post('/api/v1/merchants', { body: { name: '茶饮小店' } })
    const init = f.calls[0]!.init
    expect(init.method).toBe('POST')
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-CSRF-Token': 'csrf-123' })
    expect(init.body).toBe('{"name":"茶饮小店"}')
  })

  it('puts the query after the path, leaving out what is not given', async () => {
    const f = fakeFetch(() => json(200, { items: [], next_cursor: null }))
    await createClient('http://127.0.0.1:8080', f.fetch).get('/api/v1/merchants/{merchant_id}/partners', {
      path: { merchant_id: '7' },
      query: { status: 'paused', limit: 50 },
    })
    expect(f.calls[0]!.url).toBe('http://127.0.0.1:8080/api/v1/merchants/7/partners?status=paused&limit=50')
  })

  it('maps the error body to code, message, problems and request id', async () => {
    const problems = [{ field: 'tiers[1].ratio_bp', code: 'ratio_decreases', message: 'a higher buy-in cannot get a lower ratio' }]
    const f = fakeFetch(() =>
      json(400, { error: { code: 'invalid_tiers', message: 'the tiers are not valid; see details', request_id: 'r-1', details: { problems } } }),
    )
    const call = createClient('', f.fetch).put('/api/v1/merchants/{merchant_id}/tiers', {
      path: { merchant_id: '1' },
      body: { tiers: [{ name: '银卡', buy_in_fen: 10000, ratio_bp: 500 }], profit_margin_bp: 3000 },
    })
    const error = await call.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    const e = error as ApiError
    expect([e.status, e.code, e.message, e.request_id]).toEqual([400, 'invalid_tiers', 'the tiers are not valid; see details', 'r-1'])
    expect(e.problemsFor('tiers[1].ratio_bp')).toEqual(problems)
    expect(e.problemsFor('tiers[0].name')).toEqual([])
  })

  it('names the field of a strict body refusal from its message', () => {
    const e = new ApiError(400, 'invalid_field', 'protection_days must be from 1 to 3650', [], 'r-2')
    expect(e.problemsFor('protection_days')).toEqual([{ field: 'protection_days', code: 'invalid_field', message: 'protection_days must be from 1 to 3650' }])
    expect(e.problemsFor('protection')).toEqual([])
    expect(e.problemsFor('settlement_delay_days')).toEqual([])
    expect(e.namesAField(['settlement_delay_days', 'protection_days'])).toBe(true)
    // Another code is about the whole request, even when its message starts with a field's name.
    expect(new ApiError(403, 'forbidden', 'protection_days may not be changed by you', [], '').problemsFor('protection_days')).toEqual([])
  })

  it('tells the console of a 401, unless the call expects one', async () => {
    const seen: string[] = []
    setUnauthorizedHandler((e) => seen.push(e.code))
    const f = fakeFetch(() => json(401, { error: { code: 'invalid_session', message: 'signed out', request_id: 'r-3' } }))
    const client = createClient('', f.fetch)
    await expect(client.get('/api/v1/console/me', { unauthorizedIsExpected: true })).rejects.toBeInstanceOf(ApiError)
    expect(seen).toEqual([])
    await expect(client.get('/api/v1/merchants/{merchant_id}', { path: { merchant_id: '1' } })).rejects.toMatchObject({ status: 401 })
    expect(seen).toEqual(['invalid_session'])
  })

  it('turns an answer that is not the API error body into unexpected_response, keeping the request id', async () => {
    const f = fakeFetch(() => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'X-Request-Id': 'edge-9' } }))
    const e = (await createClient('', f.fetch)
      .get('/api/v1/me', {})
      .catch((x: unknown) => x)) as ApiError
    expect([e.status, e.code, e.request_id, e.problems]).toEqual([502, 'unexpected_response', 'edge-9', []])
  })

  it('turns a failed fetch into network_error', async () => {
    const f = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')))
    const e = (await createClient('', f.fetch)
      .get('/api/v1/me', {})
      .catch((x: unknown) => x)) as ApiError
    expect([e.status, e.code, e.message]).toEqual([0, 'network_error', 'Failed to fetch'])
  })

  it('answers undefined for 204', async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }))
    await expect(createClient('', f.fetch).post('/api/v1/auth/logout', {})).resolves.toBeUndefined()
  })

  it('tells the status of a successful answer to a caller that asks (201 made, 200 there already)', async () => {
    const member = { merchant: { id: '12', name: '茶饮小店' }, admitted_by_user_id: '3', admitted_at: '2026-12-02T08:00:00Z', concession: null }
    let status = 201
    const f = fakeFetch(() => json(status, { member }))
    const client = createClient('', f.fetch)
    const seen: number[] = []
    for (const s of [201, 200]) {
      status = s
      await client.post('/api/v1/platform/alliance/merchants', { body: { merchant_id: '12' }, onStatus: (x) => seen.push(x) })
    }
    expect(seen).toEqual([201, 200])
  })

  it('escapes path parameters and refuses a missing one', () => {
    expect(expandPath('/api/v1/shares/{code}', { code: 'a/b?c' })).toBe('/api/v1/shares/a%2Fb%3Fc')
    expect(() => expandPath('/api/v1/shares/{code}', {})).toThrow('{code}')
    expect(queryString({ a: undefined, b: null, c: 0 })).toBe('?c=0')
  })
})

// Compiled by the type check (npm run build), never run: what the spec does not have is refused.
function typeChecks(client: ReturnType<typeof createClient>) {
  // @ts-expect-error: no such path in docs/openapi.yaml
  void client.get('/api/v1/no-such-path', {})
  // @ts-expect-error: the merchant id is a path parameter the call must give
  void client.get('/api/v1/merchants/{merchant_id}', {})
  // @ts-expect-error: the body of POST /api/v1/merchants has no field `owner`
  void client.post('/api/v1/merchants', { body: { name: 'x', owner: '1' } })
  // @ts-expect-error: fen are integers (numbers), never strings
  void client.post('/api/v1/orders', { body: { merchant_id: '1', amount_fen: '12.30', description: 'tea', pay_with: 'wechat' } })
  // @ts-expect-error: GET has no body
  void client.get('/api/v1/me', { body: {} })
  // @ts-expect-error: /api/v1/me has no PUT
  void client.put('/api/v1/me', {})
}
void typeChecks
