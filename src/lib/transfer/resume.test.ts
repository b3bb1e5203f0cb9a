/**
 * Resuming interrupted transfers (docs/protocol.md, "Resume"): over a new connection under new
 * peer ids, after the receiver's page reloads, after its storage filled up; and the resumes a
 * sender refuses.
 */
import { describe, expect, it } from 'vitest'
import { createHello, type ControlMessage } from '../protocol/control.ts'
import { newTransferId } from '../protocol/ids.ts'
import { windowBytes } from '../protocol/limits.ts'
import { createSha256Hasher } from './hashing.ts'
import { createTransferManager } from './manager.ts'
import { createMemoryChannelPair, type MemoryChannelPair } from './testing/memory-channel.ts'
import {
  createHarness,
  createMemoryResumeStore,
  nextTick,
  randomBytes,
  sameBytes,
  until,
  type Harness,
} from './testing/test-harness.ts'
import type {
  OfferedFile,
  OutgoingFile,
  Sink,
  TransferEvent,
  TransferManager,
  TransferManagerDeps,
  TransferSnapshot,
} from './types.ts'

const mib = 1024 * 1024

const outgoing = (bytes: Uint8Array<ArrayBuffer>, name: string): OutgoingFile => ({
  blob: new Blob([bytes]),
  name,
  type: 'application/octet-stream',
})

/** Slow enough that a cut lands mid-file. */
const slowWrites = () => new Promise<void>((resolve) => setTimeout(resolve, 1))

/**
 * A fake disk for the receiver: files that outlive a manager (a page), flushed on request, and
 * reopened at an offset; optionally full once a file reaches `fullAtBytes`.
 */
const createDisk = (options: { fullAtBytes?: number } = {}) => {
  const files = new Map<string, { bytes: Uint8Array; size: number }>()
  let fullAt = options.fullAtBytes
  const opened = { fresh: 0, reopened: 0 }
  /** Bumped when the page goes away: its sinks write nothing more. */
  let visit = 0

  const sinkAt = (key: string, type: string, startBytes: number): Sink => {
    const file = files.get(key) ?? { bytes: new Uint8Array(0), size: 0 }
    files.set(key, file)
    file.size = startBytes
    const ownVisit = visit
    return {
      async write(bytes) {
        await slowWrites()
        if (ownVisit !== visit) return new Promise<void>(() => undefined)
        if (fullAt !== undefined && file.size + bytes.length > fullAt) {
          fullAt = undefined // once: the person frees space, then retries
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
        }
        if (file.bytes.length < file.size + bytes.length) {
          const grown = new Uint8Array(Math.max(file.size + bytes.length, file.bytes.length * 2))
          grown.set(file.bytes.subarray(0, file.size))
          file.bytes = grown
        }
        file.bytes.set(bytes, file.size)
        file.size += bytes.length
      },
      flush: () => Promise.resolve(true),
      detach: () => Promise.resolve(),
      close: () => Promise.resolve(new Blob([file.bytes.slice(0, file.size)], { type })),
      abort() {
        files.delete(key)
        return Promise.resolve()
      },
    }
  }

  const deps: Pick<TransferManagerDeps, 'createSink' | 'reopenSink'> = {
    createSink: (transferId: string, file: OfferedFile) => {
      opened.fresh++
      return sinkAt(`${transferId}/${file.index}`, file.type, 0)
    },
    reopenSink: (transferId: string, file: OfferedFile, offsetBytes: number) => {
      const key = `${transferId}/${file.index}`
      const found = files.get(key)
      if (found === undefined || found.size < offsetBytes) return Promise.resolve(null)
      opened.reopened++
      return Promise.resolve(sinkAt(key, file.type, offsetBytes))
    },
  }
  return {
    deps,
    files,
    opened,
    pageGone: () => {
      visit++
    },
  }
}

const bytesSent = (h: Harness, id: string): number => h.latest('alice', id)?.bytesSent ?? 0

