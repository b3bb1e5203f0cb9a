import { describe, expect, it } from 'vitest'
import { pickLocale } from './locales.ts'

describe('pickLocale', () => {
  it('takes the first preferred language Ferry has', () => {
    expect(pickLocale(['it-IT', 'fr-CA', 'de'])).toBe('fr')
    expect(pickLocale(['de-AT', 'en'])).toBe('de')
  })

  it('matches on the language, whatever the case or separator', () => {
    expect(pickLocale(['FR_be'])).toBe('fr')
    expect(pickLocale(['En-GB'])).toBe('en')
  })

  it('falls back to English', () => {
    expect(pickLocale([])).toBe('en')
    expect(pickLocale(['ja', 'zh-Hant', ''])).toBe('en')
  })
})
