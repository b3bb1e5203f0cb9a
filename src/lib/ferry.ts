/**
 * Ferry's core, composed: identity, the link room and the transfer manager. Plain TypeScript; the
 * UI calls its intents and listens to its events, and it never reaches into the UI.
 */
import type { FerryConfig } from './signalling/config.ts'
import { detectDeviceKind, randomDeviceName, type DeviceHints } from './signalling/identity.ts'
import { createRoomLink, roomUrl, type RoomLink } from './signalling/link.ts'
import type { PeerRoom, PeerRoomEvents, PeerRoomOptions } from './signalling/room.ts'
import type { SettingsStore } from './storage/settings.ts'
import { createHello } from './protocol/control.ts'
import { maxDeviceNameChars } from './protocol/limits.ts'
import type {
  DeviceKind,
  IncomingText,
  OutgoingFile,
  PeerPort,
  TransferManager,
  TransferManagerDeps,
  TransferSnapshot,
} from './transfer/types.ts'

export interface PeerInfo {
  id: string
  name: string
  device: DeviceKind
}

export interface Identity {
  name: string
  device: DeviceKind
}

export interface ActiveRoom {
  roomId: string
  url: string
}

/** Things worth telling the person, as stable codes; the UI words them. */
export type Notice =
  | { code: 'relays-unreachable' }
  | { code: 'relays-reachable' }
  | { code: 'join-refused'; detail: string }
  | { code: 'peer-protocol-error'; peerId: string; peerName: string; detail: string }

export interface FerryEvents {
  onIdentity(identity: Identity): void
  onRoom(room: ActiveRoom | null): void
  onPeer(peer: PeerInfo): void
  onPeerGone(peerId: string): void
  onTransfer(transfer: TransferSnapshot): void
  onText(text: IncomingText): void
  onNotice(notice: Notice): void
  onRelayStatus(status: { open: number; total: number }): void
}

export interface FerryDeps {
  config: FerryConfig
  settings: SettingsStore
  deviceHints: DeviceHints
  pageUrl: () => URL
  /** Remembers the room in the address bar, so a reload stays in it. */
  showRoomInAddress(url: string): void
  createRoom(options: PeerRoomOptions, events: PeerRoomEvents): PeerRoom
  createTransferManager(deps: TransferManagerDeps): TransferManager
  transferDeps: Omit<TransferManagerDeps, 'onEvent'>
  relayStatus(): { open: number; total: number }
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
  nowMs(): number
}

export interface Ferry {
  start(link: RoomLink | null): Promise<void>
  /** Joins the room of a link, leaving the current one. */
  joinLink(link: RoomLink): Promise<void>
  /** Makes a new private room and joins it. */
  shareLink(): ActiveRoom
  leaveRoom(): Promise<void>
  rename(name: string): Promise<void>
  /** Offers files (and a chosen tree's empty folders); see TransferManager.sendFiles. */
  sendFiles(peerId: string, files: OutgoingFile[], folders?: readonly string[]): string
  sendText(peerId: string, text: string): void
  accept(transferId: string): void
  decline(transferId: string): void
  cancel(transferId: string): void
  dismiss(transferId: string): void
  destroy(): Promise<void>
}

/** How long to wait for a relay before saying none is reachable. */
const relayGraceMs = 6000
const relayPollMs = 1000

export const createFerry = (deps: FerryDeps, events: FerryEvents): Ferry => {
  let identity: Identity = { name: '', device: detectDeviceKind(deps.deviceHints) }
  let room: PeerRoom | null = null
  let roomJoinedAtMs = 0
  let relaysReported: 'unknown' | 'reachable' | 'unreachable' = 'unknown'
  const ports = new Map<string, PeerPort>()
  const peers = new Map<string, PeerInfo>()

  const transfers = deps.createTransferManager({
    ...deps.transferDeps,
    onEvent: (event) => {
      switch (event.type) {
        case 'transfer':
          events.onTransfer(event.transfer)
          break
        case 'text':
          events.onText(event.text)
          break
        case 'hello': {
          const peer = { id: event.peerId, name: event.hello.name, device: event.hello.device }
          peers.set(peer.id, peer)
          events.onPeer(peer)
          break
        }
        case 'protocol-error':
          events.onNotice({
            code: 'peer-protocol-error',
            peerId: event.peerId,
            peerName: peers.get(event.peerId)?.name ?? '',
            detail: `${event.code}: ${event.detail}`,
          })
          break
      }
    },
  })

  let markIdentityReady: () => void = () => undefined
  const identityReady = new Promise<void>((resolve) => (markIdentityReady = resolve))
  const sayHello = (port: PeerPort) =>
    void identityReady.then(() => port.sendControl(createHello(identity.name, identity.device)))

  const pollRelays = () => {
    const status = deps.relayStatus()
    events.onRelayStatus(status)
    if (!room) return
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

  const join = (link: RoomLink): ActiveRoom => {
    const active = { roomId: link.roomId, url: roomUrl(deps.pageUrl(), link) }
    room = deps.createRoom(
      { config: deps.config, roomId: link.roomId, password: link.secret },
      {
        onPeerJoin: (peerId, port) => {
          ports.set(peerId, port)
          transfers.addPeer(peerId, port)
          sayHello(port)
        },
        onPeerLeave: (peerId) => {
          ports.delete(peerId)
          peers.delete(peerId)
          transfers.removePeer(peerId)
          events.onPeerGone(peerId)
        },
        onControl: (peerId, raw) => transfers.handleControl(peerId, raw),
        onJoinError: (detail) => events.onNotice({ code: 'join-refused', detail }),
      },
    )
    roomJoinedAtMs = deps.nowMs()
    relaysReported = 'unknown'
    deps.showRoomInAddress(active.url)
    events.onRoom(active)
    return active
  }

  const leaveRoom = async () => {
    const leaving = room
    room = null
    for (const peerId of [...ports.keys()]) {
      ports.delete(peerId)
      peers.delete(peerId)
      transfers.removePeer(peerId)
      events.onPeerGone(peerId)
    }
    events.onRoom(null)
    await leaving?.leave()
  }

  return {
    start: async (link) => {
      // Meeting peers takes the longest: start it first, and greet them once the name is known.
      if (link) join(link)
      const stored = await deps.settings.loadIdentity()
      identity = { ...identity, name: stored?.name ?? randomDeviceName() }
      events.onIdentity(identity)
      markIdentityReady()
      if (!stored) await deps.settings.saveIdentity({ name: identity.name })
    },
    shareLink: () => {
      if (room) void leaveRoom()
      return join(createRoomLink())
    },
    joinLink: async (link) => {
      await leaveRoom()
      join(link)
    },
    leaveRoom,
    rename: async (name) => {
      const trimmed = name.trim().slice(0, maxDeviceNameChars)
      if (!trimmed) return
      identity = { ...identity, name: trimmed }
      events.onIdentity(identity)
      for (const port of ports.values()) sayHello(port)
      await deps.settings.saveIdentity({ name: trimmed })
    },
    sendFiles: (peerId, files, folders) => transfers.sendFiles(peerId, files, folders),
    sendText: (peerId, text) => transfers.sendText(peerId, text),
    accept: (id) => transfers.accept(id),
    decline: (id) => transfers.decline(id),
    cancel: (id) => transfers.cancel(id),
    dismiss: (id) => transfers.dismiss(id),
    destroy: async () => {
      deps.clearInterval(relayTimer)
      transfers.destroy()
      await leaveRoom()
    },
  }
}
