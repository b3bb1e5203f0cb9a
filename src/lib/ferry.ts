/**
 * Ferry's core, composed: identity, the nearby and link rooms (session/rooms.ts), the roster of
 * peers met in either (session/roster.ts decides who is in which room, from proofs), trust, and the
 * transfer manager.
 * Plain TypeScript; the UI calls its intents and listens to its events, and it never reaches into
 * the UI.
 */
import { createWaitAnnouncer } from './signalling/announcer.ts'
import type { FerryConfig } from './signalling/config.ts'
import { hasTurnServer, type ConnectionDetails } from './signalling/connection-stats.ts'
import { detectDeviceKind, randomDeviceName, type DeviceHints } from './signalling/identity.ts'
import type { RoomLink } from './signalling/link.ts'
import type { PeerRoom, PeerRoomEvents, PeerRoomOptions } from './signalling/room.ts'
import type { VerificationCode } from './signalling/verification.ts'
import type { DeviceCertificate } from './storage/certificate.ts'
import type { SettingsStore } from './storage/settings.ts'
import type { TrustedDevice, TrustStore } from './storage/trust.ts'
import { createHello } from './protocol/control.ts'
import { maxDeviceNameChars } from './protocol/limits.ts'
import { createPeerGuard } from './session/peer-guard.ts'
import { createRooms, type ActiveRoom, type NearbyStatus } from './session/rooms.ts'
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
export type { ActiveRoom, NearbyStatus }

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
export const createFerry = (deps: FerryDeps, events: FerryEvents): Ferry => {
  let identity: Identity = { name: '', device: detectDeviceKind(deps.deviceHints) }
  /** Known once start() has read it; nothing before start() needs it. */
  let loadedConfig: FerryConfig | null = null
  const config = (): FerryConfig => {
    if (loadedConfig === null) throw new Error('ferry: the config is read by start()')
    return loadedConfig
  }
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

  let certificatePersistent = false

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
  const disconnect = (peerId: string) => rooms.disconnect(peerId)

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

  /** Meets a device that dropped out again sooner: see announcer.ts. */
  const announcer = createWaitAnnouncer({
    announce: () => rooms.announce(),
    setTimeout: (callback, ms) => deps.setTimeout(callback, ms),
  })
  let relaysOpen = 0

  const pollRelays = () => {
    const status = deps.relayStatus()
    events.onRelayStatus(status)
    if (status.open > relaysOpen) announcer.relaysReopened()
    relaysOpen = status.open
    if (!rooms.inAnyRoom()) return
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

  const roster = createRoster({
    link: () => rooms.link(),
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

  const rooms = createRooms({
    config,
    createRoom: (options, roomEvents) => deps.createRoom(options, roomEvents),
    discoverPublicAddress: (iceServers) => deps.discoverPublicAddress(iceServers),
    pageUrl: () => deps.pageUrl(),
    showRoomInAddress: (url) => deps.showRoomInAddress(url),
    onPeerJoin: (kind, peerId, lanes, descriptions) =>
      roster.connected(kind, peerId, lanes, descriptions),
    onPeerLeave: (kind, peerId) => roster.left(kind, peerId),
    peerIds: () => roster.peerIds(),
    onLinkChanged: () => roster.linkChanged(),
    onFirstRoom: () => {
      roomJoinedAtMs = deps.nowMs()
      relaysReported = 'unknown'
      roster.prepare()
    },
    onRoom: (room) => events.onRoom(room),
    onNearby: (status) => events.onNearby(status),
    onJoinError: (detail) => events.onNotice({ code: 'join-refused', detail }),
    onJoinFailed: () => announcer.retrySoon(),
    onPeerUnreachable: (peerId) => {
      if (roster.isListed(peerId) || unreachableReported.has(peerId)) return
      unreachableReported.add(peerId)
      events.onNotice({
        code: 'peer-unreachable',
        turnConfigured: hasTurnServer(config().iceServers),
      })
    },
  })

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
      certificatePersistent = loaded?.persistent ?? false
      rooms.certificateLoaded(loaded?.certificate ?? null)
      // Meeting peers takes the longest: start it first, and greet them once the name is known.
      rooms.start(roomLink)
      const stored = await deps.settings.loadIdentity()
      identity = { ...identity, name: stored?.name ?? randomDeviceName() }
      events.onIdentity(identity)
      markIdentityReady()
      await refreshTrust()
      if (!stored) await deps.settings.saveIdentity({ name: identity.name })
    },
    shareLink: () => rooms.shareLink(),
    joinLink: (roomLink) => rooms.joinLink(roomLink),
    leaveRoom: () => rooms.leaveLink(),
    leaveAll: () => rooms.leaveAll(),
    retryNearby: () => rooms.retryNearby(),
    parkNearby: () => rooms.parkNearby(roster.anyConnectedThrough('nearby')),
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
    connectionDetails: (peerId) => rooms.connectionDetails(peerId, roster.rooms(peerId)),
    forget: async (fingerprint) => {
      await deps.trustStore.forget(fingerprint)
      await refreshTrust()
    },
    setAutoAccept: async (on) => {
      await deps.trustStore.setAutoAccept(on)
      await refreshTrust()
    },
    destroy: async () => {
      deps.clearInterval(relayTimer)
      announcer.stop()
      transfers.destroy()
      await rooms.destroy()
    },
  }
}
