// A page of one store for some roles: the console session read once (GET /api/v1/console/me),
// the chosen store, and whether the caller's role there may use the page. The API checks roles
// too; this only spares a role a page it cannot use.
import { computed, onMounted, ref } from 'vue'

import type { StaffRole } from '../pages'
import { ensureSession, roleAllows, useCurrentStore } from '../session'

export function useStaffPage(roles: readonly StaffRole[]) {
  const { merchantId, role, store } = useCurrentStore()
  const ready = ref(false)
  const signedIn = ref(false)
  const error = ref<unknown>(null)
  onMounted(async () => {
    try {
      signedIn.value = await ensureSession()
    } catch (e) {
      error.value = e
    } finally {
      ready.value = true
    }
  })
  const allowed = computed(() => roleAllows(roles, role.value))
  return { ready, signedIn, error, merchantId, role, store, allowed }
}
