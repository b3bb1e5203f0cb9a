import { describe, expect, it } from 'vitest'
import { createLazySink, SinkUnsupportedError } from './disk-sink.ts'
import {
  connectFakeWorker,
  createFakeFileSystem,
  type FakeFileSystem,
  type FakeFileSystemOptions,
  type FakeWorker,
} from './testing/fake-file-system.ts'
import { createMemorySink } from './memory-sink.ts'
import {
  createOpfsSink,
  createOpfsWorkerClient,
  getOpfsRoot,
  maxPooledWriteBuffers,
  opfsWritesInFlightBytes,
  writeBufferBytes,
  type OpfsWorkerClient,
} from './opfs-sink.ts'
import { randomBytes, sameBytes } from './testing/test-harness.ts'
import { chunkBytes } from '../protocol/limits.ts'
import type { Sink } from './types.ts'

const path = 'ferry-incoming/t/0'

interface SinkSetUp {
  fs: FakeFileSystem
  sink: Sink
  fallbacks: number
}

/** An OPFS sink for ferry-incoming/t/0 in a fresh fake file system. */
const setUp = (
  options: FakeFileSystemOptions & {
    worker?: (fs: FakeFileSystem) => OpfsWorkerClient | null
    type?: string
    noOpfs?: boolean
  } = {},
): SinkSetUp => {
  const fs = createFakeFileSystem(options)
  const worker = options.worker?.(fs) ?? null
  const result: SinkSetUp = {
    fs,
    fallbacks: 0,
    sink: createOpfsSink({
      folder: async () => {
        if (options.noOpfs === true) return null
        const incoming = await fs.root.getDirectoryHandle('ferry-incoming', { create: true })
        return {
          dir: await incoming.getDirectoryHandle('t', { create: true }),
          path: ['ferry-incoming', 't'],
        }
      },
      name: '0',
      type: options.type ?? '',
      worker: () => worker,
      fallback: () => {
        result.fallbacks++
        return createMemorySink(options.type ?? '')
      },
    }),
  }
  return result
}

/** Byte equality without a slow element-by-element diff of megabytes. */
const same = (actual: Uint8Array | undefined, expected: Uint8Array): boolean =>
  actual !== undefined && Buffer.from(actual).equals(Buffer.from(expected))

const withWorker = (fs: FakeFileSystem) => connectFakeWorker(fs.root).client

/** An OPFS sink with a fake writer worker the test can watch (its writes) and hold (pause). */
const setUpWatched = (options: FakeFileSystemOptions = {}) => {
  let watched: FakeWorker | null = null
  const { fs, sink } = setUp({
    ...options,
    worker: (fs) => {
      watched = connectFakeWorker(fs.root)
      return watched.client
    },
  })
  const worker = (): FakeWorker => {
    if (watched === null) throw new Error('no worker yet')
    return watched
  }
  return { fs, sink, worker }
}

/** Writes `data` as views into one larger buffer, in chunks of varying size (1 byte to 64 KiB). */
const writeInPieces = async (sink: Sink, data: Uint8Array): Promise<Uint8Array> => {
  const big = new Uint8Array(data.length + 100)
  big.set(data, 50)
  const sizes = [1, 2, 3, 100, 4096, 65_536, 7, 65_535, 1000]
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = Math.min(sizes[i % sizes.length] ?? 1, data.length - at)
    await sink.write(big.subarray(50 + at, 50 + at + size))
    at += size
  }
  return big
}

