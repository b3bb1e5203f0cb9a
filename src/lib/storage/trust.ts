/**
 * Devices a person marked as trusted after comparing verification codes, and whether trusted
 * devices may send without asking. Keyed by each device's DTLS certificate fingerprint
 * (signalling/verification.ts, certificateFingerprint): a device keeps its certificate
 * (certificate.ts), and no other device can connect with it, since DTLS makes each side prove it
 * holds the private key. Trystero's peer ids change on every page load, and a claimed id could be
 * copied, so neither could be trusted.
 */
import { get, set } from 'idb-keyval'
import { maxDeviceNameChars } from '../protocol/limits.ts'

export const trustedDevicesKey = 'ferry:trusted-devices'
export const autoAcceptKey = 'ferry:auto-accept'
/** Past this, trusting one more device forgets the one trusted longest ago. */
export const maxTrustedDevices = 200
/** Room for a verification code in words or emoji. */
export const maxCodeChars = 256
/** Room for a few certificate fingerprints, SHA-512 ones included. */
export const maxFingerprintChars = 1024

/**
 * A certificate fingerprint as certificateFingerprint writes it: one or more
 * `<hash function> <HEX:PAIRS>`, sorted, joined by commas.
 */
const fingerprintPattern =
  /^[!-+\--~]+ [0-9A-F]{2}(?::[0-9A-F]{2}){0,63}(?:,[!-+\--~]+ [0-9A-F]{2}(?::[0-9A-F]{2}){0,63})*$/

export const isFingerprint = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= maxFingerprintChars && fingerprintPattern.test(value)

export interface TrustedDevice {
  /** The device's certificate fingerprint: what trust is keyed by. */
  fingerprint: string
  /** Its name when it was last trusted. */
  name: string
  /** The verification code both screens showed when it was trusted, in words. */
  code?: string
  trustedAtMs: number
}

export type TrustInput = Pick<TrustedDevice, 'fingerprint' | 'name' | 'code'>

export type TrustStoreErrorCode = 'invalid-device'

export class TrustStoreError extends Error {
  override readonly name = 'TrustStoreError'

  constructor(
    readonly code: TrustStoreErrorCode,
    readonly detail: string,
  ) {
    super(`ferry: ${code}: ${detail}`)
  }
}

export interface TrustStore {
  /** Most recently trusted first. */
  list(): Promise<TrustedDevice[]>
  /** Trusts a device, or refreshes its name and code if it is trusted already. */
  trust(device: TrustInput): Promise<void>
  forget(fingerprint: string): Promise<void>
  isTrusted(fingerprint: string): Promise<boolean>
  /** Whether trusted devices may send without asking; off unless turned on. */
  getAutoAccept(): Promise<boolean>
  setAutoAccept(on: boolean): Promise<void>
}

export interface TrustStoreDeps {
  get(key: string): Promise<unknown>
  set(key: string, value: unknown): Promise<void>
  nowMs(): number
}

const defaultDeps: TrustStoreDeps = {
  get: (key) => get(key),
  set: (key, value) => set(key, value),
  nowMs: () => Date.now(),
}

const isName = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '' && value.length <= maxDeviceNameChars

const isCode = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= maxCodeChars

/** One stored entry, or null if it is not what trust() writes. */
const parseDevice = (value: unknown): TrustedDevice | null => {
  if (typeof value !== 'object' || value === null) return null
  const { fingerprint, name, code, trustedAtMs } = value as Record<string, unknown>
  if (!isFingerprint(fingerprint) || !isName(name)) return null
  if (typeof trustedAtMs !== 'number' || !Number.isFinite(trustedAtMs)) return null
  if (code === undefined) return { fingerprint, name, trustedAtMs }
  return isCode(code) ? { fingerprint, name, code, trustedAtMs } : null
}

/** What was stored, minus anything malformed, duplicated or over the bound. */
const parseDevices = (value: unknown): TrustedDevice[] => {
  if (!Array.isArray(value)) return []
  const devices = new Map<string, TrustedDevice>()
  for (const entry of value as unknown[]) {
    if (devices.size >= maxTrustedDevices) break
    const device = parseDevice(entry)
    // Stored newest first: the first entry of a fingerprint is the one to keep.
    if (device && !devices.has(device.fingerprint)) devices.set(device.fingerprint, device)
  }
  return [...devices.values()]
}

const copyOf = (device: TrustedDevice): TrustedDevice => ({ ...device })

/**
 * Storage can be missing (private modes, blocked IndexedDB): then trust lasts for this visit only.
 * Every call reads storage afresh, so forgetting a device in one tab holds in the others.
 */
export const createTrustStore = (deps: Partial<TrustStoreDeps> = {}): TrustStore => {
  const storage = { ...defaultDeps, ...deps }
  let memoryDevices: TrustedDevice[] = []
  let memoryAutoAccept = false

  // Calls run one at a time, so two quick trust() calls cannot each overwrite the other's write.
  let queue: Promise<unknown> = Promise.resolve()
  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }

  const readDevices = async (): Promise<TrustedDevice[]> => {
    try {
      memoryDevices = parseDevices(await storage.get(trustedDevicesKey))
    } catch {
      // Unreadable: what this visit trusted is all we know.
    }
    return memoryDevices
  }

  const writeDevices = async (devices: TrustedDevice[]) => {
    memoryDevices = devices
    try {
      await storage.set(trustedDevicesKey, devices)
    } catch {
      // Not persisted; it still holds for this visit.
    }
  }

  return {
    list: () => serialised(async () => (await readDevices()).map(copyOf)),

    trust: ({ fingerprint, name, code }) =>
      serialised(async () => {
        const trimmedName = name.trim().slice(0, maxDeviceNameChars)
        if (!isFingerprint(fingerprint)) {
          throw new TrustStoreError('invalid-device', 'malformed certificate fingerprint')
        }
        if (!isName(trimmedName)) throw new TrustStoreError('invalid-device', 'empty name')
        if (code !== undefined && !isCode(code)) {
          throw new TrustStoreError('invalid-device', 'verification code too long')
        }
        const device: TrustedDevice = {
          fingerprint,
          name: trimmedName,
          trustedAtMs: storage.nowMs(),
        }
        if (code !== undefined) device.code = code
        const others = (await readDevices()).filter((known) => known.fingerprint !== fingerprint)
        await writeDevices([device, ...others].slice(0, maxTrustedDevices))
      }),

    forget: (fingerprint) =>
      serialised(async () => {
        const devices = await readDevices()
        const kept = devices.filter((device) => device.fingerprint !== fingerprint)
        if (kept.length !== devices.length) await writeDevices(kept)
      }),

    isTrusted: (fingerprint) =>
      serialised(async () =>
        (await readDevices()).some((device) => device.fingerprint === fingerprint),
      ),

    getAutoAccept: () =>
      serialised(async () => {
        try {
          // Only a stored `true` turns it on: anything odd leaves the safe default.
          memoryAutoAccept = (await storage.get(autoAcceptKey)) === true
        } catch {
          // Unreadable: keep what this visit chose.
        }
        return memoryAutoAccept
      }),

    setAutoAccept: (on) =>
      serialised(async () => {
        memoryAutoAccept = on
        try {
          await storage.set(autoAcceptKey, on)
        } catch {
          // Not persisted; it still holds for this visit.
        }
      }),
  }
}
