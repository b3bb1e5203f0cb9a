/**
 * Hashers that work in a dedicated worker (hash-worker.ts), so the page's main thread only moves
 * buffers. Where the worker cannot start, or has died, new hashers hash on the main thread.
 * Browser only; unit tests drive hash-worker-protocol.ts directly.
 */
import { createSha256Hasher } from './hashing.ts'
import { createHashWorkerClient, type HashWorkerReply } from './hash-worker-protocol.ts'
import type { Hasher } from './types.ts'

let client: ReturnType<typeof createHashWorkerClient> | null = null
let failed = false

const startHashWorker = () => {
  const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), {
    type: 'module',
    name: 'ferry-hash',
  })
  const started = createHashWorkerClient((message, transfer) =>
    worker.postMessage(message, transfer),
  )
  worker.addEventListener('message', (event: MessageEvent<HashWorkerReply>) =>
    started.receive(event.data),
  )
  worker.addEventListener('error', (event) => {
    failed = true
    started.fail(new Error(`ferry: the hash worker stopped: ${event.message || 'no details'}`))
    worker.terminate()
  })
  return started
}

/** A streaming SHA-256 in the page's hash worker, optionally continuing from a saved state. */
export const createWorkerSha256Hasher = (state?: Uint8Array): Promise<Hasher> => {
  if (failed || typeof Worker !== 'function') return createSha256Hasher(state)
  client ??= startHashWorker()
  return Promise.resolve(client.open(state))
}
