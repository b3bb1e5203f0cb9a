import { IntlMessageFormat } from 'intl-messageformat'
import { describe, expect, it } from 'vitest'
import { de } from './de.ts'
import { en } from './en.ts'
import { fr } from './fr.ts'
import { locales } from './locales.ts'

const catalogs: Record<(typeof locales)[number], Record<string, string>> = { en, de, fr }

/** The argument names a message uses, at any depth (inside plural and select branches too). */
const argumentsOf = (message: string, locale: string): string[] => {
  const names = new Set<string>()
  type Element = { type: number; value?: unknown; options?: Record<string, { value: Element[] }> }
  const walk = (elements: Element[]) => {
    for (const element of elements) {
      // 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural (see @formatjs/icu-messageformat-parser).
      if (element.type >= 1 && element.type <= 6 && typeof element.value === 'string') {
        names.add(element.value)
      }
      for (const option of Object.values(element.options ?? {})) walk(option.value)
    }
  }
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst())
  return [...names].sort()
}

describe('message catalogs', () => {
  it('covers every language Ferry offers', () => {
    expect(Object.keys(catalogs).sort()).toEqual([...locales].sort())
  })

  for (const [locale, catalog] of Object.entries(catalogs)) {
    it(`${locale} has exactly the English keys`, () => {
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort())
    })

    it(`${locale} messages parse and use the same placeholders as English`, () => {
      for (const [key, source] of Object.entries(en)) {
        const message = catalog[key]
        expect(message, key).toBeTypeOf('string')
        expect(message?.trim(), key).not.toBe('')
        expect(argumentsOf(message ?? '', locale), key).toEqual(argumentsOf(source, 'en'))
      }
    })
  }

  it('applies each language’s plural rules', () => {
    const format = (message: string, locale: string, count: number) =>
      new IntlMessageFormat(message, locale).format({ count })
    expect(format(en['tree.files'], 'en', 1)).toBe('1 file')
    expect(format(en['tree.files'], 'en', 0)).toBe('0 files')
    expect(format(de['tree.files'], 'de', 2)).toBe('2 Dateien')
    // French counts 0 as singular.
    expect(format(fr['tree.files'], 'fr', 0)).toBe('0 fichier')
    expect(format(fr['tree.files'], 'fr', 1200)).toBe('1\u202f200 fichiers')
  })
})
