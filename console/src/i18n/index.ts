// zh-CN by default, English on request; the choice is kept in the browser.
import { createI18n } from 'vue-i18n'
import elementEn from 'element-plus/es/locale/lang/en.mjs'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn.mjs'

import { mergeMessages, type PageMessages } from './define'
import en from './en'
import zhCN from './zh-CN'

// Each page area's words (pages/<area>/messages.ts), found at build time.
const areas = Object.values(import.meta.glob<{ default: PageMessages }>('../pages/*/messages.ts', { eager: true })).map((m) => m.default)

export const locales = ['zh-CN', 'en'] as const
export type Locale = (typeof locales)[number]
export const localeNames: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' }
export const elementLocales = { 'zh-CN': elementZhCn, en: elementEn } as const

const storageKey = 'sharedstore.console.locale'

function savedLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(storageKey)
    return locales.find((l) => l === saved) ?? 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': mergeMessages(zhCN, areas.map((a) => a['zh-CN'])),
    en: mergeMessages(en, areas.map((a) => a.en)),
  } as Record<Locale, typeof zhCN>,
})

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(storageKey, locale)
  } catch {
    // private mode: the choice lasts this visit only
  }
}
