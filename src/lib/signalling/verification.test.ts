import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  certificateFingerprint,
  fingerprintsFromSdp,
  sixBitIndices,
  verificationEmoji,
  verificationSymbols,
  verificationWords,
} from './verification.ts'

const fingerprintOf = (seed: string) =>
  createHash('sha256').update(seed).digest('hex').toUpperCase().match(/../g)!.join(':')

const alice = fingerprintOf('alice')
const bob = fingerprintOf('bob')

/** Shaped like Chromium's: the fingerprint in every media section, CRLF line ends. */
const chromiumSdp = (fingerprint: string, mediaSections = 1) =>
  [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS',
    ...Array.from({ length: mediaSections }, (_, mid) => [
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=ice-ufrag:abcd',
      'a=ice-pwd:0123456789abcdefghijklmn',
      `a=fingerprint:sha-256 ${fingerprint}`,
      'a=setup:actpass',
      `a=mid:${mid}`,
      'a=sctp-port:5000',
    ]).flat(),
    '',
  ].join('\r\n')

/** Shaped like Firefox's: one session-level fingerprint, lower-case hex, LF line ends. */
const firefoxSdp = (fingerprint: string) =>
  [
    'v=0',
    'o=mozilla...THIS_IS_SDPARTA-99.0 1 0 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    `a=fingerprint:SHA-256 ${fingerprint.toLowerCase()}`,
    'a=group:BUNDLE 0',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'a=mid:0',
    '',
  ].join('\n')

describe('fingerprintsFromSdp', () => {
  it('reads media-level fingerprints once, however many sections repeat them', () => {
    expect(fingerprintsFromSdp(chromiumSdp(alice, 3))).toEqual([`sha-256 ${alice}`])
  })

  it('reads a session-level fingerprint and normalises case', () => {
    expect(fingerprintsFromSdp(firefoxSdp(alice))).toEqual([`sha-256 ${alice}`])
  })

  it('keeps distinct fingerprints, session and media level', () => {
    const sdp = `${firefoxSdp(alice)}a=fingerprint:sha-1 ${bob.slice(0, 59)}\n`
    expect(fingerprintsFromSdp(sdp)).toEqual([`sha-256 ${alice}`, `sha-1 ${bob.slice(0, 59)}`])
  })

  it('skips malformed lines', () => {
    const sdp = [
      'a=fingerprint:sha-256',
      'a=fingerprint:sha-256 XY:ZZ',
      'a=fingerprint:sha-256 ABC:DE',
      'a=fingerprint:sha-256 AB:CD trailing',
      `a=fingerprint:sha-256 ${'AB:'.repeat(64)}AB`,
      'a=fingerprintx:sha-256 AB:CD',
      'b=fingerprint:sha-256 AB:CD',
    ].join('\r\n')
    expect(fingerprintsFromSdp(sdp)).toEqual([])
    expect(fingerprintsFromSdp('')).toEqual([])
  })
})

describe('sixBitIndices', () => {
  it('reads 6-bit numbers from the start of the bytes, most significant bit first', () => {
    const bytes = createHash('sha256').update('ferry').digest()
    const bits = bytes.readUIntBE(0, 3)
    expect(sixBitIndices(bytes, verificationSymbols)).toEqual(
      [18, 12, 6, 0].map((shift) => (bits >> shift) & 0x3f),
    )
    expect(sixBitIndices(new Uint8Array([0xff, 0xff, 0xff]), 4)).toEqual([63, 63, 63, 63])
  })
})

describe('the symbol lists', () => {
  it('have 64 distinct emoji, each one plain emoji-presentation character', () => {
    expect(verificationEmoji).toHaveLength(64)
    expect(new Set(verificationEmoji).size).toBe(64)
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
    for (const emoji of verificationEmoji) {
      expect([...segmenter.segment(emoji)]).toHaveLength(1)
      expect([...emoji]).toHaveLength(1)
      expect(emoji).toMatch(/^\p{Emoji_Presentation}$/u)
    }
  })

  it('have 64 distinct lower-case words', () => {
    expect(verificationWords).toHaveLength(64)
    expect(new Set(verificationWords).size).toBe(64)
    for (const word of verificationWords) expect(word).toMatch(/^[a-z]{3,10}$/)
  })
})

describe('certificateFingerprint', () => {
  it('is the same however each browser writes its description', () => {
    expect(certificateFingerprint(chromiumSdp(alice, 3))).toBe(`sha-256 ${alice}`)
    expect(certificateFingerprint(firefoxSdp(alice))).toBe(`sha-256 ${alice}`)
  })

  it('sorts and joins several certificates, and is null without one', () => {
    const sdp = `${firefoxSdp(bob)}a=fingerprint:sha-1 ${alice.slice(0, 59)}\n`
    expect(certificateFingerprint(sdp)).toBe(`sha-1 ${alice.slice(0, 59)},sha-256 ${bob}`)
    expect(certificateFingerprint('v=0\r\n')).toBeNull()
  })
})