/** Starts a transfer of `bytes` from Alice to Bob and waits until `cutAtBytes` have arrived. */
const startAndWait = async (h: Harness, bytes: Uint8Array<ArrayBuffer>, cutAtBytes: number) => {
  const id = h.alice.sendFiles('bob', [outgoing(bytes, 'big.bin')])
  await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
  h.bob.accept(id)
  await until(() => (h.latest('bob', id)?.bytesDone ?? 0) >= cutAtBytes, 'half the file', 20_000)
  return id
}

const completeOnBoth = (h: Harness, id: string) =>
  until(
    () => h.latest('alice', id)?.state === 'complete' && h.latest('bob', id)?.state === 'complete',
    'completion on both sides',
    30_000,
  )

describe('resume after a lost connection', () => {
  it('goes on from where the receiver stopped, under new peer ids; resends at most one window', async () => {
    const size = 24 * mib
    const bytes = randomBytes(size, 11)
    const h = createHarness({ writeDelay: slowWrites, clockStepMs: 200 })
    const id = await startAndWait(h, bytes, 4 * mib)
    h.pair.close()
    await until(
      () =>
        h.latest('alice', id)?.state === 'interrupted' &&
        h.latest('bob', id)?.state === 'interrupted',
      'the interruption',
    )
    expect(h.latest('bob', id)?.interruption).toBe('peer-gone')
    const sentBeforeCut = bytesSent(h, id)
    expect(sentBeforeCut).toBeLessThan(size)

    h.reconnect()
    await completeOnBoth(h, id)
    const received = h.latest('bob', id)?.files[0]
    expect(received?.verified).toBe(true)
    expect(await sameBytes(received?.blob, bytes)).toBe(true)
    // It went on from the middle, not from 0.
    const resumed = h.sent.bob.find((message) => message.type === 'resume')
    expect(resumed).toMatchObject({ type: 'resume', transfer: id, file: 0 })
    expect(resumed?.type === 'resume' && resumed.offset).toBeGreaterThanOrEqual(4 * mib)
    const resent = bytesSent(h, id) - size
    expect(resent).toBeGreaterThanOrEqual(0)
    expect(resent).toBeLessThanOrEqual(windowBytes)
    // Both now know each other by the new ids.
    expect(h.latest('alice', id)?.peerId).toBe(h.peerIdOf('alice'))
    expect(h.protocolErrors('alice')).toEqual([])
    expect(h.protocolErrors('bob')).toEqual([])
  })

  it('asks the sender to go on only once the sender greets it, which it does once it hears it', async () => {
    const bytes = randomBytes(8 * mib, 12)
    const h = createHarness({ writeDelay: slowWrites, clockStepMs: 200 })
    const id = await startAndWait(h, bytes, 2 * mib)
    h.pair.close()
    await until(() => h.latest('bob', id)?.state === 'interrupted', 'the interruption')

    // Connected again, but the sender has not let the receiver in yet (its session handshake is
    // not done): whatever the receiver sent now would be dropped there, unread.
    h.reconnect({ greet: false })
    h.greet('bob')
    // Long enough for the receiver to have found its resume point (writes take 1 ms each here).
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(h.sent.bob.filter((message) => message.type === 'resume')).toEqual([])
    expect(h.latest('bob', id)?.state).toBe('interrupted')

    h.greet('alice')
    await completeOnBoth(h, id)
    expect(await sameBytes(h.latest('bob', id)?.files[0]?.blob, bytes)).toBe(true)
  })

  it('resumes a transfer of several files at the first unfinished one', async () => {
    const files = [randomBytes(3 * mib, 1), randomBytes(5 * mib, 2), randomBytes(2 * mib, 3)]
    const h = createHarness({ writeDelay: slowWrites, clockStepMs: 200 })
    const id = h.alice.sendFiles(
      'bob',
      files.map((bytes, index) => outgoing(bytes, `f${index}`)),
    )
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.bob.accept(id)
    await until(() => (h.latest('bob', id)?.files[1]?.bytesDone ?? 0) > mib, 'file 1 under way')
    h.pair.close()
    await until(() => h.latest('bob', id)?.state === 'interrupted', 'the interruption')
    h.reconnect()
    await completeOnBoth(h, id)
    const rows = h.latest('bob', id)?.files ?? []
    for (const [index, bytes] of files.entries()) {
      expect(await sameBytes(rows[index]?.blob, bytes)).toBe(true)
    }
    expect(bytesSent(h, id) - 10 * mib).toBeLessThanOrEqual(windowBytes)
  })
})

