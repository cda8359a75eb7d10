// A page's read of the API: loading, the answer, the failure, and reload(). Loads at once and
// again whenever `source` changes (the chosen store, a filter), except while `source` is null
// (nothing to load: a role that does not see it); an answer that arrives after a newer load
// started is dropped, so a quick switch of store never shows the other store's data.
import { ref, shallowRef, watch, type Ref, type WatchSource } from 'vue'

export interface Load<T> {
  data: Ref<T | null>
  error: Ref<unknown>
  loading: Ref<boolean>
  reload: () => Promise<void>
}

export function useLoad<T>(fetcher: () => Promise<T>, source?: WatchSource<unknown>): Load<T> {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const error = shallowRef<unknown>(null)
  const loading = ref(false)
  let generation = 0
  async function reload(): Promise<void> {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const answer = await fetcher()
      if (mine === generation) data.value = answer
    } catch (e) {
      if (mine === generation) error.value = e
    } finally {
      if (mine === generation) loading.value = false
    }
  }
  if (source) watch(source, (value) => value !== null && void reload(), { immediate: true })
  else void reload()
  return { data, error, loading, reload }
}
