import { describe, expect, it } from 'vitest'
import { formatBytes, formatDuration } from './format.ts'
import { i18n } from './i18n/i18n.svelte.ts'

describe('formatDuration', () => {
  it('rounds to what people say: seconds, then minutes, then hours', () => {
    expect(formatDuration(0.2)).toMatch(/^1\s?sec/)
    expect(formatDuration(42.1)).toMatch(/^43\s?sec/)
    expect(formatDuration(89)).toMatch(/^1\s?min/)
    expect(formatDuration(61 * 60)).toMatch(/^1(\.0)?\s?hr/)
    expect(formatDuration(2.5 * 3600)).toMatch(/^2\.5\s?hr/)
  })
})

describe('formatBytes', () => {
  it('says bytes with the plural of each language: "0 bytes", "1 byte", "2 bytes"', async () => {
    expect([0, 1, 2, 999].map(formatBytes)).toEqual(['0 bytes', '1 byte', '2 bytes', '999 bytes'])
    expect(formatBytes(1500)).toMatch(/^1\.5\s?kB$/)
    await i18n.use('de')
    expect([0, 1, 2].map(formatBytes)).toEqual(['0 Byte', '1 Byte', '2 Byte'])
    await i18n.use('fr')
    // French counts 0 and 1 as singular.
    expect([0, 1, 2].map(formatBytes)).toEqual(['0 octet', '1 octet', '2 octets'])
    await i18n.use('en')
  })
})
