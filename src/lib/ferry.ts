/**
 * Ferry's core, composed: identity, the nearby and link rooms, the roster of peers met in either
 * (session/roster.ts decides who is in which room, from proofs), trust, and the transfer manager.
 * Plain TypeScript; the UI calls its intents and listens to its events, and it never reaches into
 * the UI.
 */
import { createWaitAnnouncer } from './signalling/announcer.ts'
import { linkRoomConfig, type FerryConfig } from './signalling/config.ts'
import { hasTurnServer, type ConnectionDetails } from './signalling/connection-stats.ts'
import { detectDeviceKind, randomDeviceName, type DeviceHints } from './signalling/identity.ts'
import { createRoomLink, roomlessUrl, roomUrl, type RoomLink } from './signalling/link.ts'
import { nearbyRoom, stunServersOf } from './signalling/nearby.ts'
import type { PeerRoom, PeerRoomEvents, PeerRoomOptions } from './signalling/room.ts'
import type { VerificationCode } from './signalling/verification.ts'
import type { DeviceCertificate } from './storage/certificate.ts'
import type { SettingsStore } from './storage/settings.ts'
import type { TrustedDevice, TrustStore } from './storage/trust.ts'
import { createHello } from './protocol/control.ts'
import { maxDeviceNameChars } from './protocol/limits.ts'
import { createPeerGuard } from './session/peer-guard.ts'
import { createRoster, type RoomKind } from './session/roster.ts'
import type {
  DeviceKind,
  IncomingText,
  OutgoingFile,
  PeerHello,
  PeerPort,
  ResumeRecord,
  TransferManager,
  TransferManagerDeps,
  TransferSnapshot,
} from './transfer/types.ts'

export type { RoomKind }

export interface PeerInfo {
  id: string
  name: string
  device: DeviceKind
  /**
   * The rooms we share with it, nearby first: a device in both is still one peer. 'link' only once
   * it proved the link's secret on this very connection (session/link-proof.ts).
   */
  rooms: RoomKind[]
  /** Its certificate fingerprint on this connection, which trust is keyed by; null if unknown. */
  fingerprint: string | null
  /**
   * The code both screens show for this connection (session/commitment.ts: committed before
   * revealed, so a man in the middle gets one guess); null only for a peer blocked before it had one.
   */
  verification: VerificationCode | null
  /** Its certificate is one this device trusts. */
  trusted: boolean
  /**
   * It kept breaking the protocol and was disconnected (peer-guard.ts); it stays listed, blocked,
   * for the rest of the visit, and cannot connect again under this id or certificate.
   */
  blocked: boolean
}

export interface Identity {
  name: string
  device: DeviceKind
}

