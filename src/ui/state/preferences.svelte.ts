/** Language and theme: what the person chose, applied to the document and the message catalog. */
import type { PreferencesStore, ThemePreference } from '../../lib/storage/preferences.ts'
import { i18n } from '../i18n/i18n.svelte.ts'
import { isLocale, pickLocale, type Locale } from '../i18n/locales.ts'

export class PreferencesState {
  /** A Locale, or 'auto' to follow the browser's languages. */
  language = $state<Locale | 'auto'>('auto')
  theme = $state<ThemePreference>('system')
  readonly #store: PreferencesStore
  readonly #browserLanguages: () => readonly string[]

  constructor(store: PreferencesStore, browserLanguages: () => readonly string[]) {
    this.#store = store
    this.#browserLanguages = browserLanguages
    const saved = store.load()
    this.language = isLocale(saved.language) ? saved.language : 'auto'
    this.theme = saved.theme
  }

  get locale(): Locale {
    return this.language === 'auto' ? pickLocale(this.#browserLanguages()) : this.language
  }

  /** Applies the saved choices; resolves once the catalog is in, so the first render is in it. */
  async apply(): Promise<void> {
    applyTheme(this.theme)
    await this.#applyLanguage()
  }

  async setLanguage(language: Locale | 'auto'): Promise<void> {
    this.language = language
    this.#save()
    await this.#applyLanguage()
  }

  setTheme(theme: ThemePreference): void {
    this.theme = theme
    this.#save()
    applyTheme(theme)
  }

  /** The browser's languages changed: follow them unless the person chose one. */
  async browserLanguagesChanged(): Promise<void> {
    if (this.language === 'auto') await this.#applyLanguage()
  }

  async #applyLanguage(): Promise<void> {
    await i18n.use(this.locale)
    document.documentElement.lang = i18n.locale
  }

  #save(): void {
    this.#store.save({ language: this.language, theme: this.theme })
  }
}

/** The same attribute index.html's inline script sets before the first paint. */
const applyTheme = (theme: ThemePreference): void => {
  const root = document.documentElement
  if (theme === 'system') delete root.dataset['theme']
  else root.dataset['theme'] = theme
}
