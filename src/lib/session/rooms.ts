/**
 * The rooms this device is in: at most one link room and the nearby room of its network. It opens
 * and leaves them through Trystero (signalling/room.ts) and reports who Trystero says is in them;
 * what a peer is a member of is the roster's to decide, from proofs (roster.ts). Trystero is only
 * the way to meet: nothing here trusts what it reports.
 *
 * Two things Trystero imposes: every connection presents this device's certificate, so no room
 * opens before it is loaded; and Trystero keeps the relays of the first room joined while any room
 * is open, so a link that names relays of its own has them to itself (nearby waits), and rooms on
 * this device's own relays open only once a room on a link's relays is gone.
 */
import { linkRoomConfig, type FerryConfig } from '../signalling/config.ts'
import type { ConnectionDetails } from '../signalling/connection-stats.ts'
import { createRoomLink, roomlessUrl, roomUrl, type RoomLink } from '../signalling/link.ts'
import { nearbyRoom, stunServersOf } from '../signalling/nearby.ts'
import type { PeerLanes, PeerRoom, PeerRoomEvents, PeerRoomOptions } from '../signalling/room.ts'
import type { SessionDescriptions } from '../signalling/verification.ts'
import type { LinkSecret } from './messages.ts'
import type { RoomKind } from './roster.ts'

export interface ActiveRoom {
  roomId: string
  url: string
  /** Made on this device (shareLink), not opened from a link: its QR code is wanted at once. */
  createdHere: boolean
}

/** Whether this device is in its network's nearby room. */
export type NearbyStatus =
  | { state: 'checking' }
  | { state: 'active' }
  /**
   * No STUN server is configured, or none answered in time: only a link finds devices. Or the link
   * room runs on relays its link named ('link-relays'): Trystero keeps one set of relays per page,
   * the first room's, so nearby waits rather than announce itself on those relays.
   */
  | { state: 'unavailable'; reason: 'no-stun-server' | 'no-answer' | 'link-relays' }

export interface RoomsDeps {
  config(): FerryConfig
  createRoom(options: PeerRoomOptions, events: PeerRoomEvents): PeerRoom | Promise<PeerRoom>
  /** This network's public address, from STUN (signalling/nearby.ts); null when none answers. */
  discoverPublicAddress(iceServers: RTCIceServer[]): Promise<string | null>
  pageUrl(): URL
  showRoomInAddress(url: string): void
  /** Trystero reports a peer in a room, over its connection (roster.connected). */
  onPeerJoin(
    kind: RoomKind,
    peerId: string,
    lanes: PeerLanes,
    descriptions: SessionDescriptions | null,
  ): void
  /** Trystero reports a peer gone from a room, or we left the room (roster.left). */
  onPeerLeave(kind: RoomKind, peerId: string): void
  /** The peers we know of, to let go of a room we leave. */
  peerIds(): readonly string[]
  /** The link room changed: peers must prove the new one (roster.linkChanged). */
  onLinkChanged(): void
  /** A room opened while none was: the relays are given time to answer from now. */
  onFirstRoom(): void
  onRoom(room: ActiveRoom | null): void
  onNearby(status: NearbyStatus): void
  /** Trystero refused to join a room (e.g. a password that does not match). */
  onJoinError(detail: string): void
  /** Joining failed for now (no relay answered): announce again soon. */
  onJoinFailed(): void
  /** A peer answered through the relays but no WebRTC route worked. */
  onPeerUnreachable(peerId: string): void
}

export interface Rooms {
  /** This device's certificate is known (or known to be missing): rooms may open. */
  certificateLoaded(certificate: RTCCertificate | null): void
  /** The link room this device is in, as proofs need it. */
  link(): LinkSecret | null
  inAnyRoom(): boolean
  /** Joins a link's room at start; nearby is looked for alongside. */
  start(roomLink: RoomLink | null): void
  /** Makes a new private room and joins it, leaving the current link room. */
  shareLink(): ActiveRoom
  /** Joins the room of a link (on its own relays, if it has any), leaving the current link room. */
  joinLink(roomLink: RoomLink): Promise<void>
  /** Leaves the link room, and takes it out of the address; nearby stays. */
  leaveLink(): Promise<void>
  /** Leaves every room, for a page going away; retryNearby and joinLink come back. */
  leaveAll(): Promise<void>
  /** Asks STUN for the network's address again, and moves to its nearby room. */
  retryNearby(): Promise<void>
  /** Leaves the nearby room unless `keep`; true if it left (retryNearby comes back). */
  parkNearby(keep: boolean): Promise<boolean>
  /** Asks every room to announce this device again. */
  announce(): void
  /** Closes the peer's connection in every room we are in. */
  disconnect(peerId: string): void
  connectionDetails(peerId: string, kinds: readonly RoomKind[]): Promise<ConnectionDetails | null>
  destroy(): Promise<void>
}

