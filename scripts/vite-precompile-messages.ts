/**
 * Build step for the message catalogs (src/ui/i18n): each catalog module is replaced by the same
 * messages already parsed into intl-messageformat's AST, and the ICU parser is swapped for its
 * no-parser stub. The browser then never parses a message, and the ~9 KB gzipped parser stays out
 * of the bundle. Unit tests (vitest) run the plain modules with the real parser.
 */
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser'
import type { Plugin } from 'vite'
import { de } from '../src/ui/i18n/de.ts'
import { en } from '../src/ui/i18n/en.ts'
import { fr } from '../src/ui/i18n/fr.ts'

const catalogs: Record<string, Record<string, string>> = { en, de, fr }
const catalogPath = /\/src\/ui\/i18n\/([a-z]{2})\.ts$/

/**
 * A message that is plain text stays a string (smaller, and t() returns it as it is); any other
 * becomes its AST.
 */
const precompile = (message: string): string | MessageFormatElement[] => {
  const ast = parse(message, { ignoreTag: true })
  const plain = ast.every((element) => element.type === TYPE.literal)
  const text = ast.map((element) => (element.type === TYPE.literal ? element.value : '')).join('')
  return plain && !text.includes('{') ? text : ast
}

export const precompileMessages = (): Plugin => ({
  name: 'ferry:precompile-messages',
  apply: 'build',
  enforce: 'pre',
  config: () => ({
    resolve: {
      alias: [
        {
          find: /^@formatjs\/icu-messageformat-parser$/,
          // The locked version (3.x, see package-lock.json) is ES modules only; 2.x had them in lib/.
          replacement: '@formatjs/icu-messageformat-parser/no-parser.js',
        },
      ],
    },
  }),
  load(id) {
    const locale = catalogPath.exec(id)?.[1]
    const catalog = locale === undefined ? undefined : catalogs[locale]
    if (locale === undefined || catalog === undefined) return null
    const parsed = Object.fromEntries(
      Object.entries(catalog).map(([key, message]) => [key, precompile(message)]),
    )
    return `export const ${locale} = ${JSON.stringify(parsed)}\n`
  },
})
