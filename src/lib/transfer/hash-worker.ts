/**
 * The hashing worker: SHA-256 (hash-wasm) of the bytes each side moves, off the page's main
 * thread. Started by createWorkerSha256Hasher() in worker-hashing.ts; the protocol lives in
 * hash-worker-protocol.ts. hash-wasm is imported statically: a worker is one chunk.
 */
import { createSHA256 } from 'hash-wasm'
import { createHashWorkerHost, type HashWorkerRequest } from './hash-worker-protocol.ts'

const host = createHashWorkerHost(
  async (state) => {
    const sha256 = await createSHA256()
    if (state !== undefined) sha256.load(state)
    return {
      update: (bytes) => void sha256.update(bytes),
      digestHex: () => sha256.digest('hex'),
      save: () => sha256.save(),
    }
  },
  (reply, transfer = []) => postMessage(reply, { transfer }),
)

addEventListener('message', (event: MessageEvent<HashWorkerRequest>) => host.receive(event.data))
