/**
 * One real manager against a hand-driven peer ("mallory") that sends exactly the frames and
 * messages a test wants: duplicates, gaps, truncated, oversized and past-the-end frames, garbage.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ControlMessage } from '../protocol/control.ts'
import { decodeFrame, encodeFrame, type Frame } from '../protocol/frame.ts'
import { newTransferId } from '../protocol/ids.ts'
import {
  chunkBytes,
  maxFilesPerOffer,
  maxFramePayloadBytes,
  windowBytes,
} from '../protocol/limits.ts'
import { createSha256Hasher } from './hashing.ts'
import { createTransferManager } from './manager.ts'
import { createMemoryChannelPair } from './testing/memory-channel.ts'
import {
  createTestSink,
  nextTick,
  randomBytes,
  sameBytes,
  until,
  type TestSink,
} from './testing/test-harness.ts'
import type { TransferEvent, TransferSnapshot } from './types.ts'

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

const createRig = (options: { writeDelay?: () => Promise<void> } = {}) => {
  const pair = createMemoryChannelPair({ schedule: setImmediate })
  const events: TransferEvent[] = []
  const replies: ControlMessage[] = []
  const sinks: TestSink[] = []
  const frames: Frame[] = []
  const manager = createTransferManager({
    createSink: (id, file) => {
      const sink = createTestSink(id, file.type, options.writeDelay)
      sinks.push(sink)
      return sink
    },
    createHasher: createSha256Hasher,
    newId: () => newTransferId(),
    nowMs: () => 0,
    onEvent: (event) => events.push(event),
  })
  manager.addPeer('mallory', { sendControl: (message) => replies.push(message), bulk: pair.b })
  pair.a.onMessage = (bytes) => {
    const decoded = decodeFrame(bytes)
    if (decoded.ok) frames.push(decoded.frame)
  }

  const latest = (id: string): TransferSnapshot | undefined => {
    let found: TransferSnapshot | undefined
    for (const event of events) {
      if (event.type === 'transfer' && event.transfer.id === id) found = event.transfer
    }
    return found
  }
  const protocolErrors = (): string[] =>
    events.flatMap((event) => (event.type === 'protocol-error' ? [event.code] : []))
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 30; i++) await nextTick()
  }

  return {
    manager,
    events,
    replies,
    sinks,
    frames,
    latest,
    protocolErrors,
    flush,
    control: (raw: unknown) => manager.handleControl('mallory', raw),
    sendFrame: (frame: Frame) => pair.a.send(encodeFrame(frame)),
    sendBytes: (bytes: Uint8Array) => pair.a.send(bytes),
    /** Mallory offers files of these contents; the manager accepts. */
    offerAccepted(contents: Uint8Array[]): string {
      const transfer = newTransferId()
      manager.handleControl('mallory', {
        type: 'offer',
        transfer,
        files: contents.map((bytes, index) => ({
          index,
          name: `f${index}`,
          size: bytes.length,
          type: '',
        })),
      })
      manager.accept(transfer)
      return transfer
    },
  }
}

const frameOf = (
  transferId: string,
  file: number,
  bytes: Uint8Array,
  offset: number,
  length: number,
): Frame => ({
  transferId,
  file,
  offset,
  payload: bytes.subarray(offset, offset + length),
})

