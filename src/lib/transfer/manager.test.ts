import { describe, expect, it } from 'vitest'
import { decodeFrame } from '../protocol/frame.ts'
import { ProtocolError } from '../protocol/errors.ts'
import {
  bulkHighWaterBytes,
  chunkBytes,
  maxEndedTransfersPerPeer,
  maxFrameBytes,
  maxPendingOffersInRoom,
  maxPendingOffersPerPeer,
  maxPreviewChars,
  maxPreviewsPerOffer,
  maxTextChars,
  windowBytes,
} from '../protocol/limits.ts'
import {
  createHarness,
  isEnded,
  nextTick,
  randomBytes,
  sameBytes,
  type Harness,
  type HarnessOptions,
} from './testing/test-harness.ts'
import { createMemoryChannelPair } from './testing/memory-channel.ts'
import { newTransferId } from '../protocol/ids.ts'
import type { OutgoingFile, TransferSnapshot } from './types.ts'

const mib = 1024 * 1024

const outgoing = (bytes: Uint8Array<ArrayBuffer>, name: string, path?: string): OutgoingFile => ({
  blob: new Blob([bytes]),
  name,
  type: 'application/octet-stream',
  ...(path === undefined ? {} : { path }),
})

/** Alice offers, Bob accepts once he sees the offer; resolves with both final snapshots. */
const transfer = async (
  h: Harness,
  files: OutgoingFile[],
): Promise<{ id: string; sent: TransferSnapshot; received: TransferSnapshot }> => {
  const id = h.alice.sendFiles('bob', files)
  await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
  h.bob.accept(id)
  await h.until(() => isEnded(h.latest('alice', id)) && isEnded(h.latest('bob', id)), 'the end')
  const sent = h.latest('alice', id)
  const received = h.latest('bob', id)
  if (!sent || !received) throw new Error('no snapshots')
  return { id, sent, received }
}

const expectDelivered = async (
  sent: TransferSnapshot,
  received: TransferSnapshot,
  sources: Uint8Array[],
): Promise<void> => {
  expect(sent.state).toBe('complete')
  expect(received.state).toBe('complete')
  expect(sent.bytesDone).toBe(sent.totalBytes)
  expect(received.bytesDone).toBe(received.totalBytes)
  for (const [index, source] of sources.entries()) {
    expect(sent.files[index]?.verified).toBe(true)
    expect(received.files[index]?.verified).toBe(true)
    expect(await sameBytes(received.files[index]?.blob, source)).toBe(true)
  }
}

