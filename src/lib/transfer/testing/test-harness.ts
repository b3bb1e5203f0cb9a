/**
 * Test-only wiring (Node): two managers, Alice and Bob, joined by an in-memory bulk channel pair
 * and a control path that serialises messages to JSON, as the real one does.
 */
import { createHello, type ControlMessage } from '../../protocol/control.ts'
import { newTransferId } from '../../protocol/ids.ts'
import { createSha256Hasher } from '../hashing.ts'
import { createTransferManager } from '../manager.ts'
import {
  createMemoryChannelPair,
  type MemoryChannelOptions,
  type MemoryChannelPair,
} from './memory-channel.ts'
import { createMemorySink } from '../memory-sink.ts'
import type {
  ResumeRecord,
  ResumeStore,
  Sink,
  TransferEvent,
  TransferManager,
  TransferManagerDeps,
  TransferSnapshot,
} from '../types.ts'

export type Side = 'alice' | 'bob'

/** A sink that records what happened to it and can be slowed down or stalled. */
export interface TestSink extends Sink {
  transferId: string
  writes: number
  closed: boolean
  aborted: boolean
}

export interface HarnessOptions {
  /** How control messages travel: 'fast' overtakes queued frames, 'slow' trails them. */
  control?: 'fast' | 'normal' | 'slow'
  /** Awaited before each sink write resolves. */
  writeDelay?: () => Promise<void>
  channel?: Partial<MemoryChannelOptions>
  /** How far the clock moves per nowMs() call. */
  clockStepMs?: number
  /** Extra manager deps for one side (a resume store, reopenSink). */
  deps?: Partial<Record<Side, Partial<TransferManagerDeps>>>
}

export interface Harness {
  alice: TransferManager
  bob: TransferManager
  pair: MemoryChannelPair
  events: Record<Side, TransferEvent[]>
  /** Control messages each side's manager sent, in order (not the greetings: see greet). */
  sent: Record<Side, ControlMessage[]>
  sinks: TestSink[]
  /** The latest snapshot of a transfer as `side` saw it. */
  latest(side: Side, id: string): TransferSnapshot | undefined
  /** Waits (real time, briefly) until `ready` holds. */
  until(ready: () => boolean, what: string): Promise<void>
  protocolErrors(side: Side): string[]
  /**
   * Joins the two again over a new channel pair, under new peer ids of the same devices; each
   * greets the other unless `greet` is false (then greet() does, one side at a time).
   */
  reconnect(options?: { greet?: boolean }): MemoryChannelPair
  /** `side` says hello to the other over the current connection. */
  greet(side: Side): void
  /** Each side's current peer id for the other: 'bob' for Alice at first, then 'bob#2', … */
  peerIdOf(side: Side): string
}

/** A ResumeStore over a Map, cloning as IndexedDB does. */
export const createMemoryResumeStore = (): ResumeStore & { records: Map<string, ResumeRecord> } => {
  const records = new Map<string, ResumeRecord>()
  return {
    records,
    put: (record) => {
      records.set(record.transferId, structuredClone(record))
      return Promise.resolve()
    },
    delete: (id) => {
      records.delete(id)
      return Promise.resolve()
    },
    list: () => Promise.resolve([...records.values()].map((record) => structuredClone(record))),
  }
}

export const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export const randomBytes = (length: number, seed: number): Uint8Array<ArrayBuffer> => {
  const bytes = new Uint8Array(length)
  let state = seed | 1
  for (let i = 0; i < length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    bytes[i] = state & 0xff
  }
  return bytes
}

