/**
 * The receiving half of one transfer. Frames are checked as they arrive (in order, no gaps, not
 * past a file's end, within the window) and queued; one job at a time hashes and writes them to
 * the file's sink, so a slow sink backs the queue up, and the window bounds the queue.
 */
import { ProtocolError, toProtocolError } from '../protocol/errors.ts'
import type { Frame } from '../protocol/frame.ts'
import { ackEveryBytes, windowBytes } from '../protocol/limits.ts'
import { isStorageFull } from './disk-sink.ts'
import { runDetached, type TransferHooks } from './hooks.ts'
import type { FileProgress, Hasher, OfferedFile, ResumeFileRecord, Sink } from './types.ts'

export interface IncomingTransferDeps {
  transferId: string
  files: readonly OfferedFile[]
  /** The transfer's rows; this engine updates bytesDone (written), verified and blob. */
  progress: FileProgress[]
  createSink: (file: OfferedFile) => Sink
  /** The file's sink reopened at an offset (TransferManagerDeps.reopenSink); null: start over. */
  reopenSink?: (file: OfferedFile, offsetBytes: number) => Promise<Sink | null>
  createHasher: (state?: Uint8Array) => Promise<Hasher>
  /** Durable progress of a file, saved before the ack that announces it; never rejects. */
  record?: (progress: ResumeFileRecord) => Promise<void>
  /** What an earlier visit recorded (a restored transfer). */
  restored?: readonly ResumeFileRecord[]
  /** The sink ran out of space: the transfer pauses; resumePoint() picks up from the last flush. */
  onStorageFull: () => void
  hooks: TransferHooks
}

/** Where a resumed transfer goes on (null: every file is verified), and the verified files' digests. */
export interface ResumePoint {
  next: { file: number; offset: number } | null
  verified: { file: number; sha256: string }[]
}

export interface IncomingTransfer {
  /** A frame of this transfer; an error means the stream is corrupt and the transfer fails. */
  onFrame(frame: Frame): ProtocolError | null
  /** The sender's digest of a file it has sent whole; an error fails the transfer. */
  onSenderDone(file: number, sha256: string): ProtocolError | null
  /** The transfer ended: drop queued work and abort unfinished sinks. */
  stop(): void
  /**
   * After an interruption: lets queued writes finish, then readies the first unverified file to go
   * on from what it holds (a live sink as it is; else reopened at its last flushed offset with the
   * hash state saved there; else from 0), forgets every later file, and restarts the window.
   */
  resumePoint(): Promise<ResumePoint>
}

interface OpenFile {
  sink: Sink
  hasher: Hasher
}

/** A flushed offset and the hash state there. */
interface DurablePoint {
  offset: number
  hashState: Uint8Array
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
  /** A write failed: the sink is no use any more. */
  broken: boolean
  /** The last offset known to be on disk, with its hash state. */
  durable: DurablePoint | null
  /** Restored from an earlier visit as verified, with this digest; its bytes are still to reopen. */
  verifiedSha256: string | undefined
}

/** A write that failed for lack of space: the transfer pauses instead of failing. */
class StorageFull extends Error {}

type Job = () => Promise<void>

