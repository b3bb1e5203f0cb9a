/**
 * Decides where each received file goes, and cleans up after transfers. Per file:
 * 1. a destination the person picked for the transfer (pickers.ts, picked-sink.ts);
 * 2. else, for a small file while the memory budget lasts, memory (memory-sink.ts);
 * 3. else OPFS (opfs-sink.ts: the writer worker, else createWritable), else memory.
 *
 * OPFS files live in `ferry-incoming/<transferId>/<fileIndex>`: names we choose, never the
 * peer's. A transfer's folder is deleted by release() once the person is done with it, or by
 * purgeStale() at a later start if the tab closed or crashed first. While a tab uses a folder it
 * holds a Web Lock named after it, so another tab's purgeStale() leaves it alone.
 */
import { isTransferId } from '../protocol/ids.ts'
import { createLazySink, removeEntryQuietly, type DirectoryHandleLike } from './disk-sink.ts'
import {
  createOpfsSink,
  reopenOpfsSink,
  opfsIncomingFolder,
  type OpfsFolder,
  type OpfsWorkerClient,
} from './opfs-sink.ts'
import type { Destination } from './pickers.ts'
import type { OfferedFile, Sink } from './types.ts'

/**
 * Files up to this size stay in memory. Below it a file costs little memory (and the memory sink
 * gathers it into Blobs the browser may page out), and many small files, say a folder of photos,
 * skip creating, flushing and deleting a disk file each. Above it memory would grow with the file,
 * which is what OPFS is for.
 */
export const defaultMemoryThresholdBytes = 16 * 1024 * 1024

/**
 * Memory all unreleased transfers may hold in small files together; beyond it, small files go to
 * OPFS too, so that ten thousand files of 16 MiB do not add up in memory.
 */
export const defaultMemoryBudgetBytes = 128 * 1024 * 1024