describe('a receiver refuses broken streams', () => {
  it('ignores duplicate frames and still verifies the file', async () => {
    const rig = createRig()
    const bytes = randomBytes(chunkBytes + 100, 1)
    const id = rig.offerAccepted([bytes, randomBytes(5, 2)])
    expect(rig.replies).toEqual([{ type: 'accept', transfer: id }])
    rig.sendFrame(frameOf(id, 0, bytes, 0, chunkBytes))
    rig.sendFrame(frameOf(id, 0, bytes, 0, chunkBytes))
    rig.sendFrame(frameOf(id, 0, bytes, 0, 10))
    rig.sendFrame(frameOf(id, 0, bytes, chunkBytes, 100))
    rig.sendFrame(frameOf(id, 0, bytes, chunkBytes, 100))
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(bytes) })
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(bytes) })
    await until(() => rig.latest(id)?.files[0]?.verified === true, 'file 0')
    // A repeat of a finished file changes nothing either.
    rig.sendFrame(frameOf(id, 0, bytes, 0, 10))
    const second = randomBytes(5, 2)
    rig.sendFrame(frameOf(id, 1, second, 0, 5))
    rig.control({ type: 'done', transfer: id, file: 1, sha256: sha256(second) })
    await until(() => rig.latest(id)?.state === 'complete', 'completion')
    expect(rig.protocolErrors()).toEqual([])
    expect(await sameBytes(rig.latest(id)?.files[0]?.blob, bytes)).toBe(true)
    expect(rig.replies).toContainEqual({ type: 'ack', transfer: id, file: 0, offset: bytes.length })
    expect(rig.replies).toContainEqual({
      type: 'done',
      transfer: id,
      file: 0,
      sha256: sha256(bytes),
    })
  })

  const refusals: {
    what: string
    code: string
    inject: (rig: ReturnType<typeof createRig>, id: string, bytes: Uint8Array) => void
  }[] = [
    {
      what: 'a frame after a gap',
      code: 'unexpected-offset',
      inject: (rig, id, bytes) => rig.sendFrame(frameOf(id, 0, bytes, chunkBytes, 10)),
    },
    {
      what: 'a frame overlapping what was received',
      code: 'unexpected-offset',
      inject: (rig, id, bytes) => {
        rig.sendFrame(frameOf(id, 0, bytes, 0, 100))
        rig.sendFrame(frameOf(id, 0, bytes, 50, 100))
      },
    },
    {
      what: 'a frame of the next file before this one is whole',
      code: 'unexpected-offset',
      inject: (rig, id) => rig.sendFrame(frameOf(id, 1, randomBytes(5, 1), 0, 5)),
    },
    {
      what: 'a frame past the end of the file',
      code: 'past-end',
      inject: (rig, id, bytes) => {
        const longer = new Uint8Array(bytes.length + 1)
        longer.set(bytes)
        rig.sendFrame(frameOf(id, 0, longer, 0, chunkBytes))
        rig.sendFrame(frameOf(id, 0, longer, chunkBytes, longer.length - chunkBytes))
      },
    },
    {
      what: 'a frame for a file the offer does not have',
      code: 'invalid-field',
      inject: (rig, id) => rig.sendFrame(frameOf(id, 7, randomBytes(5, 1), 0, 5)),
    },
    {
      what: 'a truncated frame',
      code: 'truncated-frame',
      inject: (rig, id, bytes) => {
        const whole = encodeFrame(frameOf(id, 0, bytes, 0, 100))
        rig.sendBytes(whole.subarray(0, whole.length - 1))
      },
    },
    {
      what: 'an oversized frame',
      code: 'oversized-frame',
      inject: (rig, id, bytes) => {
        const whole = encodeFrame(frameOf(id, 0, bytes, 0, 100))
        new DataView(whole.buffer).setUint32(30, maxFramePayloadBytes + 1)
        rig.sendBytes(whole)
      },
    },
    {
      what: 'a frame with an impossible file index',
      code: 'bad-frame-header',
      inject: (rig, id, bytes) => {
        const whole = encodeFrame(frameOf(id, 0, bytes, 0, 100))
        new DataView(whole.buffer).setUint32(18, 0xffffffff)
        rig.sendBytes(whole)
      },
    },
  ]

  for (const { what, code, inject } of refusals) {
    it(`fails the transfer on ${what} (${code})`, async () => {
      const rig = createRig()
      const bytes = randomBytes(chunkBytes + 100, 1)
      const id = rig.offerAccepted([bytes, randomBytes(5, 2)])
      inject(rig, id, bytes)
      await until(() => rig.latest(id)?.state === 'failed', 'the failure')
      await rig.flush()
      expect(rig.latest(id)).toMatchObject({ state: 'failed', endedBy: 'local', errorCode: code })
      expect(rig.protocolErrors()).toEqual([code])
      expect(rig.replies).toContainEqual(
        expect.objectContaining({ type: 'error', transfer: id, code }),
      )
      expect(rig.sinks.every((sink) => !sink.closed)).toBe(true)
      // Whatever still arrives for the failed transfer is dropped quietly.
      rig.sendFrame(frameOf(id, 0, bytes, 0, 100))
      rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(bytes) })
      await rig.flush()
      expect(rig.protocolErrors()).toEqual([code])
    })
  }

  it('refuses frames of unknown transfers and garbage, without failing anything', async () => {
    const rig = createRig()
    const bytes = randomBytes(100, 1)
    const id = rig.offerAccepted([bytes])
    rig.sendFrame(frameOf(newTransferId(), 0, bytes, 0, 10))
    rig.sendBytes(new Uint8Array([1, 2, 3]))
    rig.sendBytes(new Uint8Array(0))
    // Another frame version: its layout, transfer id included, cannot be trusted.
    const future = encodeFrame(frameOf(id, 0, bytes, 0, 100))
    future[0] = 2
    rig.sendBytes(future)
    await rig.flush()
    const codes = ['unknown-transfer', 'truncated-frame', 'truncated-frame', 'bad-frame-header']
    expect(rig.protocolErrors()).toEqual(codes)
    expect(rig.replies.filter((message) => message.type === 'error')).toEqual(
      codes.map((code): unknown => expect.objectContaining({ type: 'error', code })),
    )
    expect(rig.replies.some((message) => message.type === 'error' && 'transfer' in message)).toBe(
      false,
    )
    rig.sendFrame(frameOf(id, 0, bytes, 0, 100))
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(bytes) })
    await until(() => rig.latest(id)?.state === 'complete', 'completion')
  })

  it('refuses frames before the transfer is accepted', async () => {
    const rig = createRig()
    const id = newTransferId()
    rig.control({
      type: 'offer',
      transfer: id,
      files: [{ index: 0, name: 'a', size: 10, type: '' }],
    })
    rig.sendFrame({ transferId: id, file: 0, offset: 0, payload: randomBytes(10, 1) })
    await until(() => rig.latest(id)?.state === 'failed', 'the failure')
    expect(rig.latest(id)?.errorCode).toBe('bad-state')
    rig.manager.accept(id) // a no-op now
    expect(rig.replies.some((message) => message.type === 'accept')).toBe(false)
  })

  it('refuses a sender that ignores the window', async () => {
    // A sink that never finishes a write: nothing is acknowledged, so the window fills up.
    const rig = createRig({ writeDelay: () => new Promise<void>(() => undefined) })
    const size = windowBytes + chunkBytes
    const bytes = randomBytes(size, 1)
    const id = rig.offerAccepted([bytes])
    for (let offset = 0; offset < size; offset += chunkBytes) {
      rig.sendFrame(frameOf(id, 0, bytes, offset, chunkBytes))
    }
    await until(() => rig.latest(id)?.state === 'failed', 'the failure')
    expect(rig.latest(id)?.errorCode).toBe('window-exceeded')
    expect(rig.sinks[0]?.aborted).toBe(true)
  })

  it('fails on a digest that does not match, without keeping the file', async () => {
    const rig = createRig()
    const bytes = randomBytes(1000, 1)
    const id = rig.offerAccepted([bytes])
    rig.sendFrame(frameOf(id, 0, bytes, 0, 1000))
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(randomBytes(1000, 2)) })
    await until(() => rig.latest(id)?.state === 'failed', 'the failure')
    expect(rig.latest(id)).toMatchObject({ errorCode: 'hash-mismatch', endedBy: 'local' })
    expect(rig.latest(id)?.files[0]).toMatchObject({ verified: false, bytesDone: 1000 })
    expect(rig.latest(id)?.files[0]?.blob).toBeUndefined()
    expect(rig.replies).toContainEqual(
      expect.objectContaining({ type: 'error', transfer: id, code: 'hash-mismatch' }),
    )
    expect(rig.sinks[0]).toMatchObject({ aborted: true, closed: false })
  })

  it('fails on a second, different digest', async () => {
    const rig = createRig()
    const bytes = randomBytes(10, 1)
    const id = rig.offerAccepted([bytes, bytes])
    rig.control({ type: 'done', transfer: id, file: 1, sha256: sha256(bytes) })
    rig.control({ type: 'done', transfer: id, file: 1, sha256: sha256(randomBytes(10, 2)) })
    await until(() => rig.latest(id)?.state === 'failed', 'the failure')
    expect(rig.latest(id)?.errorCode).toBe('bad-state')
  })

  it('receives empty files with no frames at all', async () => {
    const rig = createRig()
    const empty = new Uint8Array(0)
    const id = rig.offerAccepted([empty, empty])
    rig.control({ type: 'done', transfer: id, file: 1, sha256: sha256(empty) })
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(empty) })
    await until(() => rig.latest(id)?.state === 'complete', 'completion')
    expect(rig.latest(id)?.files.map((file) => file.blob?.size)).toEqual([0, 0])
    expect(rig.replies.filter((message) => message.type === 'ack')).toEqual([])
  })
})

