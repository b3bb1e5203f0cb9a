/**
 * The language the UI speaks. English is bundled; other catalogs are loaded when chosen, so the
 * first page load carries one language. Messages are ICU MessageFormat, formatted by
 * intl-messageformat with the locale's plural rules (Intl.PluralRules) and number formats. In the
 * built app the catalogs arrive already parsed (scripts/vite-precompile-messages.ts).
 */
import { IntlMessageFormat } from 'intl-messageformat'
import { en, type Catalog, type MessageKey } from './en.ts'
import type { Locale } from './locales.ts'

export type MessageValues = Record<string, string | number>

const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Catalog>> = {
  de: async () => (await import('./de.ts')).de,
  fr: async () => (await import('./fr.ts')).fr,
}

export class I18n {
  locale = $state<Locale>('en')
  #catalog = $state.raw<Catalog>(en)
  /** Parsed messages of the current catalog; parsing is the costly part. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  #formats = new Map<MessageKey, IntlMessageFormat>()
  #wanted: Locale = 'en'

  /** The message for key in the current language. Reactive: reading it in markup follows changes. */
  readonly t = (key: MessageKey, values?: MessageValues): string => {
    const catalog = this.#catalog
    const locale = this.locale
    try {
      let format = this.#formats.get(key)
      if (!format) {
        format = new IntlMessageFormat(catalog[key], locale, undefined, { ignoreTag: true })
        this.#formats.set(key, format)
      }
      return String(format.format(values))
    } catch {
      // A malformed translation or a missing value must not break the page: show what there is.
      const message: unknown = catalog[key]
      return typeof message === 'string' ? message : key
    }
  }

  /** Switches language; stays on the current one if that catalog cannot be loaded (offline). */
  async use(locale: Locale): Promise<void> {
    this.#wanted = locale
    let catalog: Catalog
    try {
      catalog = locale === 'en' ? en : await loaders[locale]()
    } catch {
      return
    }
    if (this.#wanted !== locale) return
    this.#formats.clear()
    this.#catalog = catalog
    this.locale = locale
  }
}

export const i18n = new I18n()
/** Shorthand for components: `t('offer.accept')`. */
export const t = i18n.t
