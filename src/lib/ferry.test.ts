import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  createFerry,
  FerryError,
  type FerryDeps,
  type FerryEvents,
  type NearbyStatus,
  type Notice,
  type PeerInfo,
  type TrustSettings,
} from './ferry.ts'
import { createHandshake, type Handshake } from './session/handshake.ts'
import { maxRefusalsPerPeer, peerUnsolicitedBurst } from './protocol/limits.ts'
import { resolveConfig, type FerryConfig } from './signalling/config.ts'
import type { RoomLink } from './signalling/link.ts'
import { nearbyRoom } from './signalling/nearby.ts'
import type { ControlLane } from './signalling/control-channel.ts'
import type { PeerLanes, PeerRoomEvents, PeerRoomOptions } from './signalling/room.ts'
import type { SessionDescriptions, VerificationCode } from './signalling/verification.ts'
import { createTrustStore, type TrustStoreDeps } from './storage/trust.ts'
import type {
  BulkChannel,
  ControlMessage,
  PeerPort,
  TransferEvent,
  TransferManager,
  TransferManagerDeps,
  TransferSnapshot,
} from './transfer/types.ts'

const appId = 'app.ferry.test'
const stunConfig = resolveConfig({
  appId,
  relayUrls: ['ws://127.0.0.1:1'],
  iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
})
const noStunConfig = { ...stunConfig, iceServers: [] }

/** Lets queued work run, for checks that nothing (more) happens. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Lets the session handshake's WebCrypto work (off the main thread in Node) finish. */
const flush = async () => {
  for (let i = 0; i < 40; i++) await new Promise((resolve) => setTimeout(resolve, 1))
}

