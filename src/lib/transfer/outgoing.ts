/**
 * The sending half of one transfer: reads each file lazily, one chunkBytes frame ahead, straight
 * into reused frame buffers; hashes while reading; and keeps both the bulk channel's buffer and the
 * unacknowledged window bounded.
 */
import { ProtocolError, toProtocolError } from '../protocol/errors.ts'
import { writeFrameHeader } from '../protocol/frame.ts'
import {
  bulkHighWaterBytes,
  chunkBytes,
  frameHeaderBytes,
  windowBytes,
} from '../protocol/limits.ts'
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
  /** Every file byte sent so far, resends included. */
  sentBytes(): number
  /**
   * Checks the receiver's `resume {file, offset}`: the file exists, the offset is within it, and
   * it is 0 (start the file again) or at least what the receiver acknowledged (anything between
   * would be bytes it claimed to hold and lost).
   */
  checkResume(file: number, offset: number): ProtocolError | null
  /** Resolves once the sending loop has stopped (at once if it is not running). */
  stopped(): Promise<void>
  /** Goes on from a checked resume point, over `bulk` (a reconnected peer has a new channel). */
  resume(file: number, offset: number, bulk: BulkChannel): void
}

type FrameBuffer = Uint8Array<ArrayBuffer>

/** A file's bytes in order, read into buffers the caller provides. */
export interface FileSource {
  /**
   * Fills `into` with the next bytes, fewer only at the end of the file. The source may take the
   * buffer over (a BYOB read moves it): use the returned view, whose buffer replaces `into`'s, and
   * which sits at the same offset in it.
   */
  read(into: FrameBuffer): Promise<FrameBuffer>
  /** Stops reading; reads still pending come back short. */
  cancel(): void
}

/**
 * Bytes [start, end) of a blob through one stream, read straight into the caller's buffers where
 * it is a byte stream (it is in Chromium and Node), else copied out of the chunks it yields.
 * Either is much cheaper than a Blob.slice().arrayBuffer() per chunk, which costs a fresh
 * allocation and a round trip to the browser's blob reader each time.
 */
export const openFileSource = (blob: Blob, start: number, end: number): FileSource => {
  const stream = blob.slice(start, end).stream()
  let byob: ReadableStreamBYOBReader
  try {
    byob = stream.getReader({ mode: 'byob' })
  } catch {
    return copyingSource(stream.getReader())
  }
  return {
    async read(into) {
      // A read detaches the buffer it is given and hands it back moved: follow it.
      let { buffer } = into
      const { byteOffset, length } = into
      let filled = 0
      while (filled < length) {
        const { value, done } = await byob.read(
          new Uint8Array(buffer, byteOffset + filled, length - filled),
        )
        // After a cancel a read may hand nothing back: a fresh buffer replaces the one it took.
        buffer = value?.buffer ?? new ArrayBuffer(buffer.byteLength)
        filled += value?.length ?? 0
        if (done) break
      }
      return new Uint8Array(buffer, byteOffset, filled)
    },
    cancel() {
      byob.cancel().catch(() => undefined)
    },
  }
}

/** A source for streams that are not byte streams: their chunks are copied into the buffers. */
/** Feeds bytes [0, end) of a blob to `hasher`: a resumed file's digest still covers all of it. */
export const hashPrefix = async (hasher: Hasher, blob: Blob, end: number): Promise<void> => {
  const source = openFileSource(blob, 0, end)
  let buffer: FrameBuffer = new Uint8Array(chunkBytes)
  try {
    for (let done = 0; done < end;) {
      const read = await source.read(buffer.subarray(0, Math.min(chunkBytes, end - done)))
      if (read.length === 0) throw new ProtocolError('read-failed', 'file ended early')
      hasher.update(read)
      done += read.length
      buffer = new Uint8Array(read.buffer)
    }
  } finally {
    source.cancel()
  }
}

const copyingSource = (chunks: ReadableStreamDefaultReader<Uint8Array>): FileSource => {
  let leftover: Uint8Array = new Uint8Array(0)
  return {
    async read(into) {
      let filled = 0
      while (filled < into.length) {
        if (leftover.length === 0) {
          const { value, done } = await chunks.read()
          if (done) break
          leftover = value
        }
        const taken = Math.min(leftover.length, into.length - filled)
        into.set(leftover.subarray(0, taken), filled)
        leftover = leftover.subarray(taken)
        filled += taken
      }
      return into.subarray(0, filled)
    },
    cancel() {
      chunks.cancel().catch(() => undefined)
    },
  }
}