interface Membership {
  kind: RoomKind
  roomId: string
  /** The room's password: a link's secret, which its members prove to each other. */
  password: string
  room: PeerRoom | null
  left: boolean
}

export const createRooms = (deps: RoomsDeps): Rooms => {
  let link: Membership | null = null
  let nearby: Membership | null = null
  let destroyed = false

  let certificate: RTCCertificate | null = null
  let certificateSettled = false
  let settleCertificate: () => void = () => undefined
  const certificateLoaded = new Promise<void>((resolve) => (settleCertificate = resolve))

  const inAnyRoom = () => link !== null || nearby !== null

  /**
   * A room on its link's relays that is being left: rooms on this device's own relays join once it
   * is gone, or Trystero, which keeps one set of relays while any room is open, would put them on
   * the link's relays.
   */
  let releasingRelays: Promise<void> | null = null
  const releaseRelays = (leaving: Promise<void>) => {
    const released = leaving.then(
      () => undefined,
      () => undefined,
    )
    releasingRelays = released
    void released.then(() => {
      if (releasingRelays === released) releasingRelays = null
    })
  }

  /** Joins a room once this device's certificate is known, so that every connection presents it. */
  const openRoom = (
    kind: RoomKind,
    roomId: string,
    password: string,
    relayUrls?: readonly string[],
  ): Membership => {
    if (!inAnyRoom()) deps.onFirstRoom()
    const membership: Membership = { kind, roomId, password, room: null, left: false }
    const create = () => {
      if (membership.left || destroyed) return
      const made = deps.createRoom(
        { config: linkRoomConfig(deps.config(), relayUrls), roomId, password, certificate },
        {
          onPeerJoin: (peerId, lanes, descriptions) => {
            if (!membership.left) deps.onPeerJoin(kind, peerId, lanes, descriptions)
          },
          onPeerLeave: (peerId) => {
            if (!membership.left) deps.onPeerLeave(kind, peerId)
          },
          onJoinError: (detail) => {
            if (!membership.left) deps.onJoinError(detail)
          },
          onJoinFailed: () => {
            if (!membership.left) deps.onJoinFailed()
          },
          onPeerUnreachable: (peerId) => {
            if (!membership.left) deps.onPeerUnreachable(peerId)
          },
        },
      )
      void Promise.resolve(made).then(
        (room) => {
          // Left while it was being made: leave it at once.
          if (membership.left || destroyed) void room.leave()
          else membership.room = room
        },
        // The signalling code would not load: no relay connects, and the relay status says so.
        () => undefined,
      )
    }
    // Trystero takes up the relays of the first room joined while none is open: a room on other
    // relays that is still leaving must be gone first (see releasingRelays).
    if (certificateSettled && releasingRelays === null) create()
    else void Promise.all([certificateLoaded, releasingRelays]).then(create)
    return membership
  }

  const closeRoom = async (membership: Membership) => {
    membership.left = true
    for (const peerId of deps.peerIds()) deps.onPeerLeave(membership.kind, peerId)
    if (membership.kind === 'link') deps.onLinkChanged()
    await membership.room?.leave()
  }

  const enterLink = (roomLink: RoomLink, createdHere: boolean): ActiveRoom => {
    const active = {
      roomId: roomLink.roomId,
      url: roomUrl(deps.pageUrl(), roomLink),
      createdHere,
    }
    link = openRoom('link', roomLink.roomId, roomLink.secret, roomLink.relayUrls)
    // Peers already connected (nearby) may be in it too: they are once they prove it.
    deps.onLinkChanged()
    deps.showRoomInAddress(active.url)
    deps.onRoom(active)
    return active
  }

  const leaveLink = async () => {
    const leaving = link
    link = null
    deps.onRoom(null)
    if (leaving) await closeRoom(leaving)
  }

  // Nearby: one lookup at a time; leaving every room makes a lookup in flight moot.
  let nearbyLookup: Promise<void> | null = null
  /** The link room runs on its link's relays: nearby waits until it is left (see NearbyStatus). */
  let linkOnOwnRelays = false
  let nearbyGeneration = 0

  const leaveNearby = async () => {
    const leaving = nearby
    nearby = null
    if (leaving) await closeRoom(leaving)
  }

  const findNearby = async (generation: number) => {
    const current = () => !destroyed && generation === nearbyGeneration
    if (linkOnOwnRelays) {
      deps.onNearby({ state: 'unavailable', reason: 'link-relays' })
      return
    }
    const { appId, iceServers } = deps.config()
    if (stunServersOf(iceServers).length === 0) {
      deps.onNearby({ state: 'unavailable', reason: 'no-stun-server' })
      return
    }
    deps.onNearby({ state: 'checking' })
    const address = await deps.discoverPublicAddress(iceServers).catch(() => null)
    const room = address === null ? null : await nearbyRoom(appId, address).catch(() => null)
    if (!current()) return
    if (room === null) {
      // Without an address we cannot tell which network this is: the old room may be stale.
      await leaveNearby()
      if (current()) deps.onNearby({ state: 'unavailable', reason: 'no-answer' })
      return
    }
    if (nearby?.roomId !== room.roomId) {
      void leaveNearby()
      nearby = openRoom('nearby', room.roomId, room.password)
    }
    deps.onNearby({ state: 'active' })
  }

  const lookForNearby = (): Promise<void> => {
    if (destroyed) return Promise.resolve()
    if (nearbyLookup) return nearbyLookup
    const lookup = findNearby(nearbyGeneration).finally(() => {
      if (nearbyLookup === lookup) nearbyLookup = null
    })
    nearbyLookup = lookup
    return lookup
  }

  /** Nearby leaves, and a lookup in flight must not join it again behind our back. */
  const stopNearby = () => {
    nearbyGeneration++
    nearbyLookup = null
    return leaveNearby()
  }

  return {
    certificateLoaded: (loaded) => {
      certificate = loaded
      certificateSettled = true
      settleCertificate()
    },
    link: () => (link && !link.left ? { roomId: link.roomId, secret: link.password } : null),
    inAnyRoom,
    start: (roomLink) => {
      if (roomLink && !link) enterLink(roomLink, false)
      void lookForNearby()
    },
    shareLink: () => {
      const leaving = leaveLink()
      if (linkOnOwnRelays) {
        linkOnOwnRelays = false
        releaseRelays(leaving)
        void lookForNearby()
      }
      return enterLink(createRoomLink(), true)
    },
    joinLink: async (roomLink) => {
      await leaveLink()
      if (roomLink.relayUrls && roomLink.relayUrls.length > 0) {
        // Every room leaves first, so that Trystero takes up the link's relays for this room alone.
        linkOnOwnRelays = true
        await stopNearby()
        deps.onNearby({ state: 'unavailable', reason: 'link-relays' })
      } else if (linkOnOwnRelays) {
        linkOnOwnRelays = false
        void lookForNearby()
      }
      enterLink(roomLink, false)
    },
    leaveLink: async () => {
      const leaving = leaveLink()
      // A reload, or back and forward, must not join again, and the secret leaves the address bar.
      deps.showRoomInAddress(roomlessUrl(deps.pageUrl()))
      await leaving
      if (!linkOnOwnRelays) return
      linkOnOwnRelays = false
      await lookForNearby()
    },
    leaveAll: async () => {
      await Promise.all([leaveLink(), stopNearby()])
    },
    retryNearby: () => lookForNearby(),
    parkNearby: async (keep) => {
      if (nearby === null || keep) return false
      await stopNearby()
      return true
    },
    announce: () => {
      for (const membership of [link, nearby]) membership?.room?.announce()
    },
    disconnect: (peerId) => {
      for (const membership of [link, nearby]) membership?.room?.disconnect(peerId)
    },
    connectionDetails: async (peerId, kinds) => {
      // Either room reaches the peer over the same connection (see PeerRoomEvents.onPeerJoin).
      for (const kind of kinds) {
        const membership = kind === 'link' ? link : nearby
        const details = await membership?.room?.connectionDetails(peerId)
        if (details) return details
      }
      return null
    },
    destroy: async () => {
      destroyed = true
      await Promise.all([leaveLink(), leaveNearby()])
    },
  }
}
