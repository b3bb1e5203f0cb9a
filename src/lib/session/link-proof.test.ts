import { describe, expect, it } from 'vitest'
import { checkLinkProof, makeLinkProof, type ProofContext } from './link-proof.ts'

const fpA = 'sha-256 AA:AA'
const fpB = 'sha-256 BB:BB'
const context: ProofContext = {
  roomId: 'room-1',
  proverFingerprint: fpA,
  verifierFingerprint: fpB,
  proverNonce: 'a'.repeat(64),
  verifierNonce: 'b'.repeat(64),
}

describe('link proof', () => {
  it('verifies for the secret, room, connection and direction it was made for', async () => {
    const proof = await makeLinkProof('secret', context)
    expect(await checkLinkProof('secret', context, proof)).toBe(true)
  })

  it('fails with a wrong secret', async () => {
    const proof = await makeLinkProof('not the secret', context)
    expect(await checkLinkProof('secret', context, proof)).toBe(false)
  })

  it('fails for another room', async () => {
    const proof = await makeLinkProof('secret', { ...context, roomId: 'room-2' })
    expect(await checkLinkProof('secret', context, proof)).toBe(false)
  })

  it('fails with the fingerprints swapped: a proof cannot be reflected to its maker', async () => {
    const proof = await makeLinkProof('secret', context)
    const reflected = {
      ...context,
      proverFingerprint: fpB,
      verifierFingerprint: fpA,
      proverNonce: context.verifierNonce,
      verifierNonce: context.proverNonce,
    }
    expect(await checkLinkProof('secret', reflected, proof)).toBe(false)
    const swappedOnly = { ...context, proverFingerprint: fpB, verifierFingerprint: fpA }
    expect(await checkLinkProof('secret', swappedOnly, proof)).toBe(false)
  })

  it('fails when replayed from another connection, even between the same certificates', async () => {
    // A stranger that got a member's proof on its own connection forwards it on another one.
    const proof = await makeLinkProof('secret', context)
    const otherCertificate = { ...context, verifierFingerprint: 'sha-256 CC:CC' }
    expect(await checkLinkProof('secret', otherCertificate, proof)).toBe(false)
    const otherNonces = { ...context, proverNonce: 'c'.repeat(64), verifierNonce: 'd'.repeat(64) }
    expect(await checkLinkProof('secret', otherNonces, proof)).toBe(false)
  })

  it('refuses anything that is not a proof', async () => {
    for (const bad of [undefined, null, 42, '', 'x'.repeat(64), { proof: 1 }]) {
      expect(await checkLinkProof('secret', context, bad)).toBe(false)
    }
  })
})
