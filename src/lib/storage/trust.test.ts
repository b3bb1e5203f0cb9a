import { describe, expect, it } from 'vitest'
import { maxDeviceNameChars } from '../protocol/limits.ts'
import {
  TrustStoreError,
  autoAcceptKey,
  createTrustStore,
  maxTrustedDevices,
  trustedDevicesKey,
  type TrustStoreDeps,
} from './trust.ts'

/** A SHA-256 certificate fingerprint as certificateFingerprint writes it, distinct for each n. */
const fingerprint = (n: number) =>
  `sha-256 ${n.toString(16).toUpperCase().padStart(64, '0').match(/../g)!.join(':')}`
const phone = { fingerprint: fingerprint(1), name: 'Amber Otter' }
const laptop = { fingerprint: fingerprint(2), name: 'Calm Heron' }

/** idb-keyval's get and set over a Map, with a clock that ticks once per read. */
const memoryStorage = () => {
  const map = new Map<string, unknown>()
  let nowMs = 1_000
  const deps: TrustStoreDeps = {
    get: (key) => Promise.resolve(structuredClone(map.get(key))),
    set: (key, value) => {
      map.set(key, structuredClone(value))
      return Promise.resolve()
    },
    nowMs: () => nowMs++,
  }
  return { map, deps }
}

const brokenStorage: Partial<TrustStoreDeps> = {
  get: () => Promise.reject(new DOMException('blocked', 'InvalidStateError')),
  set: () => Promise.reject(new DOMException('blocked', 'InvalidStateError')),
}

