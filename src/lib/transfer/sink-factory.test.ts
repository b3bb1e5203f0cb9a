import { describe, expect, it } from 'vitest'
import { newTransferId } from '../protocol/ids.ts'
import { windowBytes } from '../protocol/limits.ts'
import type { OfferedFile } from '../protocol/control.ts'
import {
  connectFakeWorker,
  createFakeFileSystem,
  createFakeLocks,
  type FakeFileSystem,
  type FakeFileSystemOptions,
} from './testing/fake-file-system.ts'
import { createSha256Hasher } from './hashing.ts'
import { createTransferManager } from './manager.ts'
import { createMemoryChannelPair } from './testing/memory-channel.ts'
import { createMemorySink } from './memory-sink.ts'
import { createSinkFactory, type LocksLike, type SinkFactoryDeps } from './sink-factory.ts'
import { randomBytes, sameBytes, until } from './testing/test-harness.ts'
import type {
  ControlMessage,
  TransferEvent,
  TransferManager,
  TransferManagerDeps,
  TransferSnapshot,
} from './types.ts'

const thresholdBytes = 1000

const setUp = (
  options: FakeFileSystemOptions & {
    noOpfs?: boolean
    worker?: boolean
    locks?: LocksLike | null
    memoryBudgetBytes?: number
  } = {},
) => {
  const fs = createFakeFileSystem(options)
  let memorySinks = 0
  const deps: SinkFactoryDeps = {
    opfsRoot: () => Promise.resolve(options.noOpfs === true ? null : fs.root),
    startWorker: options.worker === false ? null : () => connectFakeWorker(fs.root).client,
    createMemorySink: (type) => {
      memorySinks++
      return createMemorySink(type)
    },
    locks: options.locks ?? null,
    memoryThresholdBytes: thresholdBytes,
    ...(options.memoryBudgetBytes === undefined
      ? {}
      : { memoryBudgetBytes: options.memoryBudgetBytes }),
  }
  return { fs, factory: createSinkFactory(deps), memorySinks: () => memorySinks }
}

const offered = (index: number, size: number, extra: Partial<OfferedFile> = {}): OfferedFile => ({
  index,
  name: `f${index}`,
  size,
  type: 'application/octet-stream',
  ...extra,
})

/** Writes `data` into a new sink of the factory and closes it. */
const receive = async (
  factory: ReturnType<typeof createSinkFactory>,
  transferId: string,
  file: OfferedFile,
  data = randomBytes(file.size, file.index + 1),
) => {
  const sink = factory.createSink(transferId, file)
  // A copy: a sink may take the buffer over (the OPFS worker sink transfers it).
  await sink.write(data.slice())
  return { sink, blob: await sink.close(), data }
}

const incoming = (fs: FakeFileSystem, transferId: string): string[] =>
  fs.root.files().filter((path) => path.startsWith(`ferry-incoming/${transferId}/`))

