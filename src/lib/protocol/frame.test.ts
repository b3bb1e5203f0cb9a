import { describe, expect, it } from 'vitest'
import type { ProtocolErrorCode } from './errors.ts'
import { ProtocolError } from './errors.ts'
import { createFrameReader, decodeFrame, encodeFrame, type Frame } from './frame.ts'
import { transferIdToBytes } from './ids.ts'
import { frameHeaderBytes, maxFramePayloadBytes } from './limits.ts'

const transferId = 'AbCdEfGhIjKlMnOpQrStUg'

const bytesOf = (length: number, seed = 1): Uint8Array => {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff
  return bytes
}

const frame = (offset: number, length: number, file = 0): Frame => ({
  transferId,
  file,
  offset,
  payload: bytesOf(length, offset),
})

const expectError = (result: { ok: boolean }, code: ProtocolErrorCode): void => {
  expect(result.ok).toBe(false)
  if (!result.ok && 'error' in result) {
    const { error } = result as { error: ProtocolError }
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(/^ferry: /)
  }
}

describe('frame codec', () => {
  it('lays the header out at fixed big-endian offsets', () => {
    const bytes = encodeFrame({
      transferId,
      file: 0x0102,
      offset: 2 ** 40 + 5,
      payload: new Uint8Array([9, 8, 7]),
    })
    expect(frameHeaderBytes).toBe(34)
    expect(bytes).toHaveLength(37)
    expect(bytes[0]).toBe(1)
    expect(bytes[1]).toBe(1)
    expect(bytes.subarray(2, 18)).toEqual(transferIdToBytes(transferId))
    expect([...bytes.subarray(18, 22)]).toEqual([0, 0, 1, 2])
    expect([...bytes.subarray(22, 30)]).toEqual([0, 0, 1, 0, 0, 0, 0, 5])
    expect([...bytes.subarray(30, 34)]).toEqual([0, 0, 0, 3])
    expect([...bytes.subarray(34)]).toEqual([9, 8, 7])
  })

  it('round-trips frames of every interesting size and offset', () => {
    for (const length of [0, 1, 1000, maxFramePayloadBytes - 1, maxFramePayloadBytes]) {
      for (const offset of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 50, Number.MAX_SAFE_INTEGER]) {
        const original = frame(offset, length, 7)
        const decoded = decodeFrame(encodeFrame(original))
        if (!decoded.ok) throw decoded.error
        const { payload, ...header } = decoded.frame
        expect(header).toEqual({ transferId, file: 7, offset })
        // Byte-wise, as toEqual on 64 KiB arrays is slow.
        expect(Buffer.from(payload).equals(original.payload)).toBe(true)
      }
    }
  })

  it('refuses to encode what could never be decoded', () => {
    expect(() => encodeFrame(frame(0, maxFramePayloadBytes + 1))).toThrow(ProtocolError)
    expect(() => encodeFrame({ ...frame(0, 1), offset: -1 })).toThrow(ProtocolError)
    expect(() => encodeFrame({ ...frame(0, 1), offset: 2 ** 53 })).toThrow(ProtocolError)
    expect(() => encodeFrame({ ...frame(0, 1), file: 1.5 })).toThrow(ProtocolError)
    expect(() => encodeFrame({ ...frame(0, 1), transferId: 'nope' })).toThrow(ProtocolError)
  })

  it('refuses truncated messages', () => {
    const whole = encodeFrame(frame(0, 100))
    expectError(decodeFrame(new Uint8Array(0)), 'truncated-frame')
    expectError(decodeFrame(whole.subarray(0, frameHeaderBytes - 1)), 'truncated-frame')
    const short = decodeFrame(whole.subarray(0, whole.length - 1))
    expectError(short, 'truncated-frame')
    // The header was whole, so the transfer it belonged to is known.
    expect(short).toMatchObject({ transferId })
  })

  it('refuses a message longer than its header says', () => {
    const whole = encodeFrame(frame(0, 10))
    const longer = new Uint8Array(whole.length + 1)
    longer.set(whole)
    expectError(decodeFrame(longer), 'bad-frame-header')
  })

  it('refuses bad versions, kinds, file indexes, offsets and lengths', () => {
    const patched = (index: number, value: number, length = 10): Uint8Array => {
      const bytes = encodeFrame(frame(0, length))
      bytes[index] = value
      return bytes
    }
    expectError(decodeFrame(patched(0, 2)), 'bad-frame-header')
    expectError(decodeFrame(patched(1, 0)), 'bad-frame-header')
    expectError(decodeFrame(patched(18, 0xff)), 'bad-frame-header') // file index 4278190080
    expectError(decodeFrame(patched(23, 0x20)), 'bad-frame-header') // offset 2^53
    expectError(decodeFrame(patched(30, 0xff)), 'oversized-frame')
    // One byte over the largest payload, declared in the header.
    const over = encodeFrame(frame(0, 0))
    new DataView(over.buffer).setUint32(30, maxFramePayloadBytes + 1)
    expectError(decodeFrame(over), 'oversized-frame')
  })

  it('never throws on random bytes', () => {
    let seed = 3
    for (let round = 0; round < 2000; round++) {
      seed = (seed * 1103515245 + 12345) >>> 0
      const bytes = bytesOf(seed % 80, seed)
      if (round % 2 === 0 && bytes.length > 2) {
        bytes[0] = 1
        bytes[1] = 1
      }
      expect(() => decodeFrame(bytes)).not.toThrow()
    }
  })
})