/** Waits for a condition, e.g. on hashing that WebCrypto does off the main thread. */
const until = async (condition: () => unknown, what: string) => {
  const deadlineMs = Date.now() + 5000
  while (!condition()) {
    if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

// ---------------------------------------------------------------------------------------------
// Fakes

/** A certificate fingerprint line for a seed, as a browser writes it. */
const fingerprintOf = (seed: string) =>
  `sha-256 ${createHash('sha256').update(seed).digest('hex').toUpperCase().match(/../g)!.join(':')}`
const sdpOf = (seed: string) => `v=0\r\na=fingerprint:${fingerprintOf(seed)}\r\n`
/** The descriptions our side of a connection to `peer` shows. */
const descriptionsWith = (peer: string): SessionDescriptions => ({
  local: sdpOf('us'),
  remote: sdpOf(peer),
})

const fakeBulk = (): BulkChannel => ({
  send: () => undefined,
  bufferedBytes: () => 0,
  waitForDrain: () => Promise.resolve(),
  waitOpen: () => Promise.resolve(),
  isOpen: () => true,
  onMessage: null,
  onClose: null,
})

/** A Trystero room stand-in: the test plays its peers. */
interface FakeRoom {
  options: PeerRoomOptions
  events: PeerRoomEvents
  left: boolean
  /** How often the core asked it to announce this device. */
  announced: number
  /** Peers whose connection we closed. */
  disconnected: string[]
  /** A peer joins over its connection (one per peer, as Trystero shares them). */
  join(peerId: string, connection?: FakeConnection): void
  leave(peerId: string): void
}

/**
 * One peer connection, played by the test: our side's lanes, and the far side's session handshake
 * (the real one) answering ours. `knows` is the link the far side can prove.
 */
interface FakeConnection {
  lanes: PeerLanes
  descriptions: SessionDescriptions
  /** Transfer-protocol messages we sent on it. */
  sent: ControlMessage[]
  knows: { roomId: string; secret: string } | null
  /** The code the far side computed. */
  code: VerificationCode | null
  /** The far side sends a transfer-protocol message (or anything) to us. */
  deliver(raw: unknown): void
}

const connectionWith = (
  peerId: string,
  knows: FakeConnection['knows'],
  descriptions = descriptionsWith(peerId),
): FakeConnection => {
  let remote: Handshake | null = null
  const control: ControlLane = {
    send: (message) => {
      const record = message as { type?: string }
      if (record.type?.startsWith('session-') || record.type === 'link-proof') {
        remote ??= startRemote()
        void remote.handle(structuredClone(message))
      } else {
        connection.sent.push(message as ControlMessage)
      }
    },
    onMessage: null,
    onViolation: null,
  }
  const startRemote = () => {
    const handshake = createHandshake({
      localFingerprint: fingerprintOf(peerId),
      remoteFingerprint: fingerprintOf('us'),
      send: (message) => queueMicrotask(() => control.onMessage?.(structuredClone(message))),
      link: () => connection.knows,
      onVerified: (code) => (connection.code = code),
      onLinkProof: () => undefined,
      onViolation: () => undefined,
      setTimeout: () => 0,
      clearTimeout: () => undefined,
    })
    handshake.start()
    return handshake
  }
  const connection: FakeConnection = {
    lanes: { control, bulk: fakeBulk() },
    descriptions,
    sent: [],
    knows,
    code: null,
    deliver: (raw) => control.onMessage?.(raw),
  }
  return connection
}

/** Connections as Trystero shares them: one per peer, whatever room it comes through. */
const connections = new Map<string, FakeConnection>()
const connectionOf = (peerId: string) => {
  let connection = connections.get(peerId)
  if (!connection) {
    connection = connectionWith(peerId, linkA)
    connections.set(peerId, connection)
  }
  return connection
}

/** A transfer manager stand-in that records what the core asks of it. */
interface FakeManager extends TransferManager {
  added: [string, PeerPort][]
  removed: string[]
  /** Control messages handed to it, unparsed. */
  controls: [string, unknown][]
  accepted: string[]
  emit(event: TransferEvent): void
}

const fakeManager = (deps: TransferManagerDeps): FakeManager => {
  const manager: FakeManager = {
    added: [],
    removed: [],
    controls: [],
    accepted: [],
    emit: (event) => deps.onEvent(event),
    addPeer: (peerId, port) => void manager.added.push([peerId, port]),
    removePeer: (peerId) => void manager.removed.push(peerId),
    handleControl: (peerId, raw) => void manager.controls.push([peerId, raw]),
    sendFiles: () => 'x',
    sendText: () => undefined,
    accept: (id) => {
      manager.accepted.push(id)
      deps.onEvent({
        type: 'transfer',
        transfer: { ...offerSnapshot(id, ''), state: 'transferring' },
      })
    },
    decline: () => undefined,
    cancel: () => undefined,
    dismiss: () => undefined,
    restore: () => undefined,
    resume: () => undefined,
    destroy: () => undefined,
  }
  return manager
}

const offerSnapshot = (id: string, peerId: string): TransferSnapshot => ({
  id,
  peerId,
  direction: 'receive',
  state: 'offered',
  files: [{ index: 0, name: 'a.txt', size: 1, type: '', bytesDone: 0, verified: false }],
  totalBytes: 1,
  bytesDone: 0,
  startedAtMs: 0,
  updatedAtMs: 0,
})

const memoryTrustDeps = (): TrustStoreDeps => {
  const map = new Map<string, unknown>()
  return {
    get: (key) => Promise.resolve(structuredClone(map.get(key))),
    set: (key, value) => {
      map.set(key, structuredClone(value))
      return Promise.resolve()
    },
    nowMs: () => 1,
  }
}

interface Setup {
  config?: FerryConfig
  /** Answers of discoverPublicAddress, in turn; the last one repeats. */
  addresses?: (string | null)[]
  trustDeps?: TrustStoreDeps
  /** What a room's leave waits for before it is done (Trystero first tells the room's peers). */
  leaving?: () => Promise<void>
}

const setUp = (setup: Setup = {}) => {
  connections.clear()
  const rooms: FakeRoom[] = []
  let manager: FakeManager | undefined
  const addresses = [...(setup.addresses ?? [null])]
  let lookups = 0
  const timers: (() => void)[] = []
  const certificate = { expires: Infinity } as unknown as RTCCertificate

  const seen = {
    peers: new Map<string, PeerInfo>(),
    gone: [] as string[],
    transfers: [] as TransferSnapshot[],
    nearby: [] as NearbyStatus[],
    trust: [] as TrustSettings[],
    rooms: [] as (string | null)[],
    /** Each room's `createdHere`, as told. */
    createdHere: [] as boolean[],
    notices: [] as Notice[],
    addresses: [] as string[],
  }
  const events: FerryEvents = {
    onIdentity: () => undefined,
    onRoom: (room) => {
      seen.rooms.push(room?.roomId ?? null)
      if (room) seen.createdHere.push(room.createdHere)
    },
    onNearby: (status) => seen.nearby.push(status),
    onPeer: (peer) => seen.peers.set(peer.id, peer),
    onPeerGone: (peerId) => {
      seen.peers.delete(peerId)
      seen.gone.push(peerId)
    },
    onTransfer: (transfer) => seen.transfers.push(transfer),
    onText: () => undefined,
    onTrust: (settings) => seen.trust.push(settings),
    onNotice: (notice) => seen.notices.push(notice),
    onRelayStatus: () => undefined,
  }
  const trustStore = createTrustStore(setup.trustDeps ?? memoryTrustDeps())
  const deps: FerryDeps = {
    loadConfig: () => Promise.resolve(setup.config ?? stunConfig),
    settings: {
      loadIdentity: () => Promise.resolve({ name: 'Calm Heron' }),
      saveIdentity: () => Promise.resolve(),
    },
    trustStore,
    loadCertificate: () => Promise.resolve({ certificate, persistent: true }),
    discoverPublicAddress: () => {
      lookups++
      return Promise.resolve(
        addresses.length > 1 ? (addresses.shift() ?? null) : (addresses[0] ?? null),
      )
    },
    deviceHints: { userAgent: 'Linux', maxTouchPoints: 0 },
    pageUrl: () => new URL(seen.addresses.at(-1) ?? 'https://ferry.test/'),
    showRoomInAddress: (url) => void seen.addresses.push(url),
    createRoom: (options, roomEvents) => {
      const room: FakeRoom = {
        options,
        events: roomEvents,
        left: false,
        announced: 0,
        disconnected: [],
        join: (peerId, connection = connectionOf(peerId)) =>
          roomEvents.onPeerJoin(peerId, connection.lanes, connection.descriptions),
        leave: (peerId) => roomEvents.onPeerLeave(peerId),
      }
      rooms.push(room)
      return {
        roomId: options.roomId,
        connectionDetails: () => Promise.resolve(null),
        disconnect: (peerId) => void room.disconnected.push(peerId),
        leave: async () => {
          await setup.leaving?.()
          room.left = true
        },
        announce: () => void room.announced++,
      }
    },
    createTransferManager: (transferDeps) => (manager = fakeManager(transferDeps)),
    transferDeps: {
      createSink: () => {
        throw new Error('not in these tests')
      },
      createHasher: () => Promise.reject(new Error('not in these tests')),
      newId: () => 'id',
      nowMs: () => 0,
    },
    relayStatus: () => ({ open: 1, total: 1, failed: 0 }),
    setInterval: () => 0,
    setTimeout: (callback) => timers.push(callback),
    clearTimeout: () => undefined,
    clearInterval: () => undefined,
    nowMs: () => 0,
  }
  const ferry = createFerry(deps, events)
  if (!manager) throw new Error('no transfer manager')
  const transfers = manager
  const roomWith = (roomId: string) => {
    const room = rooms.filter((candidate) => candidate.options.roomId === roomId).at(-1)
    if (!room) throw new Error(`no room ${roomId}`)
    return room
  }
  /** A peer says hello, as the transfer manager reports it. */
  const hello = (peerId: string, name: string) =>
    transfers.emit({ type: 'hello', peerId, hello: { name, device: 'phone' } })
  /** The lookup at start, or one asked for, has ended. */
  const nearbySettled = () => until(() => seen.nearby.at(-1)?.state !== 'checking', 'the lookup')
  /** A peer joins a room, finishes the session handshake and says hello. */
  const meet = async (room: FakeRoom, peerId: string, name: string) => {
    room.join(peerId)
    await until(() => transfers.added.some(([id]) => id === peerId), `${peerId} listed`)
    hello(peerId, name)
    await until(() => seen.peers.get(peerId)?.verification, `the code of ${peerId}`)
    await until(() => connectionOf(peerId).code, `the far side's code of ${peerId}`)
  }
  /** A peer joins rooms and finishes the session handshake. */
  const join = async (peerId: string, ...joined: FakeRoom[]) => {
    for (const room of joined) room.join(peerId)
    const connection = connections.get(peerId)
    if (connection?.descriptions.remote.includes('fingerprint')) {
      await until(() => connection.code !== null, `the handshake with ${peerId}`)
    }
    // Our side's last steps: the code, and the peer's link proof checked.
    await flush()
  }
  return {
    ferry,
    rooms,
    roomWith,
    transfers,
    trustStore,
    seen,
    hello,
    meet,
    join,
    nearbySettled,
    certificate,
    lookups: () => lookups,
    /** Runs the timers set so far. */
    runTimers: () => {
      for (const run of timers.splice(0)) run()
    },
  }
}

const linkA: RoomLink = { roomId: 'A'.repeat(22), secret: 'S'.repeat(22) }
const nearbyAddress = '203.0.113.7'

/** Started, in the nearby room of 203.0.113.7 and in link room A. */
const inBothRooms = async (setup: Setup = {}) => {
  const world = setUp({ addresses: [nearbyAddress], ...setup })
  await world.ferry.start(linkA)
  await world.nearbySettled()
  const { roomId } = await nearbyRoom(appId, nearbyAddress)
  return { ...world, nearby: world.roomWith(roomId), link: world.roomWith(linkA.roomId) }
}

// ---------------------------------------------------------------------------------------------

describe('peers across rooms', () => {
  it('lists a device in both rooms once, marked with both, and adds it to transfers once', async () => {
    const { nearby, link, transfers, seen, hello, join } = await inBothRooms()
    await join('bob', nearby)
    hello('bob', 'Bob')
    expect(seen.peers.get('bob')?.rooms).toEqual(['nearby'])
    await join('bob', link)
    expect(seen.peers.get('bob')?.rooms).toEqual(['nearby', 'link'])
    expect(seen.peers.size).toBe(1)
    expect(transfers.added.map(([peerId]) => peerId)).toEqual(['bob'])
  })

  it('keeps a device that leaves one room, and lets it go once it has left both', async () => {
    const { nearby, link, transfers, seen, hello, join } = await inBothRooms()
    await join('bob', link, nearby)
    hello('bob', 'Bob')
    link.leave('bob')
    expect(seen.peers.get('bob')?.rooms).toEqual(['nearby'])
    expect(transfers.removed).toEqual([])
    expect(seen.gone).toEqual([])
    nearby.leave('bob')
    expect(transfers.removed).toEqual(['bob'])
    expect(seen.gone).toEqual(['bob'])
    expect(seen.peers.has('bob')).toBe(false)
    // A late leave from a room it already left changes nothing.
    link.leave('bob')
    expect(transfers.removed).toEqual(['bob'])
  })

  it('talks to a device over its connection, whichever rooms it is in', async () => {
    const { nearby, link, transfers, hello, join } = await inBothRooms()
    await join('bob', link, nearby)
    hello('bob', 'Bob')
    const [[, port] = []] = transfers.added
    const text: ControlMessage = { type: 'text', id: 'A'.repeat(22), text: 'hi' }
    port?.sendControl(text)
    link.leave('bob')
    port?.sendControl(text)
    expect(connectionOf('bob').sent.filter((m) => m.type === 'text')).toHaveLength(2)
    expect(port?.bulk).toBe(connectionOf('bob').lanes.bulk)
  })

  it('leaving the link room keeps nearby devices and drops link-only ones', async () => {
    const { ferry, nearby, link, transfers, seen, hello, join } = await inBothRooms()
    await join('bob', nearby, link)
    await join('carol', link)
    hello('bob', 'Bob')
    hello('carol', 'Carol')
    expect(seen.peers.get('carol')?.rooms).toEqual(['link'])
    await ferry.leaveRoom()
    expect(link.left).toBe(true)
    expect(nearby.left).toBe(false)
    expect(seen.peers.get('bob')?.rooms).toEqual(['nearby'])
    expect(seen.peers.has('carol')).toBe(false)
    expect(transfers.removed).toEqual(['carol'])
    // The old room's late callbacks are ignored.
    link.leave('bob')
    expect(seen.peers.get('bob')?.rooms).toEqual(['nearby'])
  })

  it("uses a link's relays for its room alone, and leaving takes the room out of the address", async () => {
    const { ferry, nearby, seen, roomWith, rooms, nearbySettled } = await inBothRooms()
    const linkB = { roomId: 'B'.repeat(22), secret: 'b'.repeat(22), relayUrls: ['wss://l.example'] }
    await ferry.joinLink(linkB)
    expect(roomWith(linkB.roomId).options.config.relayUrls).toEqual(['wss://l.example'])
    expect(roomWith(linkA.roomId).options.config.relayUrls).toEqual(stunConfig.relayUrls)
    // Trystero keeps the first room's relays for every room: nearby leaves rather than share them.
    expect(nearby.left).toBe(true)
    expect(seen.nearby.at(-1)).toEqual({ state: 'unavailable', reason: 'link-relays' })
    await ferry.retryNearby()
    expect(rooms.filter((room) => room.options.roomId === nearby.options.roomId)).toHaveLength(1)
    expect(seen.addresses.at(-1)).toBe(
      `https://ferry.test/?relays=wss%3A%2F%2Fl.example#room=${linkB.roomId}&key=${linkB.secret}`,
    )
    await ferry.leaveRoom()
    expect(seen.addresses.at(-1)).toBe('https://ferry.test/')
    // Back on the device's own relays, nearby comes back.
    await nearbySettled()
    const again = roomWith(nearby.options.roomId)
    expect(again).not.toBe(nearby)
    expect(again.options.config.relayUrls).toEqual(stunConfig.relayUrls)
  })

  it("joins a new link's room and nearby only once the room on the link's relays is gone", async () => {
    let release = () => undefined as void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let gated = false
    const world = await inBothRooms({ leaving: () => (gated ? gate : Promise.resolve()) })
    const { ferry, rooms, nearby, nearbySettled } = world
    const linkB = { roomId: 'B'.repeat(22), secret: 'b'.repeat(22), relayUrls: ['wss://l.example'] }
    await ferry.joinLink(linkB)
    expect(nearby.left).toBe(true)
    const onLinkRelays = world.roomWith(linkB.roomId)
    gated = true
    const count = rooms.length
    const shared = ferry.shareLink()
    await nearbySettled()
    await settle()
    // Still leaving: were another room joined now, Trystero would put it on the link's relays.
    expect(onLinkRelays.left).toBe(false)
    expect(rooms).toHaveLength(count)
    release()
    await settle()
    expect(onLinkRelays.left).toBe(true)
    const joined = rooms.slice(count)
    expect(joined.map((room) => room.options.roomId).sort()).toEqual(
      [shared.roomId, nearby.options.roomId].sort(),
    )
    for (const room of joined) expect(room.options.config.relayUrls).toEqual(stunConfig.relayUrls)
  })

  it('tells a room made here from one opened from a link (its QR code is shown at once)', async () => {
    const { ferry, seen } = setUp()
    await ferry.start(linkA)
    const made = ferry.shareLink()
    expect(made.createdHere).toBe(true)
    await ferry.joinLink({ roomId: 'C'.repeat(22), secret: 'c'.repeat(22) })
    expect(seen.createdHere).toEqual([false, true, false])
  })

  it('greets each device once, and again once per device on a rename', async () => {
    const { ferry, nearby, link, hello, join } = await inBothRooms()
    await join('bob', nearby, link)
    hello('bob', 'Bob')
    await settle()
    const hellos = () => connectionOf('bob').sent.filter((message) => message.type === 'hello')
    expect(hellos()).toHaveLength(1)
    await ferry.rename('Swift Otter')
    await settle()
    expect(hellos()).toHaveLength(2)
    expect(hellos()[1]).toMatchObject({ type: 'hello', name: 'Swift Otter' })
  })
})

describe('link membership rests on a proof, not on Trystero', () => {
  it('does not list a peer Trystero places in the link room until it proves the secret', async () => {
    const { link, transfers, seen, hello, join, runTimers } = await inBothRooms()
    const stranger = connectionWith('mallory', { roomId: linkA.roomId, secret: 'guessed' })
    connections.set('mallory', stranger)
    await join('mallory', link)
    hello('mallory', 'Mallory')
    expect(seen.peers.has('mallory')).toBe(false)
    expect(transfers.added).toEqual([])
    // What it sends is not taken from anyone.
    stranger.deliver({ type: 'text', id: 'A'.repeat(22), text: 'hi' })
    expect(transfers.controls).toEqual([])
    // Still outside every room when its time is up: disconnected.
    runTimers()
    expect(link.disconnected).toContain('mallory')
  })

  it('lists a stranger met nearby under nearby only, whatever link room it claims', async () => {
    const { nearby, link, seen, hello, join } = await inBothRooms()
    connections.set('eve', connectionWith('eve', null))
    await join('eve', nearby, link)
    hello('eve', 'Eve')
    expect(seen.peers.get('eve')?.rooms).toEqual(['nearby'])
  })

  it('takes a nearby peer into a link room joined later, once it proves it', async () => {
    const world = setUp({ addresses: [nearbyAddress] })
    await world.ferry.start(null)
    await world.nearbySettled()
    const { roomId } = await nearbyRoom(appId, nearbyAddress)
    const nearby = world.roomWith(roomId)
    await world.join('bob', nearby)
    world.hello('bob', 'Bob')
    await world.ferry.joinLink(linkA)
    await world.join('bob', world.roomWith(linkA.roomId))
    expect(world.seen.peers.get('bob')?.rooms).toEqual(['nearby', 'link'])
  })

  it('blocks a peer whose control lane breaks its cap', async () => {
    const { nearby, seen, join } = await inBothRooms()
    await join('bob', nearby)
    connectionOf('bob').lanes.control.onViolation?.('oversized-message: 134217728 > 8388608 bytes')
    await settle()
    expect(seen.peers.get('bob')?.blocked).toBe(true)
    expect(seen.notices.map((notice) => notice.code)).toContain('peer-blocked')
    expect(nearby.disconnected).toContain('bob')
  })
})

describe('interrupted transfers', () => {
  const interrupted = (id: string, peerId: string): TransferSnapshot => ({
    ...offerSnapshot(id, peerId),
    state: 'interrupted',
    interruption: 'peer-gone',
  })

  it('announces in every room while a transfer waits for its device', async () => {
    const world = await inBothRooms()
    const link = world.roomWith(linkA.roomId)
    await world.meet(link, 'p1', 'Amber Otter')
    link.leave('p1')
    world.transfers.emit({ type: 'transfer', transfer: interrupted('t1', 'p1') })
    world.transfers.emit({ type: 'transfer', transfer: interrupted('t2', 'p1') })
    world.runTimers()
    // One schedule for both transfers (announcer.test.ts has its timing).
    expect(link.announced).toBe(1)
    expect(world.nearby.announced).toBe(1)
    world.runTimers()
    expect(link.announced).toBe(2)
  })

  it('stops announcing once the device is back', async () => {
    const world = await inBothRooms()
    const link = world.roomWith(linkA.roomId)
    await world.meet(link, 'p1', 'Amber Otter')
    link.leave('p1')
    world.transfers.emit({ type: 'transfer', transfer: interrupted('t1', 'p1') })
    world.transfers.emit({
      type: 'transfer',
      transfer: { ...offerSnapshot('t1', 'p1'), state: 'transferring' },
    })
    world.runTimers()
    expect(link.announced).toBe(0)
  })

  it('does not announce for a transfer paused by a full disk', async () => {
    const world = await inBothRooms()
    const link = world.roomWith(linkA.roomId)
    await world.meet(link, 'p1', 'Amber Otter')
    world.transfers.emit({
      type: 'transfer',
      transfer: { ...interrupted('t1', 'p1'), interruption: 'storage-full' },
    })
    world.runTimers()
    expect(link.announced).toBe(0)
  })
})

describe('connections that fail midway', () => {
  it('announces once soon so that the device is tried again, without telling the person', async () => {
    const world = await inBothRooms()
    const link = world.roomWith(linkA.roomId)
    link.events.onJoinFailed('p1', 'handshake timed out after 10000ms')
    link.events.onJoinFailed('p2', 'handshake timed out after 10000ms')
    world.runTimers()
    expect(link.announced).toBe(1)
    expect(world.nearby.announced).toBe(1)
    expect(world.seen.notices).toEqual([])
  })
})

describe('unreachable peers', () => {
  it('tells once per peer that a TURN server is needed, and never for a peer that connected', async () => {
    const { nearby, link, seen, meet } = await inBothRooms()
    nearby.events.onPeerUnreachable('p1')
    link.events.onPeerUnreachable('p1')
    await meet(link, 'p2', 'Swift Fox')
    link.events.onPeerUnreachable('p2')
    expect(seen.notices).toEqual([{ code: 'peer-unreachable', turnConfigured: false }])
  })

  it('says whether a TURN server was configured', async () => {
    const config = {
      ...stunConfig,
      iceServers: [{ urls: 'turn:t.example:3478', username: 'u', credential: 'c' }],
    }
    const { ferry, roomWith, seen } = setUp({ config })
    await ferry.start(linkA)
    roomWith(linkA.roomId).events.onPeerUnreachable('p1')
    expect(seen.notices).toEqual([{ code: 'peer-unreachable', turnConfigured: true }])
  })
})

describe('hostile peers', () => {
  /** The transfer manager reports refusals of a peer's messages, as it does for bad input. */
  const refuse = (transfers: FakeManager, peerId: string, times: number) => {
    for (let i = 0; i < times; i++) {
      transfers.emit({ type: 'protocol-error', peerId, code: 'invalid-field', detail: `#${i}` })
    }
  }

  it('tells the person about the first refusal only, then blocks at the bound', async () => {
    const { link, nearby, transfers, seen, meet } = await inBothRooms()
    await meet(link, 'mallory', 'Mallory')
    nearby.join('mallory')
    await meet(link, 'bob', 'Bob')
    transfers.controls.length = 0
    refuse(transfers, 'mallory', maxRefusalsPerPeer - 1)
    expect(seen.notices.map((notice) => notice.code)).toEqual(['peer-protocol-error'])
    expect(seen.peers.get('mallory')?.blocked).toBe(false)
    refuse(transfers, 'mallory', 1)
    await settle()
    expect(seen.peers.get('mallory')).toMatchObject({ name: 'Mallory', blocked: true })
    expect(seen.notices.at(-1)).toEqual({
      code: 'peer-blocked',
      peerId: 'mallory',
      peerName: 'Mallory',
    })
    // Its transfers end, its connection closes (in every room), and it stays listed as blocked.
    expect(transfers.removed).toEqual(['mallory'])
    expect(link.disconnected).toContain('mallory')
    expect(nearby.disconnected).toContain('mallory')
    link.leave('mallory')
    nearby.leave('mallory')
    expect(seen.gone).toEqual([])
    // Nothing more from it reaches the transfer manager; Bob is untouched.
    connectionOf('mallory').deliver({ type: 'text', id: 'x', text: 'hi' })
    connectionOf('bob').deliver({ type: 'text', id: 'y', text: 'hi' })
    expect(transfers.controls.map(([peerId]) => peerId)).toEqual(['bob'])
    expect(seen.peers.get('bob')?.blocked).toBe(false)
    refuse(transfers, 'mallory', 10)
    expect(seen.notices.filter((notice) => notice.code === 'peer-blocked')).toHaveLength(1)
  })

  it('refuses a blocked peer that connects again, under its id or its certificate', async () => {
    const { link, transfers, seen, meet } = await inBothRooms()
    await meet(link, 'mallory', 'Mallory')
    refuse(transfers, 'mallory', maxRefusalsPerPeer)
    await settle()
    link.disconnected.length = 0
    link.join('mallory')
    // Same certificate, new peer id (a reload keeping its stored certificate).
    link.join('mallory-again', connectionOf('mallory'))
    expect(link.disconnected).toEqual(['mallory', 'mallory-again'])
    expect(transfers.added.map(([peerId]) => peerId)).toEqual(['mallory'])
    expect(seen.peers.has('mallory-again')).toBe(false)
  })

  it('remembers a peer that leaves and comes back, by its certificate', async () => {
    const { link, transfers, seen, meet } = await inBothRooms()
    await meet(link, 'mallory', 'Mallory')
    refuse(transfers, 'mallory', maxRefusalsPerPeer - 2)
    // Its bucket of messages that start something is spent (the clock stands still here).
    const offer = { type: 'offer', transfer: 'x', files: [] }
    for (let i = 0; i < peerUnsolicitedBurst; i++) connectionOf('mallory').deliver(offer)
    link.leave('mallory')
    await until(() => seen.gone.includes('mallory'), 'mallory gone')
    // A new connection, the same certificate.
    connections.set('mallory', connectionWith('mallory', linkA))
    transfers.added.length = 0
    await meet(link, 'mallory', 'Mallory')
    transfers.controls.length = 0
    // The bucket is as empty as it was left: the offer is dropped, a refusal, not yet the last.
    connectionOf('mallory').deliver(offer)
    await settle()
    expect(transfers.controls).toEqual([])
    expect(seen.peers.get('mallory')?.blocked).toBe(false)
    refuse(transfers, 'mallory', 1)
    await settle()
    expect(seen.peers.get('mallory')?.blocked).toBe(true)
  })

  it('counts offers withdrawn before an answer as refusals, quietly', async () => {
    const { link, transfers, seen, meet } = await inBothRooms()
    await meet(link, 'mallory', 'Mallory')
    const withdrawn = (id: string): TransferEvent => ({
      type: 'transfer',
      transfer: {
        id,
        peerId: 'mallory',
        direction: 'receive',
        state: 'cancelled',
        files: [],
        totalBytes: 0,
        bytesDone: 0,
        endedBy: 'remote',
        errorCode: 'cancelled',
        withdrawn: true,
        startedAtMs: 0,
        updatedAtMs: 0,
      },
    })
    for (let i = 0; i < maxRefusalsPerPeer - 1; i++) transfers.emit(withdrawn(`t${i}`))
    await settle()
    expect(seen.notices).toEqual([])
    expect(seen.peers.get('mallory')?.blocked).toBe(false)
    transfers.emit(withdrawn('last'))
    await settle()
    expect(seen.peers.get('mallory')?.blocked).toBe(true)
  })

  it('drops messages over the rate unread, and counts them as refusals', async () => {
    const { link, transfers, seen, meet } = await inBothRooms()
    await meet(link, 'mallory', 'Mallory')
    transfers.controls.length = 0
    const offer = { type: 'offer', transfer: 'x', files: [] }
    for (let i = 0; i < peerUnsolicitedBurst + maxRefusalsPerPeer; i++) {
      connectionOf('mallory').deliver(offer)
    }
    await settle()
    // The clock stands still in these tests: the bucket never refills.
    expect(transfers.controls).toHaveLength(peerUnsolicitedBurst)
    expect(seen.peers.get('mallory')?.blocked).toBe(true)
  })
})

describe('verification and trust', () => {
  it("shows each peer's certificate and the connection's code", async () => {
    const { nearby, seen, meet } = await inBothRooms()
    await meet(nearby, 'bob', 'Bob')
    const bob = seen.peers.get('bob')
    expect(bob?.fingerprint).toBe(fingerprintOf('bob'))
    // The far side computed the same code from the same commitments and nonces.
    expect(bob?.verification).toEqual(connectionOf('bob').code)
    expect(bob?.verification?.words).toHaveLength(4)
    expect(bob?.trusted).toBe(false)
  })

  it('passes this device’s certificate to every room', async () => {
    const { nearby, link, certificate } = await inBothRooms()
    expect(nearby.options.certificate).toBe(certificate)
    expect(link.options.certificate).toBe(certificate)
  })

  it('trusts a certificate, remembers it, and forgets it', async () => {
    const trustDeps = memoryTrustDeps()
    const { ferry, nearby, seen, meet, trustStore } = await inBothRooms({ trustDeps })
    await meet(nearby, 'bob', 'Bob')
    await ferry.trust('bob')
    expect(seen.peers.get('bob')?.trusted).toBe(true)
    expect(await trustStore.isTrusted(fingerprintOf('bob'))).toBe(true)
    const code = connectionOf('bob').code?.words.join(' ')
    expect(seen.trust.at(-1)?.devices).toEqual([
      { fingerprint: fingerprintOf('bob'), name: 'Bob', code, trustedAtMs: 1 },
    ])
    // Another visit of this device knows it still.
    const later = await inBothRooms({ trustDeps })
    await later.join('bob', later.nearby)
    later.hello('bob', 'Bob')
    expect(later.seen.peers.get('bob')?.trusted).toBe(true)

    await ferry.forget(fingerprintOf('bob'))
    expect(seen.peers.get('bob')?.trusted).toBe(false)
    expect(seen.trust.at(-1)?.devices).toEqual([])
  })

  it('trusts the certificate, not the name or the peer id', async () => {
    const { ferry, nearby, seen, hello, join } = await inBothRooms()
    await join('bob', nearby)
    hello('bob', 'Bob')
    await ferry.trust('bob')
    // Someone else, calling itself Bob, with its own certificate.
    await join('mallory', nearby)
    hello('mallory', 'Bob')
    expect(seen.peers.get('mallory')?.trusted).toBe(false)
  })

  it('neither lists nor trusts a peer whose connection names no certificate', async () => {
    const { ferry, nearby, hello, seen } = await inBothRooms()
    nearby.join('ghost', connectionWith('ghost', null, { local: 'v=0', remote: 'v=0' }))
    await flush()
    hello('ghost', 'Ghost')
    expect(seen.peers.has('ghost')).toBe(false)
    expect(nearby.disconnected).toContain('ghost')
    await expect(ferry.trust('ghost')).rejects.toBeInstanceOf(FerryError)
    await expect(ferry.trust('nobody')).rejects.toMatchObject({ code: 'no-certificate' })
  })
})

describe('auto-accept', () => {
  const offerFrom = async (options: { trusted: boolean; autoAccept: boolean }) => {
    const trustDeps = memoryTrustDeps()
    const world = await inBothRooms({ trustDeps })
    await world.meet(world.nearby, 'bob', 'Bob')
    if (options.trusted) await world.ferry.trust('bob')
    await world.ferry.setAutoAccept(options.autoAccept)
    world.transfers.emit({ type: 'transfer', transfer: offerSnapshot('t1', 'bob') })
    await settle()
    return world
  }

  it('accepts an offer from a trusted certificate when it is on, without showing it', async () => {
    const { transfers, seen } = await offerFrom({ trusted: true, autoAccept: true })
    expect(transfers.accepted).toEqual(['t1'])
    expect(seen.transfers.map((t) => t.state)).toEqual(['transferring'])
  })

  it('asks when it is off', async () => {
    const { transfers, seen } = await offerFrom({ trusted: true, autoAccept: false })
    expect(transfers.accepted).toEqual([])
    expect(seen.transfers.map((t) => t.state)).toEqual(['offered'])
  })

  it('asks an untrusted device even when it is on', async () => {
    const { transfers, seen } = await offerFrom({ trusted: false, autoAccept: true })
    expect(transfers.accepted).toEqual([])
    expect(seen.transfers.map((t) => t.state)).toEqual(['offered'])
  })

  it('is off until turned on', async () => {
    const { seen } = await inBothRooms()
    expect(seen.trust.at(-1)).toEqual({ devices: [], autoAccept: false, persistent: true })
  })

  it('asks when storage no longer trusts the device (forgotten in another tab)', async () => {
    const trustDeps = memoryTrustDeps()
    const world = await inBothRooms({ trustDeps })
    await world.meet(world.nearby, 'bob', 'Bob')
    await world.ferry.trust('bob')
    await world.ferry.setAutoAccept(true)
    // Another tab forgets Bob; this tab's mirror still trusts him.
    await createTrustStore(trustDeps).forget(fingerprintOf('bob'))
    world.transfers.emit({ type: 'transfer', transfer: offerSnapshot('t1', 'bob') })
    await settle()
    expect(world.transfers.accepted).toEqual([])
    expect(world.seen.transfers.map((t) => t.state)).toEqual(['offered'])
  })

  it('shows what became of an offer that ended while storage was asked', async () => {
    const world = await inBothRooms()
    await world.meet(world.nearby, 'bob', 'Bob')
    await world.ferry.trust('bob')
    await world.ferry.setAutoAccept(true)
    world.transfers.emit({ type: 'transfer', transfer: offerSnapshot('t1', 'bob') })
    world.transfers.emit({
      type: 'transfer',
      transfer: { ...offerSnapshot('t1', 'bob'), state: 'cancelled', endedBy: 'remote' },
    })
    await settle()
    expect(world.transfers.accepted).toEqual([])
    expect(world.seen.transfers.map((t) => t.state)).toEqual(['cancelled'])
  })
})

describe('nearby', () => {
  it('joins the room of the address STUN reports, with its password', async () => {
    const { nearby, seen } = await inBothRooms()
    const expected = await nearbyRoom(appId, nearbyAddress)
    expect(nearby.options.roomId).toBe(expected.roomId)
    expect(nearby.options.password).toBe(expected.password)
    expect(seen.nearby).toEqual([{ state: 'checking' }, { state: 'active' }])
  })

  it('says it is unavailable without a STUN server, and never asks', async () => {
    const world = setUp({ config: noStunConfig })
    await world.ferry.start(null)
    await settle()
    expect(world.seen.nearby).toEqual([{ state: 'unavailable', reason: 'no-stun-server' }])
    expect(world.lookups()).toBe(0)
    expect(world.rooms).toEqual([])
  })

  it('says it is unavailable when STUN does not answer, and tries again on request', async () => {
    const world = setUp({ addresses: [null, nearbyAddress] })
    await world.ferry.start(null)
    await world.nearbySettled()
    expect(world.seen.nearby.at(-1)).toEqual({ state: 'unavailable', reason: 'no-answer' })
    expect(world.rooms).toEqual([])
    await world.ferry.retryNearby()
    expect(world.seen.nearby.at(-1)).toEqual({ state: 'active' })
    expect(world.rooms).toHaveLength(1)
  })

  it('stays in its room when the address is the same, and moves when it changed', async () => {
    const world = setUp({ addresses: [nearbyAddress, nearbyAddress, '198.51.100.9', null] })
    await world.ferry.start(null)
    await world.nearbySettled()
    world.rooms[0]?.join('bob')
    await flush()
    world.hello('bob', 'Bob')
    await world.ferry.retryNearby()
    expect(world.rooms).toHaveLength(1)
    expect(world.seen.peers.has('bob')).toBe(true)

    await world.ferry.retryNearby()
    expect(world.rooms).toHaveLength(2)
    expect(world.rooms[0]?.left).toBe(true)
    expect(world.seen.gone).toEqual(['bob'])
    expect(world.rooms[1]?.options.roomId).toBe((await nearbyRoom(appId, '198.51.100.9')).roomId)

    // No answer at all: the old room may not be this network's any more.
    await world.ferry.retryNearby()
    expect(world.rooms[1]?.left).toBe(true)
    expect(world.seen.nearby.at(-1)).toEqual({ state: 'unavailable', reason: 'no-answer' })
  })

  it('looks once however often it is asked at the same time', async () => {
    const world = setUp({ addresses: [nearbyAddress] })
    await world.ferry.start(null)
    await world.nearbySettled()
    const before = world.lookups()
    await Promise.all([world.ferry.retryNearby(), world.ferry.retryNearby()])
    expect(world.lookups()).toBe(before + 1)
    expect(world.rooms).toHaveLength(1)
  })

  it('parks the nearby room of a hidden page only while nobody is connected through it', async () => {
    const world = await inBothRooms()
    world.nearby.join('bob')
    world.hello('bob', 'Bob')
    expect(await world.ferry.parkNearby()).toBe(false)
    expect(world.nearby.left).toBe(false)
    world.nearby.leave('bob')
    expect(await world.ferry.parkNearby()).toBe(true)
    expect(world.nearby.left).toBe(true)
    // The link room stays; a second park has nothing to leave; shown again, it comes back.
    expect(world.link.left).toBe(false)
    expect(await world.ferry.parkNearby()).toBe(false)
    await world.ferry.retryNearby()
    expect(world.rooms.filter((room) => !room.left)).toHaveLength(2)
    expect(world.seen.nearby.at(-1)).toEqual({ state: 'active' })
  })

  it('leaves every room when the page goes away, and comes back on request', async () => {
    const world = await inBothRooms()
    world.nearby.join('bob')
    world.hello('bob', 'Bob')
    await world.ferry.leaveAll()
    expect(world.nearby.left).toBe(true)
    expect(world.link.left).toBe(true)
    expect(world.seen.peers.size).toBe(0)
    await world.ferry.retryNearby()
    expect(world.rooms.filter((room) => !room.left)).toHaveLength(1)
  })
})
