/**
 * The receiving half of one transfer. Frames are checked as they arrive (in order, no gaps, not
 * past a file's end, within the window) and queued; one job at a time hashes and writes them to
 * the file's sink, so a slow sink backs the queue up, and the window bounds the queue.
 */
import { ProtocolError, toProtocolError } from '../protocol/errors.ts'
import type { Frame } from '../protocol/frame.ts'
import { ackEveryBytes, windowBytes } from '../protocol/limits.ts'
import { runDetached, type TransferHooks } from './hooks.ts'
import type { FileProgress, Hasher, OfferedFile, Sink } from './types.ts'

export interface IncomingTransferDeps {
  transferId: string
  files: readonly OfferedFile[]
  /** The transfer's rows; this engine updates bytesDone (written), verified and blob. */
  progress: FileProgress[]
  createSink: (file: OfferedFile) => Sink
  createHasher: () => Promise<Hasher>
  hooks: TransferHooks
}

export interface IncomingTransfer {
  /** A frame of this transfer; an error means the stream is corrupt and the transfer fails. */
  onFrame(frame: Frame): ProtocolError | null
  /** The sender's digest of a file it has sent whole; an error fails the transfer. */
  onSenderDone(file: number, sha256: string): ProtocolError | null
  /** The transfer ended: drop queued work and abort unfinished sinks. */
  stop(): void
}

interface OpenFile {
  sink: Sink
  hasher: Hasher
}

interface FileSlot {
  /** Bytes accepted into the queue. */
  receivedBytes: number
  /** Bytes written to the sink. */
  writtenBytes: number
  /** Bytes we have acknowledged. */
  ackedBytes: number
  senderDigest: string | undefined
  finishQueued: boolean
  /** Opened lazily by the first job that needs it. */
  open: Promise<OpenFile> | null
  sink: Sink | null
}

type Job = () => Promise<void>

