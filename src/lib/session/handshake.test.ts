import { describe, expect, it } from 'vitest'
import type { VerificationCode } from '../signalling/verification.ts'
import { commitTo, newNonce, revealMatches, sessionCode } from './commitment.ts'
import { createHandshake, type LinkSecret, type SessionMessage } from './handshake.ts'

const fpA = 'sha-256 AA:AA'
const fpB = 'sha-256 BB:BB'

const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Waits for WebCrypto (off the main thread in Node) to get somewhere. */
const until = async (condition: () => boolean) => {
  const deadlineMs = Date.now() + 5000
  while (!condition() && Date.now() < deadlineMs) {
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

interface Side {
  sent: SessionMessage[]
  codes: VerificationCode[]
  proofs: (string | null)[]
  violations: string[]
  link: LinkSecret | null
  handshake: ReturnType<typeof createHandshake>
}

/** One side; `deliver` takes what it sends. Timers never fire: resends are tested on their own. */
const side = (local: string, remote: string, deliver: (message: SessionMessage) => void): Side => {
  const state = {
    sent: [],
    codes: [],
    proofs: [],
    violations: [],
    link: null,
  } as unknown as Side
  state.handshake = createHandshake({
    localFingerprint: local,
    remoteFingerprint: remote,
    send: (message) => {
      state.sent.push(message)
      deliver(message)
    },
    link: () => state.link,
    onVerified: (code) => state.codes.push(code),
    onLinkProof: (roomId) => state.proofs.push(roomId),
    onViolation: (detail) => state.violations.push(detail),
    setTimeout: () => 0,
    clearTimeout: () => undefined,
  })
  return state
}

/** Two honest sides wired to each other. */
const pair = (linkA: LinkSecret | null, linkB: LinkSecret | null) => {
  const sides: { a?: Side; b?: Side } = {}
  sides.a = side(fpA, fpB, (message) => void sides.b?.handshake.handle(message))
  sides.b = side(fpB, fpA, (message) => void sides.a?.handshake.handle(message))
  sides.a.link = linkA
  sides.b.link = linkB
  return sides as { a: Side; b: Side }
}

const room = { roomId: 'room-1', secret: 'secret' }

describe('commitment', () => {
  it('accepts the nonce committed to, and refuses any other', async () => {
    const nonce = newNonce()
    const commitment = await commitTo(nonce, fpA)
    expect(await revealMatches(commitment, nonce, fpA)).toBe(true)
    expect(await revealMatches(commitment, newNonce(), fpA)).toBe(false)
    // Bound to its maker's certificate too.
    expect(await revealMatches(commitment, nonce, fpB)).toBe(false)
    expect(await revealMatches(commitment, 'not hex', fpA)).toBe(false)
  })

  it('gives both ends one code, and another code for other nonces', async () => {
    const a = { fingerprint: fpA, nonce: newNonce() }
    const b = { fingerprint: fpB, nonce: newNonce() }
    const code = await sessionCode(a, b)
    expect(await sessionCode(b, a)).toEqual(code)
    expect(code.words).toHaveLength(4)
    const codes = new Set<string>()
    for (let i = 0; i < 20; i++) {
      codes.add((await sessionCode(a, { ...b, nonce: newNonce() })).words.join(' '))
    }
    expect(codes.size).toBeGreaterThan(15)
  })
})

describe('session handshake', () => {
  it('shows one code on both sides, and proves a shared link room both ways', async () => {
    const { a, b } = pair(room, room)
    a.handshake.start()
    b.handshake.start()
    await until(() => a.proofs.at(-1) === 'room-1' && b.proofs.at(-1) === 'room-1')
    expect(a.violations).toEqual([])
    expect(b.violations).toEqual([])
    expect(a.codes).toHaveLength(1)
    expect(a.codes[0]).toEqual(b.codes[0])
    expect(a.proofs.at(-1)).toBe('room-1')
    expect(b.proofs.at(-1)).toBe('room-1')
  })

  it('does not prove a room to a peer without its secret, nor take a proof from it', async () => {
    const { a, b } = pair(room, { roomId: 'room-1', secret: 'guessed' })
    a.handshake.start()
    b.handshake.start()
    await until(() => a.proofs.length > 0 && b.proofs.length > 0)
    await settle()
    expect(a.proofs.at(-1)).toBeNull()
    expect(b.proofs.at(-1)).toBeNull()
  })

  it('proves a room joined later, and checks a proof sent before this side joined', async () => {
    const { a, b } = pair(null, room)
    a.handshake.start()
    b.handshake.start()
    await until(() => a.codes.length > 0 && b.proofs.length > 0)
    await settle()
    expect(a.proofs.at(-1) ?? null).toBeNull()
    a.link = room
    await a.handshake.linkChanged()
    await until(() => a.proofs.at(-1) === 'room-1' && b.proofs.at(-1) === 'room-1')
    expect(a.proofs.at(-1)).toBe('room-1')
    expect(b.proofs.at(-1)).toBe('room-1')
  })

  it('reveals only after the peer committed', async () => {
    const a = side(fpA, fpB, () => undefined)
    a.handshake.start()
    await settle()
    expect(a.sent.map((message) => message.type)).toEqual(['session-commit'])
  })

  it('takes a reveal whose commitment was lost as both, revealing only then', async () => {
    // Its commitment went out before our lane was open; it answered our commitment with its nonce.
    const a = side(fpA, fpB, () => undefined)
    a.handshake.start()
    await settle()
    const nonce = newNonce()
    await a.handshake.handle({ type: 'session-reveal', nonce })
    expect(a.violations).toEqual([])
    expect(a.sent.map((message) => message.type)).toEqual(['session-commit', 'session-reveal'])
    expect(a.codes).toHaveLength(1)
    // Its commitment, arriving late, agrees.
    await a.handshake.handle({
      type: 'session-commit',
      version: 1,
      fingerprint: fpB,
      commitment: await commitTo(nonce, fpB),
    })
    expect(a.violations).toEqual([])
  })

  it('reveals again to a peer that commits again: its first reveal was lost', async () => {
    // Our reveal went out before the peer's lane listened; it keeps committing until it hears one.
    const a = side(fpA, fpB, () => undefined)
    const commit = {
      type: 'session-commit',
      version: 1,
      fingerprint: fpB,
      commitment: await commitTo(newNonce(), fpB),
    }
    await a.handshake.handle(commit)
    await a.handshake.handle(commit)
    const reveals = a.sent.filter((message) => message.type === 'session-reveal')
    expect(reveals).toHaveLength(2)
    expect(reveals[1]).toEqual(reveals[0])
    expect(a.violations).toEqual([])
  })

  it('refuses a reveal that does not match its commitment', async () => {
    const a = side(fpA, fpB, () => undefined)
    a.handshake.start()
    const nonce = newNonce()
    await a.handshake.handle({
      type: 'session-commit',
      version: 1,
      fingerprint: fpB,
      commitment: await commitTo(nonce, fpB),
    })
    await a.handshake.handle({ type: 'session-reveal', nonce: newNonce() })
    expect(a.violations).toEqual(['session-reveal: the nonce does not match its commitment'])
    expect(a.codes).toEqual([])
  })

  it('refuses a second commitment, a malformed nonce, and a fingerprint not of this connection', async () => {
    const twice = side(fpA, fpB, () => undefined)
    const commit = async (fingerprint: string) => ({
      type: 'session-commit',
      version: 1,
      fingerprint,
      commitment: await commitTo(newNonce(), fingerprint),
    })
    const first = await commit(fpB)
    await twice.handshake.handle(first)
    await twice.handshake.handle(first) // a resend is fine
    expect(twice.violations).toEqual([])
    await twice.handshake.handle(await commit(fpB))
    expect(twice.violations).toEqual(['session-commit: a second, different commitment'])

    const early = side(fpA, fpB, () => undefined)
    await early.handshake.handle({ type: 'session-reveal', nonce: 'not hex' })
    expect(early.violations).toEqual(['session-reveal: the nonce is not 32 bytes of hex'])

    const other = side(fpA, fpB, () => undefined)
    await other.handshake.handle(await commit('sha-256 CC:CC'))
    expect(other.violations).toEqual([
      'session-commit: fingerprint is not the one this connection presents',
    ])
  })

  it('leaves a man in the middle one guess: it commits before it sees the nonce it must match', async () => {
    // The attacker M bridges A and B with its own certificate on each leg. It finishes B's leg
    // first, so it knows B's code, then must commit to A before A reveals: for each of its tries,
    // A's code is fixed by A's nonce, which it cannot know. Count how often 64 tries match.
    const fpM = 'sha-256 EE:EE'
    let matches = 0
    const tries = 64
    for (let i = 0; i < tries; i++) {
      const codeB = await sessionCode(
        { fingerprint: fpB, nonce: newNonce() },
        { fingerprint: fpM, nonce: newNonce() },
      )
      const mNonce = newNonce() // committed before A's nonce is seen
      const codeA = await sessionCode(
        { fingerprint: fpA, nonce: newNonce() },
        { fingerprint: fpM, nonce: mNonce },
      )
      if (codeA.words.join() === codeB.words.join()) matches++
    }
    // 2^-24 each: a match in 64 tries would be a one-in-260,000 event.
    expect(matches).toBe(0)
  })
})
