/**
 * What the OS shared into Ferry, kept between the service worker that receives the share
 * (sw.ts) and the page it opens, which takes it out once. In IndexedDB, which holds File objects
 * as they are and is reachable from both; a database of its own, so the worker needs nothing else.
 */
import { createStore, del, get, keys, set } from 'idb-keyval'
import type { SharedItems } from '../pwa/share-target.ts'

/** A share nobody took within this long (the page never opened) is dropped. */
export const shareLifetimeMs = 24 * 60 * 60 * 1000

interface StoredShare extends SharedItems {
  storedAtMs: number
}

export interface ShareInbox {
  put(id: string, items: SharedItems): Promise<void>
  /** The share stored under id, removed as it is taken; null when there is none. */
  take(id: string): Promise<SharedItems | null>
}

export interface ShareInboxDeps {
  get(key: string): Promise<unknown>
  set(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  keys(): Promise<string[]>
  nowMs(): number
}

const isStoredShare = (value: unknown): value is StoredShare => {
  if (typeof value !== 'object' || value === null) return false
  const share = value as Partial<StoredShare>
  return (
    Array.isArray(share.files) &&
    share.files.every((file) => file instanceof Blob && typeof file.name === 'string') &&
    (share.text === null || typeof share.text === 'string') &&
    typeof share.storedAtMs === 'number'
  )
}

const defaultDeps = (): ShareInboxDeps => {
  const store = createStore('ferry-share-inbox', 'shares')
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    keys: async () => (await keys(store)).filter((key): key is string => typeof key === 'string'),
    nowMs: () => Date.now(),
  }
}

export const createShareInbox = (deps: ShareInboxDeps = defaultDeps()): ShareInbox => {
  const dropStale = async () => {
    for (const key of await deps.keys()) {
      const value = await deps.get(key)
      if (!isStoredShare(value) || deps.nowMs() - value.storedAtMs > shareLifetimeMs) {
        await deps.del(key)
      }
    }
  }
  return {
    put: async (id, items) => {
      await dropStale().catch(() => undefined)
      const stored: StoredShare = { ...items, storedAtMs: deps.nowMs() }
      await deps.set(id, stored)
    },
    take: async (id) => {
      const value = await deps.get(id)
      await deps.del(id)
      if (!isStoredShare(value)) return null
      return { files: value.files, text: value.text }
    },
  }
}
