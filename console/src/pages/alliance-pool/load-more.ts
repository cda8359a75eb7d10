// A list read with the API's cursors ({"items","next_cursor"}) that grows with "load more": each
// page is appended; reload() starts from the first page again (after an admission, say), and an
// answer to a question asked before the latest reload is dropped, so a page never appears twice.
import { ref, shallowRef, type Ref } from 'vue'

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export function useLoadMore<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const loading = ref(false)
  const error = shallowRef<unknown>(null)
  const nextCursor = ref<string | null>(null)
  /** Whether the first page has answered (an empty list is then "none", not "loading"). */
  const loaded = ref(false)
  let generation = 0

  async function read(cursor: string | undefined, append: boolean): Promise<void> {
    const mine = append ? generation : ++generation
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(cursor)
      if (mine !== generation) return
      items.value = append ? [...items.value, ...page.items] : page.items
      nextCursor.value = page.next_cursor
      loaded.value = true
    } catch (e) {
      if (mine === generation) error.value = e
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  return {
    items,
    loading,
    error,
    loaded,
    hasMore: () => nextCursor.value !== null,
    reload: () => read(undefined, false),
    more: () => (nextCursor.value !== null && !loading.value ? read(nextCursor.value, true) : Promise.resolve()),
  }
}
