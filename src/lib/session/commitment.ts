/**
 * The verification code, made so that a man in the middle gets one guess at it, not a search.
 *
 * Each side picks a random nonce and first sends only a commitment to it (a hash), with its own
 * certificate fingerprint; it reveals the nonce once it holds the other side's commitment. The code
 * is a hash of both fingerprints and both nonces. Whoever sits in the middle must commit to its
 * nonce towards one device before it learns that device's nonce, so it cannot steer that side's code
 * to match the other side's: each attempt matches with probability 2^-24, and a failed attempt shows
 * two different codes. docs/protocol.md ("Verification code") has the argument.
 */
import {
  sixBitIndices,
  verificationEmoji,
  verificationSymbols,
  verificationWords,
  type VerificationCode,
} from '../signalling/verification.ts'

/** Random bytes in a nonce: far beyond guessing, so a commitment hides it. */
export const nonceBytes = 32
/** Bumped if the derivation ever changes, so old and new apps never show matching codes by chance. */
const commitmentLabel = 'ferry-commitment-v1'
const codeLabel = 'ferry-verification-v2'

const hexPattern = new RegExp(`^[0-9a-f]{${nonceBytes * 2}}$`)
/** A nonce or a commitment as sent: lower-case hex of 32 bytes. */
export const isHex256 = (value: unknown): value is string =>
  typeof value === 'string' && hexPattern.test(value)

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')

const sha256 = async (subtle: SubtleCrypto, text: string): Promise<Uint8Array> =>
  new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)))

export const newNonce = (
  random: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b),
) => {
  const bytes = new Uint8Array(nonceBytes)
  random(bytes)
  return toHex(bytes)
}

/** The commitment to a nonce, bound to the fingerprint of the side that made it. */
export const commitTo = async (
  nonce: string,
  fingerprint: string,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<string> => toHex(await sha256(subtle, [commitmentLabel, fingerprint, nonce].join('\n')))

/** Whether a revealed nonce is the one committed to. */
export const revealMatches = async (
  commitment: string,
  nonce: string,
  fingerprint: string,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<boolean> =>
  isHex256(nonce) && (await commitTo(nonce, fingerprint, subtle)) === commitment

/** One side's part in a code: its certificate fingerprint and its revealed nonce. */
export interface CodeSide {
  fingerprint: string
  nonce: string
}

/**
 * The code both screens show: SHA-256 over a label and both sides' fingerprint and nonce, the sides
 * sorted so both ends hash the same text, its first 24 bits as four symbols.
 */
export const sessionCode = async (
  a: CodeSide,
  b: CodeSide,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<VerificationCode> => {
  const sides = [a, b].map((side) => `${side.fingerprint}\n${side.nonce}`).sort()
  const digest = await sha256(subtle, [codeLabel, ...sides].join('\n'))
  const indices = sixBitIndices(digest, verificationSymbols)
  return {
    emoji: indices.map((index) => verificationEmoji[index] ?? ''),
    words: indices.map((index) => verificationWords[index] ?? ''),
  }
}
