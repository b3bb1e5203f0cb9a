/**
 * The OPFS writer: a dedicated module worker, because sync access handles (the fast, in-place way
 * to write an OPFS file) exist only in dedicated workers. Started by startOpfsWorker() in
 * opfs-sink.ts; the protocol and its handling live in opfs-worker-protocol.ts.
 */
import type { DirectoryHandleLike } from './disk-sink.ts'
import { createOpfsWorkerHost } from './opfs-worker-protocol.ts'

const host = createOpfsWorkerHost(
  {
    getRoot: async () => (await navigator.storage.getDirectory()) as unknown as DirectoryHandleLike,
  },
  (reply, transfer) => postMessage(reply, { transfer }),
)

addEventListener('message', (event: MessageEvent<unknown>) => host.receive(event.data))