describe('transfers between two managers', () => {
  const sizes = [0, 1, chunkBytes - 1, chunkBytes, chunkBytes + 1, 3 * mib + 7]
  for (const control of ['normal', 'fast', 'slow'] as const) {
    for (const size of sizes) {
      it(`delivers a file of ${size} bytes, verified (${control} control path)`, async () => {
        const h = createHarness({ control })
        const source = randomBytes(size, size + 1)
        const { sent, received } = await transfer(h, [outgoing(source, 'file.bin')])
        await expectDelivered(sent, received, [source])
        expect(received.files[0]?.blob?.size).toBe(size)
        expect(h.protocolErrors('alice')).toEqual([])
        expect(h.protocolErrors('bob')).toEqual([])
      })
    }
  }

  it('delivers several files, with folder paths, in one offer', async () => {
    const h = createHarness()
    const sources = [
      randomBytes(70_000, 1),
      randomBytes(0, 2),
      randomBytes(1, 3),
      randomBytes(2 * chunkBytes, 4),
      randomBytes(0, 5),
    ]
    const files = sources.map((source, index) =>
      outgoing(source, `f${index}`, index % 2 === 0 ? `Folder/sub/f${index}` : undefined),
    )
    const { sent, received } = await transfer(h, files)
    await expectDelivered(sent, received, sources)
    expect(received.files.map((file) => file.path)).toEqual([
      'Folder/sub/f0',
      undefined,
      'Folder/sub/f2',
      undefined,
      'Folder/sub/f4',
    ])
    expect(h.sinks.every((sink) => sink.closed && !sink.aborted)).toBe(true)
  })

  it('carries image previews to the receiver, leaving out invalid ones and any past the limit', async () => {
    const h = createHarness()
    const jpeg = 'data:image/jpeg;base64,/9j/4AAQ'
    const files = Array.from({ length: maxPreviewsPerOffer + 4 }, (_, index) => ({
      ...outgoing(randomBytes(10, index), `image-${index}.jpg`),
      type: 'image/jpeg',
      ...(index === 1 ? {} : { preview: jpeg }),
    }))
    const svg = files[2]
    const huge = files[3]
    if (!svg || !huge) throw new Error('no files')
    svg.preview = 'data:image/svg+xml;base64,PHN2Zz4='
    huge.preview = `data:image/jpeg;base64,${'A'.repeat(maxPreviewChars)}`
    const id = h.alice.sendFiles('bob', files)
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    const expected = [0, 4, 5, 6, 7, 8, 9, 10].map((index) => ({ index, data: jpeg }))
    expect(expected).toHaveLength(maxPreviewsPerOffer)
    expect(h.latest('bob', id)?.previews).toEqual(expected)
    expect(h.latest('alice', id)?.previews).toEqual(expected)
    expect(h.protocolErrors('bob')).toEqual([])
    // An offer without previews has none.
    const plain = h.alice.sendFiles('bob', [outgoing(randomBytes(3, 1), 'plain.bin')])
    await h.until(() => h.latest('bob', plain)?.state === 'offered', 'the plain offer')
    expect(h.latest('bob', plain)).not.toHaveProperty('previews')
  })

  it('runs transfers both ways at once', async () => {
    const h = createHarness()
    const one = randomBytes(mib, 9)
    const two = randomBytes(mib + 3, 10)
    const toBob = h.alice.sendFiles('bob', [outgoing(one, 'one')])
    const toAlice = h.bob.sendFiles('alice', [outgoing(two, 'two')])
    await h.until(
      () => h.latest('bob', toBob) !== undefined && h.latest('alice', toAlice) !== undefined,
      'offers',
    )
    h.bob.accept(toBob)
    h.alice.accept(toAlice)
    await h.until(
      () =>
        h.latest('bob', toBob)?.state === 'complete' &&
        h.latest('alice', toAlice)?.state === 'complete',
      'both',
    )
    expect(await sameBytes(h.latest('bob', toBob)?.files[0]?.blob, one)).toBe(true)
    expect(await sameBytes(h.latest('alice', toAlice)?.files[0]?.blob, two)).toBe(true)
  })

  it('waits for a bulk channel that opens late', async () => {
    const h = createHarness({ channel: { open: false } })
    const source = randomBytes(100_000, 4)
    const id = h.alice.sendFiles('bob', [outgoing(source, 'late')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.bob.accept(id)
    for (let i = 0; i < 20; i++) await nextTick()
    expect(h.latest('alice', id)?.state).toBe('transferring')
    h.pair.open()
    await h.until(() => h.latest('bob', id)?.state === 'complete', 'completion')
  })

  it('reports states, and progress no more often than the clock allows', async () => {
    // A clock that never moves: only state changes and file ends make events.
    const h = createHarness({ clockStepMs: 0 })
    const sources = [randomBytes(2 * mib, 1), randomBytes(mib, 2)]
    const { id } = await transfer(
      h,
      sources.map((source, index) => outgoing(source, `f${index}`)),
    )
    const states = (side: 'alice' | 'bob') =>
      h.events[side].flatMap((event) =>
        event.type === 'transfer' && event.transfer.id === id
          ? [
              `${event.transfer.state}:${event.transfer.files.filter((file) => file.verified).length}`,
            ]
          : [],
      )
    expect(states('alice')).toEqual(['offered:0', 'transferring:0', 'transferring:1', 'complete:2'])
    expect(states('bob')).toEqual(['offered:0', 'transferring:0', 'transferring:1', 'complete:2'])
  })

  it('reports progress as bytes move when the clock does', async () => {
    const h = createHarness({ clockStepMs: 50 })
    const { id } = await transfer(h, [outgoing(randomBytes(8 * mib, 1), 'f')])
    const progress = h.events.bob.flatMap((event) =>
      event.type === 'transfer' && event.transfer.id === id ? [event.transfer.bytesDone] : [],
    )
    expect(progress.length).toBeGreaterThan(5)
    expect([...progress].sort((a, b) => a - b)).toEqual(progress)
    // Snapshots are copies: later changes do not reach events already handed out.
    const first = h.events.bob.find((event) => event.type === 'transfer')
    expect(first?.type === 'transfer' && first.transfer.files[0]?.bytesDone).toBe(0)
  })
})

describe('flow control', () => {
  it('never has more than windowBytes unacknowledged, with a slow sink', async () => {
    const h = createHarness({ writeDelay: () => new Promise((resolve) => setTimeout(resolve, 0)) })
    let sentBytes = 0
    const ackedByFile = new Map<number, number>()
    let maxUnacknowledged = 0
    const acked = () => [...ackedByFile.values()].reduce((sum, bytes) => sum + bytes, 0)
    const send = h.pair.a.send.bind(h.pair.a)
    h.pair.a.send = (bytes) => {
      const decoded = decodeFrame(bytes)
      if (decoded.ok) {
        sentBytes += decoded.frame.payload.length
        maxUnacknowledged = Math.max(maxUnacknowledged, sentBytes - acked())
      }
      send(bytes)
    }
    // Acks count once Alice has them, i.e. when delivered to her.
    const handleControl = h.alice.handleControl.bind(h.alice)
    h.alice.handleControl = (peerId, raw) => {
      const message = JSON.parse(raw as string) as { type: string; file: number; offset: number }
      if (message.type === 'ack') {
        ackedByFile.set(message.file, Math.max(ackedByFile.get(message.file) ?? 0, message.offset))
      }
      handleControl(peerId, raw)
    }
    const sources = [randomBytes(10 * mib, 1), randomBytes(3 * mib, 2)]
    const { sent, received } = await transfer(
      h,
      sources.map((source, index) => outgoing(source, `f${index}`)),
    )
    await expectDelivered(sent, received, sources)
    expect(maxUnacknowledged).toBeLessThanOrEqual(windowBytes)
    // The window was actually the limit, not something else.
    expect(maxUnacknowledged).toBeGreaterThan(windowBytes - 2 * mib)
  })

  it('keeps the bulk channel buffer near the high-water mark on a slow link', async () => {
    const h = createHarness({ channel: { bytesPerTick: chunkBytes, lowWaterBytes: 256 * 1024 } })
    const source = randomBytes(4 * mib, 3)
    const { sent, received } = await transfer(h, [outgoing(source, 'f')])
    await expectDelivered(sent, received, [source])
    expect(h.pair.a.maxBufferedBytes()).toBeGreaterThan(bulkHighWaterBytes / 2)
    expect(h.pair.a.maxBufferedBytes()).toBeLessThanOrEqual(bulkHighWaterBytes + maxFrameBytes)
  })
})

describe('ending early', () => {
  const slow: HarnessOptions = {
    writeDelay: () => new Promise((resolve) => setTimeout(resolve, 1)),
    // Each write moves the clock past progressIntervalMs, so progress shows at once.
    clockStepMs: 300,
  }

  const midStream = async (h: Harness): Promise<string> => {
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(4 * mib, 5), 'big')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.bob.accept(id)
    await h.until(() => (h.latest('bob', id)?.bytesDone ?? 0) > 0, 'some progress')
    expect(h.latest('bob', id)?.state).toBe('transferring')
    return id
  }

  const settleBoth = async (h: Harness, id: string): Promise<void> => {
    await h.until(() => isEnded(h.latest('alice', id)) && isEnded(h.latest('bob', id)), 'the end')
    // Let in-flight frames and messages land: they must be ignored quietly.
    for (let i = 0; i < 50; i++) await nextTick()
  }

  it('declines', async () => {
    const h = createHarness()
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(10, 1), 'f')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.bob.decline(id)
    await settleBoth(h, id)
    expect(h.latest('alice', id)).toMatchObject({
      state: 'declined',
      endedBy: 'remote',
      errorCode: 'declined',
      declineReason: 'user',
    })
    expect(h.latest('bob', id)).toMatchObject({ state: 'declined', endedBy: 'local' })
    expect(h.sinks).toEqual([])
  })

  it('declines offers beyond the pending bound as busy, and reports each as a refusal', async () => {
    const h = createHarness()
    const ids = Array.from({ length: maxPendingOffersPerPeer + 3 }, (_, i) =>
      h.alice.sendFiles('bob', [outgoing(randomBytes(10, i), `f${i}`)]),
    )
    await h.until(
      () => ids.every((id) => isEnded(h.latest('alice', id)) || h.latest('bob', id)),
      'every offer answered',
    )
    const waiting = ids.filter((id) => h.latest('bob', id)?.state === 'offered')
    const busy = ids.filter((id) => h.latest('alice', id)?.declineReason === 'busy')
    expect(waiting).toEqual(ids.slice(0, maxPendingOffersPerPeer))
    expect(busy).toEqual(ids.slice(maxPendingOffersPerPeer))
    expect(h.protocolErrors('bob')).toEqual(['rate-limited', 'rate-limited', 'rate-limited'])
    // Answering one makes room for another.
    h.bob.decline(ids[0] ?? '')
    const next = h.alice.sendFiles('bob', [outgoing(randomBytes(10, 99), 'next')])
    await h.until(() => h.latest('bob', next)?.state === 'offered', 'the next offer')
  })

  it('declines offers beyond the room-wide pending bound, whichever peer sends them', async () => {
    const h = createHarness()
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(10, 1), 'f')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    const offer = h.sent.alice.find((message) => message.type === 'offer')
    const answers: unknown[] = []
    // Other connections (other certificates), each under its own bound.
    const others = Math.ceil(maxPendingOffersInRoom / maxPendingOffersPerPeer) + 1
    for (let peer = 0; peer < others; peer++) {
      const peerId = `mallory${peer}`
      const port = {
        sendControl: (message: unknown) => answers.push(message),
        bulk: createMemoryChannelPair({ schedule: setImmediate }).a,
      }
      h.bob.addPeer(peerId, port, `device:${peerId}`)
      for (let i = 0; i < maxPendingOffersPerPeer; i++) {
        h.bob.handleControl(peerId, { ...offer, transfer: newTransferId() })
      }
    }
    const pending = new Set<string>()
    for (const event of h.events.bob) {
      if (event.type !== 'transfer') continue
      if (event.transfer.state === 'offered') pending.add(event.transfer.id)
      else pending.delete(event.transfer.id)
    }
    expect(pending.size).toBe(maxPendingOffersInRoom)
    const busy = answers.filter((answer) => (answer as { reason?: string }).reason === 'busy')
    expect(busy).toHaveLength(others * maxPendingOffersPerPeer + 1 - maxPendingOffersInRoom)
  })

  it('declines with a reason', async () => {
    const h = createHarness()
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(10, 1), 'f')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.bob.decline(id, 'busy')
    await settleBoth(h, id)
    expect(h.latest('alice', id)?.declineReason).toBe('busy')
  })

  it('lets the sender withdraw an offer', async () => {
    const h = createHarness()
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(10, 1), 'f')])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    h.alice.cancel(id)
    await settleBoth(h, id)
    expect(h.latest('bob', id)).toMatchObject({
      state: 'cancelled',
      endedBy: 'remote',
      withdrawn: true,
    })
    h.bob.accept(id) // too late: a no-op
    expect(h.latest('bob', id)?.state).toBe('cancelled')
    // The sender's own record is an ordinary cancel.
    expect(h.latest('alice', id)?.withdrawn).toBeUndefined()
  })

  it('keeps nothing of offers withdrawn before an answer, however many', async () => {
    const h = createHarness()
    const rounds = 3 * maxEndedTransfersPerPeer
    for (let i = 0; i < rounds; i++) {
      const id = h.alice.sendFiles('bob', [outgoing(randomBytes(10, i), `f${i}`)])
      await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
      h.alice.cancel(id)
      await h.until(() => h.latest('bob', id)?.withdrawn === true, 'the withdrawal')
    }
    const withdrawn = h.events.bob.flatMap((event) =>
      event.type === 'transfer' && event.transfer.withdrawn === true ? [event.transfer.id] : [],
    )
    expect(withdrawn).toHaveLength(rounds)
    expect(h.protocolErrors('bob')).toEqual([])
    // Not kept: accepting one does nothing, and a late message about one is unknown.
    const eventsBefore = h.events.bob.length
    h.bob.accept(withdrawn[0] ?? '')
    expect(h.events.bob).toHaveLength(eventsBefore)
    const sha256 = '0'.repeat(64)
    h.bob.handleControl('alice', { type: 'done', transfer: withdrawn[0], file: 0, sha256 })
    expect(h.protocolErrors('bob')).toEqual(['unknown-transfer'])
  })

  it(`keeps the newest ${maxEndedTransfersPerPeer} ended transfers of a peer`, async () => {
    const h = createHarness()
    const ids: string[] = []
    for (let i = 0; i < maxEndedTransfersPerPeer + 5; i++) {
      const id = h.alice.sendFiles('bob', [outgoing(randomBytes(10, i), `f${i}`)])
      ids.push(id)
      await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
      h.bob.decline(id)
      await settleBoth(h, id)
    }
    // A dropped record is unknown: a late message about it is refused as such.
    const dropped = ids[0] ?? ''
    const keptId = ids.at(-1) ?? ''
    h.bob.handleControl('alice', { type: 'cancel', transfer: dropped })
    h.bob.handleControl('alice', {
      type: 'done',
      transfer: dropped,
      file: 0,
      sha256: '0'.repeat(64),
    })
    h.bob.handleControl('alice', {
      type: 'done',
      transfer: keptId,
      file: 0,
      sha256: '0'.repeat(64),
    })
    expect(h.protocolErrors('bob')).toEqual(['unknown-transfer'])
    const fifth = ids[4] ?? ''
    const sixth = ids[5] ?? ''
    h.bob.handleControl('alice', { type: 'done', transfer: fifth, file: 0, sha256: '0'.repeat(64) })
    h.bob.handleControl('alice', { type: 'done', transfer: sixth, file: 0, sha256: '0'.repeat(64) })
    expect(h.protocolErrors('bob')).toEqual(['unknown-transfer', 'unknown-transfer'])
  })

  for (const side of ['alice', 'bob'] as const) {
    it(`is cancelled mid-stream by ${side === 'alice' ? 'the sender' : 'the receiver'}`, async () => {
      const h = createHarness(slow)
      const id = await midStream(h)
      h[side].cancel(id)
      await settleBoth(h, id)
      const other = side === 'alice' ? 'bob' : 'alice'
      expect(h.latest(side, id)).toMatchObject({
        state: 'cancelled',
        endedBy: 'local',
        errorCode: 'cancelled',
      })
      expect(h.latest(other, id)).toMatchObject({
        state: 'cancelled',
        endedBy: 'remote',
        errorCode: 'cancelled',
      })
      expect(h.sinks.every((sink) => sink.aborted && !sink.closed)).toBe(true)
      expect(h.protocolErrors('alice')).toEqual([])
      expect(h.protocolErrors('bob')).toEqual([])
      expect(h.latest('bob', id)?.files[0]?.blob).toBeUndefined()
    })
  }

  const interruptedOnBoth = (h: Harness, id: string): Promise<void> =>
    h.until(
      () =>
        h.latest('alice', id)?.state === 'interrupted' &&
        h.latest('bob', id)?.state === 'interrupted',
      'the interruption',
    )

  it('is interrupted, not failed, when the connection dies mid-stream; discarding ends it', async () => {
    const h = createHarness(slow)
    const id = await midStream(h)
    h.pair.close()
    await interruptedOnBoth(h, id)
    for (const side of ['alice', 'bob'] as const) {
      expect(h.latest(side, id)).toMatchObject({ interruption: 'peer-gone' })
    }
    // The partial file is kept for a resume...
    expect(h.sinks.some((sink) => sink.aborted)).toBe(false)
    // ...until the person discards it.
    h.bob.cancel(id)
    expect(h.latest('bob', id)).toMatchObject({ state: 'cancelled' })
    await h.until(() => h.sinks.every((sink) => sink.aborted), 'the partial file dropped')
  })

  it('is interrupted when the peer is removed mid-stream', async () => {
    const h = createHarness(slow)
    const id = await midStream(h)
    h.alice.removePeer('bob')
    h.bob.removePeer('alice')
    await interruptedOnBoth(h, id)
    expect(() => h.alice.sendFiles('bob', [outgoing(randomBytes(1, 1), 'f')])).toThrow(
      ProtocolError,
    )
  })

  it('fails with hash-mismatch when a byte is corrupted on the way', async () => {
    let corrupted = false
    const h = createHarness({
      channel: {
        intercept: (bytes, from) => {
          if (from === 'a' && !corrupted && bytes.length > 40_000) {
            corrupted = true
            const copy = bytes.slice()
            copy[40_000] = (copy[40_000] ?? 0) ^ 0x01
            return copy
          }
          return bytes
        },
      },
    })
    const { sent, received } = await transfer(h, [
      outgoing(randomBytes(3 * chunkBytes, 1), 'f'),
      outgoing(randomBytes(10, 2), 'g'),
    ])
    expect(received).toMatchObject({
      state: 'failed',
      endedBy: 'local',
      errorCode: 'hash-mismatch',
    })
    expect(sent).toMatchObject({ state: 'failed', endedBy: 'remote', errorCode: 'hash-mismatch' })
    expect(received.files[0]?.verified).toBe(false)
    expect(received.files[0]?.blob).toBeUndefined()
    expect(sent.files[0]?.verified).toBe(false)
    expect(h.sinks[0]?.aborted).toBe(true)
    expect(h.sinks[0]?.closed).toBe(false)
    expect(h.sent.bob.filter((message) => message.type === 'done')).toEqual([])
  })

  it('fails with write-failed when the sink fails, and tells the sender', async () => {
    const h = createHarness({
      writeDelay: () => Promise.reject(new Error('disk full')),
    })
    const { sent, received } = await transfer(h, [outgoing(randomBytes(100, 1), 'f')])
    expect(received).toMatchObject({ state: 'failed', endedBy: 'local', errorCode: 'write-failed' })
    expect(sent).toMatchObject({ state: 'failed', endedBy: 'remote', errorCode: 'write-failed' })
  })

  it('fails with read-failed when a file cannot be read', async () => {
    const h = createHarness()
    const broken = new Blob([randomBytes(100, 1)])
    broken.slice = () => {
      throw new Error('NotReadableError')
    }
    const { sent, received } = await transfer(h, [{ blob: broken, name: 'gone', type: '' }])
    expect(sent).toMatchObject({ state: 'failed', endedBy: 'local', errorCode: 'read-failed' })
    expect(received).toMatchObject({ state: 'failed', endedBy: 'remote', errorCode: 'read-failed' })
  })

  it('cancels open transfers on destroy, quietly', async () => {
    const h = createHarness(slow)
    const id = await midStream(h)
    const before = h.events.alice.length
    h.alice.destroy()
    await h.until(() => h.latest('bob', id)?.state === 'cancelled', 'the cancel')
    expect(h.events.alice.length).toBe(before)
    h.alice.destroy()
  })

  it('forgets ended transfers on dismiss, and only those', async () => {
    const h = createHarness()
    const { id } = await transfer(h, [outgoing(randomBytes(5, 1), 'f')])
    const open = h.alice.sendFiles('bob', [outgoing(randomBytes(5, 1), 'f')])
    h.alice.dismiss(id)
    h.alice.dismiss(open)
    h.alice.cancel(id) // unknown now: a no-op
    h.alice.cancel(open)
    expect(h.latest('alice', open)?.state).toBe('cancelled')
  })
})

