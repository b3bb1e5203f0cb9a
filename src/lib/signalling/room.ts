/**
 * A Trystero room seen as a set of peers, each with a control lane and a bulk lane (our own
 * negotiated data channels, control-channel.ts and bulk-channel.ts; no Trystero action carries
 * Ferry's messages). The only module that imports
 * Trystero; main.ts loads it after the first paint, so Trystero (and the elliptic-curve key it makes
 * on load) stays off the critical path.
 */
import { libName, sha1, toJson } from '@trystero-p2p/core'
import { createEvent, getRelaySockets, joinRoom, selfId, type Room } from 'trystero'
import type { BulkChannel } from '../transfer/types.ts'
import { bulkChannelFor } from './bulk-channel.ts'
import { controlLaneFor, type ControlLane } from './control-channel.ts'
import type { FerryConfig } from './config.ts'
import { classifyJoinError } from './join-errors.ts'
import { readConnectionDetails, type ConnectionDetails } from './connection-stats.ts'
import type { SessionDescriptions } from './verification.ts'

/** Ferry's own lanes on one peer connection, shared by every room the connection serves. */
export interface PeerLanes {
  control: ControlLane
  bulk: BulkChannel
}

export interface PeerRoomEvents {
  /**
   * A peer is ready. `descriptions` are those of the peer connection it came through (null if the
   * browser has none to show): they name both sides' certificates (verification.ts). Trystero
   * shares one connection between every room two pages have in common, so a peer that is in two
   * rooms joins each with the same connection, descriptions and lanes. Trystero's word that the
   * peer is in this room is only a claim: session/ decides membership from proofs.
   */
  onPeerJoin(peerId: string, lanes: PeerLanes, descriptions: SessionDescriptions | null): void
  onPeerLeave(peerId: string): void
  /** Trystero refused a peer: it does not have the room's secret. */
  onJoinError(detail: string): void
  /**
   * A connection with a peer failed midway, for a reason that may pass (its handshake timed out on
   * a busy device, or it dropped during the handshake): worth trying again soon.
   */
  onJoinFailed(peerId: string, detail: string): void
  /**
   * A peer answered through the relays, but no WebRTC route between the two devices worked (no
   * direct path, and no TURN server that both could use).
   */
  onPeerUnreachable(peerId: string): void
}

export interface PeerRoom {
  readonly roomId: string
  /** The route and round-trip time of the connection to a peer; null if it has none. */
  connectionDetails(peerId: string): Promise<ConnectionDetails | null>
  /**
   * Closes the connection to a peer (one blocked for breaking the protocol). Trystero may connect
   * to it again when it announces itself; whoever blocked it refuses that connection the same way.
   */
  disconnect(peerId: string): void
  leave(): Promise<void>
  /**
   * Announces this device in the room now, rather than at Trystero's next steady announcement
   * (once a minute): exactly what Trystero publishes, sent on every open relay connection. Peers in
   * the room that are connected to us ignore it; one that lost its connection offers a new one.
   */
  announce(): void
}

export interface PeerRoomOptions {
  config: FerryConfig
  roomId: string
  /** The room's secret: Trystero encrypts session descriptions with it and refuses peers without it. */
  password: string
  /**
   * This device's DTLS certificate (storage/certificate.ts), the same for every room: it is what
   * peers trust. Null: the browser makes one per connection, and trust cannot outlive it.
   */
  certificate: RTCCertificate | null
}

/**
 * With no relays configured Trystero picks `redundancy` of its public ones (shuffled by app id, so
 * every device picks the same ones); a list that was configured on purpose is used whole.
 */
const relayConfigFor = (config: FerryConfig) =>
  config.relayUrls.length === 0
    ? { redundancy: config.relayRedundancy }
    : { urls: config.relayUrls }

