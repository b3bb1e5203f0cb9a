import { describe, expect, it } from 'vitest'
import { openFileSource, type FileSource } from './outgoing.ts'
import { randomBytes } from './testing/test-harness.ts'

/** A Blob whose stream is not a byte stream, yielding uneven chunks (as some browsers' do). */
const chunkedBlob = (bytes: Uint8Array, chunkSizes: number[], failAfter?: number): Blob => {
  const blob = new Blob([bytes.slice()])
  blob.slice = (start = 0, end = bytes.length) => {
    const part = bytes.slice(start, end)
    const slice = new Blob([part])
    slice.stream = () => {
      let at = 0
      let pulls = 0
      return new ReadableStream<Uint8Array<ArrayBuffer>>({
        pull(controller) {
          if (failAfter !== undefined && pulls === failAfter) {
            controller.error(new Error('NotReadableError'))
            return
          }
          const size = chunkSizes[pulls++ % chunkSizes.length] ?? 1
          if (at >= part.length) {
            controller.close()
            return
          }
          controller.enqueue(part.slice(at, at + size))
          at += size
        },
      })
    }
    return slice
  }
  return blob
}

/** Reads everything through two buffers of `bufferBytes`, the way the sender does. */
const readAll = async (source: FileSource, total: number, bufferBytes: number) => {
  const buffers = [new Uint8Array(bufferBytes), new Uint8Array(bufferBytes)]
  const out = new Uint8Array(total)
  const reads: number[] = []
  let offset = 0
  for (let turn = 0; offset < total; turn++) {
    const into = buffers[turn % 2] ?? new Uint8Array(bufferBytes)
    const view = await source.read(into.subarray(0, Math.min(bufferBytes, total - offset)))
    out.set(view, offset)
    reads.push(view.length)
    offset += view.length
    if (view.length === 0) break
    // The buffer may have moved (a BYOB read takes it over): keep the one the view lives in.
    buffers[turn % 2] = new Uint8Array(view.buffer)
  }
  return { out, reads }
}

describe('openFileSource', () => {
  const bytes = randomBytes(100_003, 7)

  it('reads a byte stream into the given buffers, whole except at the end', async () => {
    const source = openFileSource(new Blob([bytes.slice()]), 0, bytes.length)
    const { out, reads } = await readAll(source, bytes.length, 16_384)
    expect(out).toEqual(bytes)
    expect(reads.slice(0, -1).every((length) => length === 16_384)).toBe(true)
    expect(reads.at(-1)).toBe(bytes.length % 16_384)
  })

  it('reads a range', async () => {
    const source = openFileSource(new Blob([bytes.slice()]), 1000, 51_000)
    const { out } = await readAll(source, 50_000, 4096)
    expect(out).toEqual(bytes.subarray(1000, 51_000))
  })

  it('copies out of the uneven chunks of a stream that is not a byte stream', async () => {
    const source = openFileSource(chunkedBlob(bytes, [1, 7000, 65_536, 3]), 0, bytes.length)
    const { out, reads } = await readAll(source, bytes.length, 10_000)
    expect(out).toEqual(bytes)
    expect(reads.slice(0, -1).every((length) => length === 10_000)).toBe(true)
  })

  it('comes back short when the file is shorter than asked', async () => {
    const source = openFileSource(new Blob([bytes.slice(0, 10)]), 0, 10)
    const view = await source.read(new Uint8Array(64))
    expect(view).toEqual(bytes.subarray(0, 10))
    expect((await source.read(new Uint8Array(64))).length).toBe(0)
  })

  it('rejects when the stream fails', async () => {
    const source = openFileSource(chunkedBlob(bytes, [1000], 3), 0, bytes.length)
    await expect(source.read(new Uint8Array(64_000))).rejects.toThrow('NotReadableError')
  })

  it('returns pending reads short once cancelled', async () => {
    for (const blob of [new Blob([bytes.slice()]), chunkedBlob(bytes, [10])]) {
      const source = openFileSource(blob, 0, bytes.length)
      expect((await source.read(new Uint8Array(100))).length).toBe(100)
      source.cancel()
      expect((await source.read(new Uint8Array(100))).length).toBe(0)
    }
  })
})
