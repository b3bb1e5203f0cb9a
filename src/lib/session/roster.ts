/**
 * Who is connected, in which rooms, by what proof. Trystero reports a peer "in" a room; for a link
 * room that is only a claim (a stranger met elsewhere can make Trystero believe it, see
 * link-proof.ts). The roster runs the session handshake on each connection (handshake.ts) and lists
 * a peer only once it is verified: in the nearby room if Trystero placed it there (a nearby room is
 * open to anyone on the network or who knows its address, which is why codes exist), in the link
 * room only once its proof for this connection verifies. A peer in no room is not handed to
 * anyone, and what it sends besides the handshake is dropped.
 *
 * Trystero gives a page one peer id for all its rooms and two pages one connection however many
 * rooms they share, so a device in both rooms is one peer with one connection and one handshake.
 */
import { admissionTimeoutMs, maxPeersPerRoom } from '../protocol/limits.ts'
import type { PeerLanes } from '../signalling/room.ts'
import {
  certificateFingerprint,
  type SessionDescriptions,
  type VerificationCode,
} from '../signalling/verification.ts'
import type { PeerPort } from '../transfer/types.ts'
import type { Handshake, HandshakeDeps } from './handshake.ts'
import { isSessionMessage, type LinkSecret } from './messages.ts'

/**
 * The handshake and its crypto load once a room opens (prepare) or with the first peer, not with the
 * first paint (the initial bundle has a budget); until then the peer's early commitments are
 * dropped, and it sends them again.
 */
const loadHandshake = () => import('./handshake.ts')

/** The rooms a peer can share with us: the network's nearby room, and the link room. */
export type RoomKind = 'nearby' | 'link'

/** The order rooms are listed in, whatever order they were joined in. */
const roomOrder: readonly RoomKind[] = ['nearby', 'link']

export interface RosterDeps {
  /** The link room this device is in now, with its secret. */
  link(): LinkSecret | null
  /** A message from a peer, before anything else looks at it: false drops it (over the rate). */
  admit(peerId: string, raw: unknown): boolean
  /** A peer is listed for the first time: hand it to the transfer core and greet it. */
  onAdmit(peerId: string, port: PeerPort, fingerprint: string): void
  /** A listed peer changed (rooms, code). */
  onUpdate(peerId: string): void
  /** A listed peer is in no room any more. */
  onRemove(peerId: string): void
  /** A transfer-protocol message from a listed peer, unvalidated. */
  onControl(peerId: string, raw: unknown): void
  /** The peer broke the handshake or the lane's framing: it should be blocked. */
  onViolation(peerId: string, detail: string): void
  /** Whether this peer id or certificate was blocked in this visit. */
  isBlocked(peerId: string, fingerprint: string | null): boolean
  /** Closes the connection to a peer, in every room. */
  disconnect(peerId: string): void
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  subtle?: SubtleCrypto
}

export interface Roster {
  /** A room is opening: load the handshake now, so that the first peer does not wait for it. */
  prepare(): void
  /** Trystero says a peer joined a room over this connection. */
  connected(
    room: RoomKind,
    peerId: string,
    lanes: PeerLanes,
    descriptions: SessionDescriptions | null,
  ): void
  /** Trystero says a peer left a room. */
  left(room: RoomKind, peerId: string): void
  /** This device's link room changed: prove it to every peer, and check their proofs again. */
  linkChanged(): void
  /** The rooms a listed peer is in, nearby first; empty for one that is not listed. */
  rooms(peerId: string): RoomKind[]
  isListed(peerId: string): boolean
  /** Listed peers in a room. */
  inRoom(room: RoomKind): string[]
  /** Whether any peer, listed or not yet, is connected through a room. */
  anyConnectedThrough(room: RoomKind): boolean
  /** The certificate fingerprint of a connected peer's connection, read from its descriptions. */
  fingerprint(peerId: string): string | null
  /** The verification code of a peer's connection, once its handshake is done. */
  code(peerId: string): VerificationCode | null
  /** Every listed peer, with its port. */
  ports(): [string, PeerPort][]
  /** Forgets a peer at once (blocked); tells onRemove if it was listed. */
  drop(peerId: string): void
  /** Every connected peer id, listed or not. */
  peerIds(): string[]
}

interface Entry {
  lanes: PeerLanes
  port: PeerPort
  fingerprint: string
  /** Rooms Trystero reports the peer in. */
  reported: Set<RoomKind>
  handshake: Handshake | null
  code: VerificationCode | null
  /** The link room its last proof verified for, on this connection. */
  provenLink: string | null
  listed: boolean
  admissionTimer: unknown
  /**
   * Its latest `hello`, sent before we finished checking it (its side may verify us first, and it
   * greets once): taken when it is listed. One message, replaced, never a queue.
   */
  earlyHello: unknown
}

const isHello = (raw: unknown): boolean =>
  typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'hello'

