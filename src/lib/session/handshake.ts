/**
 * The session handshake of one connection, on Ferry's control lane: commit, reveal, then (in a
 * link room) a link proof. It yields the verification code and which link room, if any, the peer
 * proved it belongs to. Fingerprints come from the connection's session descriptions, never from a
 * message; the one a peer states in its commitment must agree with them.
 */
import type { VerificationCode } from '../signalling/verification.ts'
import { commitTo, isHex256, newNonce, revealMatches, sessionCode } from './commitment.ts'
import { checkLinkProof, makeLinkProof } from './link-proof.ts'
import { sessionVersion, type LinkSecret, type SessionMessage } from './messages.ts'

export { isSessionMessage, sessionVersion } from './messages.ts'
export type { LinkSecret, SessionMessage } from './messages.ts'

/** How often a commitment is sent again until the peer answers: its lane may not be open yet. */
export const commitResendMs = 500
/** Resends at most: 20 s. */
export const maxCommitResends = 40
/** Link proofs a peer may send on one connection: one per link room it moves to, within reason. */
export const maxLinkProofs = 32

export interface HandshakeDeps {
  localFingerprint: string
  remoteFingerprint: string
  send(message: SessionMessage): void
  /** The link room this device is in now. */
  link(): LinkSecret | null
  onVerified(code: VerificationCode): void
  /** The link room the peer proved, or null: called whenever that may have changed. */
  onLinkProof(roomId: string | null): void
  /** The peer broke the handshake (a detail for the person); the connection should go. */
  onViolation(detail: string): void
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  random?: (bytes: Uint8Array) => void
  subtle?: SubtleCrypto
}