export interface ActiveRoom {
  roomId: string
  url: string
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

export interface TrustSettings {
  /** Most recently trusted first. */
  devices: TrustedDevice[]
  /** Trusted devices may send without asking. */
  autoAccept: boolean
  /** False where this browser could not keep its certificate: trust in this device lasts a visit. */
  persistent: boolean
}

/** Things worth telling the person, as stable codes; the UI words them. */
export type Notice =
  | { code: 'relays-unreachable' }
  | { code: 'relays-reachable' }
  | { code: 'join-refused'; detail: string }
  /**
   * A device answered through the relays but no WebRTC route worked. Without a TURN server that
   * usually means a network that needs one; with one, that the server is unreachable or refused.
   */
  | { code: 'peer-unreachable'; turnConfigured: boolean }
  /** The first refusal of a peer in a while; more are counted quietly (peer-guard.ts). */
  | { code: 'peer-protocol-error'; peerId: string; peerName: string; detail: string }
  /** A peer refused too often was disconnected; its transfers ended. */
  | { code: 'peer-blocked'; peerId: string; peerName: string }

/** Relay sockets right now: open ones, all tried, and those closed after a failed attempt. */
export interface RelayStatus {
  open: number
  total: number
  failed: number
}

export interface FerryEvents {
  onIdentity(identity: Identity): void
  onRoom(room: ActiveRoom | null): void
  onNearby(status: NearbyStatus): void
  /** A peer appeared or changed (name, rooms, verification code, trust). */
  onPeer(peer: PeerInfo): void
  onPeerGone(peerId: string): void
  onTransfer(transfer: TransferSnapshot): void
  onText(text: IncomingText): void
  onTrust(settings: TrustSettings): void
  onNotice(notice: Notice): void
  onRelayStatus(status: RelayStatus): void
}

export interface FerryDeps {
  /** Relays, ICE servers and the rest (config.ts); read at start, not before the first render. */
  loadConfig(): Promise<FerryConfig>
  settings: SettingsStore
  trustStore: TrustStore
  /** This device's certificate (storage/certificate.ts); loaded once, before any room opens. */
  loadCertificate(): Promise<DeviceCertificate | null>
  /** This network's public address, from STUN (signalling/nearby.ts); null when none answers. */
  discoverPublicAddress(iceServers: RTCIceServer[]): Promise<string | null>
  deviceHints: DeviceHints
  pageUrl: () => URL
  /** Remembers the room in the address bar, so a reload stays in it (or, leaving, forgets it). */
  showRoomInAddress(url: string): void
  /** Joins a room; it may load the signalling code first (main.ts loads Trystero on first use). */
  createRoom(options: PeerRoomOptions, events: PeerRoomEvents): PeerRoom | Promise<PeerRoom>
  createTransferManager(deps: TransferManagerDeps): TransferManager
  transferDeps: Omit<TransferManagerDeps, 'onEvent'>
  relayStatus(): RelayStatus
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  nowMs(): number
}

export interface Ferry {
  /** Opens this device's certificate, then the link's room (if any), then looks for nearby devices. */
  start(link: RoomLink | null): Promise<void>
  /** Joins the room of a link (on its own relays, if it has any), leaving the current link room. */
  joinLink(link: RoomLink): Promise<void>
  /** Makes a new private room and joins it. */
  shareLink(): ActiveRoom
  /** Leaves the link room, and takes it out of the address; nearby devices stay. */
  leaveRoom(): Promise<void>
  /** Leaves every room, for a page going away; retryNearby and joinLink come back. */
  leaveAll(): Promise<void>
  /** Asks STUN for the network's address again, and moves to its nearby room. */
  retryNearby(): Promise<void>
  /**
   * Leaves the nearby room for a page hidden for long, unless a device is connected through it;
   * true if it left (retryNearby comes back). Relay etiquette: an idle room announces itself.
   */
  parkNearby(): Promise<boolean>
  rename(name: string): Promise<void>
  /** Offers files (and a chosen tree's empty folders); see TransferManager.sendFiles. */
  sendFiles(peerId: string, files: OutgoingFile[], folders?: readonly string[]): string
  sendText(peerId: string, text: string): void
  accept(transferId: string): void
  decline(transferId: string): void
  cancel(transferId: string): void
  dismiss(transferId: string): void
  /** Adds the interrupted incoming transfers of an earlier visit; see TransferManager.restore. */
  restore(records: readonly ResumeRecord[]): void
  /** Goes on with an interrupted incoming transfer; see TransferManager.resume. */
  resume(transferId: string): void
  /** Trusts the certificate of a peer's current connection. Throws FerryError 'no-certificate'. */
  trust(peerId: string): Promise<void>
  /** How the connection to a peer goes (direct or through TURN) and its round-trip time. */
  connectionDetails(peerId: string): Promise<ConnectionDetails | null>
  /** Forgets a trusted certificate. */
  forget(fingerprint: string): Promise<void>
  /** Lets trusted devices send without asking, or not. */
  setAutoAccept(on: boolean): Promise<void>
  destroy(): Promise<void>
}

export type FerryErrorCode = 'no-certificate'

export class FerryError extends Error {
  override readonly name = 'FerryError'