describe('createTrustStore', () => {
  it('starts empty, with auto-accept off', async () => {
    const store = createTrustStore(memoryStorage().deps)
    expect(await store.list()).toEqual([])
    expect(await store.isTrusted(phone.fingerprint)).toBe(false)
    expect(await store.getAutoAccept()).toBe(false)
  })

  it('trusts, lists newest first, and forgets', async () => {
    const { map, deps } = memoryStorage()
    const store = createTrustStore(deps)
    await store.trust({ ...phone, code: 'dog key moon fire' })
    await store.trust(laptop)
    expect(await store.list()).toEqual([
      { ...laptop, trustedAtMs: 1001 },
      { ...phone, code: 'dog key moon fire', trustedAtMs: 1000 },
    ])
    expect(await store.isTrusted(phone.fingerprint)).toBe(true)

    await store.forget(phone.fingerprint)
    expect(await store.isTrusted(phone.fingerprint)).toBe(false)
    expect(await store.list()).toEqual([{ ...laptop, trustedAtMs: 1001 }])
    // It persisted: a store opened later sees the same.
    expect(await createTrustStore(deps).list()).toEqual([{ ...laptop, trustedAtMs: 1001 }])
    expect(map.get(trustedDevicesKey)).toHaveLength(1)
    await store.forget(fingerprint(99))
  })

  it('refreshes a device trusted again instead of adding it twice', async () => {
    const store = createTrustStore(memoryStorage().deps)
    await store.trust(phone)
    await store.trust(laptop)
    await store.trust({ ...phone, name: '  Renamed Otter  ' })
    const devices = await store.list()
    expect(devices.map((device) => device.name)).toEqual(['Renamed Otter', laptop.name])
  })

  it('refuses what cannot be a device, with a code', async () => {
    const store = createTrustStore(memoryStorage().deps)
    for (const device of [
      { fingerprint: 'short', name: 'A' },
      { fingerprint: `${fingerprint(1)}!`, name: 'A' },
      { fingerprint: fingerprint(0xabc).toLowerCase(), name: 'A' },
      { fingerprint: `${fingerprint(1)},`, name: 'A' },
      { fingerprint: 'sha-256 AB:CD:E', name: 'A' },
      { fingerprint: `${fingerprint(1)},${fingerprint(2)}`.repeat(6), name: 'A' },
      { fingerprint: fingerprint(1), name: '   ' },
      { fingerprint: fingerprint(1), name: 'A', code: 'x'.repeat(257) },
    ]) {
      await expect(store.trust(device)).rejects.toBeInstanceOf(TrustStoreError)
    }
    await expect(store.trust({ fingerprint: 'short', name: 'A' })).rejects.toMatchObject({
      code: 'invalid-device',
    })
    expect(await store.list()).toEqual([])
  })

  it('accepts a certificate named by several fingerprints', async () => {
    const store = createTrustStore(memoryStorage().deps)
    const both = `sha-1 ${'AB:'.repeat(19)}AB,${fingerprint(3)}`
    await store.trust({ fingerprint: both, name: 'Old Browser' })
    expect(await store.isTrusted(both)).toBe(true)
    expect(await store.isTrusted(fingerprint(3))).toBe(false)
  })

  it('cuts long names to the protocol bound', async () => {
    const store = createTrustStore(memoryStorage().deps)
    await store.trust({ fingerprint: fingerprint(1), name: 'x'.repeat(maxDeviceNameChars + 10) })
    expect((await store.list())[0]?.name).toHaveLength(maxDeviceNameChars)
  })

  it(`keeps at most ${maxTrustedDevices} devices, forgetting the oldest`, async () => {
    const { map, deps } = memoryStorage()
    const store = createTrustStore(deps)
    for (let n = 0; n <= maxTrustedDevices; n++)
      await store.trust({ fingerprint: fingerprint(n), name: 'A' })
    const devices = await store.list()
    expect(devices).toHaveLength(maxTrustedDevices)
    expect(await store.isTrusted(fingerprint(0))).toBe(false)
    expect(await store.isTrusted(fingerprint(maxTrustedDevices))).toBe(true)
    expect(map.get(trustedDevicesKey)).toHaveLength(maxTrustedDevices)
  })

  it('loses no write when calls overlap', async () => {
    const store = createTrustStore(memoryStorage().deps)
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        store.trust({ fingerprint: fingerprint(n), name: `D${n}` }),
      ),
    )
    expect(await store.list()).toHaveLength(20)
  })

  it('reads back only well-formed entries', async () => {
    const { map, deps } = memoryStorage()
    const good = { fingerprint: fingerprint(1), name: 'Good', trustedAtMs: 5 }
    map.set(trustedDevicesKey, [
      good,
      { ...good, name: 'Duplicate' },
      { id: fingerprint(7), name: 'Keyed by id (an older shape)', trustedAtMs: 5 },
      { fingerprint: 'bad', name: 'Bad fingerprint', trustedAtMs: 5 },
      { fingerprint: fingerprint(2), name: '', trustedAtMs: 5 },
      { fingerprint: fingerprint(3), name: 'No time' },
      { fingerprint: fingerprint(4), name: 'Odd time', trustedAtMs: Number.NaN },
      { fingerprint: fingerprint(5), name: 'Odd code', trustedAtMs: 5, code: 42 },
      { fingerprint: fingerprint(6), name: 'x'.repeat(maxDeviceNameChars + 1), trustedAtMs: 5 },
      null,
      'text',
      ...Array.from({ length: maxTrustedDevices + 5 }, (_, n) => ({
        fingerprint: fingerprint(100 + n),
        name: 'Filler',
        trustedAtMs: 1,
      })),
    ])
    const devices = await createTrustStore(deps).list()
    expect(devices[0]).toEqual(good)
    expect(devices).toHaveLength(maxTrustedDevices)
    expect(devices.some((device) => device.name !== 'Good' && device.name !== 'Filler')).toBe(false)

    for (const junk of [null, 'text', { length: 3 }, 42]) {
      map.set(trustedDevicesKey, junk)
      expect(await createTrustStore(deps).list()).toEqual([])
    }
  })

  it('hands out copies', async () => {
    const store = createTrustStore(memoryStorage().deps)
    await store.trust(phone)
    const [device] = await store.list()
    device!.name = 'Changed'
    expect((await store.list())[0]?.name).toBe(phone.name)
  })

  it('turns auto-accept on and off, and only a stored true counts', async () => {
    const { map, deps } = memoryStorage()
    const store = createTrustStore(deps)
    await store.setAutoAccept(true)
    expect(await store.getAutoAccept()).toBe(true)
    expect(await createTrustStore(deps).getAutoAccept()).toBe(true)
    await store.setAutoAccept(false)
    expect(await store.getAutoAccept()).toBe(false)
    for (const junk of ['true', 1, {}, null]) {
      map.set(autoAcceptKey, junk)
      expect(await store.getAutoAccept()).toBe(false)
    }
  })

  it('works for the visit when storage is unavailable', async () => {
    const store = createTrustStore({ ...brokenStorage, nowMs: () => 7 })
    expect(await store.list()).toEqual([])
    expect(await store.getAutoAccept()).toBe(false)
    await store.trust(phone)
    await store.setAutoAccept(true)
    expect(await store.list()).toEqual([{ ...phone, trustedAtMs: 7 }])
    expect(await store.isTrusted(phone.fingerprint)).toBe(true)
    expect(await store.getAutoAccept()).toBe(true)
    await store.forget(phone.fingerprint)
    expect(await store.isTrusted(phone.fingerprint)).toBe(false)
  })

  it('sees what another tab changed', async () => {
    const { deps } = memoryStorage()
    const tabA = createTrustStore(deps)
    const tabB = createTrustStore(deps)
    await tabA.trust(phone)
    expect(await tabB.isTrusted(phone.fingerprint)).toBe(true)
    await tabB.forget(phone.fingerprint)
    expect(await tabA.isTrusted(phone.fingerprint)).toBe(false)
  })
})
