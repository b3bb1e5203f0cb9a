/**
 * What the short code two people compare is made of: the certificate fingerprints a connection's
 * session descriptions name (`a=fingerprint`), and the symbols the code is shown in.
 *
 * DTLS encrypts a WebRTC connection to the certificate whose fingerprint each side's session
 * description names. Signalling carries those descriptions, so whoever can rewrite signalling (a
 * relay, for a nearby room that has no secret) could swap in its own certificates and sit in the
 * middle. The code itself (session/commitment.ts) hashes both fingerprints and both sides' committed
 * nonces; in the middle, each side sees a different connection, and the screens disagree.
 * docs/protocol.md has the story.
 */

/** The same code twice: emoji to look at, and their names for screen readers and for reading aloud. */
export interface VerificationCode {
  emoji: string[]
  words: string[]
}

/**
 * 64 emoji, each named by one common English word (`verificationWords` at the same index), so
 * someone listening to a screen reader can compare with someone looking at emoji. All have emoji
 * presentation by default (no variation selector, no joiner) and date from Unicode 9 or earlier,
 * so they render alike on old phones; no people or hands (skin tones), and no two alike in look or
 * name.
 */
// prettier-ignore
export const verificationEmoji = [
  '🐶', '🐱', '🦁', '🐴', '🦊', '🐷', '🐘', '🐰',
  '🐼', '🐓', '🐧', '🐢', '🐟', '🐙', '🦋', '🌷',
  '🌳', '🌵', '🍄', '🌍', '🌙', '🌈', '🔥', '🍌',
  '🍎', '🍓', '🌽', '🍕', '🎂', '🍩', '🤖', '🎩',
  '👓', '🔧', '🐝', '🐸', '☔', '⏰', '🎁', '💡',
  '📕', '📎', '🔒', '🔑', '🔨', '📞', '🚩', '🚂',
  '🚲', '🚀', '🏆', '⚽', '🎸', '🎺', '🔔', '⚓',
  '🎧', '📁', '📌', '🐳', '🍇', '🚗', '⭐', '🏠',
] as const

// prettier-ignore
export const verificationWords = [
  'dog', 'cat', 'lion', 'horse', 'fox', 'pig', 'elephant', 'rabbit',
  'panda', 'rooster', 'penguin', 'turtle', 'fish', 'octopus', 'butterfly', 'tulip',
  'tree', 'cactus', 'mushroom', 'globe', 'moon', 'rainbow', 'fire', 'banana',
  'apple', 'strawberry', 'corn', 'pizza', 'cake', 'donut', 'robot', 'hat',
  'glasses', 'wrench', 'bee', 'frog', 'umbrella', 'clock', 'gift', 'bulb',
  'book', 'paperclip', 'lock', 'key', 'hammer', 'phone', 'flag', 'train',
  'bicycle', 'rocket', 'trophy', 'ball', 'guitar', 'trumpet', 'bell', 'anchor',
  'headphones', 'folder', 'pin', 'whale', 'grapes', 'car', 'star', 'house',
] as const

/** Each symbol picks one of 64 entries: 6 bits. */
const bitsPerSymbol = 6
/** 4 symbols = 24 bits: short enough to compare at a glance. */
export const verificationSymbols = 4

/** Hex digits of a fingerprint, at most SHA-512's 64 bytes. */
const fingerprintLine =
  /^a=fingerprint:([!-~]+)[ \t]+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){0,63})[ \t]*$/

/**
 * Every distinct certificate fingerprint of a session description, session or media level, as
 * `<hash function, lower-case> <HEX:WITH:COLONS>`, e.g. `sha-256 AB:CD:…`. Malformed lines are
 * skipped.
 */
export const fingerprintsFromSdp = (sdp: string): string[] => {
  const fingerprints = new Set<string>()
  for (const line of sdp.split(/\r?\n/)) {
    const match = fingerprintLine.exec(line.trim())
    if (!match) continue
    const [, hashFunction = '', hex = ''] = match
    fingerprints.add(`${hashFunction.toLowerCase()} ${hex.toUpperCase()}`)
  }
  return [...fingerprints]
}

/**
 * The certificate a session description names, as one string: every distinct fingerprint, sorted
 * (so media section order does not matter) and joined by commas; normally just one, e.g.
 * `sha-256 AB:CD:…`. Null when the description names none. A remote description's is that peer's
 * identity for trust: DTLS refuses a peer that cannot prove it holds this certificate's key.
 */
export const certificateFingerprint = (sdp: string): string | null => {
  const fingerprints = fingerprintsFromSdp(sdp)
  return fingerprints.length === 0 ? null : fingerprints.sort().join(',')
}

/** The `count` 6-bit numbers at the start of `bytes`, most significant bit first. */
export const sixBitIndices = (bytes: Uint8Array, count: number): number[] => {
  const indices: number[] = []
  for (let symbol = 0; symbol < count; symbol++) {
    let index = 0
    for (let bit = symbol * bitsPerSymbol; bit < (symbol + 1) * bitsPerSymbol; bit++) {
      const byte = bytes[bit >> 3] ?? 0
      index = (index << 1) | ((byte >> (7 - (bit & 7))) & 1)
    }
    indices.push(index)
  }
  return indices
}

/** The session descriptions of one peer connection, as SDP text. */
export interface SessionDescriptions {
  local: string
  remote: string
}