/** The Web Locks API (navigator.locks), as far as the factory uses it. */
export interface LocksLike {
  request(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<void>
}

export interface SinkFactoryDeps {
  /** The OPFS root; null where there is none. Called at most once, on first need. */
  opfsRoot(): Promise<DirectoryHandleLike | null>
  /** Starts the OPFS writer worker; null where workers cannot be used. Called at most once. */
  startWorker: (() => OpfsWorkerClient) | null
  createMemorySink(type: string): Sink
  /** Web Locks, so tabs do not purge each other's folders; null where missing. */
  locks: LocksLike | null
  memoryThresholdBytes?: number
  memoryBudgetBytes?: number
}

export interface SinkFactory {
  /** A sink for one accepted incoming file (TransferManagerDeps.createSink). */
  createSink(transferId: string, file: OfferedFile): Sink
  /**
   * The file's OPFS file reopened at `offsetBytes` (TransferManagerDeps.reopenSink). Null for files
   * that went to memory or to a picked destination, whose partial bytes cannot be continued: those
   * start again from 0.
   */
  reopenSink(transferId: string, file: OfferedFile, offsetBytes: number): Promise<Sink | null>
  /** Files of this transfer created from now on go to `destination`. Set it before accepting. */
  setDestination(transferId: string, destination: Destination): void
  /**
   * The person is done with an ended transfer: aborts its unfinished sinks and deletes its OPFS
   * folder. The Blobs handed over for it stop being readable. Never rejects; what cannot be
   * deleted now, purgeStale() deletes at a later start.
   */
  release(transferId: string): Promise<void>
  /**
   * Deletes the OPFS folders of transfers that are neither in `activeTransferIds` (say, the ones
   * with a resume record, whose partial files a resume continues), nor known to this factory, nor
   * in use by another tab. Call at start. Never rejects.
   */
  purgeStale(activeTransferIds: Iterable<string>): Promise<void>
}

/** A transfer's OPFS folder, and `ferry-incoming`, which holds it. */
type TransferFolder = OpfsFolder & { parent: DirectoryHandleLike }

interface TransferEntry {
  destination: Destination | null
  /** Disk sinks not yet closed or aborted: release() aborts them. */
  openSinks: Set<Sink>
  /** Bytes of this transfer's files held in memory sinks. */
  memoryBytes: number
  /** The transfer's OPFS folder, made (with its lock) on first need. */
  folder: Promise<TransferFolder | null> | null
  unlock: (() => void) | null
}

const lockName = (transferId: string): string => `${opfsIncomingFolder}:${transferId}`

/** Holds a Web Lock until the returned function is called; resolves once it is granted. */
const holdLock = (locks: LocksLike, name: string): Promise<() => void> =>
  new Promise((granted, failed) => {
    locks.request(name, {}, () => new Promise<void>((release) => granted(release))).catch(failed)
  })

export const createSinkFactory = (deps: SinkFactoryDeps): SinkFactory => {
  const thresholdBytes = deps.memoryThresholdBytes ?? defaultMemoryThresholdBytes
  const budgetBytes = deps.memoryBudgetBytes ?? defaultMemoryBudgetBytes
  const transfers = new Map<string, TransferEntry>()
  let memoryBytes = 0
  let root: Promise<DirectoryHandleLike | null> | null = null
  let worker: OpfsWorkerClient | null | undefined

  const opfsRoot = (): Promise<DirectoryHandleLike | null> =>
    (root ??= deps.opfsRoot().catch(() => null))

  const workerClient = (): OpfsWorkerClient | null => {
    if (worker === undefined) {
      try {
        worker = deps.startWorker?.() ?? null
      } catch {
        worker = null
      }
    }
    return worker
  }

  const entryFor = (transferId: string): TransferEntry => {
    let entry = transfers.get(transferId)
    if (entry === undefined) {
      entry = {
        destination: null,
        openSinks: new Set(),
        memoryBytes: 0,
        folder: null,
        unlock: null,
      }
      transfers.set(transferId, entry)
    }
    return entry
  }

  const openFolder = (transferId: string, entry: TransferEntry): Promise<TransferFolder | null> =>
    (entry.folder ??= (async () => {
      const rootDir = await opfsRoot()
      if (rootDir === null) return null
      // Locked before the folder exists, so no other tab can see it unlocked.
      if (deps.locks !== null) entry.unlock = await holdLock(deps.locks, lockName(transferId))
      const parent = await rootDir.getDirectoryHandle(opfsIncomingFolder, { create: true })
      const dir = await parent.getDirectoryHandle(transferId, { create: true })
      return { dir, parent, path: [opfsIncomingFolder, transferId] }
    })())

  /** Forgets a disk sink once it is closed or aborted. */
  const tracked = (entry: TransferEntry, sink: Sink): Sink => {
    entry.openSinks.add(sink)
    return {
      write: (bytes) => sink.write(bytes),
      ...(sink.flush === undefined
        ? {}
        : { flush: () => sink.flush?.() ?? Promise.resolve(false) }),
      async detach() {
        await sink.detach?.()
        entry.openSinks.delete(sink)
      },
      async close() {
        const blob = await sink.close()
        entry.openSinks.delete(sink)
        return blob
      },
      async abort() {
        try {
          await sink.abort()
        } finally {
          entry.openSinks.delete(sink)
        }
      },
    }
  }

  /** A memory sink whose size counts against the budget until aborted or released. */
  const budgeted = (transferId: string, entry: TransferEntry, file: OfferedFile): Sink => {
    const sink = deps.createMemorySink(file.type)
    let counted = file.size
    entry.memoryBytes += counted
    memoryBytes += counted
    return {
      write: (bytes) => sink.write(bytes),
      close: () => sink.close(),
      abort() {
        // After release() the transfer's bytes are uncounted already.
        if (transfers.get(transferId) === entry) {
          entry.memoryBytes -= counted
          memoryBytes -= counted
        }
        counted = 0
        return sink.abort()
      },
    }
  }

  const pickedSink = (entry: TransferEntry, file: OfferedFile): Sink | null => {
    const { destination } = entry
    if (destination === null || (destination.kind === 'file' && file.index !== 0)) return null
    // Loaded on first use: most transfers are never saved to a picked place.
    return createLazySink(async () => {
      const picked = await import('./picked-sink.ts')
      return destination.kind === 'folder'
        ? picked.createPickedFolderSink(destination.handle, file)
        : picked.createPickedFileSink(destination.handle, file.type)
    })
  }

  return {
    createSink(transferId, file) {
      // Both become OPFS names: check them, whatever the protocol layer already did.
      if (!isTransferId(transferId) || !Number.isSafeInteger(file.index) || file.index < 0) {
        throw new Error(`ferry: no sink for file ${file.index} of transfer ${transferId}`)
      }
      const entry = entryFor(transferId)
      const picked = pickedSink(entry, file)
      if (picked !== null) return tracked(entry, picked)
      if (file.size <= thresholdBytes && memoryBytes + file.size <= budgetBytes) {
        return budgeted(transferId, entry, file)
      }
      return tracked(
        entry,
        createOpfsSink({
          folder: () => openFolder(transferId, entry),
          name: String(file.index),
          type: file.type,
          sizeBytes: file.size,
          worker: workerClient,
          fallback: () => deps.createMemorySink(file.type),
        }),
      )
    },

    async reopenSink(transferId, file, offsetBytes) {
      if (!isTransferId(transferId) || !Number.isSafeInteger(file.index) || file.index < 0) {
        return null
      }
      const entry = entryFor(transferId)
      if (entry.destination !== null) return null
      const sink = await reopenOpfsSink(
        {
          folder: () => openFolder(transferId, entry),
          name: String(file.index),
          type: file.type,
          sizeBytes: file.size,
          worker: workerClient,
        },
        offsetBytes,
      )
      return sink === null ? null : tracked(entry, sink)
    },

    setDestination(transferId, destination) {
      entryFor(transferId).destination = destination
    },

    async release(transferId) {
      const entry = transfers.get(transferId)
      if (entry === undefined) return
      transfers.delete(transferId)
      memoryBytes -= entry.memoryBytes
      await Promise.allSettled([...entry.openSinks].map((sink) => sink.abort()))
      const folder = await entry.folder?.catch(() => null)
      try {
        if (folder) await removeEntryQuietly(folder.parent, transferId, true)
      } catch {
        // Left for purgeStale() at a later start.
      } finally {
        entry.unlock?.()
      }
    },

    async purgeStale(activeTransferIds) {
      const keep = new Set([...activeTransferIds, ...transfers.keys()])
      try {
        const rootDir = await opfsRoot()
        if (rootDir === null) return
        let parent: DirectoryHandleLike
        try {
          parent = await rootDir.getDirectoryHandle(opfsIncomingFolder)
        } catch {
          return // nothing received yet
        }
        const names: string[] = []
        for await (const name of parent.keys()) if (!keep.has(name)) names.push(name)
        for (const name of names) {
          const remove = (): Promise<void> => removeEntryQuietly(parent, name, true)
          try {
            if (deps.locks === null) await remove()
            else {
              await deps.locks.request(lockName(name), { ifAvailable: true }, async (lock) => {
                if (lock !== null) await remove()
              })
            }
          } catch {
            // In use or not deletable now: a later start tries again.
          }
        }
      } catch {
        // Cleaning up is best effort.
      }
    },
  }
}