describe('a sender refuses impossible answers', () => {
  const offered = (rig: ReturnType<typeof createRig>, bytes: Uint8Array): string => {
    const id = rig.manager.sendFiles('mallory', [
      { blob: new Blob([bytes.slice()]), name: 'f', type: 'text/plain' },
    ])
    expect(rig.replies).toEqual([
      {
        type: 'offer',
        transfer: id,
        files: [{ index: 0, name: 'f', size: bytes.length, type: 'text/plain' }],
      },
    ])
    rig.control({ type: 'accept', transfer: id })
    return id
  }

  it('streams frames in order, then its digest, and completes on a matching echo', async () => {
    const rig = createRig()
    const bytes = randomBytes(3 * chunkBytes + 5, 1)
    const id = offered(rig, bytes)
    await until(() => rig.frames.length === 4, 'every frame')
    expect(rig.frames.map((frame) => [frame.file, frame.offset, frame.payload.length])).toEqual([
      [0, 0, chunkBytes],
      [0, chunkBytes, chunkBytes],
      [0, 2 * chunkBytes, chunkBytes],
      [0, 3 * chunkBytes, 5],
    ])
    expect(rig.replies.at(-1)).toEqual({
      type: 'done',
      transfer: id,
      file: 0,
      sha256: sha256(bytes),
    })
    rig.control({ type: 'ack', transfer: id, file: 0, offset: chunkBytes })
    rig.control({ type: 'ack', transfer: id, file: 0, offset: 10 }) // stale: ignored
    rig.control({ type: 'ack', transfer: id, file: 0, offset: bytes.length })
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(bytes) })
    expect(rig.latest(id)).toMatchObject({ state: 'complete', bytesDone: bytes.length })
    expect(rig.protocolErrors()).toEqual([])
  })

  it('stops at the window until acknowledged', async () => {
    const rig = createRig()
    const bytes = randomBytes(windowBytes + 3 * chunkBytes, 1)
    const id = offered(rig, bytes)
    const sentBytes = () => rig.frames.reduce((sum, frame) => sum + frame.payload.length, 0)
    await until(() => sentBytes() === windowBytes, 'a full window')
    await rig.flush()
    expect(sentBytes()).toBe(windowBytes)
    rig.control({ type: 'ack', transfer: id, file: 0, offset: 2 * chunkBytes })
    await until(() => sentBytes() === windowBytes + 2 * chunkBytes, 'two more chunks')
    await rig.flush()
    expect(sentBytes()).toBe(windowBytes + 2 * chunkBytes)
    expect(rig.latest(id)?.state).toBe('transferring')
  })

  it('fails on an ack of bytes it never sent', () => {
    const rig = createRig()
    const id = offered(rig, randomBytes(10, 1))
    rig.control({ type: 'ack', transfer: id, file: 0, offset: 11 })
    expect(rig.latest(id)).toMatchObject({ state: 'failed', errorCode: 'unexpected-offset' })
    expect(rig.protocolErrors()).toEqual(['unexpected-offset'])
  })

  it("fails on the receiver's digest before its own", () => {
    const rig = createRig()
    const bytes = randomBytes(10, 1)
    const id = rig.manager.sendFiles('mallory', [{ blob: new Blob([bytes]), name: 'f', type: '' }])
    rig.control({ type: 'accept', transfer: id })
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(bytes) })
    expect(rig.latest(id)).toMatchObject({ state: 'failed', errorCode: 'bad-state' })
  })

  it("fails when the receiver's digest differs", async () => {
    const rig = createRig()
    const id = offered(rig, randomBytes(10, 1))
    await until(() => rig.replies.some((message) => message.type === 'done'), 'the done')
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(randomBytes(10, 2)) })
    expect(rig.latest(id)).toMatchObject({
      state: 'failed',
      endedBy: 'local',
      errorCode: 'hash-mismatch',
    })
    expect(rig.latest(id)?.files[0]?.verified).toBe(false)
    expect(rig.replies.at(-1)).toMatchObject({ type: 'error', transfer: id, code: 'hash-mismatch' })
  })

  it('refuses misplaced messages without failing the transfer', async () => {
    const rig = createRig()
    const bytes = randomBytes(10, 1)
    const id = offered(rig, bytes)
    rig.control({ type: 'accept', transfer: id })
    rig.control({ type: 'decline', transfer: id, reason: 'user' })
    rig.sendFrame({ transferId: id, file: 0, offset: 0, payload: bytes })
    await rig.flush()
    expect(rig.protocolErrors()).toEqual(['bad-state', 'bad-state', 'bad-state'])
    expect(rig.latest(id)?.state).toBe('transferring')
    // Reading the file is real I/O: wait for the sender to finish it before acknowledging.
    await until(() => rig.replies.some((message) => message.type === 'done'), 'the done')
    rig.control({ type: 'ack', transfer: id, file: 0, offset: 10 })
    rig.control({ type: 'done', transfer: id, file: 0, sha256: sha256(bytes) })
    expect(rig.latest(id)?.state).toBe('complete')
  })

  it('ends on the peer’s error, and never answers it', () => {
    const rig = createRig()
    const id = rig.manager.sendFiles('mallory', [{ blob: new Blob(['x']), name: 'f', type: '' }])
    rig.control({ type: 'error', transfer: id, code: 'disk-on-fire', message: 'sorry' })
    expect(rig.latest(id)).toMatchObject({
      state: 'failed',
      endedBy: 'remote',
      errorCode: 'disk-on-fire',
    })
    expect(rig.replies.map((message) => message.type)).toEqual(['offer'])
  })
})