describe('sink factory policy', () => {
  it('keeps files at or below the threshold in memory', async () => {
    const { fs, factory, memorySinks } = setUp()
    const id = newTransferId()
    const { blob, data } = await receive(factory, id, offered(0, thresholdBytes))
    expect(await sameBytes(blob, data)).toBe(true)
    expect(memorySinks()).toBe(1)
    expect(fs.root.files()).toEqual([])
  })

  it('streams files above the threshold into ferry-incoming/<transfer>/<index>', async () => {
    const { fs, factory, memorySinks } = setUp()
    const id = newTransferId()
    const { blob, data } = await receive(
      factory,
      id,
      offered(3, thresholdBytes + 1, { type: 'video/mp4' }),
    )
    expect(await sameBytes(blob, data)).toBe(true)
    expect(blob.type).toBe('video/mp4')
    expect(memorySinks()).toBe(0)
    expect(fs.root.files()).toEqual([`ferry-incoming/${id}/3`])
  })

  it('reserves an OPFS file’s offered size before the first write, and ends at what came', async () => {
    const { fs, factory } = setUp()
    const id = newTransferId()
    const file = offered(2, 5 * thresholdBytes)
    const sink = factory.createSink(id, file)
    await sink.write(randomBytes(thresholdBytes, 4))
    await sink.flush?.()
    expect(fs.root.read(`ferry-incoming/${id}/2`)?.length).toBe(file.size)
    // A peer that sent less than it offered: the file holds what came, no reserved zeros.
    expect((await sink.close()).size).toBe(thresholdBytes)
    expect(fs.root.read(`ferry-incoming/${id}/2`)?.length).toBe(thresholdBytes)
  })

  it('never uses the peer-provided name or path on disk', async () => {
    const { fs, factory } = setUp()
    const id = newTransferId()
    await receive(factory, id, offered(0, 5000, { name: '..', path: '../../evil' }))
    expect(fs.root.files()).toEqual([`ferry-incoming/${id}/0`])
  })

  it('sends small files to disk too once the memory budget is spent, until released', async () => {
    const { fs, factory, memorySinks } = setUp({ memoryBudgetBytes: 2 * thresholdBytes })
    const first = newTransferId()
    await receive(factory, first, offered(0, thresholdBytes))
    await receive(factory, first, offered(1, thresholdBytes))
    await receive(factory, first, offered(2, thresholdBytes))
    expect(memorySinks()).toBe(2)
    expect(incoming(fs, first)).toEqual([`ferry-incoming/${first}/2`])
    await factory.release(first)
    const second = newTransferId()
    await receive(factory, second, offered(0, thresholdBytes))
    expect(memorySinks()).toBe(3)
  })

  it('gives the budget back when a memory sink is aborted, once', async () => {
    const { fs, factory, memorySinks } = setUp({ memoryBudgetBytes: thresholdBytes })
    const id = newTransferId()
    await factory.createSink(id, offered(0, thresholdBytes)).abort()
    await receive(factory, id, offered(1, thresholdBytes))
    expect(memorySinks()).toBe(2)
    // Aborted after its transfer was released: not given back a second time.
    await factory.release(id)
    const released = newTransferId()
    const late = factory.createSink(released, offered(0, 10))
    await factory.release(released)
    await late.abort()
    const other = newTransferId()
    await receive(factory, other, offered(0, thresholdBytes))
    await receive(factory, other, offered(1, 10))
    expect(memorySinks()).toBe(4)
    expect(incoming(fs, other)).toEqual([`ferry-incoming/${other}/1`])
  })

  it('writes on the page (createWritable) where there is no worker', async () => {
    const { fs, factory } = setUp({ worker: false })
    const id = newTransferId()
    const { blob, data } = await receive(factory, id, offered(0, 5000))
    expect(await sameBytes(blob, data)).toBe(true)
    expect(fs.root.files()).toEqual([`ferry-incoming/${id}/0`])
  })

  it('falls back to memory without OPFS, or without any way to write it', async () => {
    for (const options of [{ noOpfs: true }, { syncAccessHandles: false, writables: false }]) {
      const { fs, factory, memorySinks } = setUp(options)
      const { blob, data } = await receive(factory, newTransferId(), offered(0, 5000))
      expect(await sameBytes(blob, data)).toBe(true)
      expect(memorySinks()).toBe(1)
      expect(fs.root.files()).toEqual([])
    }
  })

  it('refuses transfer ids that are not ids', () => {
    const { factory } = setUp()
    for (const id of ['..', '', 'a/b', 'x'.repeat(22)]) {
      expect(() => factory.createSink(id, offered(0, 5000))).toThrow()
    }
    expect(() => factory.createSink(newTransferId(), offered(-1, 5000))).toThrow()
  })
})

describe('sink factory destinations', () => {
  it('writes every file of a transfer into a picked folder, whatever its size', async () => {
    const { fs, factory, memorySinks } = setUp()
    const picked = createFakeFileSystem()
    const id = newTransferId()
    factory.setDestination(id, { kind: 'folder', handle: picked.root })
    await receive(factory, id, offered(0, 10, { name: 'a.txt', path: 'docs/a.txt' }))
    await receive(factory, id, offered(1, 5000, { name: 'b.bin', path: '../docs/b.bin' }))
    // A path is kept only when every segment is safe: '../docs/b.bin' is saved as 'b.bin'.
    expect(picked.root.files()).toEqual(['b.bin', 'docs/a.txt'])
    expect(memorySinks()).toBe(0)
    expect(fs.root.files()).toEqual([])
    // Other transfers are not affected.
    await receive(factory, newTransferId(), offered(0, 10))
    expect(memorySinks()).toBe(1)
  })

  it('writes file 0 into a picked file', async () => {
    const { factory } = setUp()
    const picked = createFakeFileSystem()
    const handle = await picked.root.getFileHandle('chosen.bin', { create: true })
    const id = newTransferId()
    factory.setDestination(id, { kind: 'file', handle })
    const { data } = await receive(factory, id, offered(0, 10))
    expect(picked.root.read('chosen.bin')).toEqual(data)
  })
})

