/**
 * An in-memory BulkChannel pair for tests and benchmarks. Sent messages wait in a queue that a
 * simulated link drains a few bytes per tick, so bufferedBytes() and waitForDrain() behave like a
 * data channel's bufferedAmount and bufferedamountlow: a sender that ignores them grows the queue.
 */
import type { BulkChannel } from '../types.ts'

export interface MemoryChannelOptions {
  /** Runs a function later, e.g. setImmediate in Node tests; each call is one tick of the link. */
  schedule: (run: () => void) => void
  /** How many bytes the link moves per tick (at least one message per tick). */
  bytesPerTick?: number
  /** waitForDrain() resolves once bufferedBytes() is at or below this. */
  lowWaterBytes?: number
  /** Whether the channel starts open; otherwise call open(). */
  open?: boolean
  /** Sees, rewrites or drops (null) each message on its way from `from`; for injecting faults. */
  intercept?: (bytes: Uint8Array, from: 'a' | 'b') => Uint8Array | null
}

/** One end of the pair, with test hooks. */
export interface MemoryChannel extends BulkChannel {
  /** The most bytes that were ever waiting in this end's send queue. */
  maxBufferedBytes(): number
}

export interface MemoryChannelPair {
  a: MemoryChannel
  b: MemoryChannel
  open(): void
  /** Closes both ends, as when the peer connection dies; queued messages are lost. */
  close(): void
}

const defaultBytesPerTick = 256 * 1024
const defaultLowWaterBytes = 256 * 1024

type Side = 'a' | 'b'

export const createMemoryChannelPair = (options: MemoryChannelOptions): MemoryChannelPair => {
  const bytesPerTick = options.bytesPerTick ?? defaultBytesPerTick
  const lowWaterBytes = options.lowWaterBytes ?? defaultLowWaterBytes
  let state: 'connecting' | 'open' | 'closed' = options.open === false ? 'connecting' : 'open'
  const openWaiters: { resolve: () => void; reject: (error: Error) => void }[] = []

  const createEnd = (side: Side, deliver: (bytes: Uint8Array) => void) => {
    const queue: Uint8Array[] = []
    let buffered = 0
    let maxBuffered = 0
    let ticking = false
    let drainWaiters: (() => void)[] = []

    const releaseDrainWaiters = (): void => {
      const waiters = drainWaiters
      drainWaiters = []
      for (const resolve of waiters) resolve()
    }

    const tick = (): void => {
      ticking = false
      let moved = 0
      for (let next = queue[0]; state === 'open' && next !== undefined; next = queue[0]) {
        if (moved > 0 && moved + next.length > bytesPerTick) break
        const message = next
        queue.shift()
        buffered -= message.length
        moved += message.length
        const passed = options.intercept ? options.intercept(message, side) : message
        if (passed !== null) deliver(passed)
      }
      if (buffered <= lowWaterBytes) releaseDrainWaiters()
      if (state === 'open' && queue.length > 0) startTicking()
    }

    const startTicking = (): void => {
      if (ticking) return
      ticking = true
      options.schedule(tick)
    }

    const end: MemoryChannel & { startTicking(): void; drop(): void } = {
      send(bytes) {
        if (state !== 'open') throw new Error(`ferry: memory channel is ${state}`)
        // A copy, as the wire would make: the sender may reuse its buffer.
        queue.push(bytes.slice())
        buffered += bytes.length
        maxBuffered = Math.max(maxBuffered, buffered)
        startTicking()
      },
      bufferedBytes: () => buffered,
      waitForDrain() {
        if (buffered <= lowWaterBytes || state === 'closed') return Promise.resolve()
        return new Promise<void>((resolve) => drainWaiters.push(resolve))
      },
      waitOpen() {
        if (state === 'open') return Promise.resolve()
        if (state === 'closed') return Promise.reject(new Error('ferry: memory channel closed'))
        return new Promise<void>((resolve, reject) => openWaiters.push({ resolve, reject }))
      },
      isOpen: () => state === 'open',
      onMessage: null,
      onClose: null,
      maxBufferedBytes: () => maxBuffered,
      startTicking() {
        if (queue.length > 0) startTicking()
      },
      drop() {
        queue.length = 0
        buffered = 0
        releaseDrainWaiters()
      },
    }
    return end
  }

  const a = createEnd('a', (bytes) => b.onMessage?.(bytes))
  const b = createEnd('b', (bytes) => a.onMessage?.(bytes))

  return {
    a,
    b,
    open() {
      if (state !== 'connecting') return
      state = 'open'
      for (const waiter of openWaiters.splice(0)) waiter.resolve()
      a.startTicking()
      b.startTicking()
    },
    close() {
      if (state === 'closed') return
      state = 'closed'
      for (const waiter of openWaiters.splice(0))
        waiter.reject(new Error('ferry: memory channel closed'))
      a.drop()
      b.drop()
      a.onClose?.()
      b.onClose?.()
    },
  }
}