describe('garbage control messages', () => {
  it('are refused with typed errors and never throw', () => {
    const rig = createRig()
    const unknown = newTransferId()
    const throwing = Object.defineProperty({}, 'type', {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    const garbage: [unknown, string][] = [
      ['not json', 'malformed-json'],
      ['[]', 'not-an-object'],
      [null, 'not-an-object'],
      [{}, 'unknown-type'],
      [{ type: 'ping' }, 'unknown-type'],
      [{ type: 'hello', version: 99, name: 'x', device: 'phone' }, 'unsupported-version'],
      [{ type: 'accept', transfer: 'nope' }, 'invalid-field'],
      [{ type: 'ack', transfer: unknown, file: 0, offset: 0 }, 'unknown-transfer'],
      [{ type: 'text', id: unknown, text: '' }, 'invalid-field'],
      [throwing, 'invalid-field'],
    ]
    for (const [raw] of garbage) expect(() => rig.control(raw)).not.toThrow()
    expect(rig.protocolErrors()).toEqual(garbage.map(([, code]) => code))
    expect(rig.replies).toHaveLength(garbage.length)
    expect(
      rig.replies.every((message) => message.type === 'error' && !('transfer' in message)),
    ).toBe(true)
  })

  it('answer an invalid offer with a decline, an invalid error with nothing', () => {
    const rig = createRig()
    const bad = newTransferId()
    const big = newTransferId()
    rig.control({ type: 'offer', transfer: bad, files: [] })
    rig.control({
      type: 'offer',
      transfer: big,
      files: Array.from({ length: maxFilesPerOffer + 1 }, (_, index) => ({
        index,
        name: 'f',
        size: 1,
        type: '',
      })),
    })
    rig.control({ type: 'error', code: 'NOT VALID' })
    rig.control({ type: 'error', code: 'fine' })
    rig.control({ type: 'cancel', transfer: newTransferId() })
    expect(rig.replies).toEqual([
      { type: 'decline', transfer: bad, reason: 'invalid' },
      { type: 'decline', transfer: big, reason: 'too-large' },
    ])
    expect(rig.protocolErrors()).toEqual(['invalid-field', 'too-large', 'invalid-field'])
    expect(rig.events.filter((event) => event.type === 'transfer')).toEqual([])
  })

  it('refuse a second offer under a taken id', () => {
    const rig = createRig()
    const id = rig.offerAccepted([randomBytes(5, 1)])
    rig.control({
      type: 'offer',
      transfer: id,
      files: [{ index: 0, name: 'x', size: 1, type: '' }],
    })
    expect(rig.protocolErrors()).toEqual(['bad-state'])
    expect(rig.latest(id)?.state).toBe('transferring')
  })

  it('from a peer never added are reported, not processed', () => {
    const rig = createRig()
    rig.manager.handleControl('stranger', { type: 'text', id: newTransferId(), text: 'hi' })
    expect(rig.events).toEqual([
      expect.objectContaining({ type: 'protocol-error', peerId: 'stranger', code: 'bad-state' }),
    ])
  })
})
