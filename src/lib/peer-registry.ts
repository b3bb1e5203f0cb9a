/**
 * Who is connected, across rooms. Trystero gives a page one peer id for all its rooms, and two
 * pages one peer connection however many rooms they share. So a device in both the nearby room
 * and a link room is one peer: present while it is in at least one room, gone once it has left
 * every room.
 */
import type { PeerPort } from './transfer/types.ts'

/** The rooms a peer can share with us: the network's nearby room, and the link room. */
export type RoomKind = 'nearby' | 'link'

/** The order rooms are listed in, whatever order they were joined in. */
const roomOrder: readonly RoomKind[] = ['nearby', 'link']

export interface PeerRegistry {
  /**
   * A peer joined a room. `isNew` when it was in no room before: then `port`, which outlives any one
   * room, is the one to hand to the transfer manager.
   */
  join(peerId: string, room: RoomKind, port: PeerPort): { isNew: boolean; port: PeerPort }
  /** A peer left a room: `gone` once it is in none. Null when it was not in that room. */
  leave(peerId: string, room: RoomKind): { gone: boolean } | null
  /** The rooms a peer is in, nearby first; empty for a peer we do not know. */
  rooms(peerId: string): RoomKind[]
  has(peerId: string): boolean
  /** Every peer in a room. */
  inRoom(room: RoomKind): string[]
  /** Every peer, with its port. */
  ports(): [string, PeerPort][]
}

interface Entry {
  /** Each room's own port, in the order the rooms were joined. */
  byRoom: Map<RoomKind, PeerPort>
  port: PeerPort
}

export const createPeerRegistry = (): PeerRegistry => {
  const entries = new Map<string, Entry>()

  /**
   * Control messages go through a room the peer is still in: each room has its own Trystero
   * action, and a room we left no longer reaches anyone. The bulk channel belongs to the shared
   * peer connection (bulk-channel.ts), so the first room's is every room's.
   */
  const portFor = (entry: Entry, bulk: PeerPort['bulk']): PeerPort => ({
    sendControl: (message) => {
      const [current] = entry.byRoom.values()
      current?.sendControl(message)
    },
    bulk,
  })

  return {
    join: (peerId, room, port) => {
      const known = entries.get(peerId)
      if (known) {
        known.byRoom.set(room, port)
        return { isNew: false, port: known.port }
      }
      const entry: Entry = { byRoom: new Map([[room, port]]), port }
      entry.port = portFor(entry, port.bulk)
      entries.set(peerId, entry)
      return { isNew: true, port: entry.port }
    },
    leave: (peerId, room) => {
      const entry = entries.get(peerId)
      if (!entry?.byRoom.delete(room)) return null
      if (entry.byRoom.size > 0) return { gone: false }
      entries.delete(peerId)
      return { gone: true }
    },
    rooms: (peerId) => {
      const entry = entries.get(peerId)
      return entry ? roomOrder.filter((room) => entry.byRoom.has(room)) : []
    },
    has: (peerId) => entries.has(peerId),
    inRoom: (room) =>
      [...entries].filter(([, entry]) => entry.byRoom.has(room)).map(([peerId]) => peerId),
    ports: () => [...entries].map(([peerId, entry]) => [peerId, entry.port]),
  }
}
