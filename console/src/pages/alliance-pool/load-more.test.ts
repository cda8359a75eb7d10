import { describe, expect, it } from 'vitest'

import { useLoadMore, type Page } from './load-more'

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('a list that grows with "load more"', () => {
  it('appends each page and stops when there is no next cursor', async () => {
    const pages: Record<string, Page<number>> = { first: { items: [9, 8], next_cursor: 'c2' }, c2: { items: [7], next_cursor: null } }
    const asked: (string | undefined)[] = []
    const list = useLoadMore(async (cursor) => {
      asked.push(cursor)
      return pages[cursor ?? 'first']!
    })
    expect(list.loaded.value).toBe(false)
    await list.reload()
    expect([list.items.value, list.hasMore(), list.loaded.value]).toEqual([[9, 8], true, true])
    await list.more()
    expect([list.items.value, list.hasMore()]).toEqual([[9, 8, 7], false])
    await list.more()
    expect(asked).toEqual([undefined, 'c2'])
  })

  it('starts again from the first page on reload, dropping a page asked for before it', async () => {
    const late = deferred<Page<number>>()
    let calls = 0
    const list = useLoadMore(async (cursor) => {
      calls++
      if (cursor === 'c2') return late.promise
      return { items: calls === 1 ? [9, 8] : [10, 9, 8], next_cursor: 'c2' }
    })
    await list.reload()
    const more = list.more()
    await list.reload()
    late.resolve({ items: [7], next_cursor: null })
    await more
    expect(list.items.value).toEqual([10, 9, 8])
    expect(list.hasMore()).toBe(true)
  })

  it('keeps what it has and says why when a page fails', async () => {
    let fail = false
    const list = useLoadMore(async () => {
      if (fail) throw new Error('503')
      return { items: [1], next_cursor: 'c' }
    })
    await list.reload()
    fail = true
    await list.more()
    expect(list.items.value).toEqual([1])
    expect((list.error.value as Error).message).toBe('503')
    expect(list.loading.value).toBe(false)
  })
})