export interface Handshake {
  /** Starts it: sends this side's commitment (again, until the peer reveals). */
  start(): void
  /** A session message from the peer, unvalidated. */
  handle(raw: unknown): Promise<void>
  /** This device's link room changed: prove the new one, and check the peer's last proof again. */
  linkChanged(): Promise<void>
  /** The code, once both nonces are revealed. */
  code(): VerificationCode | null
  stop(): void
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const createHandshake = (deps: HandshakeDeps): Handshake => {
  const subtle = deps.subtle ?? crypto.subtle
  const localNonce = newNonce(deps.random)
  const commitment = commitTo(localNonce, deps.localFingerprint, subtle)
  let theirCommitment: string | null = null
  let revealed = false
  let remoteNonce: string | null = null
  let verified: VerificationCode | null = null
  let lastProof: string | null = null
  let proofsReceived = 0
  let resends = 0
  let timer: unknown = null
  let stopped = false
  let failed = false

  const fail = (detail: string) => {
    if (failed || stopped) return
    failed = true
    stopCommitting()
    deps.onViolation(detail)
  }

  const stopCommitting = () => {
    if (timer !== null) deps.clearTimeout(timer)
    timer = null
  }

  const sendCommitment = async () => {
    timer = null
    if (stopped || failed || remoteNonce !== null) return
    deps.send({
      type: 'session-commit',
      version: sessionVersion,
      fingerprint: deps.localFingerprint,
      commitment: await commitment,
    })
    if (++resends < maxCommitResends)
      timer = deps.setTimeout(() => void sendCommitment(), commitResendMs)
  }

  const proveLink = async () => {
    const link = deps.link()
    if (!link || remoteNonce === null || stopped || failed) return
    const proof = await makeLinkProof(
      link.secret,
      {
        roomId: link.roomId,
        proverFingerprint: deps.localFingerprint,
        verifierFingerprint: deps.remoteFingerprint,
        proverNonce: localNonce,
        verifierNonce: remoteNonce,
      },
      subtle,
    )
    if (!stopped && !failed) deps.send({ type: 'link-proof', proof })
  }

  /** Which of our link rooms, if any, the peer's last proof is good for. */
  const checkProof = async () => {
    const link = deps.link()
    const proof = lastProof
    if (remoteNonce === null) return
    const proven =
      link !== null &&
      proof !== null &&
      (await checkLinkProof(
        link.secret,
        {
          roomId: link.roomId,
          proverFingerprint: deps.remoteFingerprint,
          verifierFingerprint: deps.localFingerprint,
          proverNonce: remoteNonce,
          verifierNonce: localNonce,
        },
        proof,
        subtle,
      ))
    // A newer proof or room may have come meanwhile; it is checked on its own turn.
    const now = deps.link()
    if (!stopped && !failed && proof === lastProof && now?.roomId === link?.roomId) {
      deps.onLinkProof(proven && link ? link.roomId : null)
    }
  }

  const onCommit = async (message: Record<string, unknown>) => {
    const { version, fingerprint, commitment: theirs } = message
    if (version !== sessionVersion) return fail(`session version ${String(version)} not spoken`)
    if (!isHex256(theirs)) return fail('session-commit: commitment is not 32 bytes of hex')
    if (fingerprint !== deps.remoteFingerprint) {
      return fail('session-commit: fingerprint is not the one this connection presents')
    }
    // The same commitment again is a resend; another one would let the peer pick after the fact.
    if (theirCommitment !== null) {
      if (theirCommitment !== theirs) return fail('session-commit: a second, different commitment')
      // It commits again because our reveal never reached it (its lane was not listening yet): the
      // same nonce again tells it nothing new.
      if (revealed && !stopped && !failed) deps.send({ type: 'session-reveal', nonce: localNonce })
      return
    }
    theirCommitment = theirs
    // Reveal only now that the peer is bound to its nonce.
    await commitment
    revealed = true
    if (!stopped && !failed) deps.send({ type: 'session-reveal', nonce: localNonce })
  }

  const onReveal = async (message: Record<string, unknown>) => {
    const { nonce } = message
    if (theirCommitment === null) {
      // Its commitment was lost while our lane opened (it answered ours). Revealed, the nonce binds
      // it just as well: we have revealed nothing yet, so it cannot have chosen it after ours.
      if (!isHex256(nonce)) return fail('session-reveal: the nonce is not 32 bytes of hex')
      theirCommitment = await commitTo(nonce, deps.remoteFingerprint, subtle)
      await commitment
      revealed = true
      if (stopped || failed) return
      deps.send({ type: 'session-reveal', nonce: localNonce })
    }
    if (remoteNonce !== null) {
      if (nonce !== remoteNonce) fail('session-reveal: a second, different nonce')
      return
    }
    if (!(await revealMatches(theirCommitment, String(nonce), deps.remoteFingerprint, subtle))) {
      return fail('session-reveal: the nonce does not match its commitment')
    }
    if (stopped || failed || remoteNonce !== null || !revealed) return
    remoteNonce = String(nonce)
    stopCommitting()
    verified = await sessionCode(
      { fingerprint: deps.localFingerprint, nonce: localNonce },
      { fingerprint: deps.remoteFingerprint, nonce: remoteNonce },
      subtle,
    )
    if (stopped || failed) return
    deps.onVerified(verified)
    await proveLink()
    await checkProof()
  }

  const onProof = async (message: Record<string, unknown>) => {
    if (++proofsReceived > maxLinkProofs) return fail('link-proof: too many proofs')
    if (typeof message['proof'] !== 'string' || message['proof'].length > 128) {
      return fail('link-proof: not a proof')
    }
    lastProof = message['proof']
    await checkProof()
  }

  return {
    start: () => void sendCommitment(),
    handle: async (raw) => {
      if (stopped || failed || !isRecord(raw)) return
      switch (raw['type']) {
        case 'session-commit':
          return onCommit(raw)
        case 'session-reveal':
          return onReveal(raw)
        case 'link-proof':
          return onProof(raw)
      }
    },
    linkChanged: async () => {
      await proveLink()
      await checkProof()
    },
    code: () => verified,
    stop: () => {
      stopped = true
      stopCommitting()
    },
  }
}
