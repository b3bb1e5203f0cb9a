import { describe, expect, it } from 'vitest'
import { controlMessageBytes, parseControl } from '../protocol/control.ts'
import { ProtocolError } from '../protocol/errors.ts'
import {
  maxControlMessageBytes,
  maxPendingOffersInRoom,
  maxPendingOffersPerPeer,
  maxPreviewsPerOffer,
} from '../protocol/limits.ts'
import { newTransferId } from '../protocol/ids.ts'
import { buildOffer, overPendingBound } from './offer.ts'
import type { OutgoingFile } from './types.ts'

const file = (name: string, path?: string, preview?: string): OutgoingFile => ({
  blob: new Blob(['x']),
  name,
  type: 'text/plain',
  ...(path === undefined ? {} : { path }),
  ...(preview === undefined ? {} : { preview }),
})

const pixel = 'data:image/png;base64,iVBORw0KGgo='

describe('buildOffer', () => {
  it('builds the offer the peer will accept: safe names, empty folders, valid previews', () => {
    const id = newTransferId()
    const offer = buildOffer(
      id,
      [file('CON', 'top/CON', pixel), file('b', undefined, 'javascript:alert(1)')],
      ['top', 'top/empty'],
    )
    expect(offer.message).toEqual({
      type: 'offer',
      transfer: id,
      files: [
        { index: 0, name: '_CON', path: 'top/_CON', size: 1, type: 'text/plain' },
        { index: 1, name: 'b', size: 1, type: 'text/plain' },
      ],
      folders: ['top/empty'],
      previews: [{ index: 0, data: pixel }],
    })
    expect(parseControl(offer.message)).toEqual({ ok: true, message: offer.message })
    expect(offer.files).toBe(offer.message.files)
    expect(offer.folders).toEqual(['top/empty'])
    expect(offer.previews).toEqual([{ index: 0, data: pixel }])
  })

  it('leaves out folders and previews when there are none, and previews past the limit', () => {
    const plain = buildOffer(newTransferId(), [file('a')], [])
    expect(plain.message).not.toHaveProperty('folders')
    expect(plain.message).not.toHaveProperty('previews')
    const many = Array.from({ length: maxPreviewsPerOffer + 3 }, (_, i) =>
      file(`p${i}`, undefined, pixel),
    )
    expect(buildOffer(newTransferId(), many, []).previews).toHaveLength(maxPreviewsPerOffer)
  })

  it('throws what the peer would refuse: no files, or an offer over the message size', () => {
    expect(() => buildOffer(newTransferId(), [], [])).toThrow(ProtocolError)
    // Paths of three-byte characters, each within the name and path limits, together over the cap.
    const segment = '€'.repeat(80)
    const path = (i: number) => `${`${segment}/`.repeat(12)}${i}/f`
    const files = Array.from({ length: 3000 }, (_, i) => file('f', path(i)))
    let thrown: unknown
    try {
      buildOffer(newTransferId(), files, [])
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ProtocolError)
    expect((thrown as ProtocolError).code).toBe('too-large')
    // The same files fit in two offers.
    const half = buildOffer(newTransferId(), files.slice(0, 1500), [])
    expect(controlMessageBytes(half.message)).toBeLessThanOrEqual(maxControlMessageBytes)
  })
})

describe('overPendingBound', () => {
  it('admits offers up to each bound, the peer’s first', () => {
    const refusal = (peer: number, room: number) => {
      const error = overPendingBound({ peer, room })
      return error && `${error.code}: ${error.detail}`
    }
    expect(refusal(0, 0)).toBeNull()
    expect(refusal(maxPendingOffersPerPeer - 1, 0)).toBeNull()
    expect(refusal(0, maxPendingOffersInRoom - 1)).toBeNull()
    expect(refusal(maxPendingOffersPerPeer, 0)).toBe(
      `rate-limited: over ${maxPendingOffersPerPeer} offers waiting for an answer`,
    )
    expect(refusal(0, maxPendingOffersInRoom)).toBe(
      `rate-limited: over ${maxPendingOffersInRoom} offers of all devices waiting for an answer`,
    )
    expect(refusal(maxPendingOffersPerPeer, maxPendingOffersInRoom)).toContain(
      `over ${maxPendingOffersPerPeer} offers waiting`,
    )
  })
})
