/**
 * The Trystero guards apply to the installed Trystero, and do what they say. Fails when Trystero
 * changes under them: then see docs/trystero-guards.md.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  guardTrystero,
  maxHeldActionBytes,
  maxPendingTokens,
  maxRemoteRoomTokens,
  offerPoolSize,
  offerPoolWarmupDelayMs,
  TrysteroGuardError,
  trysteroGuards,
} from './vite-trystero-guards.ts'

const require = createRequire(import.meta.url)
const distDir = join(dirname(require.resolve('@trystero-p2p/core/package.json')), 'dist')
const distFile = (file: string) => join(distDir, file)

describe('trystero guards', () => {
  it('apply to the installed Trystero, every rewrite exactly once', () => {
    const version = (
      JSON.parse(readFileSync(join(distDir, '..', 'package.json'), 'utf8')) as { version: string }
    ).version
    expect(version, 'the guards were written against this version').toBe('0.25.4')
    for (const file of Object.keys(trysteroGuards)) {
      const source = readFileSync(distFile(file), 'utf8')
      const guarded = guardTrystero(distFile(file), source)
      expect(guarded, file).not.toBeNull()
      expect(guarded, file).not.toBe(source)
    }
  })

  it('fail loudly when the text they expect is gone', () => {
    expect(() => guardTrystero(distFile('action-wire.mjs'), 'export {}')).toThrow(
      TrysteroGuardError,
    )
    expect(guardTrystero('/somewhere/else.mjs', 'export {}')).toBeNull()
  })

  // Loaded through Vitest, which runs the guards plugin (vitest.config.ts): the guarded module.
  const loadWire = async () => {
    const path = distFile('action-wire.mjs')
    const module = (await import(/* @vite-ignore */ path)) as {
      createActionWireManager(deps: unknown): {
        makeInternalAction(type: string): { onMessage(f: (payload: unknown) => void): void }
        handleData(id: string, data: ArrayBuffer): void
      }
    }
    return module.createActionWireManager({
      getPeer: () => null,
      getPeerIds: () => [],
      canReceiveFromPeer: () => true,
      throwIfAborted: () => undefined,
    })
  }

  /** One action chunk as Trystero frames it: type (32 bytes), nonce, tag, progress, payload. */
  const chunk = (type: string, nonce: number, isLast: boolean, payload: Uint8Array) => {
    const bytes = new Uint8Array(36 + payload.byteLength)
    bytes.set(new TextEncoder().encode(type))
    bytes[32] = nonce >> 8
    bytes[33] = nonce & 255
    bytes[34] = Number(isLast) | (1 << 2) // binary
    bytes.set(payload, 36)
    return bytes.buffer
  }

  it('drop messages of unknown action types instead of keeping them for later', async () => {
    const wire = await loadWire()
    wire.handleData('mallory', chunk('zz', 0, true, new Uint8Array(10)))
    const got: unknown[] = []
    wire.makeInternalAction('zz').onMessage((payload) => got.push(payload))
    expect(got).toEqual([])
  })

  it("bound a peer's unfinished action messages, and still deliver small ones", async () => {
    const wire = await loadWire()
    const got: Uint8Array[] = []
    wire.makeInternalAction('ok').onMessage((payload) => got.push(payload as Uint8Array))
    const piece = new Uint8Array(16 * 1024 - 36)
    // Never terminated: past the bound, what was held is dropped and the message never completes.
    const pieces = Math.ceil(maxHeldActionBytes / piece.byteLength) + 4
    for (let i = 0; i < pieces; i++) wire.handleData('mallory', chunk('ok', 1, false, piece))
    wire.handleData('mallory', chunk('ok', 1, true, piece))
    expect(got.every((payload) => payload.byteLength <= maxHeldActionBytes)).toBe(true)
    // A small message afterwards still goes through.
    wire.handleData('mallory', chunk('ok', 2, true, new Uint8Array([1, 2, 3])))
    expect(got.at(-1)).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('warm a pool of offerPoolSize offers after a room is joined, and make more on demand', async () => {
    const path = distFile('offer-pool.mjs')
    const { OfferPool } = (await import(/* @vite-ignore */ path)) as {
      OfferPool: new (makeOffer: () => unknown) => {
        warmup(): void
        checkout(
          n: number,
          lease: boolean,
          encrypt: (peer: unknown) => Promise<string>,
        ): Promise<unknown[]>
        destroy(): void
      }
    }
    let made = 0
    const makeOffer = () => ({ id: made++, isDead: false, destroy: () => undefined })
    vi.useFakeTimers()
    const pool = new OfferPool(makeOffer)
    const early = new OfferPool(makeOffer)
    try {
      pool.warmup()
      // Not while the page joins: an offer wanted then is made then.
      expect(made).toBe(0)
      expect(await pool.checkout(1, false, () => Promise.resolve('sdp'))).toHaveLength(1)
      expect(made).toBe(1)
      vi.advanceTimersByTime(offerPoolWarmupDelayMs)
      expect(made).toBe(1 + offerPoolSize)
      expect(offerPoolSize).toBeLessThan(20)
      const offers = await pool.checkout(offerPoolSize + 2, false, () => Promise.resolve('sdp'))
      expect(offers).toHaveLength(offerPoolSize + 2)
      expect(made).toBe(1 + offerPoolSize + 2)
      // A room left before its pool warmed makes none.
      early.warmup()
      early.destroy()
      vi.advanceTimersByTime(offerPoolWarmupDelayMs)
      expect(made).toBe(1 + offerPoolSize + 2)
    } finally {
      pool.destroy()
      early.destroy()
      vi.useRealTimers()
    }
  })

  it('name their bounds in the rewritten source', () => {
    const shared = guardTrystero(
      distFile('shared-peer.mjs'),
      readFileSync(distFile('shared-peer.mjs'), 'utf8'),
    )
    expect(shared).toContain(`size < ${maxRemoteRoomTokens}`)
    expect(shared).toContain(`size >= ${maxPendingTokens}`)
  })
})
