// Which store the money pages work on, and the console session they work in. The session is
// read from GET /api/v1/console/me, which also hands out the CSRF token writes need (kept by the
// API client), so a reload or a deep link finds both again. The chosen store is remembered in the
// browser; without a choice, the first store of the session.
//
// The login page, the router guard and the store switcher of the layout may own this state; the
// money pages only need `useConsoleSession()` to answer the current store and role.
import { computed, reactive } from 'vue'

import { ApiError, api, setCsrfToken, type Schemas } from '../../api/client'
import type { StaffRole } from '../../pages'

export type ConsoleStore = Schemas['ConsoleStore']

const storageKey = 'sharedstore.console.store'

const state = reactive({
  loading: false,
  loaded: false,
  error: null as ApiError | null,
  userId: '',
  stores: [] as ConsoleStore[],
  chosen: readChoice(),
})

function readChoice(): string {
  try {
    return globalThis.localStorage?.getItem(storageKey) ?? ''
  } catch {
    return ''
  }
}

let inFlight: Promise<void> | null = null

/** Reads the session (once, unless `again`); failures are kept in `error`, never thrown. */
export function loadConsoleSession(again = false): Promise<void> {
  if (inFlight) return inFlight
  if (state.loaded && !again) return Promise.resolve()
  state.loading = true
  inFlight = api
    .get('/api/v1/console/me', {})
    .then((session) => {
      setCsrfToken(session.csrf_token)
      state.userId = session.user.id
      state.stores = session.stores
      state.error = null
      state.loaded = true
    })
    .catch((error: unknown) => {
      state.error = error instanceof ApiError ? error : new ApiError(0, 'unexpected_response', String(error), [], '')
    })
    .finally(() => {
      state.loading = false
      inFlight = null
    })
  return inFlight
}

const current = computed<ConsoleStore | null>(() => state.stores.find((s) => s.merchant_id === state.chosen) ?? state.stores[0] ?? null)

/** Works on another of the session's stores from now on (and after a reload). */
export function chooseStore(merchantId: string): void {
  state.chosen = merchantId
  try {
    localStorage.setItem(storageKey, merchantId)
  } catch {
    // private mode: the choice lasts this visit only
  }
}

export function useConsoleSession() {
  void loadConsoleSession()
  return {
    state,
    /** The store the pages show, or null while loading or with no store. */
    store: current,
    role: computed<StaffRole | null>(() => current.value?.role ?? null),
    chooseStore,
    reload: () => loadConsoleSession(true),
  }
}
