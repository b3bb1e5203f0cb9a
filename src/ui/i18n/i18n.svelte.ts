/**
 * The language the UI speaks. English is bundled; other catalogs are loaded when chosen, so the
 * first page load carries one language. Messages are ICU MessageFormat, formatted by
 * intl-messageformat with the locale's plural rules (Intl.PluralRules) and number formats. In the
 * built app the catalogs arrive already parsed (scripts/vite-precompile-messages.ts).
 */
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser'
import { formatToParts, IntlMessageFormat, type Formatters } from 'intl-messageformat'
import { en, type Catalog, type MessageKey } from './en.ts'
import type { Locale } from './locales.ts'

export type MessageValues = Record<string, string | number>

const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Catalog>> = {
  de: async () => (await import('./de.ts')).de,
  fr: async () => (await import('./fr.ts')).fr,
}

/**
 * Intl formatters shared by every message (intl-messageformat makes a set per message otherwise),
 * keyed by their arguments.
 */
const sharedFormatters = (): Formatters => {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  const made = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>()
  const once = <T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(
    kind: string,
    args: unknown[],
    make: () => T,
  ): T => {
    const key = `${kind}:${JSON.stringify(args)}`
    let formatter = made.get(key) as T | undefined
    if (!formatter) {
      formatter = make()
      made.set(key, formatter)
    }
    return formatter
  }
  return {
    // intl-messageformat types the options as its own NumberFormatOptions (a superset of the
    // DOM's, from @formatjs/ecma402-abstract); they are passed on to Intl as they are.
    getNumberFormat: (locales, options) =>
      once(
        'number',
        [locales, options],
        () => new Intl.NumberFormat(locales, options as Intl.NumberFormatOptions | undefined),
      ),
    getDateTimeFormat: (...args) => once('date', args, () => new Intl.DateTimeFormat(...args)),
    getPluralRules: (...args) => once('plural', args, () => new Intl.PluralRules(...args)),
  }
}

export class I18n {
  locale = $state<Locale>('en')
  #catalog = $state.raw<Catalog>(en)
  /**
   * Messages of the current catalog parsed where they came as text (unit tests; the built app's
   * catalogs arrive parsed, see scripts/vite-precompile-messages.ts).
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  #parsed = new Map<MessageKey, MessageFormatElement[]>()
  #formatters = sharedFormatters()
  #wanted: Locale = 'en'

  /** The message for key in the current language. Reactive: reading it in markup follows changes. */
  readonly t = (key: MessageKey, values?: MessageValues): string => {
    const catalog = this.#catalog
    const locale = this.locale
    const message: unknown = catalog[key]
    // Plain text (no argument, no plural): nothing to format.
    if (typeof message === 'string' && !message.includes('{')) return message
    try {
      // Formatted straight from the parsed message: an IntlMessageFormat per message would also
      // resolve the locale each time, a slow Intl lookup that added up on the first render.
      let ast = Array.isArray(message) ? (message as MessageFormatElement[]) : this.#parsed.get(key)
      if (!ast) {
        ast = new IntlMessageFormat(String(message), locale, undefined, {
          ignoreTag: true,
        }).getAst()
        this.#parsed.set(key, ast)
      }
      const parts = formatToParts(ast, locale, this.#formatters, IntlMessageFormat.formats, values)
      return parts.map((part) => String(part.value)).join('')
    } catch {
      // A malformed translation or a missing value must not break the page: show what there is.
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
    this.#parsed.clear()
    this.#catalog = catalog
    this.locale = locale
  }
}

export const i18n = new I18n()
/** Shorthand for components: `t('offer.accept')`. */
export const t = i18n.t
