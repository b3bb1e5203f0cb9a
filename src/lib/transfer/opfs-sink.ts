/**
 * Sinks that write a received file into the Origin Private File System as it arrives, so a file
 * of any size passes through the page with flat memory, and hand it over as the disk-backed File.
 * Two ways to write, tried in this order:
 * - the shared writer worker (opfs-worker.ts) with a sync access handle: in place, no swap copy
 *   (Chromium, Firefox, Safari 15.2+, whose sync access handles exist only in workers);
 * - createWritable() on the page, where the worker cannot write (no sync access handles, or no
 *   worker).
 * Where OPFS cannot be written at all, the sink becomes the fallback it is given (memory).
 */
import {
  createLazySink,
  describeError,
  openWritableSink,
  removeEntryQuietly,
  StorageFullError,
  SinkUnsupportedError,
  withType,
  type DirectoryHandleLike,
} from './disk-sink.ts'
import type {
  OpfsWorkerCommand,
  OpfsWorkerReply,
  OpfsWorkerRequest,
} from './opfs-worker-protocol.ts'
import type { Sink } from './types.ts'

/** The OPFS folder for received files: one folder per transfer, one file per file index. */
export const opfsIncomingFolder = 'ferry-incoming'

/**
 * The size of the buffers that carry writes to the worker and back. The page copies what it is
 * given into one (a memcpy, a fraction of a millisecond per MiB) until it is full, then hands it
 * over: each write costs the worker a call into the browser's storage, and Chromium an IPC and a
 * copy per call, so fewer, larger writes cost less per byte (`npm run bench:opfs`: in an
 * off-the-record context, 19 ms of CPU per MiB in 252 KiB writes, 14 in 1 MiB ones, the size
 * reserved; on disk under 1 either way). The page does not hand over the received frames
 * themselves: a frame handed over becomes garbage in the worker, and V8 frees such buffers only
 * when a collection runs, which it puts off until tens of MiB of them have piled up (the receiving
 * page's heap peaked at 78-86 MiB on 256 MiB). The worker gives each buffer back with its reply,
 * so the same few go round.
 */
export const writeBufferBytes = 1024 * 1024

/**
 * Bytes handed to the worker and not yet acknowledged, per file: two buffers, so the worker
 * always has one to write while the page fills the next (one round trip to the worker per buffer
 * would leave it idle), while a slow disk still pushes back on the receiver's window after at
 * most this much (and the buffer being filled).
 */
export const opfsWritesInFlightBytes = 2 * writeBufferBytes

/**
 * Buffers kept for reuse: enough for every write in flight, the one being filled, and the one a
 * write may start past the bound before it waits.
 */
export const maxPooledWriteBuffers = opfsWritesInFlightBytes / writeBufferBytes + 2

/** The page's end of the writer worker, shared by every OPFS sink. */
export interface OpfsWorkerClient {
  /** A fresh file id for `open`. */
  nextId(): number
  /** A writeBufferBytes buffer to fill and send with a write: one the worker gave back, or new. */
  writeBuffer(): ArrayBuffer
  /** Sends a command; resolves on the worker's success reply. */
  request(command: OpfsWorkerCommand, transfer?: Transferable[]): Promise<void>
  /** Every message from the worker. */
  receive(message: unknown): void
  /** The worker died or never started: every request fails with `error`, now and later. */
  fail(error: Error): void
}

const isReply = (value: unknown): value is OpfsWorkerReply =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { request?: unknown }).request === 'number' &&
  typeof (value as { ok?: unknown }).ok === 'boolean' &&
  ((value as { buffer?: unknown }).buffer === undefined ||
    (value as { buffer?: unknown }).buffer instanceof ArrayBuffer)

