import type { Sink } from './types.ts'

/** Received bytes are gathered into Blob parts of about this size, so they can leave the JS heap. */
export const memorySinkPartBytes = 4 * 1024 * 1024

/**
 * A sink that keeps the file as a Blob (the browser may page large Blobs out of the JS heap).
 * Writes are copied, so the caller may reuse its buffers.
 */
export const createMemorySink = (type: string): Sink => {
  let parts: Blob[] = []
  let pending: Uint8Array<ArrayBuffer>[] = []
  let pendingBytes = 0
  let finished = false

  const flush = (): void => {
    if (pending.length === 0) return
    parts.push(new Blob(pending))
    pending = []
    pendingBytes = 0
  }

  return {
    write(bytes) {
      if (finished) return Promise.reject(new Error('ferry: write to a closed sink'))
      pending.push(bytes.slice())
      pendingBytes += bytes.length
      if (pendingBytes >= memorySinkPartBytes) flush()
      return Promise.resolve()
    },
    close() {
      if (finished) return Promise.reject(new Error('ferry: sink closed twice'))
      flush()
      finished = true
      const blob = new Blob(parts, { type })
      parts = []
      return Promise.resolve(blob)
    },
    abort() {
      finished = true
      parts = []
      pending = []
      pendingBytes = 0
      return Promise.resolve()
    },
  }
}