export const createIncomingTransfer = ({
  transferId,
  files,
  progress,
  createSink,
  createHasher,
  hooks,
}: IncomingTransferDeps): IncomingTransfer => {
  const slots: FileSlot[] = files.map(() => ({
    receivedBytes: 0,
    writtenBytes: 0,
    ackedBytes: 0,
    senderDigest: undefined,
    finishQueued: false,
    open: null,
    sink: null,
  }))
  /** The first file not yet fully received; frames for later files would leave a gap. */
  let currentFile = 0
  let receivedBytes = 0
  let ackedBytes = 0
  const jobs: Job[] = []
  let pumping = false
  let stopped = false

  const sizeOf = (index: number): number => files[index]?.size ?? 0

  const advanceCurrentFile = (): void => {
    while (
      currentFile < files.length &&
      slots[currentFile]?.receivedBytes === sizeOf(currentFile)
    ) {
      currentFile++
    }
  }

  const openFile = (index: number, slot: FileSlot): Promise<OpenFile> => {
    const file = files[index]
    if (file === undefined) return Promise.reject(new ProtocolError('bad-state', 'no such file'))
    slot.open ??= (async () => {
      try {
        // Set before the await, so stop() can abort a sink whose hasher is still being made.
        slot.sink = createSink(file)
        return { sink: slot.sink, hasher: await createHasher() }
      } catch (error) {
        throw toProtocolError(error, 'write-failed')
      }
    })()
    return slot.open
  }

  const sendAck = (index: number, slot: FileSlot): void => {
    ackedBytes += slot.writtenBytes - slot.ackedBytes
    slot.ackedBytes = slot.writtenBytes
    hooks.send({ type: 'ack', transfer: transferId, file: index, offset: slot.writtenBytes })
  }

  const writeJob =
    (index: number, slot: FileSlot, payload: Uint8Array): Job =>
    async () => {
      const { sink, hasher } = await openFile(index, slot)
      // Hash and measure first: a sink may take ownership of (transfer, detach) the buffer.
      const length = payload.length
      hasher.update(payload)
      try {
        await sink.write(payload)
      } catch (error) {
        throw toProtocolError(error, 'write-failed')
      }
      if (!hooks.isActive()) return
      slot.writtenBytes += length
      const row = progress[index]
      if (row) row.bytesDone = slot.writtenBytes
      const fileWritten = slot.writtenBytes === sizeOf(index)
      if (fileWritten || slot.writtenBytes - slot.ackedBytes >= ackEveryBytes) sendAck(index, slot)
      hooks.progressed()
    }

  const finishJob =
    (index: number, slot: FileSlot, senderDigest: string): Job =>
    async () => {
      const { sink, hasher } = await openFile(index, slot)
      const sha256 = hasher.digestHex()
      if (sha256 !== senderDigest) {
        slot.sink = null
        await sink.abort()
        throw new ProtocolError('hash-mismatch', `file ${index}: SHA-256 differs from the sender's`)
      }
      let blob: Blob
      try {
        blob = await sink.close()
      } catch (error) {
        throw toProtocolError(error, 'write-failed')
      }
      if (!hooks.isActive()) return
      const row = progress[index]
      if (row) {
        row.verified = true
        row.blob = blob
      }
      hooks.send({ type: 'done', transfer: transferId, file: index, sha256 })
      hooks.fileEnded(index)
      if (progress.every((each) => each.verified)) hooks.completed()
    }

  const pump = async (): Promise<void> => {
    try {
      for (let job = jobs.shift(); job !== undefined && !stopped; job = jobs.shift()) await job()
    } finally {
      pumping = false
    }
  }

  const enqueue = (job: Job): void => {
    jobs.push(job)
    if (pumping) return
    pumping = true
    runDetached(pump(), (error) => hooks.failed(toProtocolError(error, 'write-failed')))
  }

  /** Queues the file's check once every byte is received and the sender's digest is known. */
  const finishWhenReady = (index: number, slot: FileSlot): void => {
    if (slot.finishQueued || slot.senderDigest === undefined) return
    if (slot.receivedBytes !== sizeOf(index)) return
    slot.finishQueued = true
    enqueue(finishJob(index, slot, slot.senderDigest))
  }

  return {
    onFrame({ file: index, offset, payload }) {
      const slot = slots[index]
      if (slot === undefined) {
        return new ProtocolError('invalid-field', `frame for file ${index} of ${files.length}`)
      }
      const end = offset + payload.length
      const size = sizeOf(index)
      if (end > size) {
        return new ProtocolError('past-end', `file ${index}: bytes up to ${end} of ${size}`)
      }
      advanceCurrentFile()
      // A repeat of bytes we already have changes nothing.
      if (index < currentFile || (index === currentFile && end <= slot.receivedBytes)) return null
      if (index > currentFile || offset !== slot.receivedBytes) {
        return new ProtocolError(
          'unexpected-offset',
          `file ${index} at ${offset}; expected file ${currentFile} at ${slots[currentFile]?.receivedBytes ?? 0}`,
        )
      }
      if (receivedBytes + payload.length - ackedBytes > windowBytes) {
        return new ProtocolError('window-exceeded', `over ${windowBytes} unacknowledged bytes`)
      }
      slot.receivedBytes = end
      receivedBytes += payload.length
      enqueue(writeJob(index, slot, payload))
      finishWhenReady(index, slot)
      return null
    },
    onSenderDone(index, sha256) {
      const slot = slots[index]
      if (slot === undefined) {
        return new ProtocolError('invalid-field', `done for file ${index} of ${files.length}`)
      }
      if (slot.senderDigest !== undefined) {
        return slot.senderDigest === sha256
          ? null
          : new ProtocolError('bad-state', `file ${index}: a second, different digest`)
      }
      slot.senderDigest = sha256
      finishWhenReady(index, slot)
      return null
    },
    stop() {
      if (stopped) return
      stopped = true
      jobs.length = 0
      for (const [index, slot] of slots.entries()) {
        if (slot.sink !== null && progress[index]?.verified !== true) {
          runDetached(slot.sink.abort(), () => {
            // Nothing more to do with a sink that cannot even be dropped.
          })
        }
      }
    },
  }
}