describe('sink factory clean-up', () => {
  it('release deletes only that transfer’s folder, and aborts its unfinished files', async () => {
    const { fs, factory } = setUp()
    const [done, open, other] = [newTransferId(), newTransferId(), newTransferId()]
    await receive(factory, done, offered(0, 5000))
    const unfinished = factory.createSink(open, offered(0, 5000))
    await unfinished.write(new Uint8Array(100))
    await receive(factory, other, offered(0, 5000))

    await factory.release(done)
    await factory.release(open)
    expect(fs.root.files()).toEqual([`ferry-incoming/${other}/0`])
    expect(fs.usedBytes()).toBe(5000)
    await expect(unfinished.write(new Uint8Array(1))).rejects.toThrow()
    // Releasing again, or what this factory never saw, is harmless.
    await factory.release(done)
    await factory.release(newTransferId())
  })

  it('purgeStale deletes leftover folders except active and own ones', async () => {
    const { fs, factory } = setUp()
    const [stale, active, own] = [newTransferId(), newTransferId(), newTransferId()]
    await fs.root.put(`ferry-incoming/${stale}/0`, new Uint8Array(10))
    await fs.root.put(`ferry-incoming/${stale}/1`, new Uint8Array(10))
    await fs.root.put(`ferry-incoming/${active}/0`, new Uint8Array(10))
    await fs.root.put('ferry-incoming/junk', new Uint8Array(10))
    await fs.root.put('someone-else/keep', new Uint8Array(10))
    await receive(factory, own, offered(0, 5000))

    await factory.purgeStale([active])
    expect(fs.root.files()).toEqual(
      [`ferry-incoming/${active}/0`, `ferry-incoming/${own}/0`, 'someone-else/keep'].sort(),
    )
  })

  it('purgeStale in another tab leaves folders this tab holds a lock on', async () => {
    const locks = createFakeLocks()
    const fs = createFakeFileSystem()
    const tab = (worker: boolean) =>
      createSinkFactory({
        opfsRoot: () => Promise.resolve(fs.root),
        startWorker: worker ? () => connectFakeWorker(fs.root).client : null,
        createMemorySink,
        locks,
        memoryThresholdBytes: thresholdBytes,
      })
    const first = tab(true)
    const [running, closedTab] = [newTransferId(), newTransferId()]
    const sink = first.createSink(running, offered(0, 5000))
    await sink.write(new Uint8Array(10))
    await fs.root.put(`ferry-incoming/${closedTab}/0`, new Uint8Array(10))
    expect(locks.held()).toEqual([`ferry-incoming:${running}`])

    await tab(false).purgeStale([])
    expect(fs.root.files()).toEqual([`ferry-incoming/${running}/0`])
    await sink.close()
    await first.release(running)
    expect(locks.held()).toEqual([])
    expect(fs.root.files()).toEqual([])
  })

  it('purgeStale copes with no OPFS and with nothing received yet', async () => {
    await setUp({ noOpfs: true }).factory.purgeStale([])
    const { fs, factory } = setUp()
    await factory.purgeStale([])
    expect(fs.root.folders()).toEqual([])
  })
})

describe('sink factory under the transfer manager', () => {
  it('receives a mix of small and large files intact, then releases them', async () => {
    const { fs, factory } = setUp()
    const pair = createMemoryChannelPair({ schedule: setImmediate })
    const events: TransferEvent[] = []
    const manager = (
      onEvent: (event: TransferEvent) => void,
      createSink: TransferManagerDeps['createSink'] = (transferId, file) =>
        factory.createSink(transferId, file),
    ) =>
      createTransferManager({
        createSink,
        createHasher: createSha256Hasher,
        newId: () => newTransferId(),
        nowMs: () => Date.now(),
        onEvent,
      })
    const alice = manager(
      () => undefined,
      () => createMemorySink(''),
    )
    const bob = manager((event) => events.push(event))
    const port = (to: TransferManager, from: string, bulk: typeof pair.a) => ({
      sendControl: (message: ControlMessage) =>
        setImmediate(() => to.handleControl(from, JSON.stringify(message))),
      bulk,
    })
    alice.addPeer('bob', port(bob, 'alice', pair.a))
    bob.addPeer('alice', port(alice, 'bob', pair.b))

    // The last one is larger than the flow-control window: it completes only if every write
    // is counted and acknowledged, although the worker sink takes over (detaches) each frame.
    const sizes = [0, 10, thresholdBytes + 1, windowBytes + 3 * 65_536 + 5]
    const contents = sizes.map((size, i) => randomBytes(size, i + 1))
    const id = alice.sendFiles(
      'bob',
      contents.map((bytes, i) => ({ blob: new Blob([bytes]), name: `f${i}`, type: '' })),
    )
    const latest = (): TransferSnapshot | undefined =>
      events
        .flatMap((e) => (e.type === 'transfer' && e.transfer.id === id ? [e.transfer] : []))
        .at(-1)
    await until(() => latest() !== undefined, 'the offer')
    bob.accept(id)
    await until(() => latest()?.state === 'complete', 'the transfer', 20_000)
    expect(latest()?.bytesDone).toBe(latest()?.totalBytes)
    const files = latest()?.files ?? []
    for (const [i, bytes] of contents.entries()) {
      expect(await sameBytes(files[i]?.blob, bytes)).toBe(true)
    }
    expect(incoming(fs, id)).toEqual([`ferry-incoming/${id}/2`, `ferry-incoming/${id}/3`])
    await factory.release(id)
    expect(fs.root.files()).toEqual([])
  })
})