describe('resume after the receiver pauses for storage', () => {
  it('pauses both sides when the disk is full, keeps the bytes, and goes on after a retry', async () => {
    const size = 8 * mib
    const bytes = randomBytes(size, 21)
    const disk = createDisk({ fullAtBytes: 5 * mib })
    const store = createMemoryResumeStore()
    const h = createHarness({ deps: { bob: { ...disk.deps, resumeStore: store } } })
    const id = h.alice.sendFiles('bob', [outgoing(bytes, 'big.bin')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.bob.accept(id)
    await until(
      () =>
        h.latest('bob', id)?.interruption === 'storage-full' &&
        h.latest('alice', id)?.interruption === 'storage-full',
      'the pause on both sides',
      20_000,
    )
    // What was flushed is recorded, and still on disk.
    const noted = store.records.get(id)?.progress[0]
    expect(noted?.offsetBytes).toBeGreaterThan(0)
    expect(disk.files.get(`${id}/0`)?.size).toBeGreaterThanOrEqual(noted?.offsetBytes ?? 0)

    h.bob.resume(id)
    await completeOnBoth(h, id)
    expect(disk.opened.reopened).toBe(1)
    expect(await sameBytes(h.latest('bob', id)?.files[0]?.blob, bytes)).toBe(true)
    expect(bytesSent(h, id) - size).toBeLessThanOrEqual(windowBytes)
    // Ended: the record goes.
    await until(() => !store.records.has(id), 'the record deleted')
  })
})

/** Two managers joined by hand, so that Bob's can be replaced as a reloaded page's would be. */
const createReloadRig = (bobDeps: () => Partial<TransferManagerDeps>) => {
  const events: { alice: TransferEvent[]; bob: TransferEvent[] } = { alice: [], bob: [] }
  const base = (side: 'alice' | 'bob') => ({
    createSink: () => {
      throw new Error('unused')
    },
    createHasher: createSha256Hasher,
    newId: newTransferId,
    nowMs: () => Date.now(),
    onEvent: (event: TransferEvent) => events[side].push(event),
  })
  const alice = createTransferManager(base('alice'))
  let bob: TransferManager = createTransferManager({ ...base('bob'), ...bobDeps() })
  let pair: MemoryChannelPair | null = null
  let visit = 0
  const connect = () => {
    visit++
    const bobId = `bob@${visit}`
    pair = createMemoryChannelPair({ schedule: setImmediate })
    const to = (manager: TransferManager, fromId: string) => (message: ControlMessage) => {
      const text = JSON.stringify(message)
      setImmediate(() => manager.handleControl(fromId, text))
    }
    alice.addPeer(bobId, { sendControl: to(bob, 'alice'), bulk: pair.a }, 'device:bob')
    bob.addPeer('alice', { sendControl: to(alice, bobId), bulk: pair.b }, 'device:alice')
    // Each greets the other once it lets it in, as ferry.ts does.
    to(bob, 'alice')(createHello('Alice', 'laptop'))
    to(alice, bobId)(createHello('Bob', 'phone'))
    return bobId
  }
  const latest = (side: 'alice' | 'bob', id: string): TransferSnapshot | undefined =>
    events[side]
      .flatMap((event) =>
        event.type === 'transfer' && event.transfer.id === id ? [event.transfer] : [],
      )
      .at(-1)
  return {
    alice,
    bob: () => bob,
    events,
    latest,
    connect,
    /** The receiving page goes away: its peers see it leave; a new page starts empty. */
    reload(bobId: string) {
      // The old page runs no more code: it is left, not destroyed (which would cancel).
      pair?.close()
      alice.removePeer(bobId)
      events.bob.length = 0
      bob = createTransferManager({ ...base('bob'), ...bobDeps() })
    },
  }
}

describe('resume after the receiving page reloads', () => {
  it('offers what it had, and goes on from the recorded offset once asked', async () => {
    const size = 12 * mib
    const bytes = randomBytes(size, 31)
    const disk = createDisk()
    const store = createMemoryResumeStore()
    const rig = createReloadRig(() => ({ ...disk.deps, resumeStore: store }))
    const firstId = rig.connect()
    const id = rig.alice.sendFiles(firstId, [outgoing(bytes, 'big.bin')])
    await until(() => rig.latest('bob', id)?.state === 'offered', 'the offer')
    rig.bob().accept(id)
    await until(
      () => (store.records.get(id)?.progress[0]?.offsetBytes ?? 0) >= size / 2,
      'half the file recorded',
      20_000,
    )

    disk.pageGone()
    rig.reload(firstId)
    expect(rig.latest('alice', id)?.state).toBe('interrupted')
    const records = await store.list()
    expect(records.map((record) => record.transferId)).toEqual([id])
    const recordedBytes = records[0]?.progress[0]?.offsetBytes ?? 0
    rig.bob().restore(records)
    expect(rig.latest('bob', id)).toMatchObject({
      state: 'interrupted',
      interruption: 'restored',
      bytesDone: recordedBytes,
    })

    rig.connect()
    // A restored transfer waits for the person, even with the sender back.
    for (let i = 0; i < 20; i++) await nextTick()
    expect(rig.latest('bob', id)?.state).toBe('interrupted')
    rig.bob().resume(id)
    await until(
      () =>
        rig.latest('alice', id)?.state === 'complete' &&
        rig.latest('bob', id)?.state === 'complete',
      'completion',
      30_000,
    )
    expect(await sameBytes(rig.latest('bob', id)?.files[0]?.blob, bytes)).toBe(true)
    expect(disk.opened.reopened).toBe(1)
    expect((rig.latest('alice', id)?.bytesSent ?? 0) - size).toBeLessThanOrEqual(windowBytes)
  })
})

describe('a sender refuses resumes it cannot honour', () => {
  /** A transfer under way whose receiver's disk then stalls, so that it stays under way. */
  const running = async () => {
    let stalled = false
    const h = createHarness({
      writeDelay: () => (stalled ? new Promise<void>(() => undefined) : slowWrites()),
      clockStepMs: 200,
    })
    const size = 8 * mib
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(size, 41), 'big.bin')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.bob.accept(id)
    await until(() => h.sent.bob.some((message) => message.type === 'ack'), 'an ack')
    stalled = true
    await until(() => (h.latest('alice', id)?.bytesDone ?? 0) > 0, 'the ack at the sender')
    expect(h.latest('alice', id)?.state).toBe('transferring')
    return { h, id, size }
  }
  const resume = (h: Harness, transfer: string, offset: number) =>
    h.alice.handleControl('bob', JSON.stringify({ type: 'resume', transfer, file: 0, offset }))

  it('refuses a resume for an unknown transfer, telling the receiver so', async () => {
    const { h } = await running()
    const unknown = newTransferId()
    resume(h, unknown, 0)
    expect(h.protocolErrors('alice')).toEqual(['unknown-transfer'])
    expect(h.sent.alice.at(-1)).toMatchObject({
      type: 'error',
      transfer: unknown,
      code: 'unknown-transfer',
    })
  })

  it('refuses a resume past the file’s size', async () => {
    const { h, id, size } = await running()
    resume(h, id, size + 1)
    expect(h.protocolErrors('alice')).toEqual(['past-end'])
    expect(h.latest('alice', id)).toMatchObject({ state: 'failed', errorCode: 'past-end' })
  })

  it('refuses a resume before what the receiver acknowledged, but not a fresh start', async () => {
    const { h, id } = await running()
    const acked = h.latest('alice', id)?.bytesDone ?? 0
    expect(acked).toBeGreaterThan(1)
    resume(h, id, 1)
    expect(h.protocolErrors('alice')).toEqual(['unexpected-offset'])
    expect(h.latest('alice', id)).toMatchObject({ state: 'failed', errorCode: 'unexpected-offset' })
  })

  it('refuses a resume of a transfer not yet accepted', () => {
    const h = createHarness()
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(10, 1), 'f')])
    resume(h, id, 0)
    expect(h.protocolErrors('alice')).toEqual(['bad-state'])
    expect(h.latest('alice', id)?.state).toBe('offered')
  })
})
