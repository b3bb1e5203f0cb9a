/**
 * Ferry's control lane: its own data channel on each peer connection (`negotiated: true`, id 65, so
 * Trystero, which claims channels announced through `ondatachannel`, leaves it alone), carrying
 * length-prefixed JSON (protocol/message-frames.ts) with the size cap enforced as bytes arrive.
 * Trystero's actions hold a message's chunks without bound until the last one comes; this lane
 * never holds more than one capped message. Shared, like the bulk channel, by every room a
 * connection serves.
 */
import { maxControlMessageBytes } from '../protocol/limits.ts'
import {
  createMessageReader,
  encodeMessage,
  MessageFrameError,
} from '../protocol/message-frames.ts'

/** SCTP stream id of the control lane: right after the bulk channel's (bulk-channel.ts). */
export const controlChannelId = 65
export const controlChannelLabel = 'ferry-control'
/** Our own messages waiting for the channel to open: the handshake's few, and a hello. */
const maxQueuedMessages = 64
/**
 * One `send` at most: SCTP refuses messages over its max-message-size (256 KiB in Chromium), and
 * the length prefix lets the reader join pieces of any size.
 */
export const maxPieceBytes = 64 * 1024

/** Whole messages to and from one peer connection. */
export interface ControlLane {
  /** Sends one message (queued until the channel opens); dropped once it is closed. */
  send(message: unknown): void
  /** Every whole message, parsed from JSON, unvalidated. */
  onMessage: ((message: unknown) => void) | null
  /** The peer broke the framing: a message over the cap, or one that is not JSON. Nothing more is read. */
  onViolation: ((detail: string) => void) | null
}

const lanes = new WeakMap<RTCPeerConnection, ControlLane>()

/** The control lane of a connection, created once even if several rooms share the connection. */
export const controlLaneFor = (connection: RTCPeerConnection): ControlLane => {
  let lane = lanes.get(connection)
  if (!lane) {
    lane = wrapControlChannel(
      connection.createDataChannel(controlChannelLabel, {
        negotiated: true,
        id: controlChannelId,
        ordered: true,
      }),
    )
    lanes.set(connection, lane)
  }
  return lane
}

export const wrapControlChannel = (dc: RTCDataChannel): ControlLane => {
  dc.binaryType = 'arraybuffer'
  const reader = createMessageReader(maxControlMessageBytes)
  const queued: Uint8Array[] = []
  let broken = false

  const sendFrame = (frame: Uint8Array) => {
    for (let at = 0; at < frame.byteLength; at += maxPieceBytes) {
      dc.send(frame.subarray(at, at + maxPieceBytes) as Uint8Array<ArrayBuffer>)
    }
  }

  const lane: ControlLane = {
    send: (message) => {
      const frame = encodeMessage(message, maxControlMessageBytes)
      if (dc.readyState === 'open') sendFrame(frame)
      else if (dc.readyState === 'connecting' && queued.length < maxQueuedMessages) {
        queued.push(frame)
      }
    },
    onMessage: null,
    onViolation: null,
  }

  dc.addEventListener('open', () => {
    for (const frame of queued.splice(0)) sendFrame(frame)
  })
  dc.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (broken) return
    const bytes =
      event.data instanceof ArrayBuffer
        ? new Uint8Array(event.data)
        : typeof event.data === 'string'
          ? new TextEncoder().encode(event.data)
          : null
    if (bytes === null) return
    let messages: unknown[]
    try {
      messages = reader.push(bytes)
    } catch (error) {
      broken = true
      lane.onViolation?.(error instanceof MessageFrameError ? error.message : String(error))
      return
    }
    for (const message of messages) lane.onMessage?.(message)
  })
  return lane
}