describe('frame reader', () => {
  const stream = (frames: Frame[]): Uint8Array => {
    const parts = frames.map(encodeFrame)
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
    let at = 0
    for (const part of parts) {
      bytes.set(part, at)
      at += part.length
    }
    return bytes
  }
  const frames = [frame(0, 5), frame(5, 0), frame(5, 300), frame(0, 1, 1), frame(1, 40, 1)]

  it('reads frames fed one byte at a time', () => {
    const reader = createFrameReader()
    const read: Frame[] = []
    for (const byte of stream(frames)) {
      const result = reader.push(new Uint8Array([byte]))
      expect(result.ok).toBe(true)
      read.push(...result.frames)
    }
    expect(read).toEqual(frames)
    expect(reader.pendingBytes()).toBe(0)
    expect(reader.end()).toBeNull()
  })

  it('reads frames whose header is cut at every position', () => {
    const bytes = stream([frame(0, 20), frame(20, 20)])
    for (let cut = 1; cut < bytes.length; cut++) {
      const reader = createFrameReader()
      const first = reader.push(bytes.slice(0, cut))
      const second = reader.push(bytes.slice(cut))
      expect(first.ok && second.ok).toBe(true)
      expect([...first.frames, ...second.frames]).toEqual([frame(0, 20), frame(20, 20)])
    }
  })

  it('reads many frames from one push, and empty pushes', () => {
    const reader = createFrameReader()
    expect(reader.push(new Uint8Array(0))).toEqual({ ok: true, frames: [] })
    expect(reader.push(stream(frames))).toEqual({ ok: true, frames })
  })

  it('stops at an oversized length, before its payload arrives, and stays stopped', () => {
    const reader = createFrameReader()
    const good = encodeFrame(frame(0, 3))
    const bad = encodeFrame(frame(3, 0))
    new DataView(bad.buffer).setUint32(30, 0xffffffff)
    const result = reader.push(stream([]))
    expect(result.ok).toBe(true)
    const both = new Uint8Array(good.length + bad.length)
    both.set(good)
    both.set(bad, good.length)
    const failed = reader.push(both)
    expectError(failed, 'oversized-frame')
    expect(failed.frames).toEqual([frame(0, 3)])
    expectError(reader.push(good), 'oversized-frame')
    expect(reader.end()?.code).toBe('oversized-frame')
  })

  it('refuses a bad header in a stream', () => {
    const bytes = encodeFrame(frame(0, 3))
    bytes[0] = 9
    expectError(createFrameReader().push(bytes), 'bad-frame-header')
  })

  it('reports a stream that ends inside a frame', () => {
    const reader = createFrameReader()
    const bytes = encodeFrame(frame(0, 10))
    reader.push(bytes.subarray(0, 5))
    expect(reader.end()?.code).toBe('truncated-frame')
    reader.push(bytes.subarray(5, 40))
    expect(reader.pendingBytes()).toBe(40)
    expect(reader.end()?.code).toBe('truncated-frame')
  })
})
