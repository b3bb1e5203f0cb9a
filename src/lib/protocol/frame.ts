/**
 * Bulk frames: one binary message per chunk of file data, big-endian.
 *
 *   offset  size  field
 *   0       1     version (= frameVersion)
 *   1       1     kind (1 = data)
 *   2       16    transfer id
 *   18      4     file index (u32)
 *   22      8     byte offset in the file (u64, at most 2^53 - 1)
 *   30      4     payload length (u32, at most maxFramePayloadBytes)
 *   34      n     payload
 */
import { ProtocolError } from './errors.ts'
import { transferIdFromBytes, transferIdToBytes } from './ids.ts'
import {
  frameHeaderBytes,
  maxFilesPerOffer,
  maxFrameOffset,
  maxFramePayloadBytes,
  transferIdBytes,
} from './limits.ts'

export const frameVersion = 1
export const frameKindData = 1

const versionIndex = 0
const kindIndex = 1
const transferIdIndex = 2
const fileIndexIndex = transferIdIndex + transferIdBytes
const offsetIndex = fileIndexIndex + 4
const payloadLengthIndex = offsetIndex + 8
const payloadIndex = payloadLengthIndex + 4

// The layout above and limits.ts must agree.
if (payloadIndex !== frameHeaderBytes) throw new Error('ferry: frame layout and limits disagree')

const twoTo32 = 2 ** 32

/** One chunk of one file of one transfer. */
export interface Frame {
  transferId: string
  /** Index of the file in the offer. */
  file: number
  /** Where the payload starts in the file. */
  offset: number
  payload: Uint8Array
}

/** A decoded frame, or why not; `transferId` is set when the header was readable that far. */
export type DecodeFrameResult =
  { ok: true; frame: Frame } | { ok: false; error: ProtocolError; transferId?: string }

/**
 * Writes the header of a frame carrying `payloadBytes` into the first frameHeaderBytes of `target`,
 * whose payload the caller puts right after it: a sender can then reuse one buffer for every frame
 * instead of allocating one per frame. Throws ProtocolError for a frame that could never be
 * decoded.
 */
export const writeFrameHeader = (
  target: Uint8Array,
  { transferId, file, offset }: Omit<Frame, 'payload'>,
  payloadBytes: number,
): void => {
  if (payloadBytes > maxFramePayloadBytes) {
    throw new ProtocolError(
      'oversized-frame',
      `payload of ${payloadBytes} bytes, at most ${maxFramePayloadBytes}`,
    )
  }
  if (!Number.isSafeInteger(file) || file < 0 || file >= maxFilesPerOffer) {
    throw new ProtocolError('invalid-field', `bad file index ${file}`)
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ProtocolError('invalid-field', `bad offset ${offset}`)
  }
  const view = new DataView(target.buffer, target.byteOffset, payloadIndex)
  view.setUint8(versionIndex, frameVersion)
  view.setUint8(kindIndex, frameKindData)
  target.set(transferIdToBytes(transferId), transferIdIndex)
  view.setUint32(fileIndexIndex, file)
  view.setUint32(offsetIndex, Math.floor(offset / twoTo32))
  view.setUint32(offsetIndex + 4, offset % twoTo32)
  view.setUint32(payloadLengthIndex, payloadBytes)
}

/** One frame as one message. Throws ProtocolError for a frame that could never be decoded. */
export const encodeFrame = (frame: Frame): Uint8Array => {
  const bytes = new Uint8Array(payloadIndex + frame.payload.length)
  writeFrameHeader(bytes, frame, frame.payload.length)
  bytes.set(frame.payload, payloadIndex)
  return bytes
}

interface FrameHeader {
  transferId: string
  file: number
  offset: number
  payloadBytes: number
}

type HeaderResult =
  { ok: true; header: FrameHeader } | { ok: false; error: ProtocolError; transferId?: string }

/** Reads the first frameHeaderBytes of `bytes` (the caller checks there are that many). */
const readHeader = (bytes: Uint8Array): HeaderResult => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, payloadIndex)
  const version = view.getUint8(versionIndex)
  if (version !== frameVersion) {
    return { ok: false, error: new ProtocolError('bad-frame-header', `frame version ${version}`) }
  }
  const kind = view.getUint8(kindIndex)
  if (kind !== frameKindData) {
    return { ok: false, error: new ProtocolError('bad-frame-header', `frame kind ${kind}`) }
  }
  const transferId = transferIdFromBytes(bytes.subarray(transferIdIndex, fileIndexIndex))
  const fail = (error: ProtocolError): HeaderResult => ({ ok: false, error, transferId })
  const file = view.getUint32(fileIndexIndex)
  if (file >= maxFilesPerOffer) {
    return fail(new ProtocolError('bad-frame-header', `file index ${file}`))
  }
  const offset = view.getUint32(offsetIndex) * twoTo32 + view.getUint32(offsetIndex + 4)
  if (view.getUint32(offsetIndex) > Math.floor(maxFrameOffset / twoTo32)) {
    return fail(new ProtocolError('bad-frame-header', 'offset beyond 2^53 - 1'))
  }
  const payloadBytes = view.getUint32(payloadLengthIndex)
  if (payloadBytes > maxFramePayloadBytes) {
    return fail(
      new ProtocolError(
        'oversized-frame',
        `payload of ${payloadBytes} bytes, at most ${maxFramePayloadBytes}`,
      ),
    )
  }
  return { ok: true, header: { transferId, file, offset, payloadBytes } }
}

