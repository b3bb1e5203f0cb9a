import { describe, expect, it } from 'vitest'
import { createDeviceIdStore, deviceIdKey, isDeviceId, type DeviceIdDeps } from './device-id.ts'

/** idb-keyval's update over a Map: the updater runs once, inside the "transaction". */
const memoryUpdate = (map: Map<string, unknown>): DeviceIdDeps['update'] => {
  return (key, updater) => {
    map.set(key, updater(map.get(key)))
    return Promise.resolve()
  }
}

/** Random bytes from a counter, so each call gives a different, known id. */
const countingRandom = () => {
  let next = 0
  return (bytes: Uint8Array) => bytes.fill(next++)
}

describe('createDeviceIdStore', () => {
  it('makes a 128-bit id once and keeps it', async () => {
    const map = new Map<string, unknown>()
    const deps = { update: memoryUpdate(map), random: countingRandom() }
    const id = await createDeviceIdStore(deps).loadDeviceId()
    expect(isDeviceId(id)).toBe(true)
    expect(map.get(deviceIdKey)).toBe(id)
    // A later page load finds the same id.
    expect(await createDeviceIdStore(deps).loadDeviceId()).toBe(id)
  })

  it('uses real randomness by default', async () => {
    const first = await createDeviceIdStore({ update: memoryUpdate(new Map()) }).loadDeviceId()
    const second = await createDeviceIdStore({ update: memoryUpdate(new Map()) }).loadDeviceId()
    expect(isDeviceId(first)).toBe(true)
    expect(first).not.toBe(second)
  })

  it('gives every caller the same id', async () => {
    const store = createDeviceIdStore({ update: memoryUpdate(new Map()), random: countingRandom() })
    const [a, b] = await Promise.all([store.loadDeviceId(), store.loadDeviceId()])
    expect(a).toBe(b)
  })

  it('replaces a stored value that is not an id', async () => {
    for (const junk of ['short', 42, null, { id: 'x' }, 'a'.repeat(21) + '!']) {
      const map = new Map<string, unknown>([[deviceIdKey, junk]])
      const id = await createDeviceIdStore({ update: memoryUpdate(map) }).loadDeviceId()
      expect(isDeviceId(id)).toBe(true)
      expect(map.get(deviceIdKey)).toBe(id)
    }
  })

  it('lasts for the visit when storage is unavailable', async () => {
    const store = createDeviceIdStore({
      update: () => Promise.reject(new DOMException('blocked', 'InvalidStateError')),
    })
    const id = await store.loadDeviceId()
    expect(isDeviceId(id)).toBe(true)
    expect(await store.loadDeviceId()).toBe(id)
  })

  it('keeps the stored id when the write after reading it fails', async () => {
    const stored = 'A'.repeat(22)
    const store = createDeviceIdStore({
      update: (_key, updater) => {
        updater(stored)
        return Promise.reject(new DOMException('quota', 'QuotaExceededError'))
      },
    })
    expect(await store.loadDeviceId()).toBe(stored)
  })
})
