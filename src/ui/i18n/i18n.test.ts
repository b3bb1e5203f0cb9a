import { describe, expect, it } from 'vitest'
import { I18n } from './i18n.svelte.ts'

describe('formatting messages', () => {
  it('picks plural forms and formats numbers in the language in use', async () => {
    const i18n = new I18n()
    expect(i18n.t('header.relaysConnected', { count: 1 })).toBe('1 relay connected')
    expect(i18n.t('header.relaysConnected', { count: 1200 })).toBe('1,200 relays connected')
    expect(i18n.t('transfer.folded', { files: 2, folders: 0 })).toBe('2 files')
    expect(i18n.t('transfer.folded', { files: 1, folders: 3 })).toBe('1 file, 3 empty folders')
    await i18n.use('de')
    expect(i18n.t('header.relaysConnected', { count: 1 })).toBe('1 Relay verbunden')
    expect(i18n.t('header.relaysConnected', { count: 1200 })).toBe('1.200 Relays verbunden')
  })

  it('returns plain text as it is, and a message with a missing value does not throw', () => {
    const i18n = new I18n()
    expect(i18n.t('header.rename')).toBe('Rename')
    expect(i18n.t('peer.filesInput')).toBe('Files to send to {name}')
  })
})