export const createIncomingTransfer = ({
  transferId,
  files,
  progress,
  createSink,
  reopenSink,
  createHasher,
  record,
  restored = [],
  onStorageFull,
  hooks,
}: IncomingTransferDeps): IncomingTransfer => {
  /** A file with nothing received in this session; what an earlier one kept, if anything. */
  const freshSlot = (durable: FileSlot['durable'] = null, verifiedSha256?: string): FileSlot => ({
    receivedBytes: 0,
    writtenBytes: 0,
    ackedBytes: 0,
    senderDigest: undefined,
    finishQueued: false,
    open: null,
    sink: null,
    broken: false,
    durable,
    verifiedSha256,
  })
  const slots: FileSlot[] = files.map((file) => {
    const noted = restored.find((each) => each.index === file.index)
    return freshSlot(
      noted === undefined ? null : { offset: noted.offsetBytes, hashState: noted.hashState },
      noted?.sha256,
    )
  })
  /** The first file not yet fully received; frames for later files would leave a gap. */
  let currentFile = 0
  let receivedBytes = 0
  let ackedBytes = 0
  const jobs: Job[] = []
  let pumping = false
  let stopped = false
  let idle: Promise<void> = Promise.resolve()
  /** The newest ack point waiting for its flush; older ones are covered by it. */
  let pendingFlush: { index: number; slot: FileSlot; sink: Sink; point: DurablePoint } | null = null
  let flushing: Promise<void> | null = null

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

  const sendAck = (index: number, slot: FileSlot, offset: number): void => {
    if (offset <= slot.ackedBytes) return
    ackedBytes += offset - slot.ackedBytes
    slot.ackedBytes = offset
    if (hooks.isActive()) hooks.send({ type: 'ack', transfer: transferId, file: index, offset })
  }

  const flushPending = async (): Promise<void> => {
    for (let next = pendingFlush; next !== null && !stopped; next = pendingFlush) {
      pendingFlush = null
      const { index, slot, sink, point } = next
      let durable: boolean
      try {
        durable = (await sink.flush?.()) ?? false
      } catch {
        continue // a failed sink: its write reports it; nothing here is acknowledged
      }
      if (stopped || slot.broken) continue
      if (durable) {
        slot.durable = point
        await record?.({ index, offsetBytes: point.offset, hashState: point.hashState })
      }
      sendAck(index, slot, point.offset)
    }
  }

  /**
   * An ack point: where the sink can keep bytes past the page, the ack waits until they are
   * flushed and recorded, so that a resume never starts before what was acknowledged.
   */
  const ackPoint = (index: number, slot: FileSlot, sink: Sink, hasher: Hasher): void => {
    const hashState = sink.flush === undefined ? undefined : hasher.save?.()
    if (hashState === undefined) {
      sendAck(index, slot, slot.writtenBytes)
      return
    }
    pendingFlush = { index, slot, sink, point: { offset: slot.writtenBytes, hashState } }
    flushing ??= flushPending().finally(() => {
      flushing = null
    })
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
        slot.broken = true
        if (isStorageFull(error)) throw new StorageFull()
        throw toProtocolError(error, 'write-failed')
      }
      // Counted even while interrupted: the bytes are in the sink, and a resume goes on after them.
      if (stopped) return
      slot.writtenBytes += length
      const row = progress[index]
      if (row) row.bytesDone = slot.writtenBytes
      const fileWritten = slot.writtenBytes === sizeOf(index)
      const flushAt = pendingFlush?.slot === slot ? pendingFlush.point.offset : 0
      const unacked = slot.writtenBytes - Math.max(slot.ackedBytes, flushAt)
      if (fileWritten || unacked >= ackEveryBytes) ackPoint(index, slot, sink, hasher)
      if (hooks.isActive()) hooks.progressed()
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
        await flushing
        blob = await sink.close()
      } catch (error) {
        slot.broken = true
        if (isStorageFull(error)) throw new StorageFull()
        throw toProtocolError(error, 'write-failed')
      }
      if (stopped) return
      const row = progress[index]
      if (row) {
        row.verified = true
        row.blob = blob
      }
      await record?.({ index, offsetBytes: sizeOf(index), hashState: new Uint8Array(0), sha256 })
      if (!hooks.isActive()) return
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
    idle = pump().catch((error: unknown) => {
      jobs.length = 0
      if (stopped) return
      if (error instanceof StorageFull) onStorageFull()
      else hooks.failed(toProtocolError(error, 'write-failed'))
    })
  }

  /** Drops a later file's partial bytes: the sender sends it again whole. */
  const forget = (index: number, slot: FileSlot): void => {
    if (slot.sink !== null) {
      runDetached(slot.sink.abort(), () => undefined)
    }
    Object.assign(slot, freshSlot())
    const row = progress[index]
    if (row) {
      row.bytesDone = 0
      row.verified = false
      delete row.blob
    }
  }

  /** Readies a file to go on: returns the offset its sink and hasher now stand at. */
  const prepare = async (index: number, slot: FileSlot): Promise<number> => {
    const file = files[index]
    if (file === undefined) return 0
    const live = slot.broken || slot.open === null ? null : await slot.open.catch(() => null)
    let offset = 0
    if (live !== null) {
      offset = slot.writtenBytes
    } else {
      const { durable } = slot
      const old = slot.sink
      let reopened: OpenFile | null = null
      if (durable !== null && durable.offset > 0 && reopenSink !== undefined) {
        // Keep what the old sink wrote; the reopened one cuts it back to the flushed offset.
        await old?.detach?.().catch(() => undefined)
        const sink = await reopenSink(file, durable.offset).catch(() => null)
        if (sink !== null) reopened = { sink, hasher: await createHasher(durable.hashState) }
      }
      if (reopened === null) {
        await old?.abort().catch(() => undefined)
        slot.open = null
        slot.sink = null
        slot.durable = null
      } else {
        offset = durable?.offset ?? 0
        slot.open = Promise.resolve(reopened)
        slot.sink = reopened.sink
      }
    }
    Object.assign(slot, {
      receivedBytes: offset,
      writtenBytes: offset,
      ackedBytes: offset,
      senderDigest: undefined,
      finishQueued: false,
      broken: false,
      verifiedSha256: undefined,
    })
    const row = progress[index]
    if (row) row.bytesDone = offset
    return offset
  }

  /** A file verified in an earlier visit: its bytes handed over again, if they were kept. */
  const reclaim = async (index: number, slot: FileSlot): Promise<boolean> => {
    const file = files[index]
    const row = progress[index]
    if (file === undefined || row === undefined || reopenSink === undefined) return false
    const sink = await reopenSink(file, file.size).catch(() => null)
    if (sink === null) return false
    try {
      row.blob = await sink.close()
    } catch {
      return false
    }
    row.verified = true
    row.bytesDone = file.size
    slot.sink = null
    return true
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
    async resumePoint() {
      // Whatever was received before the interruption is written first; then nothing runs.
      while (pumping || flushing !== null) {
        await idle
        await flushing
      }
      pendingFlush = null
      const verified: ResumePoint['verified'] = []
      for (const [index, slot] of slots.entries()) {
        const row = progress[index]
        const sha256 = slot.verifiedSha256
        if (row?.verified !== true && sha256 !== undefined && (await reclaim(index, slot))) {
          slot.verifiedSha256 = undefined
          slot.senderDigest = sha256
        }
        if (row?.verified === true) {
          if (slot.senderDigest !== undefined)
            verified.push({ file: index, sha256: slot.senderDigest })
          continue
        }
        const offset = await prepare(index, slot)
        for (const [later, laterSlot] of slots.entries()) {
          if (later > index) forget(later, laterSlot)
        }
        currentFile = index
        receivedBytes = 0
        ackedBytes = 0
        return { next: { file: index, offset }, verified }
      }
      return { next: null, verified }
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
