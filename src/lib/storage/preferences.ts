/**
 * How this person wants Ferry to look and speak. Kept in synchronous storage (localStorage), not
 * IndexedDB, because the theme must be known before the first paint: index.html reads the same key
 * in an inline script so a dark override never flashes light.
 */
export const preferencesKey = 'ferry:preferences'

export type ThemePreference = 'system' | 'light' | 'dark'

export interface Preferences {
  /** A BCP 47 language tag the person chose, or 'auto' to follow the browser. */
  language: string
  theme: ThemePreference
}

/** The part of the Web Storage API this store uses; null where storage is blocked. */
export interface SyncStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export interface PreferencesStore {
  load(): Preferences
  save(preferences: Preferences): void
}

export const defaultPreferences: Preferences = { language: 'auto', theme: 'system' }

const themes: readonly string[] = ['system', 'light', 'dark']
const maxLanguageTagLength = 35

const parse = (text: string | null): Preferences => {
  if (text === null) return defaultPreferences
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null) return defaultPreferences
    const { language, theme } = value as Record<string, unknown>
    return {
      language:
        typeof language === 'string' && language.length <= maxLanguageTagLength
          ? language
          : defaultPreferences.language,
      theme:
        typeof theme === 'string' && themes.includes(theme) ? (theme as ThemePreference) : 'system',
    }
  } catch {
    return defaultPreferences
  }
}

/** Storage can be missing or refuse writes (private modes, quotas): then nothing persists. */
export const createPreferencesStore = (storage: SyncStorage | null): PreferencesStore => ({
  load: () => {
    try {
      return parse(storage?.getItem(preferencesKey) ?? null)
    } catch {
      return defaultPreferences
    }
  },
  save: (preferences) => {
    try {
      storage?.setItem(preferencesKey, JSON.stringify(preferences))
    } catch {
      // Not persisted; the choice still holds for this visit.
    }
  },
})
