// zh-CN by default, English on request; the choice is kept in the browser.
import { createI18n } from 'vue-i18n'
import elementEn from 'element-plus/es/locale/lang/en.mjs'
import elementZhCn from 'element-plus/es/locale/lang/zh-cn.mjs'

import en from './en'
import zhCN from './zh-CN'

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
  messages: { 'zh-CN': zhCN, en },
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