export const createRoster = (deps: RosterDeps): Roster => {
  const entries = new Map<string, Entry>()

  const roomsOf = (entry: Entry): RoomKind[] => {
    if (entry.code === null) return []
    const link = deps.link()
    return roomOrder.filter(
      (room) =>
        entry.reported.has(room) &&
        (room === 'nearby' || (link !== null && entry.provenLink === link.roomId)),
    )
  }

  const evaluate = (peerId: string, entry: Entry) => {
    if (entries.get(peerId) !== entry) return
    const inRooms = roomsOf(entry).length > 0
    if (inRooms && !entry.listed) {
      entry.listed = true
      deps.clearTimeout(entry.admissionTimer)
      deps.onAdmit(peerId, entry.port, entry.fingerprint)
      const hello = entry.earlyHello
      entry.earlyHello = null
      if (hello !== null && entries.get(peerId) === entry) deps.onControl(peerId, hello)
    } else if (!inRooms && entry.listed) {
      entry.listed = false
      deps.onRemove(peerId)
    } else if (entry.listed) {
      deps.onUpdate(peerId)
    }
  }

  const forget = (peerId: string, entry: Entry) => {
    entries.delete(peerId)
    entry.handshake?.stop()
    deps.clearTimeout(entry.admissionTimer)
    entry.lanes.control.onMessage = null
    entry.lanes.control.onViolation = null
    if (entry.listed) {
      entry.listed = false
      deps.onRemove(peerId)
    }
  }

  const peersReportedIn = (room: RoomKind) =>
    [...entries.values()].filter((entry) => entry.reported.has(room)).length

  const start = (
    room: RoomKind,
    peerId: string,
    lanes: PeerLanes,
    descriptions: SessionDescriptions,
  ): void => {
    const fingerprint = certificateFingerprint(descriptions.remote)
    const localFingerprint = certificateFingerprint(descriptions.local)
    if (fingerprint === null || localFingerprint === null || deps.isBlocked(peerId, fingerprint)) {
      deps.disconnect(peerId)
      return
    }
    if (peersReportedIn(room) >= maxPeersPerRoom) {
      deps.disconnect(peerId)
      return
    }
    const entry: Entry = {
      lanes,
      port: { sendControl: (message) => lanes.control.send(message), bulk: lanes.bulk },
      fingerprint,
      reported: new Set([room]),
      handshake: null,
      code: null,
      provenLink: null,
      listed: false,
      admissionTimer: null,
      earlyHello: null,
    }
    const handshakeOptions = {
      localFingerprint,
      remoteFingerprint: fingerprint,
      send: (message) => lanes.control.send(message),
      link: () => deps.link(),
      onVerified: (code) => {
        entry.code = code
        evaluate(peerId, entry)
      },
      onLinkProof: (roomId) => {
        if (entry.provenLink === roomId) return
        entry.provenLink = roomId
        evaluate(peerId, entry)
      },
      onViolation: (detail) => deps.onViolation(peerId, detail),
      setTimeout: (callback, ms) => deps.setTimeout(callback, ms),
      clearTimeout: (handle) => deps.clearTimeout(handle),
      ...(deps.subtle ? { subtle: deps.subtle } : {}),
    } satisfies HandshakeDeps
    lanes.control.onMessage = (raw) => {
      if (entries.get(peerId) !== entry || !deps.admit(peerId, raw)) return
      if (isSessionMessage(raw)) void entry.handshake?.handle(raw)
      else if (entry.listed) deps.onControl(peerId, raw)
      else if (isHello(raw)) entry.earlyHello = raw
      // Otherwise: not in any room (yet), so nothing it says is taken.
    }
    lanes.control.onViolation = (detail) => {
      if (entries.get(peerId) === entry) deps.onViolation(peerId, detail)
    }
    entry.admissionTimer = deps.setTimeout(() => {
      if (entries.get(peerId) !== entry || entry.listed) return
      forget(peerId, entry)
      deps.disconnect(peerId)
    }, admissionTimeoutMs)
    entries.set(peerId, entry)
    void loadHandshake().then(({ createHandshake }) => {
      if (entries.get(peerId) !== entry) return
      entry.handshake = createHandshake(handshakeOptions)
      entry.handshake.start()
    })
  }

  return {
    prepare: () => void loadHandshake().catch(() => undefined),
    connected: (room, peerId, lanes, descriptions) => {
      const known = entries.get(peerId)
      // The control lane is the connection's own (one per RTCPeerConnection); wrappers may differ.
      if (known && known.lanes.control === lanes.control) {
        known.reported.add(room)
        evaluate(peerId, known)
        return
      }
      // A new connection under a known id: the old one is over, and proves nothing for this one.
      if (known) forget(peerId, known)
      if (descriptions === null) {
        deps.disconnect(peerId)
        return
      }
      start(room, peerId, lanes, descriptions)
    },
    left: (room, peerId) => {
      const entry = entries.get(peerId)
      if (!entry?.reported.delete(room)) return
      if (entry.reported.size === 0) forget(peerId, entry)
      else evaluate(peerId, entry)
    },
    linkChanged: () => {
      for (const [peerId, entry] of entries) {
        // Until its proof for the new room verifies, a peer is not in it.
        entry.provenLink = null
        evaluate(peerId, entry)
        void entry.handshake?.linkChanged()
      }
    },
    rooms: (peerId) => {
      const entry = entries.get(peerId)
      return entry?.listed ? roomsOf(entry) : []
    },
    isListed: (peerId) => entries.get(peerId)?.listed === true,
    inRoom: (room) =>
      [...entries]
        .filter(([, entry]) => entry.listed && roomsOf(entry).includes(room))
        .map(([peerId]) => peerId),
    anyConnectedThrough: (room) => peersReportedIn(room) > 0,
    fingerprint: (peerId) => entries.get(peerId)?.fingerprint ?? null,
    code: (peerId) => entries.get(peerId)?.code ?? null,
    ports: () =>
      [...entries]
        .filter(([, entry]) => entry.listed)
        .map(([peerId, entry]) => [peerId, entry.port]),
    drop: (peerId) => {
      const entry = entries.get(peerId)
      if (entry) forget(peerId, entry)
    },
    peerIds: () => [...entries.keys()],
  }
}
