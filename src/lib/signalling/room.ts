/**
 * A Trystero room seen as a set of peers, each with a control lane (a Trystero action carrying small
 * JSON messages) and a bulk lane (our own negotiated data channel). The only module that imports
 * Trystero, with config.ts.
 */
import { defaultRelayUrls, getRelaySockets, joinRoom, type JsonValue, type Room } from 'trystero'
import type { ControlMessage, PeerPort } from '../transfer/types.ts'
import { bulkChannelFor } from './bulk-channel.ts'
import type { FerryConfig } from './config.ts'

/** Trystero action names are at most 12 bytes. */
const controlActionName = 'ctl'

export interface PeerRoomEvents {
  onPeerJoin(peerId: string, port: PeerPort): void
  onPeerLeave(peerId: string): void
  /** An unvalidated control message: the transfer core parses it. */
  onControl(peerId: string, raw: unknown): void
  /** Trystero could not complete a join with a peer (wrong secret, failed handshake). */
  onJoinError(detail: string): void
}

export interface PeerRoom {
  readonly roomId: string
  leave(): Promise<void>
}

export interface PeerRoomOptions {
  config: FerryConfig
  roomId: string
  /** The link secret: Trystero encrypts session descriptions with it and refuses peers without it. */
  password: string
}

/**
 * With the default relay list Trystero picks `redundancy` of them (shuffled by app id, so every
 * device picks the same ones); a list that was configured on purpose is used whole.
 */
const relayConfigFor = (config: FerryConfig) =>
  config.relayUrls === defaultRelayUrls
    ? { redundancy: config.relayRedundancy }
    : { urls: config.relayUrls }

export const createPeerRoom = (options: PeerRoomOptions, events: PeerRoomEvents): PeerRoom => {
  const { config, roomId, password } = options
  const room: Room = joinRoom(
    {
      appId: config.appId,
      password,
      relayConfig: { ...relayConfigFor(config), warnOnRelayFailure: false },
      rtcConfig: { iceServers: config.iceServers },
    },
    roomId,
    { onJoinError: ({ error }) => events.onJoinError(error) },
  )

  const control = room.makeAction<JsonValue>(controlActionName)
  control.onMessage = (data, { peerId }) => events.onControl(peerId, data)

  room.onPeerJoin = (peerId) => {
    const connection = room.getPeers()[peerId]
    if (!connection) return
    const port: PeerPort = {
      sendControl: (message: ControlMessage) => {
        // A peer that left between our check and the send is reported through onPeerLeave.
        control.send(message as unknown as JsonValue, { target: peerId }).catch(() => undefined)
      },
      bulk: bulkChannelFor(connection),
    }
    events.onPeerJoin(peerId, port)
  }
  room.onPeerLeave = (peerId) => events.onPeerLeave(peerId)

  return { roomId, leave: () => room.leave() }
}

/** How many relay sockets are open right now, and how many were tried. */
export const relayConnectionCount = (): { open: number; total: number } => {
  // Trystero types getRelaySockets as `any`; it returns a map of relay URL to WebSocket.
  const getSockets = getRelaySockets as () => Record<string, WebSocket>
  const sockets = Object.values(getSockets())
  return {
    open: sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length,
    total: sockets.length,
  }
}
