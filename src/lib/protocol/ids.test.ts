import { describe, expect, it } from 'vitest'
import { ProtocolError } from './errors.ts'
import {
  isTransferId,
  newTransferId,
  transferIdChars,
  transferIdFromBytes,
  transferIdToBytes,
} from './ids.ts'

const seeded = (seed: number) => (bytes: Uint8Array) => {
  for (let i = 0; i < bytes.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0
    bytes[i] = seed >>> 24
  }
  return bytes
}

describe('transfer ids', () => {
  it('are 22 characters of base64url, matching Node', () => {
    const random = seeded(7)
    for (let round = 0; round < 200; round++) {
      const bytes = random(new Uint8Array(16))
      const id = transferIdFromBytes(bytes)
      expect(id).toHaveLength(transferIdChars)
      expect(id).toBe(Buffer.from(bytes).toString('base64url'))
      expect(isTransferId(id)).toBe(true)
      expect(transferIdToBytes(id)).toEqual(bytes)
    }
  })

  it('encodes the extremes', () => {
    expect(transferIdFromBytes(new Uint8Array(16))).toBe('AAAAAAAAAAAAAAAAAAAAAA')
    expect(transferIdFromBytes(new Uint8Array(16).fill(255))).toBe('_____________________w')
  })

  it('come fresh from the random source', () => {
    const id = newTransferId()
    expect(isTransferId(id)).toBe(true)
    expect(newTransferId()).not.toBe(id)
    expect(newTransferId(seeded(1))).toBe(newTransferId(seeded(1)))
  })

  it('refuses non-canonical and malformed text', () => {
    for (const bad of [
      '',
      'AAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAB', // the last character's low 4 bits must be zero
      'AAAAAAAAAAAAAAAAAAAA+A',
      'AAAAAAAAAAAAAAAAAAAA=A',
      42,
      null,
    ]) {
      expect(isTransferId(bad)).toBe(false)
    }
    expect(() => transferIdToBytes('AAAAAAAAAAAAAAAAAAAAAB')).toThrow(ProtocolError)
    expect(() => transferIdFromBytes(new Uint8Array(15))).toThrow(ProtocolError)
  })
})