describe('text and hello', () => {
  it('delivers text and hellos as events', async () => {
    const h = createHarness()
    h.alice.sendText('bob', 'hello there 👋')
    h.pair.a.bufferedBytes() // unrelated to text: text goes on the control path
    h.alice.handleControl('bob', { type: 'hello', version: 1, name: 'Bob', device: 'phone' })
    await h.until(() => h.events.bob.some((event) => event.type === 'text'), 'the text')
    const text = h.events.bob.find((event) => event.type === 'text')
    expect(text?.type === 'text' && text.text).toMatchObject({
      peerId: 'alice',
      text: 'hello there 👋',
    })
    expect(h.events.alice).toContainEqual({
      type: 'hello',
      peerId: 'bob',
      hello: { name: 'Bob', device: 'phone' },
    })
  })

  it('refuses to send what the protocol would refuse', () => {
    const h = createHarness()
    const code = (run: () => void): string | undefined => {
      try {
        run()
      } catch (error) {
        return error instanceof ProtocolError ? error.code : 'not a ProtocolError'
      }
      return undefined
    }
    expect(code(() => h.alice.sendText('bob', ''))).toBe('invalid-field')
    expect(code(() => h.alice.sendText('bob', 'x'.repeat(maxTextChars + 1)))).toBe('too-large')
    expect(code(() => h.alice.sendText('carol', 'hi'))).toBe('peer-gone')
    expect(code(() => h.alice.sendFiles('bob', []))).toBe('invalid-field')
    // Unsafe names are repaired (see folders.test.ts), but a path can still be too long.
    const deep = `${'d/'.repeat(512)}b`
    expect(code(() => h.alice.sendFiles('bob', [outgoing(randomBytes(1, 1), 'b', deep)]))).toBe(
      'too-large',
    )
    expect(code(() => h.alice.sendFiles('carol', [outgoing(randomBytes(1, 1), 'a')]))).toBe(
      'peer-gone',
    )
    expect(h.sent.alice).toEqual([])
  })
})
