/** Small persistent data on this device. The only module that imports idb-keyval. */
import { del, get, set } from 'idb-keyval'

const identityKey = 'ferry:identity'
const connectionKey = 'ferry:connection'

export interface StoredIdentity {
  name: string
}

export interface SettingsStore {
  loadIdentity(): Promise<StoredIdentity | undefined>
  saveIdentity(identity: StoredIdentity): Promise<void>
}

const isStoredIdentity = (value: unknown): value is StoredIdentity =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { name?: unknown }).name === 'string'

/** Storage can be missing (private modes, blocked IndexedDB): then nothing persists, and nothing breaks. */
export const createSettingsStore = (): SettingsStore => ({
  loadIdentity: async () => {
    try {
      const value: unknown = await get(identityKey)
      return isStoredIdentity(value) ? value : undefined
    } catch {
      return undefined
    }
  },
  saveIdentity: async (identity) => {
    try {
      await set(identityKey, identity)
    } catch {
      // Not persisted; the name still works for this visit.
    }
  },
})

/**
 * Relays and ICE servers chosen on this device (Settings → Connection): the same shape as the
 * build- and serve-time overrides, applied on the next start. Stored values are read back as
 * untrusted (signalling/config.ts parseOverrides), so this store does not interpret them.
 */
export interface ConnectionSettingsStore {
  load(): Promise<unknown>
  save(overrides: object): Promise<void>
  /** Back to the defaults (built-in, build- or serve-time). */
  clear(): Promise<void>
}

export const createConnectionSettingsStore = (): ConnectionSettingsStore => ({
  load: async () => {
    try {
      return (await get(connectionKey)) as unknown
    } catch {
      return undefined
    }
  },
  // Unlike the name, these settings must not silently fail to persist: the form says so.
  save: (overrides) => set(connectionKey, overrides),
  clear: () => del(connectionKey),
})
