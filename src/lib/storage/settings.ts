/** Small persistent data on this device. The only module that imports idb-keyval. */
import { get, set } from 'idb-keyval'

const identityKey = 'ferry:identity'

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