  constructor(
    readonly code: FerryErrorCode,
    readonly detail: string,
  ) {
    super(`ferry: ${code}: ${detail}`)
  }
}

/** How long to wait for a relay before saying none is reachable. */
const relayGraceMs = 6000
const relayPollMs = 1000

/** One joined room. `left` silences its callbacks, which Trystero may still deliver. */
interface Membership {
  kind: RoomKind
  roomId: string
  /** The room's password: a link's secret, which its members prove to each other. */
  password: string
  room: PeerRoom | null
  left: boolean
}

export const createFerry = (deps: FerryDeps, events: FerryEvents): Ferry => {
  let identity: Identity = { name: '', device: detectDeviceKind(deps.deviceHints) }
  /** Known once start() has read it; nothing before start() needs it. */
  let loadedConfig: FerryConfig | null = null
  const config = (): FerryConfig => {
    if (loadedConfig === null) throw new Error('ferry: the config is read by start()')
    return loadedConfig
  }
  let link: Membership | null = null
  let nearby: Membership | null = null
  let destroyed = false
  let roomJoinedAtMs = 0
  let relaysReported: 'unknown' | 'reachable' | 'unreachable' = 'unknown'
  /** What listed peers said in their hello. */
  const hellos = new Map<string, PeerHello>()
  /** Peers already reported unreachable: a peer in two rooms fails in both, and is told once. */
  const unreachableReported = new Set<string>()
  /** Kept for the whole visit, by certificate: leaving and coming back does not reset a peer. */
  const guard = createPeerGuard({ nowMs: () => deps.nowMs() })
  const guardKey = (peerId: string) => roster.fingerprint(peerId) ?? `peer:${peerId}`
  /** Peers blocked in this visit, as last shown; their certificates, so a new id does not help. */
  const blockedPeers = new Map<string, PeerInfo>()
  const blockedFingerprints = new Set<string>()

  let certificate: RTCCertificate | null = null
  let certificatePersistent = false
  let certificateSettled = false
  let settleCertificate: () => void = () => undefined
  const certificateLoaded = new Promise<void>((resolve) => (settleCertificate = resolve))

  // What trust.ts holds, mirrored so that the UI and the first check of an offer need no wait.
  let trustedFingerprints = new Set<string>()
  let autoAccept = false
  /** Incoming offers held back from the UI while storage confirms they may be auto-accepted. */
  const heldOffers = new Map<string, TransferSnapshot>()

  const isTrusted = (fingerprint: string | null) =>
    fingerprint !== null && trustedFingerprints.has(fingerprint)

  const peerInfo = (peerId: string, hello: PeerHello | null): PeerInfo => {
    const fingerprint = roster.fingerprint(peerId)
    return {
      id: peerId,
      name: hello?.name ?? '',
      device: hello?.device ?? 'unknown',
      rooms: roster.rooms(peerId),
      fingerprint,
      verification: roster.code(peerId),
      trusted: isTrusted(fingerprint),
      blocked: false,
    }
  }

  /** Tells the UI about a listed peer, once it has said who it is. */
  const publishPeer = (peerId: string) => {
    const hello = hellos.get(peerId)
    if (hello && roster.isListed(peerId)) events.onPeer(peerInfo(peerId, hello))
  }

  const transfers = deps.createTransferManager({
    ...deps.transferDeps,
    onEvent: (event) => {
      switch (event.type) {
        case 'transfer':
          onTransfer(event.transfer)
          break
        case 'text':
          events.onText(event.text)
          break
        case 'hello': {
          if (!roster.isListed(event.peerId)) break
          hellos.set(event.peerId, event.hello)
          publishPeer(event.peerId)
          break
        }
        case 'protocol-error':
          peerRefused(event.peerId, `${event.code}: ${event.detail}`)
          break
      }
    },
  })

  /**
   * An offer from a trusted certificate, with auto-accept on, is accepted without asking. The
   * mirror decides at once whether that may apply; storage has the last word (another tab may have
   * forgotten the device meanwhile), and until it answers the offer is not shown.
   */
  const onTransfer = (transfer: TransferSnapshot) => {
    if (transfer.withdrawn) {
      // Offering and withdrawing costs the sender nothing and us a card each time: count it.
      peerRefused(transfer.peerId, 'offer withdrawn before an answer', { quiet: true })
    }
    announcer.track(
      transfer.id,
      transfer.state === 'interrupted' && transfer.interruption === 'peer-gone',
    )
    // A receiving transfer is 'offered' once only: when the offer arrives.
    const isNewOffer = transfer.direction === 'receive' && transfer.state === 'offered'
    const fingerprint = roster.fingerprint(transfer.peerId)
    if (isNewOffer && autoAccept && fingerprint !== null && isTrusted(fingerprint)) {
      heldOffers.set(transfer.id, transfer)
      void confirmAutoAccept(transfer, fingerprint)
      return
    }
    if (heldOffers.has(transfer.id)) {
      heldOffers.set(transfer.id, transfer)
      return
    }
    events.onTransfer(transfer)
  }

  const confirmAutoAccept = async (offer: TransferSnapshot, fingerprint: string) => {
    let allowed = false
    try {
      allowed =
        (await deps.trustStore.getAutoAccept()) && (await deps.trustStore.isTrusted(fingerprint))
    } catch {
      // Unsure: ask.
    }
    const latest = heldOffers.get(offer.id) ?? offer
    heldOffers.delete(offer.id)
    // The same connection must still be there: a new one may present another certificate.
    const stillSame = roster.fingerprint(offer.peerId) === fingerprint
    if (allowed && stillSame && latest.state === 'offered') {
      transfers.accept(offer.id)
    } else {
      events.onTransfer(latest)
    }
  }

  /**
   * Counts a refusal; tells the person about the first in a while (unless quiet: an honest sender
   * may withdraw an offer), and blocks at the bound.
   */
  const peerRefused = (peerId: string, detail: string, { quiet = false } = {}) => {
    if (blockedPeers.has(peerId)) return
    const verdict = guard.refused(guardKey(peerId))
    if (verdict === 'first' && !quiet) {
      events.onNotice({
        code: 'peer-protocol-error',
        peerId,
        peerName: hellos.get(peerId)?.name ?? '',
        detail,
      })
    } else if (verdict === 'block') {
      // Not from inside the transfer manager's own call stack, which reported the refusal.
      queueMicrotask(() => blockPeer(peerId))
    }
  }

  /** Closes the peer's connection in every room we are in. */
  const disconnect = (peerId: string) => {
    for (const membership of [link, nearby]) membership?.room?.disconnect(peerId)
  }

  /**
   * Disconnects a peer that kept breaking the protocol (or broke the session handshake or the
   * control lane's cap) and lists it as blocked: its transfers end (peer-gone), its messages are
   * ignored, and it cannot connect again in this visit, under this id or with this certificate.
   * Other peers' transfers go on.
   */
  const blockPeer = (peerId: string) => {
    if (blockedPeers.has(peerId) || !roster.peerIds().includes(peerId)) return
    const info: PeerInfo = { ...peerInfo(peerId, hellos.get(peerId) ?? null), blocked: true }
    blockedPeers.set(peerId, info)
    if (info.fingerprint !== null) blockedFingerprints.add(info.fingerprint)
    // Quietly: the blocked card replaces it, not a departure.
    blocking = peerId
    roster.drop(peerId)
    blocking = null
    hellos.delete(peerId)
    disconnect(peerId)
    events.onPeer(info)
    events.onNotice({ code: 'peer-blocked', peerId, peerName: info.name })
  }
  let blocking: string | null = null

  let markIdentityReady: () => void = () => undefined
  const identityReady = new Promise<void>((resolve) => (markIdentityReady = resolve))
  const sayHello = (port: PeerPort) =>
    void identityReady.then(() => port.sendControl(createHello(identity.name, identity.device)))

  const inAnyRoom = () => link !== null || nearby !== null

  /** Meets a device that dropped out again sooner: see announcer.ts. */
  const announcer = createWaitAnnouncer({
    announce: () => {
      for (const membership of [link, nearby]) membership?.room?.announce()
    },
    setTimeout: (callback, ms) => deps.setTimeout(callback, ms),
  })
  let relaysOpen = 0

  const pollRelays = () => {
    const status = deps.relayStatus()
    events.onRelayStatus(status)
    if (status.open > relaysOpen) announcer.relaysReopened()
    relaysOpen = status.open
    if (!inAnyRoom()) return
    if (status.open > 0 && relaysReported !== 'reachable') {
      if (relaysReported === 'unreachable') events.onNotice({ code: 'relays-reachable' })
      relaysReported = 'reachable'
    } else if (
      status.open === 0 &&
      relaysReported !== 'unreachable' &&
      deps.nowMs() - roomJoinedAtMs >= relayGraceMs
    ) {
      relaysReported = 'unreachable'
      events.onNotice({ code: 'relays-unreachable' })
    }
  }
  const relayTimer = deps.setInterval(pollRelays, relayPollMs)

  /** The link room this device is in, as proofs need it. */
  const currentLink = () =>
    link && !link.left ? { roomId: link.roomId, secret: link.password } : null

  const roster = createRoster({
    link: currentLink,
    admit: (peerId, raw) => {
      if (guard.admit(guardKey(peerId), raw)) return true
      peerRefused(peerId, 'rate-limited: too many messages, dropped unread')
      return false
    },
    onAdmit: (peerId, port, fingerprint) => {
      // Keyed by certificate: the same device under a new peer id resumes its interrupted transfers.
      transfers.addPeer(peerId, port, fingerprint)
      sayHello(port)
    },
    onUpdate: (peerId) => publishPeer(peerId),
    onRemove: (peerId) => {
      hellos.delete(peerId)
      transfers.removePeer(peerId)
      if (blocking !== peerId) events.onPeerGone(peerId)
    },
    onControl: (peerId, raw) => transfers.handleControl(peerId, raw),
    onViolation: (peerId, detail) => {
      if (blockedPeers.has(peerId)) return
      events.onNotice({
        code: 'peer-protocol-error',
        peerId,
        peerName: hellos.get(peerId)?.name ?? '',
        detail,
      })
      queueMicrotask(() => blockPeer(peerId))
    },
    isBlocked: (peerId, fingerprint) =>
      blockedPeers.has(peerId) || (fingerprint !== null && blockedFingerprints.has(fingerprint)),
    disconnect: (peerId) => disconnect(peerId),
    setTimeout: (callback, ms) => deps.setTimeout(callback, ms),
    clearTimeout: (handle) => deps.clearTimeout(handle),
  })

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
    if (!inAnyRoom()) {
      roomJoinedAtMs = deps.nowMs()
      relaysReported = 'unknown'
    }
    const membership: Membership = { kind, roomId, password, room: null, left: false }
    const create = () => {
      if (membership.left || destroyed) return
      const made = deps.createRoom(
        { config: linkRoomConfig(config(), relayUrls), roomId, password, certificate },
        {
          onPeerJoin: (peerId, lanes, descriptions) => {
            if (!membership.left) roster.connected(kind, peerId, lanes, descriptions)
          },
          onPeerLeave: (peerId) => {
            if (!membership.left) roster.left(kind, peerId)
          },
          onJoinError: (detail) => {
            if (!membership.left) events.onNotice({ code: 'join-refused', detail })
          },
          onJoinFailed: () => {
            if (!membership.left) announcer.retrySoon()
          },
          onPeerUnreachable: (peerId) => {
            if (membership.left || roster.isListed(peerId) || unreachableReported.has(peerId))
              return
            unreachableReported.add(peerId)
            events.onNotice({
              code: 'peer-unreachable',
              turnConfigured: hasTurnServer(config().iceServers),
            })
          },
        },
      )
      void Promise.resolve(made).then(
        (room) => {
          // Left while it was being made: leave it at once.
          if (membership.left || destroyed) void room.leave()
          else membership.room = room
        },
        // The signalling code would not load: no relay connects, and pollRelays says so.
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
    for (const peerId of roster.peerIds()) roster.left(membership.kind, peerId)
    if (membership.kind === 'link') roster.linkChanged()
    await membership.room?.leave()
  }

  const joinLink = (roomLink: RoomLink): ActiveRoom => {
    const active = { roomId: roomLink.roomId, url: roomUrl(deps.pageUrl(), roomLink) }
    link = openRoom('link', roomLink.roomId, roomLink.secret, roomLink.relayUrls)
    // Peers already connected (nearby) may be in it too: they are once they prove it.
    roster.linkChanged()
    deps.showRoomInAddress(active.url)
    events.onRoom(active)
    return active
  }

  const leaveRoom = async () => {
    const leaving = link
    link = null
    events.onRoom(null)
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
      events.onNearby({ state: 'unavailable', reason: 'link-relays' })
      return
    }
    const { appId, iceServers } = config()
    if (stunServersOf(iceServers).length === 0) {
      events.onNearby({ state: 'unavailable', reason: 'no-stun-server' })
      return
    }
    events.onNearby({ state: 'checking' })
    const address = await deps.discoverPublicAddress(iceServers).catch(() => null)
    const room = address === null ? null : await nearbyRoom(appId, address).catch(() => null)
    if (!current()) return
    if (room === null) {
      // Without an address we cannot tell which network this is: the old room may be stale.
      await leaveNearby()
      if (current()) events.onNearby({ state: 'unavailable', reason: 'no-answer' })
      return
    }
    if (nearby?.roomId !== room.roomId) {
      void leaveNearby()
      nearby = openRoom('nearby', room.roomId, room.password)
    }
    events.onNearby({ state: 'active' })
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

  const refreshTrust = async () => {
    const [devices, on] = await Promise.all([
      deps.trustStore.list(),
      deps.trustStore.getAutoAccept(),
    ])
    const before = trustedFingerprints
    trustedFingerprints = new Set(devices.map((device) => device.fingerprint))
    autoAccept = on
    events.onTrust({ devices, autoAccept: on, persistent: certificatePersistent })
    for (const peerId of roster.peerIds()) {
      const fingerprint = roster.fingerprint(peerId)
      if (
        fingerprint !== null &&
        before.has(fingerprint) !== trustedFingerprints.has(fingerprint)
      ) {
        publishPeer(peerId)
      }
    }
  }

  return {
    start: async (roomLink) => {
      loadedConfig = await deps.loadConfig()
      const loaded = await deps.loadCertificate().catch(() => null)
      certificate = loaded?.certificate ?? null
      certificatePersistent = loaded?.persistent ?? false
      certificateSettled = true
      settleCertificate()
      // Meeting peers takes the longest: start it first, and greet them once the name is known.
      if (roomLink && !link) joinLink(roomLink)
      void lookForNearby()
      const stored = await deps.settings.loadIdentity()
      identity = { ...identity, name: stored?.name ?? randomDeviceName() }
      events.onIdentity(identity)
      markIdentityReady()
      await refreshTrust()
      if (!stored) await deps.settings.saveIdentity({ name: identity.name })
    },
    shareLink: () => {
      const leaving = leaveRoom()
      if (linkOnOwnRelays) {
        linkOnOwnRelays = false
        releaseRelays(leaving)
        void lookForNearby()
      }
      return joinLink(createRoomLink())
    },
    joinLink: async (roomLink) => {
      await leaveRoom()
      if (roomLink.relayUrls && roomLink.relayUrls.length > 0) {
        // Every room leaves first, so that Trystero takes up the link's relays for this room alone.
        linkOnOwnRelays = true
        nearbyGeneration++
        nearbyLookup = null
        await leaveNearby()
        events.onNearby({ state: 'unavailable', reason: 'link-relays' })
      } else if (linkOnOwnRelays) {
        linkOnOwnRelays = false
        void lookForNearby()
      }
      joinLink(roomLink)
    },
    leaveRoom: async () => {
      const leaving = leaveRoom()
      // A reload, or back and forward, must not join again, and the secret leaves the address bar.
      deps.showRoomInAddress(roomlessUrl(deps.pageUrl()))
      await leaving
      if (!linkOnOwnRelays) return
      linkOnOwnRelays = false
      await lookForNearby()
    },
    leaveAll: async () => {
      nearbyGeneration++
      nearbyLookup = null
      await Promise.all([leaveRoom(), leaveNearby()])
    },
    retryNearby: () => lookForNearby(),
    parkNearby: async () => {
      if (nearby === null || roster.anyConnectedThrough('nearby')) return false
      // A lookup in flight must not join the room again behind our back.
      nearbyGeneration++
      nearbyLookup = null
      await leaveNearby()
      return true
    },
    rename: async (name) => {
      const trimmed = name.trim().slice(0, maxDeviceNameChars)
      if (!trimmed) return
      identity = { ...identity, name: trimmed }
      events.onIdentity(identity)
      // Once per peer, through whichever room still reaches it.
      for (const [, port] of roster.ports()) sayHello(port)
      await deps.settings.saveIdentity({ name: trimmed })
    },
    sendFiles: (peerId, files, folders) => transfers.sendFiles(peerId, files, folders),
    sendText: (peerId, text) => transfers.sendText(peerId, text),
    accept: (id) => transfers.accept(id),
    decline: (id) => transfers.decline(id),
    cancel: (id) => transfers.cancel(id),
    dismiss: (id) => transfers.dismiss(id),
    restore: (records) => transfers.restore(records),
    resume: (id) => transfers.resume(id),
    trust: async (peerId) => {
      const fingerprint = roster.isListed(peerId) ? roster.fingerprint(peerId) : null
      if (!fingerprint) {
        throw new FerryError('no-certificate', `no certificate known for peer ${peerId}`)
      }
      const code = roster.code(peerId)
      await deps.trustStore.trust({
        fingerprint,
        name: hellos.get(peerId)?.name ?? 'Another device',
        ...(code ? { code: code.words.join(' ') } : {}),
      })
      await refreshTrust()
    },
    connectionDetails: async (peerId) => {
      // Either room reaches the peer over the same connection (see PeerRoomEvents.onPeerJoin).
      for (const kind of roster.rooms(peerId)) {
        const membership = kind === 'link' ? link : nearby
        const details = await membership?.room?.connectionDetails(peerId)
        if (details) return details
      }
      return null
    },
    forget: async (fingerprint) => {
      await deps.trustStore.forget(fingerprint)
      await refreshTrust()
    },
    setAutoAccept: async (on) => {
      await deps.trustStore.setAutoAccept(on)
      await refreshTrust()
    },
    destroy: async () => {
      destroyed = true
      deps.clearInterval(relayTimer)
      announcer.stop()
      transfers.destroy()
      await Promise.all([leaveRoom(), leaveNearby()])
    },
  }
}
