// Who is signed in to the console, at which of their stores, with which role. The session itself
// is an HttpOnly cookie the page cannot read; what the page keeps is what GET /api/v1/console/me
// and the login's answer say: the user, their stores and roles now, and the CSRF token for writes.
// The chosen store is remembered per user in the browser; pages read it through useCurrentStore().
// A platform operator (docs/alliance.md) may be staff of no store: only /console/me says whether
// the user is one (the login's answer does not), so the console asks it once after a login.
import { computed, reactive, readonly } from 'vue'

import { api, ApiError, setCsrfToken, type Schemas } from './api/client'
import type { StaffRole } from './pages'

export type ConsoleStore = Schemas['ConsoleStore']
type SessionBody = Pick<Schemas['ConsoleSession'], 'user' | 'stores' | 'csrf_token' | 'expires_at' | 'platform_operator' | 'promoter' | 'centre_contact'>

const state = reactive({
  /** GET /console/me has answered once (signed in or not). */
  checked: false,
  userId: '',
  stores: [] as ConsoleStore[],
  expiresAt: '',
  merchantId: '',
  /** The user is a platform operator (GET /console/me); the platform pages are theirs. */
  platformOperator: false,
  /** /console/me has said whether the user is an operator (the login's answer does not). */
  operatorKnown: false,
  /** A promoter or a service centre's contact (docs/promoters-and-centres.md): their read-only page. */
  promoter: false,
  centreContact: false,
})

export const session = readonly(state)

const storeKey = (userId: string) => `sharedstore.console.store.${userId}`

function rememberedStore(userId: string): string {
  try {
    return globalThis.localStorage?.getItem(storeKey(userId)) ?? ''
  } catch {
    return ''
  }
}

/** Takes the login's or /console/me's answer: the user, their stores now, the CSRF token. */
export function applySession(body: SessionBody): void {
  state.checked = true
  state.userId = body.user.id
  state.stores = [...body.stores]
  state.expiresAt = body.expires_at
  setCsrfToken(body.csrf_token)
  state.operatorKnown = body.platform_operator !== undefined
  state.platformOperator = body.platform_operator === true
  state.promoter = body.promoter === true
  state.centreContact = body.centre_contact === true
  // The store chosen last time, while the user is still staff there; else their first.
  const wanted = state.merchantId || rememberedStore(body.user.id)
  state.merchantId = body.stores.find((s) => s.merchant_id === wanted)?.merchant_id ?? body.stores[0]?.merchant_id ?? ''
}

/** Forgets the session (after logout, or a 401: the cookie no longer works). */
export function clearSession(): void {
  state.checked = true
  state.userId = ''
  state.stores = []
  state.expiresAt = ''
  state.merchantId = ''
  state.platformOperator = false
  state.operatorKnown = false
  state.promoter = false
  state.centreContact = false
  setCsrfToken('')
  pending = null
}

export const signedIn = computed(() => state.userId !== '')

let pending: Promise<boolean> | null = null

/**
 * Whether a console session exists, asking the server once (GET /api/v1/console/me) and then
 * answering from memory until the session is cleared. A 401 is "no"; other failures (network,
 * 503) are thrown, so the page can say the server is unreachable instead of asking for a scan.
 */
export function ensureSession(): Promise<boolean> {
  if (state.checked && state.userId && state.operatorKnown) return Promise.resolve(true)
  // Signed in by the login page just now: /console/me is asked only for the operator flag, and a
  // failure of it (network, 503) leaves the user signed in, without the platform pages.
  const justSignedIn = state.userId !== ''
  pending ??= api.get('/api/v1/console/me', { unauthorizedIsExpected: true }).then(
    (me) => {
      applySession(me)
      return true
    },
    (error: unknown) => {
      pending = null
      if (error instanceof ApiError && error.status === 401) {
        clearSession()
        return false
      }
      if (justSignedIn) {
        state.operatorKnown = true
        return true
      }
      throw error
    },
  )
  return pending
}

/** Reads the stores and roles again (after a change of staff, say). */
export async function refreshSession(): Promise<void> {
  applySession(await api.get('/api/v1/console/me', {}))
}

export function selectStore(merchantId: string): void {
  if (!state.stores.some((s) => s.merchant_id === merchantId)) return
  state.merchantId = merchantId
  try {
    localStorage.setItem(storeKey(state.userId), merchantId)
  } catch {
    // private mode: the choice lasts this visit only
  }
}

/** The chosen store and the user's role there (null when the user is staff nowhere now). */
export const currentStore = computed<ConsoleStore | null>(() => state.stores.find((s) => s.merchant_id === state.merchantId) ?? null)
export const currentRole = computed<StaffRole | null>(() => currentStore.value?.role ?? null)

/** Whether the role at the chosen store may use a page that declares `roles` (absent: every role). */
export function roleAllows(roles: readonly StaffRole[] | undefined, role: StaffRole | null = currentRole.value): boolean {
  if (!role) return false
  return !roles || roles.includes(role)
}

/** Whether the user is a platform operator (the platform pages: pages.ts `platform`). */
export const isPlatformOperator = computed(() => state.platformOperator)

/** Whether the user is paid a share of the platform net: a promoter, or a service centre's contact. */
export const isPayee = computed(() => state.promoter || state.centreContact)

/**
 * Whether the user may use a page: a platform page (`platform`) is the platform operators', whatever
 * their stores; a payee page (`payee`) a promoter's or a centre contact's; a store page is the roles
 * it names at the chosen store.
 */
export function pageAllowed(
  page: { roles?: readonly StaffRole[] | undefined; platform?: boolean | undefined; payee?: boolean | undefined },
  role: StaffRole | null = currentRole.value,
  operator: boolean = state.platformOperator,
  payee: boolean = state.promoter || state.centreContact,
): boolean {
  if (page.payee) return payee
  return page.platform ? operator : roleAllows(page.roles, role)
}

/** For pages: the chosen store's id and the caller's role there, reactive. */
export function useCurrentStore() {
  return {
    merchantId: computed(() => state.merchantId),
    store: currentStore,
    role: currentRole,
    isOwner: computed(() => currentRole.value === 'owner'),
  }
}

/** POST /api/v1/console/logout: this browser's session ends. */
export async function logout(): Promise<void> {
  try {
    await api.post('/api/v1/console/logout', { unauthorizedIsExpected: true })
  } catch (error) {
    // Already ended (401) is what was asked for; anything else is the caller's to show.
    if (!(error instanceof ApiError && error.status === 401)) throw error
  } finally {
    clearSession()
  }
}

/** POST /api/v1/console/sessions/revoke-all: every console session of the user ends, this one too. */
export async function revokeAll(): Promise<number> {
  const { revoked } = await api.post('/api/v1/console/sessions/revoke-all', {})
  clearSession()
  return revoked
}

/**
 * The page to go to after the login: `next` when it is one of the console's own paths, never
 * another site ("//evil.example", "https://...") or the login page itself.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login#')) return '/'
  return next
}
