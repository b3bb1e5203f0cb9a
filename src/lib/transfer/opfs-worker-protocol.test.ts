import { describe, expect, it } from 'vitest'
import { createFakeFileSystem, type FakeFileSystemOptions } from './testing/fake-file-system.ts'
import {
  createOpfsWorkerHost,
  createOpfsWorkerState,
  handleWorkerMessage,
  isOpfsWorkerRequest,
  type OpfsWorkerCommand,
  type OpfsWorkerReply,
} from './opfs-worker-protocol.ts'
import { randomBytes, until } from './testing/test-harness.ts'

const setUp = (options: FakeFileSystemOptions = {}) => {
  const fs = createFakeFileSystem(options)
  const state = createOpfsWorkerState()
  const env = { getRoot: () => Promise.resolve(fs.root) }
  let request = 0
  const send = (command: OpfsWorkerCommand): Promise<OpfsWorkerReply> =>
    handleWorkerMessage(state, { ...command, request: ++request }, env)
  return { fs, state, send }
}

/** The write fields for (a copy of) `bytes`, placed inside a larger buffer as a frame payload is. */
const part = (bytes: Uint8Array) => {
  const frame = new Uint8Array(bytes.length + 40)
  frame.set(bytes, 34)
  return { buffer: frame.buffer, byteOffset: 34, byteLength: bytes.length }
}

