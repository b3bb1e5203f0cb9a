/**
 * SHA-256 off the main thread: the page posts each chunk's bytes to a worker, which hashes them in
 * order, so a page's main thread only moves buffers while bytes flow (docs/performance.md: the
 * hash was about half of each side's main-thread time per MiB). One worker serves every hasher of
 * a page; messages are handled in order, so a `save` or `digest` sees every `update` before it.
 */
import type { ResumableHasher } from './hashing.ts'

/** Bytes posted and not yet hashed before backlog() makes a caller wait: four frames or so. */
export const maxHashBacklogBytes = 1024 * 1024

/** Buffers kept for reuse: enough for a full backlog of frames. */
const maxSpareBuffers = 8

export type HashWorkerRequest =
  | { type: 'open'; id: number; state?: Uint8Array }
  /** The first `length` bytes of `bytes` (a reused buffer may be longer). */
  | { type: 'update'; id: number; bytes: ArrayBuffer; length: number }
  | { type: 'save'; id: number; request: number }
  | { type: 'digest'; id: number; request: number }
  | { type: 'close'; id: number }

export type HashWorkerReply =
  /** The update's buffer comes back, for the page to fill again. */
  | { type: 'hashed'; id: number; buffer: ArrayBuffer; bytes: number }
  | { type: 'saved'; request: number; state: Uint8Array }
  | { type: 'digested'; request: number; hex: string }
  | { type: 'failed'; request?: number; error: string }

/** What the worker does with each request; `createHash` is hash-wasm's createSHA256. */
export const createHashWorkerHost = (
  createHash: (state?: Uint8Array) => Promise<ResumableHasher>,
  reply: (message: HashWorkerReply, transfer?: Transferable[]) => void,
) => {
  const hashers = new Map<number, Promise<ResumableHasher>>()
  /** One request at a time, in arrival order: an `open` resolves before later updates run. */
  let queue: Promise<void> = Promise.resolve()
  const handle = async (message: HashWorkerRequest): Promise<void> => {
    if (message.type === 'open') {
      hashers.set(message.id, createHash(message.state))
      return
    }
    const hasher = await hashers.get(message.id)
    if (hasher === undefined) throw new Error(`no hasher ${message.id}`)
    switch (message.type) {
      case 'update':
        hasher.update(new Uint8Array(message.bytes, 0, message.length))
        reply(
          {
            type: 'hashed',
            id: message.id,
            buffer: message.bytes,
            bytes: message.length,
          },
          [message.bytes],
        )
        return
      case 'save': {
        const state = hasher.save()
        reply({ type: 'saved', request: message.request, state })
        return
      }
      case 'digest':
        reply({ type: 'digested', request: message.request, hex: hasher.digestHex() })
        return
      case 'close':
        hashers.delete(message.id)
    }
  }
  return {
    receive(message: HashWorkerRequest): void {
      queue = queue
        .then(() => handle(message))
        .catch((error: unknown) => {
          reply({
            type: 'failed',
            ...('request' in message ? { request: message.request } : {}),
            error: error instanceof Error ? error.message : String(error),
          })
        })
    },
  }
}

/** A hasher whose work happens in the worker; digest and state come back asynchronously. */
export interface WorkerHasher {
  update(bytes: Uint8Array): void
  digestHex(): Promise<string>
  save(): Promise<Uint8Array>
  /** Resolves once at most maxHashBacklogBytes wait in the worker (at once if fewer do). */
  backlog(): Promise<void>
}

/** The page's half: makes hashers that post to one worker, and routes its replies. */
export const createHashWorkerClient = (
  post: (message: HashWorkerRequest, transfer: Transferable[]) => void,
) => {
  let nextId = 1
  let nextRequest = 1
  let dead: Error | null = null
  /** Buffers the worker gave back, reused for later copies: no allocation per chunk. */
  const spares: ArrayBuffer[] = []
  const copyOf = (bytes: Uint8Array): ArrayBuffer => {
    const index = spares.findIndex((each) => each.byteLength >= bytes.byteLength)
    const buffer =
      index === -1 ? new ArrayBuffer(bytes.byteLength) : (spares.splice(index, 1)[0] as ArrayBuffer)
    new Uint8Array(buffer).set(bytes)
    return buffer
  }
  const answers = new Map<number, { resolve: (value: never) => void; reject: (e: Error) => void }>()
  const backlogs = new Map<number, { bytes: number; wake: (() => void) | null }>()

  const ask = <T>(message: (request: number) => HashWorkerRequest): Promise<T> => {
    if (dead !== null) return Promise.reject(dead)
    const request = nextRequest++
    return new Promise<T>((resolve, reject) => {
      answers.set(request, { resolve: resolve, reject })
      post(message(request), [])
    })
  }

  return {
    open(state?: Uint8Array): WorkerHasher {
      const id = nextId++
      const backlog = { bytes: 0, wake: null as (() => void) | null }
      backlogs.set(id, backlog)
      post({ type: 'open', id, ...(state === undefined ? {} : { state }) }, [])
      return {
        update(bytes) {
          if (dead !== null) throw dead
          // A copy: the caller keeps its buffer (the sender reuses it, the receiver's sink takes it).
          const copy = copyOf(bytes)
          backlog.bytes += bytes.byteLength
          post({ type: 'update', id, bytes: copy, length: bytes.byteLength }, [copy])
        },
        save: () => ask<Uint8Array>((request) => ({ type: 'save', id, request })),
        async digestHex() {
          const hex = await ask<string>((request) => ({ type: 'digest', id, request }))
          backlogs.delete(id)
          post({ type: 'close', id }, [])
          return hex
        },
        backlog: () =>
          backlog.bytes <= maxHashBacklogBytes || dead !== null
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                backlog.wake = resolve
              }),
      }
    },
    receive(message: HashWorkerReply): void {
      if (message.type === 'hashed') {
        if (spares.length < maxSpareBuffers) spares.push(message.buffer)
        const backlog = backlogs.get(message.id)
        if (backlog === undefined) return
        backlog.bytes -= message.bytes
        if (backlog.bytes <= maxHashBacklogBytes && backlog.wake !== null) {
          const wake = backlog.wake
          backlog.wake = null
          wake()
        }
        return
      }
      if (message.request === undefined) {
        this.fail(
          new Error(`ferry: hash worker: ${message.type === 'failed' ? message.error : ''}`),
        )
        return
      }
      const answer = answers.get(message.request)
      answers.delete(message.request)
      if (message.type === 'saved') answer?.resolve(message.state as never)
      else if (message.type === 'digested') answer?.resolve(message.hex as never)
      else answer?.reject(new Error(`ferry: hash worker: ${message.error}`))
    },
    /** The worker died: every waiting answer fails, and every later call. */
    fail(error: Error): void {
      dead ??= error
      for (const answer of answers.values()) answer.reject(dead)
      answers.clear()
      for (const backlog of backlogs.values()) backlog.wake?.()
    },
  }
}
