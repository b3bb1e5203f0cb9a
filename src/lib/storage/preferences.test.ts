import { describe, expect, it } from 'vitest'
import { createPreferencesStore, defaultPreferences, preferencesKey } from './preferences.ts'

const memoryStorage = () => {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  }
}

describe('preferences store', () => {
  it('starts from the defaults and keeps what is saved', () => {
    const storage = memoryStorage()
    const store = createPreferencesStore(storage)
    expect(store.load()).toEqual(defaultPreferences)
    store.save({ language: 'de', theme: 'dark' })
    expect(createPreferencesStore(storage).load()).toEqual({ language: 'de', theme: 'dark' })
  })

  it('ignores what it cannot read, field by field', () => {
    const storage = memoryStorage()
    const store = createPreferencesStore(storage)
    storage.items.set(preferencesKey, '{not json')
    expect(store.load()).toEqual(defaultPreferences)
    storage.items.set(preferencesKey, JSON.stringify({ language: 'fr', theme: 'purple' }))
    expect(store.load()).toEqual({ language: 'fr', theme: 'system' })
    storage.items.set(preferencesKey, JSON.stringify({ language: 'x'.repeat(100), theme: 'light' }))
    expect(store.load()).toEqual({ language: 'auto', theme: 'light' })
    storage.items.set(preferencesKey, 'null')
    expect(store.load()).toEqual(defaultPreferences)
  })

  it('works without storage, and survives storage that throws', () => {
    expect(createPreferencesStore(null).load()).toEqual(defaultPreferences)
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError')
      },
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    const store = createPreferencesStore(throwing)
    expect(store.load()).toEqual(defaultPreferences)
    expect(() => store.save({ language: 'en', theme: 'dark' })).not.toThrow()
  })
})
