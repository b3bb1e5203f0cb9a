import { describe, expect, it } from 'vitest'
import {
  certificateKey,
  certificateRenewalMarginMs,
  loadDeviceCertificate,
  type CertificateStoreDeps,
} from './certificate.ts'

const nowMs = 1_000_000_000
const dayMs = 24 * 60 * 60 * 1000

/** Enough of an RTCCertificate for the store: an expiry and a way to read fingerprints. */
const fakeCertificate = (name: string, expires = nowMs + 365 * dayMs) =>
  ({
    expires,
    getFingerprints: () => [{ algorithm: 'sha-256', value: name }],
  }) as unknown as RTCCertificate

/** idb-keyval's get and update over a Map (no cloning: a stored certificate stays itself). */
const memoryStorage = (initial?: unknown) => {
  const map = new Map<string, unknown>()
  if (initial !== undefined) map.set(certificateKey, initial)
  let made = 0
  const deps: CertificateStoreDeps = {
    get: (key) => Promise.resolve(map.get(key)),
    update: (key, updater) => {
      map.set(key, updater(map.get(key)))
      return Promise.resolve()
    },
    generate: () => Promise.resolve(fakeCertificate(`made ${++made}`)),
    nowMs: () => nowMs,
  }
  return { map, deps, made: () => made }
}

const blocked = () => Promise.reject(new DOMException('blocked', 'InvalidStateError'))

describe('loadDeviceCertificate', () => {
  it('makes a certificate once and keeps it', async () => {
    const storage = memoryStorage()
    const first = await loadDeviceCertificate(storage.deps)
    expect(first).toEqual({ certificate: storage.map.get(certificateKey), persistent: true })
    const again = await loadDeviceCertificate(storage.deps)
    expect(again?.certificate).toBe(first?.certificate)
    expect(storage.made()).toBe(1)
  })

  it('replaces a certificate that has expired or is about to', async () => {
    for (const expires of [nowMs - 1, nowMs + certificateRenewalMarginMs]) {
      const old = fakeCertificate('old', expires)
      const storage = memoryStorage(old)
      const loaded = await loadDeviceCertificate(storage.deps)
      expect(loaded?.certificate).not.toBe(old)
      expect(storage.map.get(certificateKey)).toBe(loaded?.certificate)
    }
  })

  it('replaces what is not a certificate', async () => {
    for (const junk of [null, 'certificate', { expires: nowMs + dayMs * 100 }, 42]) {
      const storage = memoryStorage(junk)
      const loaded = await loadDeviceCertificate(storage.deps)
      expect(loaded?.persistent).toBe(true)
      expect(storage.made()).toBe(1)
    }
  })

  it('keeps the certificate another tab stored meanwhile', async () => {
    const theirs = fakeCertificate('other tab')
    const storage = memoryStorage()
    // Our read found nothing; the other tab's write lands before ours.
    const deps = {
      ...storage.deps,
      get: () => Promise.resolve(undefined),
      update: (key: string, updater: (old: unknown) => unknown) => {
        storage.map.set(key, updater(theirs))
        return Promise.resolve()
      },
    }
    const loaded = await loadDeviceCertificate(deps)
    expect(loaded).toEqual({ certificate: theirs, persistent: true })
  })

  it('lasts for the visit where it cannot be stored (Safari)', async () => {
    const storage = memoryStorage()
    const loaded = await loadDeviceCertificate({
      ...storage.deps,
      update: () => Promise.reject(new DOMException('cannot clone', 'DataCloneError')),
    })
    expect(loaded?.persistent).toBe(false)
    expect(loaded?.certificate.getFingerprints()[0]?.value).toBe('made 1')
  })

  it('lasts for the visit where storage is unavailable', async () => {
    const storage = memoryStorage()
    const loaded = await loadDeviceCertificate({ ...storage.deps, get: blocked, update: blocked })
    expect(loaded?.persistent).toBe(false)
  })

  it('is null where the browser cannot make one', async () => {
    const storage = memoryStorage()
    expect(
      await loadDeviceCertificate({
        ...storage.deps,
        generate: () => Promise.reject(new Error('NotSupportedError')),
      }),
    ).toBeNull()
  })
})
