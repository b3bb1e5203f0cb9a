import { describe, expect, it } from 'vitest'
import { createShareInbox, shareLifetimeMs, type ShareInboxDeps } from './share-inbox.ts'

/** idb-keyval over a Map (File objects kept as they are, as IndexedDB does), and a settable clock. */
const memoryStorage = () => {
  const map = new Map<string, unknown>()
  const clock = { nowMs: 1_000 }
  const deps: ShareInboxDeps = {
    get: (key) => Promise.resolve(map.get(key)),
    set: (key, value) => {
      map.set(key, value)
      return Promise.resolve()
    },
    del: (key) => {
      map.delete(key)
      return Promise.resolve()
    },
    keys: () => Promise.resolve([...map.keys()]),
    nowMs: () => clock.nowMs,
  }
  return { map, clock, deps }
}

describe('createShareInbox', () => {
  it('hands a share over once', async () => {
    const { deps } = memoryStorage()
    const inbox = createShareInbox(deps)
    const file = new File(['hello'], 'hello.txt', { type: 'text/plain' })
    await inbox.put('s1', { files: [file], text: 'hi' })
    const taken = await inbox.take('s1')
    expect(taken?.text).toBe('hi')
    expect(taken?.files).toHaveLength(1)
    expect(await taken?.files[0]?.text()).toBe('hello')
    expect(await inbox.take('s1')).toBeNull()
  })

  it('knows nothing of ids it never stored, and refuses malformed records', async () => {
    const { deps, map } = memoryStorage()
    const inbox = createShareInbox(deps)
    expect(await inbox.take('nope')).toBeNull()
    map.set('bad', { files: ['not a file'], text: 3, storedAtMs: 1 })
    expect(await inbox.take('bad')).toBeNull()
    expect(map.has('bad')).toBe(false)
  })

  it('drops shares nobody took in time when a new one arrives', async () => {
    const { deps, map, clock } = memoryStorage()
    const inbox = createShareInbox(deps)
    await inbox.put('old', { files: [], text: 'old' })
    clock.nowMs += shareLifetimeMs + 1
    await inbox.put('new', { files: [], text: 'new' })
    expect([...map.keys()]).toEqual(['new'])
  })
})
