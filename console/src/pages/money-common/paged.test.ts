import { describe, expect, it } from 'vitest'

import { ApiError } from '../../api/client'
import { usePagedList, type Page } from './paged'

// Three pages of ids 5..1, two a page, as the API hands them out.
function api() {
  const asked: (string | undefined)[] = []
  const pages: Record<string, Page<number>> = {
    first: { items: [5, 4], next_cursor: 'c4' },
    c4: { items: [3, 2], next_cursor: 'c2' },
    c2: { items: [1], next_cursor: null },
  }
  return {
    asked,
    fetch: async (cursor: string | undefined) => {
      asked.push(cursor)
      return pages[cursor ?? 'first']!
    },
  }
}

describe('a list paged by cursors', () => {
  it('walks forward with next_cursor and back to exactly the page seen', async () => {
    const a = api()
    const list = usePagedList(a.fetch)
    await list.reload()
    expect(list.items.value).toEqual([5, 4])
    expect(list.hasPrevious()).toBe(false)
    await list.next()
    await list.next()
    expect(list.items.value).toEqual([1])
    expect(list.page()).toBe(3)
    expect(list.hasNext()).toBe(false)
    await list.next() // nothing follows: nothing asked
    await list.previous()
    expect(list.items.value).toEqual([3, 2])
    expect(a.asked).toEqual([undefined, 'c4', 'c2', 'c4'])
    await list.reload()
    expect(list.page()).toBe(1)
  })

  it('keeps the page shown when a call fails, with the error', async () => {
    let fail = false
    const list = usePagedList(async () => {
      if (fail) throw new ApiError(403, 'forbidden', 'no', [], 'r1')
      return { items: [1], next_cursor: 'c1' }
    })
    await list.reload()
    fail = true
    await list.next()
    expect(list.items.value).toEqual([1])
    expect(list.page()).toBe(1)
    expect(list.error.value?.code).toBe('forbidden')
  })

  it('shows the answer to the last question, not a late one', async () => {
    const resolvers: ((p: Page<string>) => void)[] = []
    const list = usePagedList(() => new Promise<Page<string>>((resolve) => resolvers.push(resolve)))
    const first = list.reload()
    const second = list.reload()
    resolvers[1]!({ items: ['new'], next_cursor: null })
    resolvers[0]!({ items: ['old'], next_cursor: null })
    await Promise.all([first, second])
    expect(list.items.value).toEqual(['new'])
  })
})
