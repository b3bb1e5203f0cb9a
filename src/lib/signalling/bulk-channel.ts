/**
 * The bulk path: one extra data channel per peer connection, opened with `negotiated: true` on both
 * sides so that Trystero, which claims every channel announced through `ondatachannel`, leaves it
 * alone. Both peers create it with the same id as soon as they see each other.
 */
import { bulkLowWaterBytes } from '../protocol/limits.ts'
import type { BulkChannel } from '../transfer/types.ts'

/** SCTP stream id of the bulk channel; Trystero's own channel takes the first ids. */
export const bulkChannelId = 64
export const bulkChannelLabel = 'ferry-bulk'

const channels = new WeakMap<RTCPeerConnection, BulkChannel>()

/** The bulk channel of a connection, created once even if several rooms share the connection. */
export const bulkChannelFor = (connection: RTCPeerConnection): BulkChannel => {
  let channel = channels.get(connection)
  if (!channel) {
    channel = wrapDataChannel(
      connection.createDataChannel(bulkChannelLabel, {
        negotiated: true,
        id: bulkChannelId,
        ordered: true,
      }),
    )
    channels.set(connection, channel)
  }
  return channel
}

export const wrapDataChannel = (dc: RTCDataChannel): BulkChannel => {
  dc.binaryType = 'arraybuffer'
  dc.bufferedAmountLowThreshold = bulkLowWaterBytes
  const drainWaiters = new Set<() => void>()
  const openWaiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>()

  const releaseDrainWaiters = () => {
    for (const resolve of drainWaiters) resolve()
    drainWaiters.clear()
  }

  const channel: BulkChannel = {
    // send() copies the bytes before it returns, so the sender may reuse its frame buffer.
    send: (bytes) => dc.send(bytes as Uint8Array<ArrayBuffer>),
    bufferedBytes: () => dc.bufferedAmount,
    isOpen: () => dc.readyState === 'open',
    waitForDrain: () =>
      dc.readyState !== 'open' || dc.bufferedAmount <= bulkLowWaterBytes
        ? Promise.resolve()
        : new Promise((resolve) => drainWaiters.add(resolve)),
    waitOpen: () => {
      if (dc.readyState === 'open') return Promise.resolve()
      if (dc.readyState === 'closed' || dc.readyState === 'closing') {
        return Promise.reject(new Error('ferry: bulk channel closed'))
      }
      return new Promise((resolve, reject) => openWaiters.add({ resolve, reject }))
    },
    onMessage: null,
    onClose: null,
  }

  dc.addEventListener('bufferedamountlow', releaseDrainWaiters)
  dc.addEventListener('open', () => {
    for (const waiter of openWaiters) waiter.resolve()
    openWaiters.clear()
  })
  dc.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) channel.onMessage?.(new Uint8Array(event.data))
  })
  dc.addEventListener('close', () => {
    releaseDrainWaiters()
    for (const waiter of openWaiters) waiter.reject(new Error('ferry: bulk channel closed'))
    openWaiters.clear()
    channel.onClose?.()
  })
  return channel
}