export const until = async (
  ready: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> => {
  const started = Date.now()
  while (!ready()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await nextTick()
  }
}

export const createTestSink = (
  transferId: string,
  type: string,
  writeDelay?: () => Promise<void>,
): TestSink => {
  const inner = createMemorySink(type)
  const sink: TestSink = {
    transferId,
    writes: 0,
    closed: false,
    aborted: false,
    async write(bytes) {
      if (writeDelay) await writeDelay()
      sink.writes++
      await inner.write(bytes)
    },
    async close() {
      sink.closed = true
      return inner.close()
    },
    async abort() {
      sink.aborted = true
      await inner.abort()
    },
  }
  return sink
}

export const createHarness = (options: HarnessOptions = {}): Harness => {
  const pair = createMemoryChannelPair({ schedule: setImmediate, ...options.channel })
  const events: Record<Side, TransferEvent[]> = { alice: [], bob: [] }
  const sent: Record<Side, ControlMessage[]> = { alice: [], bob: [] }
  const sinks: TestSink[] = []
  let clockMs = 0
  const deliverLater =
    options.control === 'fast'
      ? queueMicrotask
      : options.control === 'slow'
        ? (run: () => void) => setTimeout(run, 2)
        : setImmediate

  const managerFor = (side: Side): TransferManager =>
    createTransferManager({
      createSink: (transferId, file) => {
        const sink = createTestSink(transferId, file.type, options.writeDelay)
        sinks.push(sink)
        return sink
      },
      createHasher: createSha256Hasher,
      newId: () => newTransferId(),
      nowMs: () => (clockMs += options.clockStepMs ?? 1),
      ...options.deps?.[side],
      onEvent: (event) => events[side].push(event),
    })

  const alice = managerFor('alice')
  const bob = managerFor('bob')
  let generation = 1
  const idOf = (side: Side): string => (generation === 1 ? side : `${side}#${generation}`)
  const portFor = (from: Side, to: TransferManager, bulk: MemoryChannelPair['a']) => {
    const fromId = idOf(from)
    return {
      sendControl(message: ControlMessage) {
        sent[from].push(message)
        const text = JSON.stringify(message)
        deliverLater(() => to.handleControl(fromId, text))
      },
      bulk,
    }
  }
  /**
   * `side` says hello to the other, as ferry.ts does once the session handshake lets a peer in: not
   * the manager's own message, so not in `sent`.
   */
  const greet = (side: Side) => {
    const [to, fromId] = side === 'alice' ? [bob, idOf('alice')] : [alice, idOf('bob')]
    const hello = JSON.stringify(createHello(side === 'alice' ? 'Alice' : 'Bob', 'laptop'))
    deliverLater(() => to.handleControl(fromId, hello))
  }
  /**
   * Each side adds the other and greets it. Device keys stand for certificate fingerprints: the
   * same device across peer ids.
   */
  let ports = { alice: portFor('alice', bob, pair.a), bob: portFor('bob', alice, pair.b) }
  const meet = (greeting: boolean) => {
    alice.addPeer(idOf('bob'), ports.alice, 'device:bob')
    bob.addPeer(idOf('alice'), ports.bob, 'device:alice')
    if (!greeting) return
    greet('alice')
    greet('bob')
  }
  meet(true)

  return {
    alice,
    bob,
    pair,
    events,
    sent,
    sinks,
    latest(side, id) {
      let found: TransferSnapshot | undefined
      for (const event of events[side]) {
        if (event.type === 'transfer' && event.transfer.id === id) found = event.transfer
      }
      return found
    },
    until,
    protocolErrors: (side) =>
      events[side].flatMap((event) => (event.type === 'protocol-error' ? [event.code] : [])),
    reconnect({ greet: greeting = true } = {}) {
      alice.removePeer(idOf('bob'))
      bob.removePeer(idOf('alice'))
      generation++
      const current = createMemoryChannelPair({ schedule: setImmediate, ...options.channel })
      ports = { alice: portFor('alice', bob, current.a), bob: portFor('bob', alice, current.b) }
      meet(greeting)
      return current
    },
    greet,
    peerIdOf: (side) => idOf(side === 'alice' ? 'bob' : 'alice'),
  }
}

export const isEnded = (snapshot: TransferSnapshot | undefined): boolean =>
  snapshot !== undefined && snapshot.state !== 'offered' && snapshot.state !== 'transferring'

export const sameBytes = async (blob: Blob | undefined, bytes: Uint8Array): Promise<boolean> =>
  blob !== undefined && Buffer.from(await blob.arrayBuffer()).equals(bytes)
