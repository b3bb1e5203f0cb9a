/**
 * The sending half of one transfer: reads each file lazily in chunkBytes slices, hashes while
 * reading, and keeps both the bulk channel's buffer and the unacknowledged window bounded.
 */
import { ProtocolError, toProtocolError } from '../protocol/errors.ts'
import { encodeFrame } from '../protocol/frame.ts'
import { bulkHighWaterBytes, chunkBytes, windowBytes } from '../protocol/limits.ts'
import { runDetached, type TransferHooks } from './hooks.ts'
import type { BulkChannel, FileProgress, Hasher, OutgoingFile } from './types.ts'

export interface OutgoingTransferDeps {
  transferId: string
  files: readonly OutgoingFile[]
  /** The transfer's rows; this engine updates bytesDone (acknowledged) and verified. */
  progress: FileProgress[]
  bulk: BulkChannel
  createHasher: () => Promise<Hasher>
  hooks: TransferHooks
}

export interface OutgoingTransfer {
  /** The receiver accepted: stream every file. */
  start(): void
  /** The receiver's cumulative ack; an error means the ack is impossible and the transfer fails. */
  onAck(file: number, offset: number): ProtocolError | null
  /** The receiver's digest of a file it has written; an error fails the transfer. */
  onReceiverDone(file: number, sha256: string): ProtocolError | null
  /** The transfer ended: let a waiting loop see it. */
  stop(): void
  /** Bytes sent and not yet acknowledged, never above windowBytes. */
  unacknowledgedBytes(): number
}

export const createOutgoingTransfer = ({
  transferId,
  files,
  progress,
  bulk,
  createHasher,
  hooks,
}: OutgoingTransferDeps): OutgoingTransfer => {
  const sentByFile = files.map(() => 0)
  const ackedByFile = files.map(() => 0)
  const digests: (string | undefined)[] = files.map(() => undefined)
  let sentBytes = 0
  let ackedBytes = 0
  let wakeSender: (() => void) | null = null

  const waitForAck = (): Promise<void> =>
    new Promise<void>((resolve) => {
      wakeSender = resolve
    })

  const wake = (): void => {
    const resolve = wakeSender
    wakeSender = null
    resolve?.()
  }

  /** Awaits `work`, turning any failure into a ProtocolError with `code`. */
  const step = async <T>(code: 'read-failed' | 'peer-gone', work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      throw toProtocolError(error, code)
    }
  }

  const readSlice = async (blob: Blob, start: number, end: number): Promise<Uint8Array> => {
    const bytes = new Uint8Array(await blob.slice(start, end).arrayBuffer())
    // A file changed on disk since it was chosen reads short (or throws, in browsers).
    if (bytes.length !== end - start) {
      throw new ProtocolError('read-failed', `read ${bytes.length} bytes, wanted ${end - start}`)
    }
    return bytes
  }

  const sendFile = async (index: number, file: OutgoingFile, size: number): Promise<void> => {
    const hasher = await createHasher()
    let offset = 0
    while (offset < size) {
      const end = Math.min(offset + chunkBytes, size)
      const payload = await step('read-failed', () => readSlice(file.blob, offset, end))
      while (sentBytes - ackedBytes + payload.length > windowBytes) {
        if (!hooks.isActive()) return
        await waitForAck()
      }
      if (bulk.bufferedBytes() > bulkHighWaterBytes) {
        // Once, not in a loop: a channel whose low-water mark is above ours would spin.
        await bulk.waitForDrain()
      }
      if (!hooks.isActive()) return
      hasher.update(payload)
      try {
        bulk.send(encodeFrame({ transferId, file: index, offset, payload }))
      } catch (error) {
        throw toProtocolError(error, 'peer-gone')
      }
      offset = end
      sentByFile[index] = offset
      sentBytes += payload.length
    }
    if (!hooks.isActive()) return
    const sha256 = hasher.digestHex()
    digests[index] = sha256
    hooks.send({ type: 'done', transfer: transferId, file: index, sha256 })
  }

  const run = async (): Promise<void> => {
    await step('peer-gone', () => bulk.waitOpen())
    for (const [index, file] of files.entries()) {
      if (!hooks.isActive()) return
      await sendFile(index, file, progress[index]?.size ?? file.blob.size)
    }
  }

  return {
    start() {
      runDetached(run(), (error) => hooks.failed(toProtocolError(error, 'read-failed')))
    },
    onAck(file, offset) {
      const sent = sentByFile[file]
      const acked = ackedByFile[file]
      const row = progress[file]
      if (sent === undefined || acked === undefined || row === undefined) {
        return new ProtocolError('invalid-field', `ack for file ${file} of ${files.length}`)
      }
      if (offset > sent) {
        return new ProtocolError('unexpected-offset', `ack of ${offset} bytes, ${sent} were sent`)
      }
      if (offset <= acked) return null
      ackedByFile[file] = offset
      ackedBytes += offset - acked
      row.bytesDone = offset
      hooks.progressed()
      wake()
      return null
    },
    onReceiverDone(file, sha256) {
      const row = progress[file]
      if (row === undefined) {
        return new ProtocolError('invalid-field', `done for file ${file} of ${files.length}`)
      }
      const ours = digests[file]
      if (ours === undefined) {
        return new ProtocolError('bad-state', `receiver's done for file ${file} before ours`)
      }
      if (row.verified) return null
      if (sha256 !== ours) {
        return new ProtocolError('hash-mismatch', `file ${file}: receiver's SHA-256 differs`)
      }
      row.verified = true
      row.bytesDone = row.size
      hooks.fileEnded(file)
      if (progress.every((each) => each.verified)) hooks.completed()
      return null
    },
    stop: wake,
    unacknowledgedBytes: () => sentBytes - ackedBytes,
  }
}
