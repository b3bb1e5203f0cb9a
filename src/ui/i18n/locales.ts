/** The languages Ferry speaks, and which one a browser's preferences pick. */
export const locales = ['en', 'de', 'fr'] as const
export type Locale = (typeof locales)[number]

/** Each language by its own name, so a person finds theirs whatever language is showing. */
export const localeNames: Record<Locale, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
}

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (locales as readonly string[]).includes(value)

/**
 * The first of the browser's languages (navigator.languages, most wanted first) that Ferry has,
 * matched on the language alone ('de-AT' → 'de'); English when none is.
 */
export const pickLocale = (preferred: readonly string[]): Locale => {
  for (const tag of preferred) {
    const language = tag.trim().toLowerCase().split(/[-_]/)[0]
    if (isLocale(language)) return language
  }
  return 'en'
}