describe('OPFS sink, through the writer worker', () => {
  it('writes many small writes and views into a larger buffer intact, leaving that buffer alone', async () => {
    const { fs, sink } = setUp({ worker: withWorker, type: 'image/png' })
    const data = randomBytes(3 * 1024 * 1024 + 17, 1)
    const big = await writeInPieces(sink, data)
    expect(big.byteLength).toBe(data.length + 100)
    expect(same(big.subarray(50, 60), data.subarray(0, 10))).toBe(true)
    const blob = await sink.close()
    expect(blob.size).toBe(data.length)
    expect(blob.type).toBe('image/png')
    expect(await sameBytes(blob, data)).toBe(true)
    expect(fs.root.files()).toEqual([path])
    expect(same(fs.root.read(path), data)).toBe(true)
  })

  it('copies what it writes into buffers the worker gives back, and leaves the caller’s alone', async () => {
    const { fs, sink, worker } = setUpWatched()
    const data = randomBytes(40 * chunkBytes + 123, 9)
    const frames: Uint8Array[] = []
    for (let at = 0; at < data.length; at += chunkBytes) {
      // As a frame arrives: a 34-byte header, then the payload.
      const frame = new Uint8Array(34 + Math.min(chunkBytes, data.length - at))
      frame.set(data.subarray(at, at + chunkBytes), 34)
      frames.push(frame)
      await sink.write(frame.subarray(34))
    }
    expect((await sink.close()).size).toBe(data.length)
    expect(same(fs.root.read(path), data)).toBe(true)
    // The received frames stay whole (nothing was taken from under their owner).
    expect(frames.every((frame) => frame.byteLength > 34)).toBe(true)
    // Frames were gathered into full buffers, and a last partial one.
    expect(worker().writes()).toEqual([
      ...Array<number>(Math.floor(data.length / writeBufferBytes)).fill(writeBufferBytes),
      data.length % writeBufferBytes,
    ])
    // The same few buffers went round.
    expect(worker().freshWriteBuffers()).toBeGreaterThan(0)
    expect(worker().freshWriteBuffers()).toBeLessThanOrEqual(maxPooledWriteBuffers)
  })

  it('splits a write larger than a buffer across buffers, and keeps only whole ones', async () => {
    const { client } = connectFakeWorker(createFakeFileSystem().root)
    expect(client.writeBuffer().byteLength).toBe(writeBufferBytes)
    // A reply's buffer of another size is not kept.
    client.receive({ request: 1, ok: true, buffer: new ArrayBuffer(8) })
    expect(client.writeBuffer().byteLength).toBe(writeBufferBytes)

    const { fs, sink, worker } = setUpWatched()
    const data = randomBytes(2 * writeBufferBytes + 1000, 10)
    await sink.write(data.subarray(0, 500))
    await sink.write(data.subarray(500))
    expect((await sink.close()).size).toBe(data.length)
    expect(same(fs.root.read(path), data)).toBe(true)
    expect(worker().writes()).toEqual([writeBufferBytes, writeBufferBytes, 1000])
  })

  it('writes out a partly filled buffer before a flush, a detach and a close', async () => {
    const { fs, sink, worker } = setUpWatched()
    const data = randomBytes(3000, 11)
    await sink.write(data.subarray(0, 1000))
    // Buffered on the page: nothing reached the worker yet.
    expect(worker().writes()).toEqual([])
    expect(await sink.flush?.()).toBe(true)
    expect(worker().writes()).toEqual([1000])
    await sink.write(data.subarray(1000, 2000))
    await sink.detach?.()
    expect(worker().writes()).toEqual([1000, 1000])
    expect(same(fs.root.read(path), data.subarray(0, 2000))).toBe(true)
  })

  it('drops what is buffered on abort, writing nothing more', async () => {
    const { fs, sink, worker } = setUpWatched()
    await sink.write(randomBytes(writeBufferBytes + 10, 12))
    await sink.abort()
    expect(worker().writes()).toEqual([writeBufferBytes])
    expect(fs.root.files()).toEqual([])
  })

  it('keeps a bounded number of bytes in flight to the worker', async () => {
    const { sink, worker } = setUpWatched()
    await sink.write(new Uint8Array(1)) // opened
    await new Promise((resolve) => setTimeout(resolve, 20)) // and answered
    worker().pause()
    let accepted = 0
    const writes = (async () => {
      for (let i = 0; i < 64; i++) {
        await sink.write(new Uint8Array(chunkBytes))
        accepted++
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 50))
    // The sink stopped accepting once the worker owed it more than a window's worth of
    // acknowledgements: the write that went past the bound waits.
    const stalledAt = Math.floor((opfsWritesInFlightBytes + writeBufferBytes - 1) / chunkBytes)
    expect(accepted).toBe(stalledAt)
    worker().resume()
    await writes
    expect(worker().maxUnansweredWriteBytes()).toBeGreaterThan(opfsWritesInFlightBytes)
    expect(worker().maxUnansweredWriteBytes()).toBeLessThanOrEqual(
      opfsWritesInFlightBytes + writeBufferBytes,
    )
    expect((await sink.close()).size).toBe(1 + 64 * chunkBytes)
  })

  it('abort deletes the partial file', async () => {
    const { fs, sink } = setUp({ worker: withWorker })
    await sink.write(randomBytes(100_000, 2))
    await sink.abort()
    expect(fs.root.files()).toEqual([])
    expect(fs.usedBytes()).toBe(0)
    await sink.abort()
    await expect(sink.write(new Uint8Array(1))).rejects.toThrow()
  })

  it('reports a full disk on a later write or on close, and aborts cleanly after', async () => {
    const { fs, sink } = setUp({ worker: withWorker, quotaBytes: 200_000 })
    const attempt = async () => {
      for (let i = 0; i < 10; i++) await sink.write(randomBytes(65_536, i))
      await sink.close()
    }
    await expect(attempt()).rejects.toThrow(/QuotaExceededError/)
    await sink.abort()
    expect(fs.root.files()).toEqual([])
  })

  it('writes with createWritable where the worker has no sync access handles', async () => {
    const { fs, sink, fallbacks } = setUp({ worker: withWorker, syncAccessHandles: false })
    const data = randomBytes(300_000, 3)
    await writeInPieces(sink, data)
    expect(await sameBytes(await sink.close(), data)).toBe(true)
    expect(same(fs.root.read(path), data)).toBe(true)
    expect(fallbacks).toBe(0)
  })

  it('writes with createWritable where the worker failed to start', async () => {
    const { fs, sink } = setUp({
      worker: () => {
        const client = createOpfsWorkerClient(() => undefined)
        client.fail(new SinkUnsupportedError('no worker'))
        return client
      },
    })
    await sink.write(new Uint8Array([1]))
    await sink.close()
    expect(fs.root.read(path)).toEqual(new Uint8Array([1]))
  })

  it('writes with createWritable where there is no worker, and aborts by deleting', async () => {
    const { fs, sink } = setUp({ syncAccessHandles: false })
    await sink.write(randomBytes(10, 4))
    expect(fs.root.files()).toEqual([path])
    expect(fs.root.read(path)).toEqual(new Uint8Array(0)) // still in the swap file
    await sink.abort()
    expect(fs.root.files()).toEqual([])
    expect(fs.usedBytes()).toBe(0)
  })

  it('falls back to memory where OPFS files cannot be written, leaving no file behind', async () => {
    const setup = setUp({ worker: withWorker, syncAccessHandles: false, writables: false })
    await setup.sink.write(new Uint8Array([1, 2]))
    expect(await sameBytes(await setup.sink.close(), new Uint8Array([1, 2]))).toBe(true)
    expect(setup.fallbacks).toBe(1)
    expect(setup.fs.root.files()).toEqual([])
  })

  it('falls back to memory where there is no OPFS', async () => {
    const setup = setUp({ noOpfs: true })
    await setup.sink.write(new Uint8Array([1]))
    expect((await setup.sink.close()).size).toBe(1)
    expect(setup.fallbacks).toBe(1)
  })

  it('creates an empty file for a close without writes', async () => {
    const { fs, sink } = setUp({ worker: withWorker })
    expect((await sink.close()).size).toBe(0)
    expect(fs.root.files()).toEqual([path])
  })
})

describe('lazy sink', () => {
  const recording = () => {
    const calls: string[] = []
    let opens = 0
    const inner = createMemorySink('')
    const sink = createLazySink(() => {
      opens++
      calls.push('open')
      return Promise.resolve<Sink>({
        write: (bytes) => (calls.push('write'), inner.write(bytes)),
        close: () => (calls.push('close'), inner.close()),
        abort: () => (calls.push('abort'), inner.abort()),
      })
    })
    return { sink, calls, opens: () => opens }
  }

  it('opens once, on first use, and refuses use after close', async () => {
    const { sink, calls, opens } = recording()
    expect(opens()).toBe(0)
    await sink.write(new Uint8Array(1))
    await sink.write(new Uint8Array(1))
    await sink.close()
    expect(calls).toEqual(['open', 'write', 'write', 'close'])
    await expect(sink.write(new Uint8Array(1))).rejects.toThrow()
    await expect(sink.close()).rejects.toThrow()
  })

  it('keeps a closed file on abort', async () => {
    const { sink, calls } = recording()
    await sink.write(new Uint8Array(1))
    await sink.close()
    await sink.abort()
    expect(calls).not.toContain('abort')
  })

  it('aborts after a write in progress, once, and opens nothing for a sink never used', async () => {
    const { sink, calls } = recording()
    const write = sink.write(new Uint8Array(1))
    const aborted = sink.abort()
    await Promise.all([write, aborted, sink.abort()])
    expect(calls).toEqual(['open', 'write', 'abort'])
    const unused = recording()
    await unused.sink.abort()
    expect(unused.calls).toEqual([])
  })

  it('reports a failed open on every use, and has nothing to abort', async () => {
    const sink = createLazySink(() => Promise.reject(new Error('no disk')))
    await expect(sink.write(new Uint8Array(1))).rejects.toThrow('no disk')
    await expect(sink.close()).rejects.toThrow('no disk')
    await sink.abort()
  })
})

describe('getOpfsRoot', () => {
  it('is null without OPFS, or where it is refused', async () => {
    expect(await getOpfsRoot(undefined)).toBeNull()
    expect(await getOpfsRoot({})).toBeNull()
    expect(
      await getOpfsRoot({
        getDirectory: () => Promise.reject(new DOMException('', 'SecurityError')),
      }),
    ).toBeNull()
    const fs = createFakeFileSystem()
    expect(await getOpfsRoot({ getDirectory: () => Promise.resolve(fs.root) })).toBe(fs.root)
  })
})