describe('OPFS worker protocol', () => {
  it('opens, writes in order, closes: the bytes land at the path', async () => {
    const { fs, state, send } = setUp()
    const data = randomBytes(200_000, 1)
    expect(await send({ type: 'open', id: 7, path: ['ferry-incoming', 't', '0'] })).toEqual({
      request: 1,
      ok: true,
    })
    for (let at = 0; at < data.length; at += 65_536) {
      const reply = await send({
        type: 'write',
        id: 7,
        ...part(data.subarray(at, at + 65_536)),
      })
      expect(reply.ok).toBe(true)
    }
    expect((await send({ type: 'close', id: 7 })).ok).toBe(true)
    expect(state.files.size).toBe(0)
    expect(Buffer.from(fs.root.read('ferry-incoming/t/0') ?? []).equals(data)).toBe(true)
  })

  it('empties a file left over under the same name', async () => {
    const { fs, send } = setUp()
    await fs.root.put('ferry-incoming/t/0', randomBytes(1000, 2))
    await send({ type: 'open', id: 1, path: ['ferry-incoming', 't', '0'] })
    await send({ type: 'write', id: 1, ...part(new Uint8Array([1, 2, 3])) })
    await send({ type: 'close', id: 1 })
    expect(fs.root.read('ferry-incoming/t/0')).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('copes with the promise-returning sync handles of older Safari', async () => {
    const { fs, send } = setUp({ asyncSyncHandleMethods: true })
    await send({ type: 'open', id: 1, path: ['a'] })
    await send({ type: 'write', id: 1, ...part(new Uint8Array([9])) })
    expect((await send({ type: 'close', id: 1 })).ok).toBe(true)
    expect(fs.root.read('a')).toEqual(new Uint8Array([9]))
  })

  it('abort closes and deletes the partial file', async () => {
    const { fs, state, send } = setUp()
    await send({ type: 'open', id: 1, path: ['x', 'y'] })
    await send({ type: 'write', id: 1, ...part(randomBytes(100, 3)) })
    expect((await send({ type: 'abort', id: 1 })).ok).toBe(true)
    expect(fs.root.files()).toEqual([])
    expect(state.files.size).toBe(0)
    // Aborting what is not open (never opened, or closed already) is fine.
    expect((await send({ type: 'abort', id: 1 })).ok).toBe(true)
  })

  it('reserves the final size at open, and cuts what was not written at close and detach', async () => {
    const { fs, send } = setUp()
    const data = randomBytes(3000, 7)
    await send({ type: 'open', id: 1, path: ['r'], sizeBytes: 5000 })
    expect(fs.root.read('r')?.length).toBe(5000)
    await send({ type: 'write', id: 1, ...part(data.subarray(0, 2000)) })
    // A flush keeps the reservation: the writes go on filling it in place.
    await send({ type: 'flush', id: 1 })
    expect(fs.root.read('r')?.length).toBe(5000)
    await send({ type: 'write', id: 1, ...part(data.subarray(2000)) })
    expect((await send({ type: 'close', id: 1 })).ok).toBe(true)
    expect(fs.root.read('r')).toEqual(data)

    // Detached half way (to resume later): the file holds what was written, no more.
    await send({ type: 'open', id: 2, path: ['s'], sizeBytes: 5000 })
    await send({ type: 'write', id: 2, ...part(data.subarray(0, 1000)) })
    expect((await send({ type: 'detach', id: 2 })).ok).toBe(true)
    expect(fs.root.read('s')).toEqual(data.subarray(0, 1000))

    // Reopened there with the reservation again, it goes on from 1000 and ends at its size.
    await send({ type: 'open', id: 3, path: ['s'], atBytes: 1000, sizeBytes: 3000 })
    expect(fs.root.read('s')?.length).toBe(3000)
    await send({ type: 'write', id: 3, ...part(data.subarray(1000)) })
    expect((await send({ type: 'close', id: 3 })).ok).toBe(true)
    expect(fs.root.read('s')).toEqual(data)

    // Writes past the announced size grow the file as before.
    await send({ type: 'open', id: 4, path: ['t'], sizeBytes: 10 })
    await send({ type: 'write', id: 4, ...part(data.subarray(0, 100)) })
    expect((await send({ type: 'close', id: 4 })).ok).toBe(true)
    expect(fs.root.read('t')).toEqual(data.subarray(0, 100))
  })

  it('writes as it goes where the storage has no room for the whole reservation', async () => {
    const { fs, send } = setUp({ quotaBytes: 150 })
    expect((await send({ type: 'open', id: 1, path: ['q'], sizeBytes: 1000 })).ok).toBe(true)
    expect(fs.root.read('q')?.length).toBe(0)
    const data = randomBytes(120, 8)
    expect((await send({ type: 'write', id: 1, ...part(data) })).ok).toBe(true)
    const full = await send({ type: 'write', id: 1, ...part(data) })
    expect(full.ok === false && full.error).toMatch(/QuotaExceededError/)
    expect((await send({ type: 'detach', id: 1 })).ok).toBe(true)
    expect(fs.root.read('q')).toEqual(data)
  })

  it('says "unsupported" where there are no sync access handles', async () => {
    const { send } = setUp({ syncAccessHandles: false })
    const reply = await send({ type: 'open', id: 1, path: ['a'] })
    expect(reply).toMatchObject({ ok: false, unsupported: true })
  })

  it('says "unsupported" where the worker cannot reach OPFS', async () => {
    const reply = await handleWorkerMessage(
      createOpfsWorkerState(),
      { type: 'open', request: 1, id: 1, path: ['a'] },
      { getRoot: () => Promise.reject(new DOMException('no', 'SecurityError')) },
    )
    expect(reply).toMatchObject({ ok: false, unsupported: true })
  })

  it('fails writes after a failed write, and closes of failed files', async () => {
    const { fs, send } = setUp({ quotaBytes: 100 })
    await send({ type: 'open', id: 1, path: ['a'] })
    expect(await send({ type: 'write', id: 1, ...part(randomBytes(80, 4)) })).toMatchObject({
      ok: true,
    })
    const full = await send({ type: 'write', id: 1, ...part(randomBytes(80, 5)) })
    expect(full).toMatchObject({ ok: false, unsupported: false })
    expect(full.ok === false && full.error).toMatch(/QuotaExceededError/)
    // A later, smaller write would fit, but would leave a gap: it fails too.
    expect(await send({ type: 'write', id: 1, ...part(randomBytes(1, 6)) })).toMatchObject({
      ok: false,
    })
    expect(await send({ type: 'close', id: 1 })).toMatchObject({ ok: false })
    expect(await send({ type: 'abort', id: 1 })).toMatchObject({ ok: true })
    expect(fs.root.files()).toEqual([])
  })

  it('refuses writes and closes of files that are not open, and opening one twice', async () => {
    const { send } = setUp()
    expect(await send({ type: 'write', id: 3, ...part(new Uint8Array(1)) })).toMatchObject({
      ok: false,
    })
    expect(await send({ type: 'close', id: 3 })).toMatchObject({ ok: false })
    await send({ type: 'open', id: 3, path: ['a'] })
    expect(await send({ type: 'open', id: 3, path: ['b'] })).toMatchObject({ ok: false })
  })

  it('reports a file locked elsewhere as a failure, not as unsupported', async () => {
    const { send } = setUp()
    await send({ type: 'open', id: 1, path: ['a'] })
    expect(await send({ type: 'open', id: 2, path: ['a'] })).toMatchObject({
      ok: false,
      unsupported: false,
    })
  })

  it('checks requests before they reach the file system', () => {
    const open = { type: 'open', request: 1, id: 1 }
    expect(isOpfsWorkerRequest({ ...open, path: ['ferry-incoming', 'x', '0'] })).toBe(true)
    expect(
      isOpfsWorkerRequest({ type: 'write', request: 1, id: 1, ...part(new Uint8Array(0)) }),
    ).toBe(true)
    for (const path of [[], ['..'], ['.'], [''], ['a/b'], ['a\\b'], ['a\0'], 'a', [1]]) {
      expect(isOpfsWorkerRequest({ ...open, path })).toBe(false)
    }
    expect(isOpfsWorkerRequest({ ...open, path: Array<string>(9).fill('a') })).toBe(false)
    const file = { ...open, path: ['a'] }
    expect(isOpfsWorkerRequest({ ...file, atBytes: 5, sizeBytes: 10 })).toBe(true)
    for (const bad of [-1, 0.5, Number.NaN, '10', 2 ** 60]) {
      expect(isOpfsWorkerRequest({ ...file, sizeBytes: bad })).toBe(false)
      expect(isOpfsWorkerRequest({ ...file, atBytes: bad })).toBe(false)
    }
    expect(
      isOpfsWorkerRequest({
        type: 'write',
        request: 1,
        id: 1,
        ...part(new Uint8Array(1)),
        buffer: new Uint8Array(50),
      }),
    ).toBe(false)
    const write = { type: 'write', request: 1, id: 1, buffer: new ArrayBuffer(10) }
    for (const [byteOffset, byteLength] of [
      [0, 11],
      [5, 6],
      [-1, 1],
      [0.5, 1],
      [0, -1],
      [Number.NaN, 1],
    ]) {
      expect(isOpfsWorkerRequest({ ...write, byteOffset, byteLength })).toBe(false)
    }
    expect(isOpfsWorkerRequest({ ...write, byteOffset: 5, byteLength: 5 })).toBe(true)
    expect(isOpfsWorkerRequest({ type: 'close', request: 1.5, id: 1 })).toBe(false)
    expect(isOpfsWorkerRequest({ type: 'close', request: 1 })).toBe(false)
    expect(isOpfsWorkerRequest({ type: 'delete', request: 1, id: 1 })).toBe(false)
    expect(isOpfsWorkerRequest(null)).toBe(false)
    expect(isOpfsWorkerRequest('open')).toBe(false)
  })

  it('host: answers every request once, in arrival order, and ignores garbage', async () => {
    const fs = createFakeFileSystem()
    const replies: OpfsWorkerReply[] = []
    const host = createOpfsWorkerHost({ getRoot: () => Promise.resolve(fs.root) }, (reply) =>
      replies.push(reply),
    )
    // Sent without waiting: the writes must not overtake the (slower) open.
    host.receive({ type: 'open', request: 1, id: 1, path: ['d', 'f'] })
    host.receive({ type: 'write', request: 2, id: 1, ...part(new Uint8Array([1, 2])) })
    host.receive('garbage')
    host.receive({ type: 'write', request: 3, id: 1, ...part(new Uint8Array([3])) })
    host.receive({ type: 'close', request: 4, id: 1 })
    await until(() => replies.length === 4, 'four replies')
    expect(replies.map((reply) => [reply.request, reply.ok])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
    ])
    expect(fs.root.read('d/f')).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('host: keeps serving after posting a reply fails', async () => {
    const fs = createFakeFileSystem()
    let posts = 0
    const host = createOpfsWorkerHost({ getRoot: () => Promise.resolve(fs.root) }, () => {
      posts++
      if (posts === 1) throw new Error('gone')
    })
    host.receive({ type: 'open', request: 1, id: 1, path: ['f'] })
    host.receive({ type: 'close', request: 2, id: 1 })
    await until(() => posts === 2, 'the second reply')
  })
})
