import { describe, expect, it } from 'vitest'
import {
  createHistoryStore,
  deviceKey,
  historyKey,
  maxHistoryEntries,
  maxKnownDevices,
  type HistoryEntry,
  type KeyValueStore,
  type KnownDevice,
} from './history.ts'

/** An in-memory stand-in for idb-keyval; values are copied as IndexedDB's structured clone would. */
const memoryStore = () => {
  const items = new Map<string, unknown>()
  const store: KeyValueStore = {
    get: (key) => Promise.resolve(structuredClone(items.get(key))),
    update: (key, updater) => {
      items.set(key, structuredClone(updater(items.get(key))))
      return Promise.resolve()
    },
    del: (key) => {
      items.delete(key)
      return Promise.resolve()
    },
  }
  return { items, store }
}

const failingStore: KeyValueStore = {
  get: () => Promise.reject(new Error('InvalidStateError')),
  update: () => Promise.reject(new Error('QuotaExceededError')),
  del: () => Promise.reject(new Error('InvalidStateError')),
}

const entry = (id: string, overrides: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  direction: 'receive',
  deviceKey: 'sha-256 AB:CD',
  peerName: 'Blue Otter',
  files: [{ name: 'photo.jpg', size: 1200 }],
  fileCount: 1,
  totalBytes: 1200,
  outcome: 'complete',
  verified: true,
  endedAtMs: 1_700_000_000_000,
  ...overrides,
})

const device = (key: string, name = 'Blue Otter'): KnownDevice => ({
  key,
  name,
  device: 'phone',
  lastSeenMs: 1_700_000_000_000,
})

describe('history store', () => {
  it('keeps transfers newest first, across reloads', async () => {
    const { store } = memoryStore()
    const history = createHistoryStore(store)
    expect(await history.load()).toEqual({ entries: [], devices: [] })
    await history.record(entry('a'))
    await history.record(entry('b', { direction: 'send', outcome: 'failed', verified: false }))
    const reloaded = await createHistoryStore(store).load()
    expect(reloaded.entries.map((e) => e.id)).toEqual(['b', 'a'])
    expect(reloaded.entries[0]).toEqual(
      entry('b', { direction: 'send', outcome: 'failed', verified: false }),
    )
  })

  it('records a transfer once, however often it is reported', async () => {
    const history = createHistoryStore(memoryStore().store)
    await history.record(entry('a', { verified: false }))
    const { entries } = await history.record(entry('a'))
    expect(entries).toEqual([entry('a')])
  })

  it(`keeps the newest ${maxHistoryEntries} transfers and ${maxKnownDevices} devices`, async () => {
    const { store } = memoryStore()
    const history = createHistoryStore(store)
    for (let i = 0; i < maxHistoryEntries + 5; i++) await history.record(entry(`t${i}`))
    for (let i = 0; i < maxKnownDevices + 5; i++) await history.sawDevice(device(`d${i}`))
    const { entries, devices } = await createHistoryStore(store).load()
    expect(entries).toHaveLength(maxHistoryEntries)
    expect(entries[0]?.id).toBe(`t${maxHistoryEntries + 4}`)
    expect(entries.at(-1)?.id).toBe('t5')
    expect(devices).toHaveLength(maxKnownDevices)
    expect(devices[0]?.key).toBe(`d${maxKnownDevices + 4}`)
  })

  it('refreshes a device seen again, and forgets it with its transfers', async () => {
    const history = createHistoryStore(memoryStore().store)
    await history.sawDevice(device('k1', 'Old Name'))
    await history.sawDevice(device('k2'))
    await history.sawDevice(device('k1', 'New Name'))
    await history.record(entry('with-k1', { deviceKey: 'k1' }))
    await history.record(entry('with-k2', { deviceKey: 'k2' }))
    let state = await history.load()
    expect(state.devices.map((d) => [d.key, d.name])).toEqual([
      ['k1', 'New Name'],
      ['k2', 'Blue Otter'],
    ])
    state = await history.forgetDevice('k1')
    expect(state.devices.map((d) => d.key)).toEqual(['k2'])
    expect(state.entries.map((e) => e.id)).toEqual(['with-k2'])
  })

  it('clears transfers but keeps devices; erase forgets both', async () => {
    const { items, store } = memoryStore()
    const history = createHistoryStore(store)
    await history.sawDevice(device('k1'))
    await history.record(entry('a'))
    expect(await history.clear()).toEqual({ entries: [], devices: [device('k1')] })
    await history.erase()
    expect(items.has(historyKey)).toBe(false)
    expect(await history.load()).toEqual({ entries: [], devices: [] })
  })

  it('drops what it cannot trust from storage, entry by entry', async () => {
    const { items, store } = memoryStore()
    items.set(historyKey, {
      entries: [
        entry('good'),
        { ...entry('bad-outcome'), outcome: 'exploded' },
        { ...entry('long-name'), peerName: 'x'.repeat(1000) },
        {
          ...entry('too-many-files'),
          files: Array.from({ length: 21 }, () => ({ name: 'a', size: 1 })),
        },
        'not an entry',
        null,
      ],
      devices: [device('k1'), { key: 'k2', name: 7 }, { ...device('k3'), device: 'toaster' }],
    })
    const { entries, devices } = await createHistoryStore(store).load()
    expect(entries.map((e) => e.id)).toEqual(['good'])
    // An unknown kind of device is kept, as 'unknown'.
    expect(devices.map((d) => [d.key, d.device])).toEqual([
      ['k1', 'phone'],
      ['k3', 'unknown'],
    ])
    items.set(historyKey, 'garbage')
    expect(await createHistoryStore(store).load()).toEqual({ entries: [], devices: [] })
  })

  it('refuses to record an invalid entry', async () => {
    const history = createHistoryStore(memoryStore().store)
    await expect(history.record(entry('', {}))).rejects.toThrow()
    await expect(history.record(entry('a', { totalBytes: -1 }))).rejects.toThrow()
  })

  it('works for the visit when storage fails', async () => {
    const history = createHistoryStore(failingStore)
    expect(await history.load()).toEqual({ entries: [], devices: [] })
    await history.record(entry('a'))
    expect((await history.sawDevice(device('k1'))).entries.map((e) => e.id)).toEqual(['a'])
    await expect(history.erase()).resolves.toBeUndefined()
  })

  it('keys devices by certificate, else by name', () => {
    expect(deviceKey('sha-256 AB', 'Blue')).toBe('sha-256 AB')
    expect(deviceKey(null, 'Blue')).toBe('name:Blue')
  })
})
