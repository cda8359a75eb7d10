import { afterEach, describe, expect, it } from 'vitest'

import { applySession, clearSession, currentRole, currentStore, isPlatformOperator, pageAllowed, roleAllows, safeNext, selectStore, session } from './session'

const stores = [
  { merchant_id: '12', name: '春风茶饮', role: 'cashier' as const },
  { merchant_id: '40', name: '自家小铺', role: 'owner' as const },
]
const answer = { user: { id: '7' }, stores, csrf_token: 'a'.repeat(64), expires_at: '2026-12-02T20:00:00Z' }

afterEach(() => clearSession())

describe('the console session', () => {
  it('takes the first store, then the one chosen, and the role there', () => {
    applySession(answer)
    expect(session.userId).toBe('7')
    expect(currentStore.value?.name).toBe('春风茶饮')
    expect(currentRole.value).toBe('cashier')
    selectStore('40')
    expect(currentRole.value).toBe('owner')
    selectStore('999')
    expect(session.merchantId).toBe('40')
  })

  it('keeps the chosen store while the user is still staff there, and leaves it when they are not', () => {
    applySession(answer)
    selectStore('40')
    applySession({ ...answer, stores: [...stores].reverse() })
    expect(session.merchantId).toBe('40')
    applySession({ ...answer, stores: [stores[0]!] })
    expect(session.merchantId).toBe('12')
    applySession({ ...answer, stores: [] })
    expect(currentStore.value).toBeNull()
    expect(currentRole.value).toBeNull()
  })

  it('lets a role use a page that names it, or names no role', () => {
    expect(roleAllows(undefined, 'cashier')).toBe(true)
    expect(roleAllows(['owner', 'manager'], 'manager')).toBe(true)
    expect(roleAllows(['owner'], 'manager')).toBe(false)
    expect(roleAllows(undefined, null)).toBe(false)
  })

  it('knows a platform operator from /console/me, and not from the login\'s answer', () => {
    applySession(answer)
    expect([isPlatformOperator.value, session.operatorKnown]).toEqual([false, false])
    applySession({ ...answer, stores: [], platform_operator: true })
    expect([isPlatformOperator.value, session.operatorKnown, currentStore.value]).toEqual([true, true, null])
    applySession({ ...answer, platform_operator: false })
    expect([isPlatformOperator.value, session.operatorKnown]).toEqual([false, true])
    clearSession()
    expect([isPlatformOperator.value, session.operatorKnown]).toEqual([false, false])
  })

  it('opens a platform page to operators only, whatever their role, and a store page by role', () => {
    const platform = { platform: true }
    expect(pageAllowed(platform, null, true)).toBe(true)
    expect(pageAllowed(platform, 'owner', false)).toBe(false)
    expect(pageAllowed(platform, 'cashier', true)).toBe(true)
    expect(pageAllowed({ roles: ['owner'] }, 'owner', false)).toBe(true)
    // An operator without a store has no store pages.
    expect(pageAllowed({}, null, true)).toBe(false)
    expect(pageAllowed({ roles: ['owner'] }, 'cashier', true)).toBe(false)
  })

  it('goes back only to the console\'s own pages after the login', () => {
    expect(safeNext('/settings')).toBe('/settings')
    expect(safeNext('/staff?x=1')).toBe('/staff?x=1')
    for (const bad of [undefined, '', 'settings', '//evil.example/', '/\\evil.example', 'https://evil.example/', '/login', '/login?next=/x', ['/a']])
      expect(safeNext(bad)).toBe('/')
  })
})
