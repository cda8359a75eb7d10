// A list read page by page with the API's cursors ({"items","next_cursor"}): the cursors of the
// pages seen are kept, so "previous" asks the API again for exactly that page.
import { ref, shallowRef, type Ref } from 'vue'

import { ApiError } from '../../api/client'

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export function usePagedList<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  // cursors[i] opens page i + 1 (undefined: the first page).
  const cursors = ref<(string | undefined)[]>([undefined])
  const index = ref(0)
  const nextCursor = ref<string | null>(null)
  let asked = 0

  async function show(at: number): Promise<void> {
    const ticket = ++asked
    loading.value = true
    try {
      const page = await fetchPage(cursors.value[at])
      if (ticket !== asked) return // an older answer after a newer question
      items.value = page.items
      nextCursor.value = page.next_cursor
      index.value = at
      cursors.value = cursors.value.slice(0, at + 1)
      if (page.next_cursor) cursors.value.push(page.next_cursor)
      error.value = null
    } catch (e) {
      if (ticket !== asked) return
      error.value = e instanceof ApiError ? e : new ApiError(0, 'unexpected_response', String(e), [], '')
    } finally {
      if (ticket === asked) loading.value = false
    }
  }

  return {
    items,
    loading,
    error,
    page: () => index.value + 1,
    hasPrevious: () => index.value > 0,
    hasNext: () => nextCursor.value !== null,
    /** From the first page again (a filter changed, something was written). */
    reload: () => {
      cursors.value = [undefined]
      return show(0)
    },
    /** The page shown, read again. */
    refresh: () => show(index.value),
    next: () => (nextCursor.value ? show(index.value + 1) : Promise.resolve()),
    previous: () => (index.value > 0 ? show(index.value - 1) : Promise.resolve()),
  }
}