export const createPeerRoom = (options: PeerRoomOptions, events: PeerRoomEvents): PeerRoom => {
  const room = joinPeerRoom(options, events)
  let left = false
  return {
    roomId: options.roomId,
    connectionDetails: async (peerId) => {
      const connection = room.getPeers()[peerId]
      if (!connection) return null
      try {
        return readConnectionDetails(await connection.getStats())
      } catch {
        // A connection closing under us has no stats to give.
        return null
      }
    },
    disconnect: (peerId) => room.getPeers()[peerId]?.close(),
    leave: () => {
      left = true
      return room.leave()
    },
    announce: () => {
      if (!left) void announceIn(options.config.appId, options.roomId)
    },
  }
}

const joinPeerRoom = (options: PeerRoomOptions, events: PeerRoomEvents): Room => {
  const { config, roomId, password, certificate } = options
  const room: Room = joinRoom(
    {
      appId: config.appId,
      password,
      relayConfig: { ...relayConfigFor(config), warnOnRelayFailure: false },
      // Trystero spreads rtcConfig into every RTCPeerConnection it makes, the pre-warmed offers
      // included (node_modules/@trystero-p2p/core/dist/peer.mjs), so every connection presents
      // this certificate.
      rtcConfig: {
        iceServers: config.iceServers,
        iceTransportPolicy: config.iceTransportPolicy,
        ...(certificate ? { certificates: [certificate] } : {}),
      },
    },
    roomId,
    {
      onJoinError: ({ error, peerId }) => {
        const kind = classifyJoinError(error)
        if (kind === 'unreachable') events.onPeerUnreachable(peerId)
        else if (kind === 'refused') events.onJoinError(error)
        else events.onJoinFailed(peerId, error)
      },
    },
  )

  room.onPeerJoin = (peerId) => {
    const connection = room.getPeers()[peerId]
    if (!connection) return
    const lanes: PeerLanes = {
      control: controlLaneFor(connection),
      bulk: bulkChannelFor(connection),
    }
    events.onPeerJoin(peerId, lanes, descriptionsOf(connection))
  }
  room.onPeerLeave = (peerId) => events.onPeerLeave(peerId)
  return room
}

/**
 * Publishes the announcement Trystero's topic strategy makes when it joins a room and once a
 * minute after (node_modules/@trystero-p2p/core/dist/topic-strategy.mjs, `announce`): this page's
 * peer id on the room's root topic, a Nostr event made by Trystero's own createEvent. A relay that
 * is not connected right now is skipped: WaitAnnouncer announces again when it comes back.
 */
const announceIn = async (appId: string, roomId: string) => {
  // strategy.mjs: rootTopicP = sha1(topicPath(libName, appId, roomId)), topicPath joining by '@'.
  const rootTopic = await sha1([libName, appId, roomId].join('@'))
  const event = await createEvent(rootTopic, toJson({ peerId: selfId }))
  for (const socket of relaySockets()) {
    if (socket.readyState === WebSocket.OPEN) socket.send(event)
  }
}

/**
 * Test-only (the e2e fault hooks): closes every relay connection, as a network drop would.
 * Trystero opens them again by itself, once the browser is online.
 */
export const closeRelayConnections = (): void => {
  for (const socket of relaySockets()) socket.close()
}

// Trystero types getRelaySockets as `any`; it returns a map of relay URL to WebSocket.
const relaySockets = (): WebSocket[] =>
  Object.values((getRelaySockets as () => Record<string, WebSocket>)())

const descriptionsOf = (connection: RTCPeerConnection): SessionDescriptions | null => {
  const local = (connection.currentLocalDescription ?? connection.localDescription)?.sdp
  const remote = (connection.currentRemoteDescription ?? connection.remoteDescription)?.sdp
  return local && remote ? { local, remote } : null
}

/**
 * How many relay sockets are open right now, how many were tried, and how many are closed after a
 * failed attempt (Trystero retries them with a growing delay).
 */
export const relayConnectionCount = (): { open: number; total: number; failed: number } => {
  const sockets = relaySockets()
  const count = (...states: number[]) =>
    sockets.filter((socket) => states.includes(socket.readyState)).length
  return {
    open: count(WebSocket.OPEN),
    total: sockets.length,
    failed: count(WebSocket.CLOSING, WebSocket.CLOSED),
  }
}