export const createOutgoingTransfer = ({
  transferId,
  files,
  progress,
  bulk: firstBulk,
  createHasher,
  hooks,
}: OutgoingTransferDeps): OutgoingTransfer => {
  /** The peer's channel: a new one after the peer reconnects. */
  let bulk = firstBulk
  /** The sending loop, while one runs. */
  let running: Promise<void> = Promise.resolve()
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

  const sendFile = async (
    index: number,
    file: OutgoingFile,
    size: number,
    startOffset = 0,
  ): Promise<void> => {
    const hasher = await createHasher()
    if (startOffset > 0) await step('read-failed', () => hashPrefix(hasher, file.blob, startOffset))
    const source = openFileSource(file.blob, startOffset, size)
    try {
      /** Reads the frame's payload (from `offset` on) into `frame`, after its header. */
      const readFrame = (frame: FrameBuffer, offset: number): Promise<FrameBuffer> => {
        const want = Math.min(chunkBytes, size - offset)
        const read = step('read-failed', async () => {
          const payload = await source.read(
            frame.subarray(frameHeaderBytes, frameHeaderBytes + want),
          )
          if (payload.length !== want) {
            throw new ProtocolError(
              'read-failed',
              `file ended ${want - payload.length} bytes early`,
            )
          }
          return new Uint8Array(payload.buffer, 0, frameHeaderBytes + want)
        })
        // Awaited in turn below; this only keeps a read abandoned by a stopped transfer quiet.
        read.catch(() => undefined)
        return read
      }
      // Two buffers: the next frame is read into one while the other waits for the window and the
      // channel. The channel copies what it sends, so a sent frame's buffer is free at once.
      let spare: FrameBuffer = new Uint8Array(frameHeaderBytes + chunkBytes)
      let offset = startOffset
      let next =
        startOffset < size
          ? readFrame(new Uint8Array(frameHeaderBytes + chunkBytes), startOffset)
          : null
      while (next !== null) {
        const frame = await next
        const payload = frame.subarray(frameHeaderBytes)
        const end = offset + payload.length
        next = end < size ? readFrame(spare, end) : null
        if (!hooks.isActive()) return
        hasher.update(payload)
        while (sentBytes - ackedBytes + payload.length > windowBytes) {
          if (!hooks.isActive()) return
          await waitForAck()
        }
        if (bulk.bufferedBytes() > bulkHighWaterBytes) {
          // Once, not in a loop: a channel whose low-water mark is above ours would spin.
          await bulk.waitForDrain()
        }
        if (!hooks.isActive()) return
        try {
          writeFrameHeader(frame, { transferId, file: index, offset }, payload.length)
          bulk.send(frame)
        } catch (error) {
          throw toProtocolError(error, 'peer-gone')
        }
        spare = new Uint8Array(frame.buffer)
        offset = end
        sentByFile[index] = offset
        sentBytes += payload.length
      }
    } finally {
      source.cancel()
    }
    if (!hooks.isActive()) return
    const sha256 = hasher.digestHex()
    digests[index] = sha256
    hooks.send({ type: 'done', transfer: transferId, file: index, sha256 })
  }

  const run = async (fromFile = 0, fromOffset = 0): Promise<void> => {
    await step('peer-gone', () => bulk.waitOpen())
    for (const [index, file] of files.entries()) {
      if (index < fromFile) continue
      if (!hooks.isActive()) return
      const size = progress[index]?.size ?? file.blob.size
      await sendFile(index, file, size, index === fromFile ? fromOffset : 0)
    }
  }

  const startRun = (fromFile = 0, fromOffset = 0): void => {
    const loop = run(fromFile, fromOffset)
    running = loop.catch(() => undefined)
    runDetached(loop, (error) => hooks.failed(toProtocolError(error, 'read-failed')))
  }

  return {
    start() {
      startRun()
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
    sentBytes: () => sentBytes,
    checkResume(file, offset) {
      const row = progress[file]
      const acked = ackedByFile[file]
      if (row === undefined || acked === undefined) {
        return new ProtocolError('invalid-field', `resume of file ${file} of ${files.length}`)
      }
      if (offset > row.size) {
        return new ProtocolError('past-end', `resume of file ${file} at ${offset} of ${row.size}`)
      }
      if (offset !== 0 && offset < acked) {
        return new ProtocolError(
          'unexpected-offset',
          `resume of file ${file} at ${offset}, before the ${acked} bytes acknowledged`,
        )
      }
      return null
    },
    stopped: () => running,
    resume(file, offset, channel) {
      bulk = channel
      for (const [index, row] of progress.entries()) {
        if (index < file) continue
        const from = index === file ? offset : 0
        sentByFile[index] = from
        ackedByFile[index] = from
        digests[index] = undefined
        row.bytesDone = from
        row.verified = false
      }
      // The window starts afresh: whatever was in flight is gone.
      ackedBytes = sentBytes
      startRun(file, offset)
    },
  }
}
