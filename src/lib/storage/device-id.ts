/**
 * This device's stable id. Trystero gives a device a new peer id on every page load, so peers
 * cannot recognise a device they trusted by it; this id is made once, kept, and sent in `hello`.
 */
import { update } from 'idb-keyval'

export const deviceIdKey = 'ferry:device-id'

/** 128 random bits as unpadded base64url: 22 characters, like room ids. */
const deviceIdBytes = 16
const deviceIdPattern = /^[A-Za-z0-9_-]{22}$/

export const isDeviceId = (value: unknown): value is string =>
  typeof value === 'string' && deviceIdPattern.test(value)

const toBase64Url = (bytes: Uint8Array): string => {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export interface DeviceIdDeps {
  /** idb-keyval's `update`: read and write in one IndexedDB transaction. */
  update(key: string, updater: (old: unknown) => unknown): Promise<void>
  random(bytes: Uint8Array): void
}

export interface DeviceIdStore {
  /** The stored id, made and stored on first use; the same promise for every caller. */
  loadDeviceId(): Promise<string>
}

const defaultDeps: DeviceIdDeps = {
  update: (key, updater) => update(key, updater),
  random: (bytes) => crypto.getRandomValues(bytes),
}

/**
 * Storage can be missing (private modes, blocked IndexedDB): then the id lasts for this visit only,
 * and trusted peers will not recognise this device next time.
 */
export const createDeviceIdStore = (deps: Partial<DeviceIdDeps> = {}): DeviceIdStore => {
  const { update: updateStored, random } = { ...defaultDeps, ...deps }
  let loading: Promise<string> | undefined

  const load = async (): Promise<string> => {
    const bytes = new Uint8Array(deviceIdBytes)
    random(bytes)
    const fresh = toBase64Url(bytes)
    let kept = fresh
    try {
      // One transaction, so two tabs opened at once on a new device still agree on one id.
      await updateStored(deviceIdKey, (old) => (kept = isDeviceId(old) ? old : fresh))
    } catch {
      // Not persisted. If the stored id was read before the write failed, it is still the one kept.
    }
    return kept
  }

  return { loadDeviceId: () => (loading ??= load()) }
}