/**
 * Decodes exactly one frame. The payload is a view into `bytes`, not a copy.
 * Never throws: a short, long or malformed message comes back as a ProtocolError.
 */
export const decodeFrame = (bytes: Uint8Array): DecodeFrameResult => {
  if (bytes.length < payloadIndex) {
    return {
      ok: false,
      error: new ProtocolError(
        'truncated-frame',
        `${bytes.length} bytes, a header takes ${payloadIndex}`,
      ),
    }
  }
  const read = readHeader(bytes)
  if (!read.ok) return read
  const { transferId, file, offset, payloadBytes } = read.header
  const end = payloadIndex + payloadBytes
  if (bytes.length !== end) {
    return {
      ok: false,
      transferId,
      error:
        bytes.length < end
          ? new ProtocolError(
              'truncated-frame',
              `payload of ${bytes.length - payloadIndex} bytes, header says ${payloadBytes}`,
            )
          : new ProtocolError(
              'bad-frame-header',
              `${bytes.length - end} bytes after the payload the header declares`,
            ),
    }
  }
  return { ok: true, frame: { transferId, file, offset, payload: bytes.subarray(payloadIndex) } }
}

export type FrameReadResult =
  | { ok: true; frames: Frame[] }
  /** The stream is corrupt from here on; `frames` completed before the fault are still good. */
  | { ok: false; error: ProtocolError; frames: Frame[] }

/** Reassembles frames from a byte stream cut anywhere (for transports that are not message-based). */
export interface FrameReader {
  /** Feeds bytes; returns the frames they complete. After an error, every push returns it again. */
  push(bytes: Uint8Array): FrameReadResult
  /** Bytes held towards the next frame. */
  pendingBytes(): number
  /** The stream has ended: a 'truncated-frame' error if it stopped inside a frame, else null. */
  end(): ProtocolError | null
}

/**
 * A two-state reader: 'header' waits for frameHeaderBytes, 'payload' for the length the header
 * declared. Payloads are views into pushed bytes where a frame lies within one push, so pushed
 * buffers must not be reused.
 */
export const createFrameReader = (): FrameReader => {
  let chunks: Uint8Array[] = []
  let pending = 0
  let header: FrameHeader | null = null
  let fault: ProtocolError | null = null

  /** Removes and returns the first `count` pending bytes (count <= pending). */
  const take = (count: number): Uint8Array => {
    const first = chunks[0]
    if (first !== undefined && first.length >= count) {
      const taken = first.subarray(0, count)
      if (first.length === count) chunks.shift()
      else chunks[0] = first.subarray(count)
      pending -= count
      return taken
    }
    const taken = new Uint8Array(count)
    let filled = 0
    while (filled < count) {
      const chunk = chunks[0]
      if (chunk === undefined) break
      const part = Math.min(chunk.length, count - filled)
      taken.set(chunk.subarray(0, part), filled)
      filled += part
      if (part === chunk.length) chunks.shift()
      else chunks[0] = chunk.subarray(part)
    }
    pending -= count
    return taken
  }

  return {
    push(bytes) {
      const frames: Frame[] = []
      if (fault !== null) return { ok: false, error: fault, frames }
      if (bytes.length > 0) {
        chunks.push(bytes)
        pending += bytes.length
      }
      for (;;) {
        if (header === null) {
          if (pending < payloadIndex) break
          const read = readHeader(take(payloadIndex))
          if (!read.ok) {
            fault = read.error
            chunks = []
            pending = 0
            return { ok: false, error: fault, frames }
          }
          header = read.header
        }
        if (pending < header.payloadBytes) break
        const { transferId, file, offset, payloadBytes } = header
        frames.push({ transferId, file, offset, payload: take(payloadBytes) })
        header = null
      }
      return { ok: true, frames }
    },
    pendingBytes: () => pending + (header === null ? 0 : payloadIndex),
    end() {
      if (fault !== null) return fault
      const held = pending + (header === null ? 0 : payloadIndex)
      return held === 0
        ? null
        : new ProtocolError('truncated-frame', `stream ended ${held} bytes into a frame`)
    },
  }
}
