/**
 * What keeps one peer from wearing the app down: a rate limit on its control messages (two token
 * buckets) and a count of its refusals that, past a bound, blocks it. Pure bookkeeping with an
 * injected clock; ferry.ts acts on the verdicts (drops, notices, disconnecting). The bounds are in
 * protocol/limits.ts and docs/protocol.md ("Limits", "Blocking").
 *
 * Peers are keyed by their certificate fingerprint and kept for the whole visit: a peer that leaves
 * and comes back, or connects twice, finds its buckets and refusals as it left them.
 */
import {
  maxGuardedPeers,
  maxRefusalsPerPeer,
  peerMessageBurst,
  peerMessagesPerSecond,
  peerUnsolicitedBurst,
  peerUnsolicitedPerSecond,
  refusalWindowMs,
} from '../protocol/limits.ts'

/** What to do with a refusal: tell the person (the first in a while), count it, or block. */
export type RefusalVerdict = 'first' | 'counted' | 'block'

export interface PeerGuard {
  /** A control message arrived, unparsed, from the peer `key` (its certificate fingerprint). */
  admit(key: string, raw: unknown): boolean
  /** The peer `key` was refused something (see maxRefusalsPerPeer). */
  refused(key: string): RefusalVerdict
}

export interface PeerGuardDeps {
  nowMs(): number
}

interface Bucket {
  tokens: number
  atMs: number
}

interface PeerRecord {
  all: Bucket
  unsolicited: Bucket
  /** Times of refusals within the window, oldest first (at most maxRefusalsPerPeer). */
  refusalsMs: number[]
}

/** Types whose every message lands on the person's screen. */
const unsolicitedTypes: ReadonlySet<unknown> = new Set(['hello', 'offer', 'text'])

/** A message costly to us: one that starts something, or one sent as text (Ferry sends objects). */
const isUnsolicited = (raw: unknown): boolean => {
  if (typeof raw !== 'object' || raw === null) return true
  try {
    return unsolicitedTypes.has((raw as Record<string, unknown>)['type'])
  } catch {
    // A getter that throws: parseControl will refuse it; count it as costly.
    return true
  }
}

/** Takes one token if there is one, after refilling for the time gone by. */
const take = (bucket: Bucket, nowMs: number, burst: number, perSecond: number): boolean => {
  const elapsedMs = Math.max(0, nowMs - bucket.atMs)
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs * perSecond) / 1000)
  bucket.atMs = nowMs
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}

export const createPeerGuard = (deps: PeerGuardDeps): PeerGuard => {
  /** In order of last use, oldest first (a Map keeps insertion order). */
  const records = new Map<string, PeerRecord>()

  const recordOf = (key: string): PeerRecord => {
    let record = records.get(key)
    if (record) {
      records.delete(key)
    } else {
      const atMs = deps.nowMs()
      record = {
        all: { tokens: peerMessageBurst, atMs },
        unsolicited: { tokens: peerUnsolicitedBurst, atMs },
        refusalsMs: [],
      }
      const oldest = records.size >= maxGuardedPeers ? records.keys().next().value : undefined
      if (oldest !== undefined) records.delete(oldest)
    }
    records.set(key, record)
    return record
  }

  return {
    admit(key, raw) {
      const record = recordOf(key)
      const nowMs = deps.nowMs()
      if (!take(record.all, nowMs, peerMessageBurst, peerMessagesPerSecond)) return false
      if (!isUnsolicited(raw)) return true
      return take(record.unsolicited, nowMs, peerUnsolicitedBurst, peerUnsolicitedPerSecond)
    },
    refused(key) {
      const record = recordOf(key)
      const nowMs = deps.nowMs()
      const recent = record.refusalsMs.filter((atMs) => nowMs - atMs < refusalWindowMs)
      recent.push(nowMs)
      record.refusalsMs = recent.slice(-maxRefusalsPerPeer)
      if (recent.length >= maxRefusalsPerPeer) return 'block'
      return recent.length === 1 ? 'first' : 'counted'
    },
  }
}
