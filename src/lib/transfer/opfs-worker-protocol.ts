/**
 * The messages between the page and the OPFS writer worker (opfs-worker.ts), and the worker's
 * side of them as plain functions, so they are tested without a Worker.
 *
 * One worker serves every OPFS sink of the page: a request names its file by `id` (chosen by the
 * page) and every request gets exactly one reply, matched by `request`. The worker handles
 * requests one at a time, in the order they came, so the page may send a file's writes without
 * waiting for each reply.
 */
import { describeError, type DirectoryHandleLike, type SyncAccessHandleLike } from './disk-sink.ts'

/** What the page asks of the worker, before it is numbered. */
export type OpfsWorkerCommand =
  /**
   * Create (or empty) the file at `path` from the OPFS root, creating its folders; with `atBytes`,
   * reopen an existing file holding at least that many bytes, cut it there, and append from there.
   * With `sizeBytes` (the file's final size), the file is grown to it at once where the storage
   * allows, so the writes fill it in place (see reserve()).
   */
  | {
      type: 'open'
      id: number
      path: string[]
      atBytes?: number | undefined
      sizeBytes?: number | undefined
    }
  /** Append `byteLength` bytes of `buffer` from `byteOffset` (the buffer is transferred). */
  | { type: 'write'; id: number; buffer: ArrayBuffer; byteOffset: number; byteLength: number }
  /** Flush and close: the file is complete. */
  | { type: 'close'; id: number }
  /** Flush what was written so far to disk (a resume point). */
  | { type: 'flush'; id: number }
  /** Flush and close, keeping the file as it is, even after a failed write (to reopen it later). */
  | { type: 'detach'; id: number }
  /** Close and delete the file. */
  | { type: 'abort'; id: number }

export type OpfsWorkerRequest = OpfsWorkerCommand & { request: number }

export type OpfsWorkerReply =
  /** A write's reply gives its buffer back (transferred), for the page to fill again. */
  | { request: number; ok: true; buffer?: ArrayBuffer }
  /**
   * `unsupported`: the worker cannot write OPFS files here at all (try another way). `quota`: the
   * storage is full.
   */
  | { request: number; ok: false; unsupported: boolean; quota?: boolean; error: string }

/** Deepest path the page ever asks for (ferry-incoming/<transfer>/<file>), with room to spare. */
export const maxWorkerPathSegments = 8

export interface OpfsWorkerEnv {
  getRoot(): Promise<DirectoryHandleLike>
}

interface WorkerFile {
  dir: DirectoryHandleLike
  name: string
  access: SyncAccessHandleLike
  offsetBytes: number
  /** The file's size on storage, past offsetBytes while a reservation is unfilled. */
  sizeBytes: number
  /** Set by the first failed write: later writes would leave a gap, so they fail too. */
  failure: string | null
}

export interface OpfsWorkerState {
  files: Map<number, WorkerFile>
}

export const createOpfsWorkerState = (): OpfsWorkerState => ({ files: new Map() })

const isSafeSegment = (segment: unknown): segment is string =>
  typeof segment === 'string' &&
  segment.length > 0 &&
  segment.length <= 255 &&
  segment !== '.' &&
  segment !== '..' &&
  !['/', '\\', '\0'].some((forbidden) => segment.includes(forbidden))

/** Absent, or a byte count: a safe integer, not negative. */
const isOptionalByteCount = (value: unknown): boolean =>
  value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0)

/** The page is the only sender, but a message is still checked before it reaches the file system. */
export const isOpfsWorkerRequest = (value: unknown): value is OpfsWorkerRequest => {
  if (typeof value !== 'object' || value === null) return false
  const message = value as Record<string, unknown>
  if (!Number.isSafeInteger(message['request']) || !Number.isSafeInteger(message['id'])) {
    return false
  }
  switch (message['type']) {
    case 'open': {
      const path = message['path']
      return (
        Array.isArray(path) &&
        path.length > 0 &&
        path.length <= maxWorkerPathSegments &&
        path.every(isSafeSegment) &&
        isOptionalByteCount(message['atBytes']) &&
        isOptionalByteCount(message['sizeBytes'])
      )
    }
    case 'write': {
      const { buffer, byteOffset, byteLength } = message
      return (
        buffer instanceof ArrayBuffer &&
        typeof byteOffset === 'number' &&
        typeof byteLength === 'number' &&
        Number.isSafeInteger(byteOffset) &&
        Number.isSafeInteger(byteLength) &&
        byteOffset >= 0 &&
        byteLength >= 0 &&
        byteOffset + byteLength <= buffer.byteLength
      )
    }
    case 'close':
    case 'abort':
    case 'flush':
    case 'detach':
      return true
    default:
      return false
  }
}

const ok = (request: number): OpfsWorkerReply => ({ request, ok: true })
const failed = (request: number, error: string, unsupported = false): OpfsWorkerReply => ({
  request,
  ok: false,
  unsupported,
  ...(error.startsWith('QuotaExceededError') ? { quota: true } : {}),
  error,
})