export const createOpfsWorkerClient = (
  post: (request: OpfsWorkerRequest, transfer: Transferable[]) => void,
): OpfsWorkerClient => {
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()
  let nextRequest = 1
  let nextFileId = 1
  let dead: Error | null = null
  /** Once the worker says it cannot write here, later files skip it at once. */
  let unsupported: Error | null = null
  const pooled: ArrayBuffer[] = []

  return {
    nextId: () => nextFileId++,
    writeBuffer: () => pooled.pop() ?? new ArrayBuffer(writeBufferBytes),
    request(command, transfer = []) {
      if (dead !== null) return Promise.reject(dead)
      if (unsupported !== null && command.type === 'open') return Promise.reject(unsupported)
      const request = nextRequest++
      return new Promise<void>((resolve, reject) => {
        pending.set(request, { resolve, reject })
        try {
          post({ ...command, request }, transfer)
        } catch (error) {
          pending.delete(request)
          reject(new Error(`ferry: cannot reach the OPFS worker: ${describeError(error)}`))
        }
      })
    },
    receive(message) {
      if (!isReply(message)) return
      const waiter = pending.get(message.request)
      if (waiter === undefined) return
      pending.delete(message.request)
      if (message.ok) {
        const { buffer } = message
        if (buffer?.byteLength === writeBufferBytes && pooled.length < maxPooledWriteBuffers) {
          pooled.push(buffer)
        }
        waiter.resolve()
      } else if (message.quota === true) {
        waiter.reject(new StorageFullError(`ferry: OPFS worker: ${message.error}`))
      } else if (message.unsupported) {
        unsupported = new SinkUnsupportedError(`ferry: ${message.error}`)
        waiter.reject(unsupported)
      } else {
        waiter.reject(new Error(`ferry: OPFS worker: ${message.error}`))
      }
    },
    fail(error) {
      dead ??= error
      for (const waiter of pending.values()) waiter.reject(dead)
      pending.clear()
    },
  }
}

/** Starts the writer worker (Vite bundles opfs-worker.ts as a chunk of its own). Browser only. */
export const startOpfsWorker = (): OpfsWorkerClient => {
  const worker = new Worker(new URL('./opfs-worker.ts', import.meta.url), {
    type: 'module',
    name: 'ferry-opfs',
  })
  const client = createOpfsWorkerClient((request, transfer) =>
    worker.postMessage(request, transfer),
  )
  worker.addEventListener('message', (event: MessageEvent<unknown>) => client.receive(event.data))
  worker.addEventListener('error', (event) => {
    // Failing to load (or crashing) means this page writes OPFS files another way from now on.
    client.fail(
      new SinkUnsupportedError(`ferry: the OPFS worker stopped: ${event.message || 'no details'}`),
    )
    worker.terminate()
  })
  return client
}

/** A file written by the worker; `dir` is the page's handle to its folder, for getFile(). */
const openWorkerSink = async (
  client: OpfsWorkerClient,
  dir: DirectoryHandleLike,
  path: readonly string[],
  name: string,
  type: string,
  sizeBytes: number | undefined,
  atBytes?: number,
): Promise<Sink> => {
  const id = client.nextId()
  await client.request({
    type: 'open',
    id,
    path: [...path, name],
    atBytes,
    sizeBytes,
  })

  /** Writes the worker has not answered yet, oldest first (it answers in order). */
  const unanswered: Promise<void>[] = []
  let unansweredBytes = 0
  /** The buffer being filled, and how much of it is. */
  let filling: ArrayBuffer | null = null
  let filledBytes = 0
  /** The first failed write: later writes would leave a gap, so the file is lost. */
  let failure: Error | null = null
  const throwIfFailed = (): void => {
    if (failure !== null) throw failure
  }
  /** Hands what the buffer being filled holds to the worker. */
  const send = (): void => {
    if (filling === null || filledBytes === 0) return
    const buffer = filling
    const length = filledBytes
    filling = null
    filledBytes = 0
    const done = client
      .request({ type: 'write', id, buffer, byteOffset: 0, byteLength: length }, [buffer])
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(describeError(error))
      })
      .then(() => {
        void unanswered.shift()
        unansweredBytes -= length
      })
    unanswered.push(done)
    unansweredBytes += length
  }
  /** Sends what is buffered and waits for every write to be answered. */
  const drain = async (): Promise<void> => {
    send()
    await unanswered[unanswered.length - 1]
  }

  return {
    async write(bytes) {
      throwIfFailed()
      // All of it is copied before the first await, so writes never interleave.
      for (let at = 0; at < bytes.byteLength;) {
        filling ??= client.writeBuffer()
        const length = Math.min(bytes.byteLength - at, filling.byteLength - filledBytes)
        new Uint8Array(filling, filledBytes, length).set(bytes.subarray(at, at + length))
        filledBytes += length
        at += length
        if (filledBytes === filling.byteLength) send()
      }
      while (unansweredBytes > opfsWritesInFlightBytes) await unanswered[0]
      throwIfFailed()
    },
    async close() {
      await drain()
      throwIfFailed()
      await client.request({ type: 'close', id })
      const handle = await dir.getFileHandle(name)
      return withType(await handle.getFile(), type)
    },
    async flush() {
      await drain()
      throwIfFailed()
      await client.request({ type: 'flush', id })
      return true
    },
    async detach() {
      await drain()
      await client.request({ type: 'detach', id })
    },
    async abort() {
      filling = null
      filledBytes = 0
      await drain()
      try {
        await client.request({ type: 'abort', id })
      } catch {
        // The worker could not close or remove it; removing it from here may still work.
      }
      await removeEntryQuietly(dir, name)
    },
  }
}

