import { describe, expect, it } from 'vitest'
import {
  createMessageReader,
  encodeMessage,
  lengthPrefixBytes,
  MessageFrameError,
} from './message-frames.ts'

const cap = 1024

const prefix = (length: number) => {
  const bytes = new Uint8Array(lengthPrefixBytes)
  new DataView(bytes.buffer).setUint32(0, length)
  return bytes
}

const codeOf = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    return error instanceof MessageFrameError ? error.code : 'other'
  }
  return null
}

describe('message frames', () => {
  it('reads back what was written, whole or one byte at a time', () => {
    const messages = [
      { type: 'hello', name: 'Amber Otter' },
      'text',
      42,
      [],
      { nested: { a: [1] } },
    ]
    const wire = messages.map((message) => encodeMessage(message, cap))
    const whole = createMessageReader(cap)
    const joined = new Uint8Array(wire.reduce((sum, frame) => sum + frame.byteLength, 0))
    wire.reduce((at, frame) => (joined.set(frame, at), at + frame.byteLength), 0)
    expect(whole.push(joined)).toEqual(messages)

    const byByte = createMessageReader(cap)
    const read: unknown[] = []
    for (const byte of joined) read.push(...byByte.push(new Uint8Array([byte])))
    expect(read).toEqual(messages)
    expect(byByte.heldBytes()).toBe(0)
  })

  it('reads an empty-object message and a message at the cap exactly', () => {
    const atCap = 'x'.repeat(cap - 2)
    const reader = createMessageReader(cap)
    expect(reader.push(encodeMessage(atCap, cap))).toEqual([atCap])
    expect(() => encodeMessage(atCap + 'x', cap)).toThrow(MessageFrameError)
  })

  it('refuses a length over the cap at the header, before holding its body', () => {
    const reader = createMessageReader(cap)
    // 128 MiB declared: refused on the fourth byte of the prefix.
    const header = prefix(128 * 1024 * 1024)
    expect(reader.push(header.subarray(0, 3))).toEqual([])
    expect(codeOf(() => reader.push(header.subarray(3)))).toBe('oversized-message')
    expect(reader.heldBytes()).toBe(0)
    // Broken for good: the stream can no longer be trusted to be in step.
    expect(codeOf(() => reader.push(encodeMessage({}, cap)))).toBe('oversized-message')
  })

  it('holds at most one capped body while an unterminated message trickles in', () => {
    const reader = createMessageReader(cap)
    reader.push(prefix(cap))
    for (let i = 0; i < cap - 1; i++) reader.push(new Uint8Array([0x20]))
    expect(reader.heldBytes()).toBe(cap)
  })

  it('refuses a body that is not JSON, or not UTF-8', () => {
    const notJson = new TextEncoder().encode('{"type":')
    const bad = new Uint8Array([...prefix(notJson.byteLength), ...notJson])
    expect(codeOf(() => createMessageReader(cap).push(bad))).toBe('malformed-message')
    const notUtf8 = new Uint8Array([...prefix(2), 0xc3, 0x28])
    expect(codeOf(() => createMessageReader(cap).push(notUtf8))).toBe('malformed-message')
  })
})
