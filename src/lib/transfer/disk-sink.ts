/**
 * What the disk sinks (the Origin Private File System, a file or folder the person picked) share:
 * the small part of the File System API they use, typed structurally so that unit tests can run
 * them against an in-memory fake, and a sink that opens its file on first use (createSink must
 * answer at once; opening a file cannot).
 */
import type { Sink } from './types.ts'

/** FileSystemWritableFileStream, as far as the sinks use it. */
export interface WritableLike {
  write(data: Uint8Array<ArrayBuffer>): Promise<void>
  close(): Promise<void>
  abort(reason?: unknown): Promise<void>
}

/**
 * FileSystemSyncAccessHandle (dedicated workers only). Safari before 17 returned promises from
 * truncate, flush and close, so callers await them.
 */
export interface SyncAccessHandleLike {
  write(buffer: Uint8Array<ArrayBuffer>, options?: { at?: number }): number
  getSize(): number | Promise<number>
  truncate(newSize: number): void | Promise<void>
  flush(): void | Promise<void>
  close(): void | Promise<void>
}

/** FileSystemFileHandle, as far as the sinks use it; the optional methods are feature-detected. */
export interface FileHandleLike {
  readonly kind: 'file'
  readonly name: string
  getFile(): Promise<File>
  createWritable?(options?: { keepExistingData?: boolean }): Promise<WritableLike>
  /** Only in dedicated workers, and only for OPFS files. */
  createSyncAccessHandle?(): Promise<SyncAccessHandleLike>
  /** Chromium only: removes the entry the handle points to (the one way to delete a picked file). */
  remove?(): Promise<void>
}

/** FileSystemDirectoryHandle, as far as the sinks use it. */
export interface DirectoryHandleLike {
  readonly kind: 'directory'
  readonly name: string
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandleLike>
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike>
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>
  keys(): AsyncIterable<string>
}

/** This browser lacks a storage feature a sink needs: the caller tries the next kind of sink. */
export class SinkUnsupportedError extends Error {
  override readonly name = 'SinkUnsupportedError'
}

/** Storage ran out (a QuotaExceededError, also one that crossed a worker as text). */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError'
}

/** The `name` of a DOMException (or of any error), '' for anything else. */
export const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : ''

/** `name: message`, for errors that must cross a worker boundary or end up in a log. */
export const describeError = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error
    ? `${errorName(error) || 'Error'}: ${String(error.message)}`
    : String(error)

/** Whether a failure means the storage is full, whichever layer it came through. */
export const isStorageFull = (error: unknown): boolean =>
  error instanceof StorageFullError || errorName(error) === 'QuotaExceededError'

/** Removes an entry; one that is gone already is fine. */
export const removeEntryQuietly = async (
  dir: DirectoryHandleLike,
  name: string,
  recursive = false,
): Promise<void> => {
  try {
    await dir.removeEntry(name, { recursive })
  } catch (error) {
    if (errorName(error) !== 'NotFoundError') throw error
  }
}

/** The disk-backed file as a Blob of the offered type; slicing a file-backed Blob reads nothing. */
export const withType = (file: File, type: string): Blob =>
  file.type === type ? file : file.slice(0, file.size, type)

/** The bytes as a view of a plain ArrayBuffer (what the File System API takes); copied only if shared. */
export const asArrayBufferView = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)

/**
 * A sink writing through createWritable(): the browser gathers the bytes in a swap file and moves
 * them into place on close, so an aborted write never touches the target. `removeTarget` runs on
 * abort, after the swap file is dropped.
 */
export const openWritableSink = async (
  handle: FileHandleLike,
  type: string,
  removeTarget: () => Promise<void>,
): Promise<Sink> => {
  if (handle.createWritable === undefined) {
    throw new SinkUnsupportedError('ferry: this browser cannot write files (no createWritable)')
  }
  const writable = await handle.createWritable({ keepExistingData: false })
  return {
    write: (bytes) => writable.write(asArrayBufferView(bytes)),
    // The bytes sit in a swap file until close: nothing survives the page, nothing to reopen.
    flush: () => Promise.resolve(false),
    async close() {
      await writable.close()
      return withType(await handle.getFile(), type)
    },
    async abort() {
      try {
        await writable.abort()
      } catch {
        // A stream that failed is closed already; its swap file is gone with it.
      }
      await removeTarget()
    },
  }
}

/**
 * A sink that opens its storage (`open`) on first use. Calls run one after another, so an abort
 * waits for a write or close in progress; abort after a successful close keeps the file (it has
 * been handed over), and abort before anything was opened has nothing to drop.
 */
export const createLazySink = (open: () => Promise<Sink>): Sink => {
  let opened: Promise<Sink> | null = null
  let tail: Promise<unknown> = Promise.resolve()
  let state: 'open' | 'closing' | 'aborted' | 'detached' = 'open'
  let closedOk = false

  const target = (): Promise<Sink> => (opened ??= open())
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const result = tail.then(step)
    tail = result.catch(() => undefined)
    return result
  }

  return {
    write(bytes) {
      if (state !== 'open') return Promise.reject(new Error('ferry: write to a closed sink'))
      return serial(async () => (await target()).write(bytes))
    },
    close() {
      if (state !== 'open') return Promise.reject(new Error('ferry: sink closed twice'))
      state = 'closing'
      return serial(async () => {
        const blob = await (await target()).close()
        closedOk = true
        return blob
      })
    },
    abort() {
      if (state === 'aborted') return Promise.resolve()
      state = 'aborted'
      return serial(async () => {
        if (opened === null || closedOk) return
        // A sink that failed to open cleaned up after itself.
        const sink = await opened.catch(() => null)
        await sink?.abort()
      })
    },
    flush() {
      if (state !== 'open' || opened === null) return Promise.resolve(false)
      return serial(async () => (await (await target()).flush?.()) ?? false)
    },
    detach() {
      if (state !== 'open') return Promise.resolve()
      state = 'detached'
      return serial(async () => {
        const sink = await opened?.catch(() => null)
        await sink?.detach?.()
      })
    },
  }
}