/** A transfer's folder in OPFS, and its path from the OPFS root (for the worker). */
export interface OpfsFolder {
  dir: DirectoryHandleLike
  path: readonly string[]
}

export interface OpfsSinkOptions {
  /** The folder the file goes in, created if needed; null where there is no OPFS. */
  folder(): Promise<OpfsFolder | null>
  /** The file's name in that folder: chosen by us, never by the peer. */
  name: string
  /** MIME type of the Blob close() returns. */
  type: string
  /** The file's final size, if known: the writer reserves it before the first write. */
  sizeBytes?: number
  /** The shared writer worker (started on first use), or null where there is none. */
  worker(): OpfsWorkerClient | null
  /** The sink to use where OPFS cannot be written at all. */
  fallback(): Sink
}

/** A sink writing one file into OPFS; opens the file on the first write (or close). */
export const createOpfsSink = (options: OpfsSinkOptions): Sink =>
  createLazySink(async () => {
    const folder = await options.folder()
    if (folder === null) return options.fallback()
    const { dir, path } = folder
    const { name, type } = options
    const client = options.worker()
    if (client !== null) {
      try {
        return await openWorkerSink(client, dir, path, name, type, options.sizeBytes)
      } catch (error) {
        if (!(error instanceof SinkUnsupportedError)) throw error
      }
    }
    try {
      const handle = await dir.getFileHandle(name, { create: true })
      return await openWritableSink(handle, type, () => removeEntryQuietly(dir, name))
    } catch (error) {
      if (!(error instanceof SinkUnsupportedError)) throw error
      await removeEntryQuietly(dir, name)
      return options.fallback()
    }
  })

/**
 * A file of an earlier (or interrupted) sink reopened at `atBytes` to go on writing there, through
 * the writer worker; null where that cannot be done (no worker, no such file, fewer bytes in it):
 * the file then starts again from 0. The createWritable() path cannot reopen: its bytes only land
 * on close.
 */
export const reopenOpfsSink = async (
  options: Omit<OpfsSinkOptions, 'fallback'>,
  atBytes: number,
): Promise<Sink | null> => {
  try {
    const folder = await options.folder()
    const client = options.worker()
    if (folder === null || client === null) return null
    const sink = await openWorkerSink(
      client,
      folder.dir,
      folder.path,
      options.name,
      options.type,
      options.sizeBytes,
      atBytes,
    )
    return createLazySink(() => Promise.resolve(sink))
  } catch {
    return null
  }
}

/** The OPFS root, or null where the browser has none or refuses it (some private windows). */
export const getOpfsRoot = async (
  storage: { getDirectory?(): Promise<unknown> } | undefined = globalThis.navigator?.storage,
): Promise<DirectoryHandleLike | null> => {
  if (typeof storage?.getDirectory !== 'function') return null
  try {
    return (await storage.getDirectory()) as DirectoryHandleLike
  } catch {
    return null
  }
}
