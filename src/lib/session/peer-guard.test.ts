import { describe, expect, it } from 'vitest'
import { createPeerGuard } from './peer-guard.ts'
import {
  maxGuardedPeers,
  maxRefusalsPerPeer,
  peerMessageBurst,
  peerMessagesPerSecond,
  peerUnsolicitedBurst,
  peerUnsolicitedPerSecond,
  refusalWindowMs,
} from '../protocol/limits.ts'

const clock = () => {
  let nowMs = 1_000_000
  return { nowMs: () => nowMs, advance: (ms: number) => (nowMs += ms) }
}

const ack = { type: 'ack', transfer: 'x', file: 0, offset: 0 }
const offer = { type: 'offer' }

/** How many of `count` messages sent at once are admitted. */
const admitted = (admit: () => boolean, count: number): number => {
  let passed = 0
  for (let i = 0; i < count; i++) if (admit()) passed++
  return passed
}

describe('peer guard', () => {
  it('admits a burst of transfer messages, then the refill rate', () => {
    const time = clock()
    const guard = createPeerGuard(time)
    expect(admitted(() => guard.admit('p', ack), peerMessageBurst + 10)).toBe(peerMessageBurst)
    time.advance(1000)
    expect(admitted(() => guard.admit('p', ack), peerMessageBurst)).toBe(peerMessagesPerSecond)
  })

  it('admits far fewer messages that start something, and text sent as a string', () => {
    const time = clock()
    const guard = createPeerGuard(time)
    expect(admitted(() => guard.admit('p', offer), 100)).toBe(peerUnsolicitedBurst)
    time.advance(1000)
    expect(admitted(() => guard.admit('p', '{"type":"ack"}'), 100)).toBe(peerUnsolicitedPerSecond)
    // Transfer messages have a bucket of their own.
    expect(guard.admit('p', ack)).toBe(true)
    time.advance(10 * 60_000)
    expect(admitted(() => guard.admit('p', offer), 100)).toBe(peerUnsolicitedBurst)
  })

  it('keeps one bucket per peer', () => {
    const guard = createPeerGuard(clock())
    admitted(() => guard.admit('a', offer), 100)
    expect(guard.admit('a', offer)).toBe(false)
    expect(guard.admit('b', offer)).toBe(true)
  })

  it('survives exotic values', () => {
    const guard = createPeerGuard(clock())
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom')
        },
      },
    )
    for (const raw of [null, undefined, 5, [], throwing, Symbol('s')]) {
      expect(typeof guard.admit('p', raw)).toBe('boolean')
    }
  })

  it('blocks at maxRefusalsPerPeer refusals within the window, and says which is first', () => {
    const time = clock()
    const guard = createPeerGuard(time)
    const verdicts = Array.from({ length: maxRefusalsPerPeer }, () => {
      time.advance(10)
      return guard.refused('p')
    })
    expect(verdicts[0]).toBe('first')
    expect(verdicts.slice(1, -1).every((verdict) => verdict === 'counted')).toBe(true)
    expect(verdicts.at(-1)).toBe('block')
  })

  it('forgets refusals older than the window', () => {
    const time = clock()
    const guard = createPeerGuard(time)
    for (let i = 0; i < 5 * maxRefusalsPerPeer; i++) {
      time.advance(refusalWindowMs / (maxRefusalsPerPeer - 2))
      expect(guard.refused('p')).not.toBe('block')
    }
    time.advance(refusalWindowMs)
    expect(guard.refused('p')).toBe('first')
  })

  it(`keeps the last ${maxGuardedPeers} peers used, forgetting the longest idle`, () => {
    const guard = createPeerGuard(clock())
    admitted(() => guard.admit('kept', offer), 100)
    admitted(() => guard.admit('idle', offer), 100)
    for (let i = 0; i < maxGuardedPeers - 2; i++) guard.admit(`other${i}`, ack)
    // Used again, 'kept' is the newest; one more peer pushes out the longest idle, 'idle'.
    expect(guard.admit('kept', offer)).toBe(false)
    guard.admit('one-more', ack)
    expect(guard.admit('kept', offer)).toBe(false)
    expect(guard.admit('idle', offer)).toBe(true)
  })
})
