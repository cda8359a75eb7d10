// Who is signed in to the console, at which store, with which role: what GET /api/v1/console/me
// says (the session itself is an HttpOnly cookie the page cannot read), and the CSRF token for
// writes. A subset of the console login's session module (same names), enough for the tier and
// card pages; the login's version, with its store switcher, replaces this file when it lands.
import { computed, reactive, readonly } from 'vue'

import { api, ApiError, setCsrfToken, type Schemas } from './api/client'
import type { StaffRole } from './pages'

export type ConsoleStore = Schemas['ConsoleStore']

const state = reactive({
  checked: false,
  userId: '',
  stores: [] as ConsoleStore[],
  merchantId: '',
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

export function applySession(body: Pick<Schemas['ConsoleSession'], 'user' | 'stores' | 'csrf_token'>): void {
  state.checked = true
  state.userId = body.user.id
  state.stores = [...body.stores]
  setCsrfToken(body.csrf_token)
  const wanted = state.merchantId || rememberedStore(body.user.id)
  state.merchantId = body.stores.find((s) => s.merchant_id === wanted)?.merchant_id ?? body.stores[0]?.merchant_id ?? ''
}

export function clearSession(): void {
  state.checked = true
  state.userId = ''
  state.stores = []
  state.merchantId = ''
  setCsrfToken('')
  pending = null
}

let pending: Promise<boolean> | null = null

/** Whether a console session exists (asked once); a 401 is "no", other failures are thrown. */
export function ensureSession(): Promise<boolean> {
  if (state.checked && state.userId) return Promise.resolve(true)
  pending ??= api.get('/api/v1/console/me', {}).then(
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
      throw error
    },
  )
  return pending
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

export const currentStore = computed<ConsoleStore | null>(() => state.stores.find((s) => s.merchant_id === state.merchantId) ?? null)
export const currentRole = computed<StaffRole | null>(() => currentStore.value?.role ?? null)

/** Whether the role at the chosen store may use a page that declares `roles` (absent: every role). */
export function roleAllows(roles: readonly StaffRole[] | undefined, role: StaffRole | null = currentRole.value): boolean {
  if (!role) return false
  return !roles || roles.includes(role)
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
