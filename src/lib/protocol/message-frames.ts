/**
 * Length-prefixed messages on Ferry's control lane: a 4-byte big-endian length, then that many bytes
 * of UTF-8 JSON. The reader enforces its cap on the length header, before it keeps a single byte of
 * the body, so a peer can make it hold at most one capped message at a time.
 */

/** Bytes of the length prefix. */
export const lengthPrefixBytes = 4

export type MessageFrameErrorCode = 'oversized-message' | 'malformed-message'

export class MessageFrameError extends Error {
  override readonly name = 'MessageFrameError'

  constructor(
    readonly code: MessageFrameErrorCode,
    readonly detail: string,
  ) {
    super(`ferry: ${code}: ${detail}`)
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** One message as it goes on the wire. Throws MessageFrameError if it is over `maxMessageBytes`. */
export const encodeMessage = (message: unknown, maxMessageBytes: number): Uint8Array => {
  const body = encoder.encode(JSON.stringify(message))
  if (body.byteLength > maxMessageBytes) {
    throw new MessageFrameError(
      'oversized-message',
      `${body.byteLength} > ${maxMessageBytes} bytes`,
    )
  }
  const frame = new Uint8Array(lengthPrefixBytes + body.byteLength)
  new DataView(frame.buffer).setUint32(0, body.byteLength)
  frame.set(body, lengthPrefixBytes)
  return frame
}

export interface MessageReader {
  /**
   * Feeds bytes as they arrive, in any fragments. Returns the whole messages they complete, parsed.
   * Throws MessageFrameError on a length over the cap or a body that is not JSON; the reader is
   * then broken and every later push throws the same error.
   */
  push(bytes: Uint8Array): unknown[]
  /** Bytes held right now: at most the prefix plus one capped body. */
  heldBytes(): number
}

export const createMessageReader = (maxMessageBytes: number): MessageReader => {
  const header = new Uint8Array(lengthPrefixBytes)
  let headerFill = 0
  let body: Uint8Array | null = null
  let bodyFill = 0
  let broken: MessageFrameError | null = null

  const finish = (complete: Uint8Array): unknown => {
    try {
      return JSON.parse(decoder.decode(complete)) as unknown
    } catch (error) {
      throw new MessageFrameError(
        'malformed-message',
        error instanceof Error ? error.message : 'not JSON',
      )
    }
  }

  const pushUnsafe = (bytes: Uint8Array): unknown[] => {
    const messages: unknown[] = []
    let at = 0
    while (at < bytes.byteLength) {
      if (body === null) {
        const take = Math.min(lengthPrefixBytes - headerFill, bytes.byteLength - at)
        header.set(bytes.subarray(at, at + take), headerFill)
        headerFill += take
        at += take
        if (headerFill < lengthPrefixBytes) break
        const length = new DataView(header.buffer).getUint32(0)
        if (length > maxMessageBytes) {
          throw new MessageFrameError('oversized-message', `${length} > ${maxMessageBytes} bytes`)
        }
        headerFill = 0
        body = new Uint8Array(length)
        bodyFill = 0
      }
      const take = Math.min(body.byteLength - bodyFill, bytes.byteLength - at)
      body.set(bytes.subarray(at, at + take), bodyFill)
      bodyFill += take
      at += take
      if (bodyFill === body.byteLength) {
        const complete = body
        body = null
        messages.push(finish(complete))
      }
    }
    return messages
  }

  return {
    push: (bytes) => {
      if (broken) throw broken
      try {
        return pushUnsafe(bytes)
      } catch (error) {
        broken =
          error instanceof MessageFrameError
            ? error
            : new MessageFrameError('malformed-message', String(error))
        body = null
        headerFill = 0
        throw broken
      }
    },
    heldBytes: () => headerFill + (body?.byteLength ?? 0),
  }
}
