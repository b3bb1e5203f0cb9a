import { describe, expect, it } from 'vitest'
import { createSha256Hasher } from './hashing.ts'
import { createMemorySink, memorySinkPartBytes } from './memory-sink.ts'

describe('sha-256 hasher', () => {
  it('hashes incrementally', async () => {
    const hasher = await createSha256Hasher()
    hasher.update(new TextEncoder().encode('a'))
    hasher.update(new TextEncoder().encode('bc'))
    expect(hasher.digestHex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('resumes from a saved state', async () => {
    const first = await createSha256Hasher()
    first.update(new TextEncoder().encode('a'))
    const resumed = await createSha256Hasher(first.save())
    resumed.update(new TextEncoder().encode('bc'))
    expect(resumed.digestHex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })
})

describe('memory sink', () => {
  it('returns what was written, as a typed Blob, copying each write', async () => {
    const sink = createMemorySink('text/plain')
    const buffer = new TextEncoder().encode('hello ')
    await sink.write(buffer)
    buffer.fill(0)
    await sink.write(new TextEncoder().encode('world'))
    const blob = await sink.close()
    expect(blob.type).toBe('text/plain')
    expect(await blob.text()).toBe('hello world')
    await expect(sink.write(new Uint8Array(1))).rejects.toThrow()
  })

  it('gathers large files into parts', async () => {
    const sink = createMemorySink('')
    const chunk = new Uint8Array(1024 * 1024).fill(7)
    for (let i = 0; i < memorySinkPartBytes / chunk.length + 2; i++) await sink.write(chunk)
    const blob = await sink.close()
    expect(blob.size).toBe(memorySinkPartBytes + 2 * chunk.length)
  })

  it('drops everything on abort', async () => {
    const sink = createMemorySink('')
    await sink.write(new Uint8Array(10))
    await sink.abort()
    await sink.abort()
    await expect(sink.write(new Uint8Array(1))).rejects.toThrow()
  })
})
