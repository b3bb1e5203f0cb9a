/**
 * Resume records: what a receiver keeps of each accepted transfer until it ends (the offer, the
 * sender's device key, and per file the offset written and flushed at the last ack point with the
 * SHA-256 state there), so that a reopened page can offer to resume it. The bytes themselves are in
 * OPFS (transfer/sink-factory.ts). One IndexedDB database of its own, one entry per transfer.
 */
import { createStore, del, entries, set, type UseStore } from 'idb-keyval'
import { parseControl } from '../protocol/control.ts'
import { isTransferId } from '../protocol/ids.ts'
import type { ResumeFileRecord, ResumeRecord, ResumeStore } from '../transfer/types.ts'

export const resumeDatabaseName = 'ferry-resume'
const storeName = 'records'
/** A saved hash-wasm SHA-256 state is a few hundred bytes; anything much larger is not one. */
const maxHashStateBytes = 4096

const isFileRecord = (value: unknown, sizes: readonly number[]): value is ResumeFileRecord => {
  if (typeof value !== 'object' || value === null) return false
  const { index, offsetBytes, hashState, sha256 } = value as Record<string, unknown>
  const size = typeof index === 'number' ? sizes[index] : undefined
  return (
    size !== undefined &&
    Number.isSafeInteger(offsetBytes) &&
    (offsetBytes as number) >= 0 &&
    (offsetBytes as number) <= size &&
    hashState instanceof Uint8Array &&
    hashState.length <= maxHashStateBytes &&
    (sha256 === undefined || (typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256)))
  )
}

/**
 * A stored value read back as a record, or null: storage may hold anything (an older version,
 * another tab's bug), and its files are checked like an offer from a peer.
 */
export const parseResumeRecord = (value: unknown): ResumeRecord | null => {
  if (typeof value !== 'object' || value === null) return null
  const raw = value as Record<string, unknown>
  const { transferId, peerKey, files, folders, progress, startedAtMs } = raw
  if (!isTransferId(transferId) || typeof peerKey !== 'string' || peerKey.length > 4096) return null
  if (!Number.isSafeInteger(startedAtMs) || !Array.isArray(progress)) return null
  const offer = parseControl({
    type: 'offer',
    transfer: transferId,
    files,
    ...(Array.isArray(folders) && folders.length > 0 ? { folders } : {}),
  })
  if (!offer.ok || offer.message.type !== 'offer') return null
  const sizes = offer.message.files.map((file) => file.size)
  if (!progress.every((file) => isFileRecord(file, sizes))) return null
  return {
    transferId,
    peerKey,
    files: offer.message.files,
    folders: offer.message.folders ?? [],
    progress: progress,
    startedAtMs: startedAtMs as number,
  }
}

/** idb-keyval's calls the store makes, injectable so that tests run over a Map. */
export interface ResumeStoreDeps {
  set(key: string, value: ResumeRecord): Promise<void>
  del(key: string): Promise<void>
  entries(): Promise<[IDBValidKey, unknown][]>
}

const idbDeps = (): ResumeStoreDeps => {
  let store: UseStore | null = null
  // Opened on first use: a page that never receives never creates the database.
  const opened = () => (store ??= createStore(resumeDatabaseName, storeName))
  return {
    set: (key, value) => set(key, value, opened()),
    del: (key) => del(key, opened()),
    entries: () => entries(opened()),
  }
}

/** Storage can be missing (private modes, blocked IndexedDB): then nothing is kept, and nothing breaks. */
export const createResumeStore = (deps: ResumeStoreDeps = idbDeps()): ResumeStore => ({
  put: async (record) => {
    try {
      await deps.set(record.transferId, record)
    } catch {
      // Not kept: a reload then loses this transfer, as without resume.
    }
  },
  delete: async (transferId) => {
    try {
      await deps.del(transferId)
    } catch {
      // Left for list() to return at a later start, where it can be discarded.
    }
  },
  list: async () => {
    try {
      const all = await deps.entries()
      return all.flatMap(([, value]) => parseResumeRecord(value) ?? [])
    } catch {
      return []
    }
  },
})
