/**
 * Devices a person marked as trusted after comparing verification codes, and whether trusted
 * devices may send without asking. Keyed by each device's stable id (device-id.ts), since
 * Trystero's peer ids change on every page load.
 */
import { get, set } from 'idb-keyval'
import { maxDeviceNameChars } from '../protocol/limits.ts'
import { isDeviceId } from './device-id.ts'

export const trustedDevicesKey = 'ferry:trusted-devices'
export const autoAcceptKey = 'ferry:auto-accept'
/** Past this, trusting one more device forgets the one trusted longest ago. */
export const maxTrustedDevices = 200
/** Room for a code in words or emoji, or a certificate fingerprint. */
export const maxFingerprintCodeChars = 256

export interface TrustedDevice {
  /** The device's stable id, as it sent it in `hello`. */
  id: string
  /** Its name when it was last trusted. */
  name: string
  /** The verification code both screens showed when it was trusted. */
  fingerprintCode?: string
  trustedAtMs: number
}

export type TrustInput = Pick<TrustedDevice, 'id' | 'name' | 'fingerprintCode'>

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
  forget(id: string): Promise<void>
  isTrusted(id: string): Promise<boolean>
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

const isFingerprintCode = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= maxFingerprintCodeChars

/** One stored entry, or null if it is not what trust() writes. */
const parseDevice = (value: unknown): TrustedDevice | null => {
  if (typeof value !== 'object' || value === null) return null
  const { id, name, fingerprintCode, trustedAtMs } = value as Record<string, unknown>
  if (!isDeviceId(id) || !isName(name)) return null
  if (typeof trustedAtMs !== 'number' || !Number.isFinite(trustedAtMs)) return null
  if (fingerprintCode === undefined) return { id, name, trustedAtMs }
  return isFingerprintCode(fingerprintCode) ? { id, name, fingerprintCode, trustedAtMs } : null
}

/** What was stored, minus anything malformed, duplicated or over the bound. */
const parseDevices = (value: unknown): TrustedDevice[] => {
  if (!Array.isArray(value)) return []
  const devices = new Map<string, TrustedDevice>()
  for (const entry of value as unknown[]) {
    if (devices.size >= maxTrustedDevices) break
    const device = parseDevice(entry)
    // Stored newest first: the first entry of an id is the one to keep.
    if (device && !devices.has(device.id)) devices.set(device.id, device)
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

    trust: ({ id, name, fingerprintCode }) =>
      serialised(async () => {
        const trimmedName = name.trim().slice(0, maxDeviceNameChars)
        if (!isDeviceId(id)) throw new TrustStoreError('invalid-device', 'malformed device id')
        if (!isName(trimmedName)) throw new TrustStoreError('invalid-device', 'empty name')
        if (fingerprintCode !== undefined && !isFingerprintCode(fingerprintCode)) {
          throw new TrustStoreError('invalid-device', 'fingerprint code too long')
        }
        const device: TrustedDevice = { id, name: trimmedName, trustedAtMs: storage.nowMs() }
        if (fingerprintCode !== undefined) device.fingerprintCode = fingerprintCode
        const others = (await readDevices()).filter((known) => known.id !== id)
        await writeDevices([device, ...others].slice(0, maxTrustedDevices))
      }),

    forget: (id) =>
      serialised(async () => {
        const devices = await readDevices()
        const kept = devices.filter((device) => device.id !== id)
        if (kept.length !== devices.length) await writeDevices(kept)
      }),

    isTrusted: (id) =>
      serialised(async () => (await readDevices()).some((device) => device.id === id)),

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
