// A page area's words in both languages; the English must have exactly the Chinese keys (the
// type check says which one is missing or extra).
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> }

export interface PageMessages {
  'zh-CN': Record<string, unknown>
  en: Record<string, unknown>
}

export function defineMessages<T extends Record<string, unknown>>(zhCN: T, en: Shape<T>): PageMessages {
  return { 'zh-CN': zhCN, en: en as Record<string, unknown> }
}

// Merges the page areas' words into the base ones; a top-level key given twice is a mistake.
export function mergeMessages(base: Record<string, unknown>, areas: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const area of areas)
    for (const [key, value] of Object.entries(area)) {
      const existing = out[key]
      if (existing && typeof existing === 'object' && value && typeof value === 'object')
        out[key] = { ...(existing as Record<string, unknown>), ...(value as Record<string, unknown>) }
      else if (existing !== undefined) throw new Error(`i18n key ${key} is defined twice`)
      else out[key] = value
    }
  return out
}
