/**
 * Proof, on one connection, that a peer holds a link room's secret.
 *
 * Trystero's own password check is one-sided on connections shared between rooms (the initiator,
 * chosen by comparing peer ids, checks; the other side believes it), so membership of a link room
 * is decided here: each side sends HMAC-SHA-256, keyed by HKDF from the link secret, over the room
 * id, both certificate fingerprints of this connection (prover's first) and both sides' nonces from
 * the verification handshake. The fingerprints are read from the connection itself, and the nonces
 * are fresh for each connection, so a proof is good for this connection, this direction and this
 * room only: it cannot be replayed on another connection or reflected back to its sender.
 */

const proofLabel = 'ferry-link-proof-v1'

/** What a proof is bound to, as seen by the side that makes it. */
export interface ProofContext {
  roomId: string
  /** Certificate fingerprint of the side that proves. */
  proverFingerprint: string
  /** Certificate fingerprint of the side that checks. */
  verifierFingerprint: string
  proverNonce: string
  verifierNonce: string
}

const encoder = new TextEncoder()

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')

const proofKey = async (secret: string, subtle: SubtleCrypto): Promise<CryptoKey> => {
  const material = await subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, [
    'deriveKey',
  ])
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(proofLabel) },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  )
}

const proofInput = (context: ProofContext): Uint8Array<ArrayBuffer> =>
  encoder.encode(
    [
      proofLabel,
      context.roomId,
      context.proverFingerprint,
      context.verifierFingerprint,
      context.proverNonce,
      context.verifierNonce,
    ].join('\n'),
  )

/** The proof as sent: lower-case hex of the HMAC. */
export const makeLinkProof = async (
  secret: string,
  context: ProofContext,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<string> => {
  const key = await proofKey(secret, subtle)
  return toHex(new Uint8Array(await subtle.sign('HMAC', key, proofInput(context))))
}

/** Whether `proof` is the one a holder of `secret` makes in this context; compared in full. */
export const checkLinkProof = async (
  secret: string,
  context: ProofContext,
  proof: unknown,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<boolean> => {
  if (typeof proof !== 'string' || proof.length !== 64) return false
  const expected = await makeLinkProof(secret, context, subtle)
  let difference = 0
  for (let i = 0; i < expected.length; i++) {
    difference |= expected.charCodeAt(i) ^ proof.charCodeAt(i)
  }
  return difference === 0
}