const open = async (
  state: OpfsWorkerState,
  { request, id, path, atBytes, sizeBytes }: Extract<OpfsWorkerRequest, { type: 'open' }>,
  env: OpfsWorkerEnv,
): Promise<OpfsWorkerReply> => {
  if (state.files.has(id)) return failed(request, `file ${id} is open already`)
  const name = path[path.length - 1]
  if (name === undefined) return failed(request, 'empty path')
  let dir: DirectoryHandleLike
  try {
    dir = await env.getRoot()
  } catch (error) {
    return failed(request, `no OPFS in this worker: ${describeError(error)}`, true)
  }
  for (const folder of path.slice(0, -1))
    dir = await dir.getDirectoryHandle(folder, { create: true })
  const handle = await dir.getFileHandle(name, { create: atBytes === undefined })
  if (handle.createSyncAccessHandle === undefined) {
    return failed(request, 'no createSyncAccessHandle in this browser', true)
  }
  const access = await handle.createSyncAccessHandle()
  const offsetBytes = atBytes ?? 0
  try {
    if (atBytes !== undefined && (await access.getSize()) < atBytes) {
      throw new Error(`the file holds less than the ${atBytes} bytes to go on from`)
    }
    // A file left over under the same name (or past the resume point) must not show through.
    await access.truncate(offsetBytes)
  } catch (error) {
    await access.close()
    throw error
  }
  const file: WorkerFile = { dir, name, access, offsetBytes, sizeBytes: offsetBytes, failure: null }
  if (sizeBytes !== undefined) await reserve(file, sizeBytes)
  state.files.set(id, file)
  return ok(request)
}

/**
 * Grows the file to its final size before the first write, where the storage allows; else it grows
 * write by write as before. Chromium's in-memory OPFS (private windows) keeps a file in a buffer
 * that growing writes reallocate and copy: one truncate() does it once (`npm run bench:opfs`: 22
 * ms of CPU per MiB in 1 MiB writes, 14 reserved; on disk it makes no difference). A file is never
 * left longer than what was written: close and detach cut it back (unfill()).
 */
const reserve = async (file: WorkerFile, sizeBytes: number): Promise<void> => {
  if (sizeBytes <= file.offsetBytes) return
  try {
    await file.access.truncate(sizeBytes)
    file.sizeBytes = sizeBytes
  } catch {
    // No room for all of it at once (quota): the writes say so when they get there.
  }
}

/** Cuts off what a reservation left unwritten. */
const unfill = async (file: WorkerFile): Promise<void> => {
  if (file.sizeBytes === file.offsetBytes) return
  await file.access.truncate(file.offsetBytes)
  file.sizeBytes = file.offsetBytes
}

const write = (file: WorkerFile, view: Uint8Array<ArrayBuffer>): void => {
  let doneBytes = 0
  while (doneBytes < view.length) {
    const written = file.access.write(view.subarray(doneBytes), {
      at: file.offsetBytes + doneBytes,
    })
    if (written <= 0) throw new Error(`wrote ${written} of ${view.length - doneBytes} bytes`)
    doneBytes += written
  }
  file.offsetBytes += doneBytes
  if (file.offsetBytes > file.sizeBytes) file.sizeBytes = file.offsetBytes
}

/** Handles one request; never rejects: every failure becomes a reply. */
export const handleWorkerMessage = async (
  state: OpfsWorkerState,
  message: OpfsWorkerRequest,
  env: OpfsWorkerEnv,
): Promise<OpfsWorkerReply> => {
  const { request, id } = message
  try {
    if (message.type === 'open') return await open(state, message, env)
    const file = state.files.get(id)
    switch (message.type) {
      case 'write':
        if (file === undefined) return failed(request, `write to file ${id}, which is not open`)
        if (file.failure !== null) return failed(request, file.failure)
        try {
          write(file, new Uint8Array(message.buffer, message.byteOffset, message.byteLength))
        } catch (error) {
          file.failure = describeError(error)
          throw error
        }
        return { request, ok: true, buffer: message.buffer }
      case 'close':
        if (file === undefined) return failed(request, `close of file ${id}, which is not open`)
        if (file.failure !== null) return failed(request, file.failure)
        state.files.delete(id)
        try {
          await unfill(file)
          await file.access.flush()
        } finally {
          await file.access.close()
        }
        return ok(request)
      case 'flush':
        if (file === undefined) return failed(request, `flush of file ${id}, which is not open`)
        if (file.failure !== null) return failed(request, file.failure)
        await file.access.flush()
        return ok(request)
      case 'detach':
        if (file === undefined) return ok(request)
        state.files.delete(id)
        try {
          await unfill(file)
          await file.access.flush()
        } finally {
          await file.access.close()
        }
        return ok(request)
      case 'abort':
        // Never opened, or closed already: the page removes what there is.
        if (file === undefined) return ok(request)
        state.files.delete(id)
        try {
          await file.access.close()
        } catch {
          // Closing is only needed to release the lock before removing the file.
        }
        await file.dir.removeEntry(file.name)
        return ok(request)
    }
  } catch (error) {
    return failed(request, describeError(error))
  }
}

/**
 * The worker's message loop: checks each message, handles them one at a time in arrival order,
 * and posts each reply. Messages that are not requests are ignored (there is nobody to answer).
 */
export const createOpfsWorkerHost = (
  env: OpfsWorkerEnv,
  post: (reply: OpfsWorkerReply, transfer: Transferable[]) => void,
): { receive(message: unknown): void } => {
  const state = createOpfsWorkerState()
  let tail = Promise.resolve()
  return {
    receive(message) {
      if (!isOpfsWorkerRequest(message)) return
      tail = tail
        .then(async () => {
          const reply = await handleWorkerMessage(state, message, env)
          post(reply, reply.ok && reply.buffer ? [reply.buffer] : [])
        })
        .catch(() => {
          // Posting failed: the page is going away; keep the loop alive regardless.
        })
    },
  }
}
