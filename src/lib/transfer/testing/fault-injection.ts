/**
 * Test-only fault injection, enabled only by the serve-time config of the e2e set-up
 * (`testHooks: true` in config.json; never from a link). It lets a test prove that damage in
 * flight is caught by the end-to-end hash, through the app's real path.
 */
import { frameHeaderBytes } from '../../protocol/limits.ts'
import type { BulkChannel, Sink } from '../types.ts'

export interface FaultInjector {
  /** Flip one payload byte of the next data frame sent on any channel. */
  corruptNextFrame(): void
  wrap(channel: BulkChannel): BulkChannel
}

export const createFaultInjector = (): FaultInjector => {
  let corruptPending = false
  return {
    corruptNextFrame: () => {
      corruptPending = true
    },
    wrap: (channel) => ({
      ...channel,
      send: (bytes) => {
        if (corruptPending && bytes.length > frameHeaderBytes) {
          corruptPending = false
          const damaged = bytes.slice()
          damaged[frameHeaderBytes] = (damaged[frameHeaderBytes] ?? 0) ^ 0xff
          channel.send(damaged)
          return
        }
        channel.send(bytes)
      },
      // The wrapper's own handlers are the channel's: the manager sets them on the real channel.
      set onMessage(handler) {
        channel.onMessage = handler
      },
      get onMessage() {
        return channel.onMessage
      },
      set onClose(handler) {
        channel.onClose = handler
      },
      get onClose() {
        return channel.onClose
      },
    }),
  }
}

/** Test-only: storage that runs out once (see failStorageOnceAt), to exercise the quota pause. */
export interface StorageFault {
  /** The next sink write that would take a file past `offsetBytes` fails, once, as out of quota. */
  failOnceAt(offsetBytes: number): void
  /** A sink whose writes may fail so; it starts at `startBytes` (a reopened file). */
  wrap(sink: Sink, startBytes?: number): Sink
}

export const createStorageFault = (): StorageFault => {
  let failAt: number | null = null
  return {
    failOnceAt: (offsetBytes) => {
      failAt = offsetBytes
    },
    wrap: (sink, startBytes = 0) => {
      let written = startBytes
      return {
        ...sink,
        write: (bytes) => {
          if (failAt !== null && written + bytes.length > failAt) {
            failAt = null
            return Promise.reject(
              new DOMException('test: the storage quota ran out', 'QuotaExceededError'),
            )
          }
          written += bytes.length
          return sink.write(bytes)
        },
      }
    },
  }
}
