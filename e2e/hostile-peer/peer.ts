/**
 * A scripted hostile peer for the @hostile and @trust e2e tests: a page that uses Trystero directly
 * (bundled by the test with esbuild, unpatched, not part of the app), joins the app's rooms, runs
 * Ferry's session handshake on the same negotiated control lane (id 65) and uses the same bulk
 * channel (id 64) as the app (src/lib/signalling/control-channel.ts, bulk-channel.ts), and sends
 * what an honest Ferry never would. The test drives it through `window.hostile`.
 */
import './self-id.ts'
import { libName, sha1, toJson } from '@trystero-p2p/core'
import { createEvent, getRelaySockets, joinRoom, type Room } from 'trystero'
import { encodeFrame } from '../../src/lib/protocol/frame.ts'
import { newTransferId } from '../../src/lib/protocol/ids.ts'
import { createMessageReader, lengthPrefixBytes } from '../../src/lib/protocol/message-frames.ts'
import { commitTo, newNonce, sessionCode } from '../../src/lib/session/commitment.ts'
import {
  createHandshake,
  isSessionMessage,
  sessionVersion,
  type LinkSecret,
} from '../../src/lib/session/handshake.ts'
import { certificateFingerprint } from '../../src/lib/signalling/verification.ts'

/** What the app answered, as it arrived. */
interface Received {
  atMs: number
  from: string
  message: unknown
}

/** One hostile case: what is sent, and what code or answer we expect the app to refuse it with. */
export interface HostileCase {
  name: string
  /** A control message (an object, or a string sent as JSON text), or bulk frame bytes. */
  send: { control: unknown } | { frame: Uint8Array }
  expect: string
}

export interface CaseResult {
  name: string
  expected: string
  /** The app's answers that arrived after the case was sent and before the next one. */
  answers: string[]
}

const received: Received[] = []
const rooms: Room[] = []
const peerNames = new Map<string, string>()
const bulkChannels = new Map<string, RTCDataChannel>()
const controlChannels = new Map<string, RTCDataChannel>()
/** The connection each peer's lanes are on: Trystero may replace it with a new one. */
const laneConnections = new Map<string, RTCPeerConnection>()
const codes = new Map<string, string>()
const handshakes = new Map<string, ReturnType<typeof createHandshake>>()
/** Per connection: both fingerprints, and the nonce the peer revealed (for steerCode). */
const sessions = new Map<string, { local: string; remote: string; theirNonce: string | null }>()
/** The link it proves to peers (the real one in @hostile, a guess in @trust). */
let proveLink: LinkSecret | null = null
/** The certificate every connection presents, once fixedCertificate() made one (else one each). */
let certificate: RTCCertificate | null = null
/** Control messages at most this big; bigger than the app's cap, so the app's cap is what is tested. */
const ownCapBytes = 256 * 1024 * 1024

const connectionTo = (peerId: string): RTCPeerConnection | undefined => {
  for (const room of rooms) {
    const connection = room.getPeers()[peerId]
    if (connection) return connection
  }
  return undefined
}

/** Frames a message as the app's control lane reads it: 4-byte length, then JSON. */
const frameOf = (message: unknown): Uint8Array<ArrayBuffer> => {
  const body = new TextEncoder().encode(JSON.stringify(message))
  const frame = new Uint8Array(lengthPrefixBytes + body.byteLength)
  new DataView(frame.buffer).setUint32(0, body.byteLength)
  frame.set(body, lengthPrefixBytes)
  return frame
}

const sendControl = (peerId: string, message: unknown) => {
  const channel = controlChannels.get(peerId)
  if (channel?.readyState !== 'open') return
  // In pieces: SCTP refuses one send over its max-message-size (256 KiB in Chromium).
  const frame = frameOf(message)
  for (let at = 0; at < frame.byteLength; at += 64 * 1024) {
    channel.send(frame.subarray(at, at + 64 * 1024))
  }
}

/** Ferry's lanes on a new connection, and the session handshake, played honestly. */
const setUpPeer = (room: Room, peerId: string) => {
  const connection = room.getPeers()[peerId]
  // Once per connection: a new one under a known id (both sides dialled) gets lanes of its own.
  if (!connection || laneConnections.get(peerId) === connection) return
  laneConnections.set(peerId, connection)
  handshakes.get(peerId)?.stop()
  const bulk = connection.createDataChannel('ferry-bulk', { negotiated: true, id: 64 })
  bulk.binaryType = 'arraybuffer'
  bulkChannels.set(peerId, bulk)
  const control = connection.createDataChannel('ferry-control', { negotiated: true, id: 65 })
  control.binaryType = 'arraybuffer'
  controlChannels.set(peerId, control)
  const local = certificateFingerprint(connection.currentLocalDescription?.sdp ?? '')
  const remote = certificateFingerprint(connection.currentRemoteDescription?.sdp ?? '')
  if (!local || !remote) return
  const handshake = createHandshake({
    localFingerprint: local,
    remoteFingerprint: remote,
    send: (message) => {
      if (control.readyState === 'open') control.send(frameOf(message))
      else control.addEventListener('open', () => control.send(frameOf(message)), { once: true })
    },
    link: () => proveLink,
    onVerified: (code) => codes.set(peerId, code.words.join(' ')),
    onLinkProof: () => undefined,
    onViolation: () => undefined,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as number),
  })
  handshakes.set(peerId, handshake)
  const session = { local, remote, theirNonce: null as string | null }
  sessions.set(peerId, session)
  const reader = createMessageReader(ownCapBytes)
  control.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
    for (const message of reader.push(new Uint8Array(event.data))) {
      if (isSessionMessage(message)) {
        const record = message as Record<string, unknown>
        if (record['type'] === 'session-reveal' && typeof record['nonce'] === 'string') {
          session.theirNonce ??= record['nonce']
        }
        void handshake.handle(message)
        continue
      }
      received.push({ atMs: performance.now(), from: peerId, message })
      const record = message as Record<string, unknown> | null
      if (record?.['type'] === 'hello' && typeof record['name'] === 'string') {
        peerNames.set(peerId, record['name'])
      }
    }
  })
  handshake.start()
}

const describeAnswer = (message: unknown): string => {
  if (typeof message !== 'object' || message === null) return JSON.stringify(message)
  const record = message as Record<string, unknown>
  switch (record['type']) {
    case 'error':
      return `error ${String(record['code'])}${record['transfer'] === undefined ? '' : ' (transfer failed)'}`
    case 'decline':
      return `decline ${String(record['reason'])}`
    default:
      return String(record['type'])
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const fileOf = (name: string, size: unknown = 1) => ({ index: 0, name, size, type: '' })
const offerOf = (files: unknown, transfer = newTransferId()) => ({ type: 'offer', transfer, files })

/** Every hostile control message and frame, in the order they are sent. */
const hostileCases = (): HostileCase[] => {
  const control = (name: string, message: unknown, expect: string): HostileCase => ({
    name,
    send: { control: message },
    expect,
  })
  const unsafe = (label: string, name: string, expect = 'decline invalid'): HostileCase =>
    control(`unsafe name: ${label}`, offerOf([fileOf(name)]), expect)
  const unsafePath = (label: string, path: string, name: string): HostileCase =>
    control(`unsafe path: ${label}`, offerOf([{ ...fileOf(name), path }]), 'decline invalid')
  return [
    control('malformed JSON (text)', '{"type":"offer","transfer":', 'error malformed-json'),
    control('JSON that is not an object', '[1,2,3]', 'error not-an-object'),
    control('unknown message type', { type: 'give-me-your-files' }, 'error unknown-type'),
    control('no type at all', { transfer: newTransferId() }, 'error unknown-type'),
    control(
      'hello of another version',
      { type: 'hello', version: 99, name: 'x' },
      'error unsupported-version',
    ),
    control(
      'wrong field type: hello.name a number',
      { type: 'hello', version: 1, name: 42, device: 'phone' },
      'error invalid-field',
    ),
    control('wrong field type: offer.files a string', offerOf('all of them'), 'decline invalid'),
    control(
      'wrong field type: ack.offset a string',
      { type: 'ack', transfer: newTransferId(), file: 0, offset: '0' },
      'error invalid-field',
    ),
    control(
      'wrong field type: transfer id not an id',
      { type: 'accept', transfer: '../../../' },
      'error invalid-field',
    ),
    control('1 MB file name', offerOf([fileOf('n'.repeat(1024 * 1024))]), 'decline too-large'),
    control('offer of a million files', offerOf(new Array(1_000_000).fill(0)), 'decline too-large'),
    control('negative size', offerOf([fileOf('neg.bin', -1)]), 'decline invalid'),
    control(
      'NaN size (JSON sends null)',
      offerOf([fileOf('nan.bin', Number.NaN)]),
      'decline invalid',
    ),
    control(
      'NaN size (as JSON text)',
      `{"type":"offer","transfer":"${newTransferId()}","files":[{"index":0,"name":"nan.bin","size":NaN,"type":""}]}`,
      'error malformed-json',
    ),
    control('size 2^60', offerOf([fileOf('huge.bin', 2 ** 60)]), 'decline invalid'),
    control('size 2^50 + 1', offerOf([fileOf('huge.bin', 2 ** 50 + 1)]), 'decline too-large'),
    control(
      'sizes adding up past 2^50',
      offerOf([{ ...fileOf('a', 2 ** 49 + 1) }, { ...fileOf('b', 2 ** 49), index: 1 }]),
      'decline invalid',
    ),
    unsafe('../ traversal', '../../etc/passwd'),
    unsafe('absolute path', '/etc/passwd'),
    unsafe('drive letter', 'C:\\Windows\\win.ini'),
    unsafe('UNC path', '\\\\server\\share\\x.txt'),
    unsafe('NUL byte', 'a\u0000b.txt'),
    unsafe('control character', 'bell\u0007.txt'),
    // Bidi and invisible characters are dropped as names enter, not refused: @hardening covers them.
    unsafe('device name CON', 'CON'),
    unsafe('device name nul.txt', 'nul.txt'),
    unsafe('device name COM1.log', 'COM1.log'),
    unsafe('device name LPT9', 'LPT9'),
    unsafe('trailing dot', 'trailing.'),
    unsafe('trailing space', 'trailing '),
    unsafe('name of 300 chars', 'x'.repeat(300), 'decline too-large'),
    unsafe('name of 100 CJK chars (300 UTF-8 bytes)', '日'.repeat(100), 'decline too-large'),
    unsafePath('.. in a folder path', 'ok/../../escape.txt', 'escape.txt'),
    unsafePath('absolute folder path', '/tmp/abs.txt', 'abs.txt'),
    control(
      'ack for an unknown transfer',
      { type: 'ack', transfer: newTransferId(), file: 0, offset: 5 },
      'error unknown-transfer',
    ),
    {
      name: 'bulk frame for an unknown transfer',
      send: {
        frame: encodeFrame({
          transferId: newTransferId(),
          file: 0,
          offset: 0,
          payload: new Uint8Array(100),
        }),
      },
      expect: 'error unknown-transfer',
    },
    {
      name: 'bulk frame of 5 garbage bytes',
      send: { frame: new Uint8Array([1, 2, 3, 4, 5]) },
      expect: 'error truncated-frame',
    },
    {
      name: 'bulk frame declaring a 1 GB payload',
      send: {
        frame: (() => {
          const frame = encodeFrame({
            transferId: newTransferId(),
            file: 0,
            offset: 0,
            payload: new Uint8Array(0),
          })
          new DataView(frame.buffer).setUint32(30, 2 ** 30)
          return frame
        })(),
      },
      expect: 'error oversized-frame',
    },
  ]
}

const waitForAnswer = async (sinceIndex: number, minMs: number, maxMs: number): Promise<void> => {
  const startMs = performance.now()
  while (performance.now() - startMs < maxMs) {
    if (received.length > sinceIndex && performance.now() - startMs >= minMs) return
    await sleep(20)
  }
}

const api = {
  /**
   * Joins a room. `prove` is the link it proves on every connection (the room's own secret when it
   * has it; a guess when it has not); the last one given counts.
   */
  join(
    appId: string,
    relayUrls: string[],
    roomId: string,
    password: string,
    prove: LinkSecret | null = { roomId, secret: password },
  ): void {
    if (prove) {
      proveLink = prove
      for (const handshake of handshakes.values()) void handshake.linkChanged()
    }
    const room = joinRoom(
      {
        appId,
        password,
        relayConfig: { urls: relayUrls },
        rtcConfig: { iceServers: [], ...(certificate ? { certificates: [certificate] } : {}) },
      },
      roomId,
      { onJoinError: () => undefined },
    )
    rooms.push(room)
    room.onPeerJoin = (peerId) => setUpPeer(room, peerId)
  },

  /**
   * From now on every connection presents one certificate, kept in this origin's IndexedDB as a
   * device keeps its own: a page opened later (a reload, a new peer id) presents the same one.
   */
  async fixedCertificate(): Promise<void> {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('hostile-peer', 1)
      open.onupgradeneeded = () => open.result.createObjectStore('keys')
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error ?? new Error('indexedDB'))
    })
    const request = <T>(make: (store: IDBObjectStore) => IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        const made = make(db.transaction('keys', 'readwrite').objectStore('keys'))
        made.onsuccess = () => resolve(made.result)
        made.onerror = () => reject(made.error ?? new Error('indexedDB'))
      })
    const stored = await request((store) => store.get('certificate') as IDBRequest<unknown>)
    if (stored instanceof RTCCertificate) {
      certificate = stored
    } else {
      const algorithm: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }
      const made = await RTCPeerConnection.generateCertificate(algorithm)
      await request((store) => store.put(made, 'certificate'))
      certificate = made
    }
    db.close()
  },

  /**
   * Offers a file and withdraws the offer at once, `rounds` times, `gapMs` apart (below the app's
   * rate for offers, so that only the withdrawals count). Stops when the connection closes; returns
   * how many rounds went out while it was open.
   */
  async offerAndCancel(peerId: string, rounds: number, gapMs: number): Promise<number> {
    let sent = 0
    for (let round = 0; round < rounds; round++) {
      if (controlChannels.get(peerId)?.readyState !== 'open') break
      const transfer = newTransferId()
      sendControl(peerId, offerOf([fileOf(`churn-${round}.bin`, 1000)], transfer))
      sendControl(peerId, { type: 'cancel', transfer })
      sent++
      await sleep(gapMs)
    }
    return sent
  },

  /** The peer id of the device that said hello with this name, once its channels are open. */
  async peerNamed(name: string): Promise<string> {
    for (;;) {
      for (const [peerId, peerName] of peerNames) {
        if (peerName === name && bulkChannels.get(peerId)?.readyState === 'open') return peerId
      }
      await sleep(50)
    }
  },

  /**
   * A man in the middle's try at making a device's code equal `target` (the code it shows the other
   * device), once it knows this device's nonce: for `searchMs` it draws nonces of its own and keeps
   * the one whose code shares the most symbols with `target`, then commits to it afresh and reveals
   * it. Returns how many of the four symbols that nonce would have matched.
   */
  async steerCode(peerId: string, target: string, searchMs: number): Promise<number> {
    const session = sessions.get(peerId)
    if (!session?.theirNonce) throw new Error('no revealed nonce from this peer yet')
    const wanted = target.split(' ')
    let best = { nonce: newNonce(), matched: -1 }
    for (const startMs = performance.now(); performance.now() - startMs < searchMs;) {
      const nonce = newNonce()
      const { words } = await sessionCode(
        { fingerprint: session.local, nonce },
        { fingerprint: session.remote, nonce: session.theirNonce },
      )
      const matched = words.filter((word, index) => word === wanted[index]).length
      if (matched > best.matched) best = { nonce, matched }
      if (matched === wanted.length) break
    }
    sendControl(peerId, {
      type: 'session-commit',
      version: sessionVersion,
      fingerprint: session.local,
      commitment: await commitTo(best.nonce, session.local),
    })
    sendControl(peerId, { type: 'session-reveal', nonce: best.nonce })
    return best.matched
  },

  /** The verification code this side computed with a peer. */
  code(peerId: string): string | null {
    return codes.get(peerId) ?? null
  },

  async send(peerId: string, message: unknown): Promise<void> {
    sendControl(peerId, message)
    // As the app's lane does: wait while the channel's buffer is full.
    const channel = controlChannels.get(peerId)
    while (channel && channel.readyState === 'open' && channel.bufferedAmount > 4 * 1024 * 1024) {
      await sleep(5)
    }
  },

  /** Raw bytes on the control lane, framing and all: for messages that lie about their length. */
  sendControlBytes(peerId: string, bytes: Uint8Array): void {
    const channel = controlChannels.get(peerId)
    if (channel?.readyState === 'open') channel.send(bytes as Uint8Array<ArrayBuffer>)
  },

  sendFrame(peerId: string, bytes: Uint8Array): void {
    bulkChannels.get(peerId)?.send(bytes as Uint8Array<ArrayBuffer>)
  },

  /** Sends every case in turn, waiting for the app's answer to each (at most 20 s). */
  async runCases(peerId: string): Promise<CaseResult[]> {
    const results: CaseResult[] = []
    for (const hostile of hostileCases()) {
      const since = received.length
      if ('control' in hostile.send) await api.send(peerId, hostile.send.control)
      else api.sendFrame(peerId, hostile.send.frame)
      // At least 150 ms apart: offers stay under the app's rate limit, so each one is judged. Every
      // case is answered; a big one (10 MB) may take seconds on a loaded machine.
      await waitForAnswer(since, 150, 20_000)
      results.push({
        name: hostile.name,
        expected: hostile.expect,
        answers: received.slice(since).map((answer) => describeAnswer(answer.message)),
      })
    }
    return results
  },

  /** Offers a 10-byte file; resolves with its transfer id once the app accepts it. */
  async offerSmallFile(peerId: string, name: string): Promise<string> {
    const transfer = newTransferId()
    await api.send(peerId, offerOf([fileOf(name, 10)], transfer))
    return transfer
  },

  async accepted(transfer: string): Promise<void> {
    for (;;) {
      const accept = received.find((answer) => {
        const record = answer.message as Record<string, unknown> | null
        return record?.['type'] === 'accept' && record['transfer'] === transfer
      })
      if (accept) return
      await sleep(50)
    }
  },

  /**
   * Offers files under the names and types given and, once accepted, sends their bytes and digests
   * as an honest sender would (each `done` after the app acknowledged the file's last byte).
   */
  async sendFiles(
    peerId: string,
    files: { name: string; type: string; text: string }[],
  ): Promise<void> {
    const transfer = newTransferId()
    const bodies = files.map((file) => new TextEncoder().encode(file.text))
    await api.send(
      peerId,
      offerOf(
        files.map((file, index) => ({
          index,
          name: file.name,
          size: bodies[index]?.length ?? 0,
          type: file.type,
        })),
        transfer,
      ),
    )
    await api.accepted(transfer)
    for (const [index, body] of bodies.entries()) {
      if (body.length > 0) {
        api.sendFrame(
          peerId,
          encodeFrame({ transferId: transfer, file: index, offset: 0, payload: body }),
        )
        while (
          !received.some(({ message }) => {
            const record = message as Record<string, unknown> | null
            return (
              record?.['type'] === 'ack' &&
              record['transfer'] === transfer &&
              record['file'] === index &&
              record['offset'] === body.length
            )
          })
        ) {
          await sleep(50)
        }
      }
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body))
      const sha256 = [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('')
      await api.send(peerId, { type: 'done', transfer, file: index, sha256 })
    }
  },

  /** Sends a frame reaching past the offered size; returns the app's answers. */
  async sendPastEnd(peerId: string, transfer: string): Promise<string[]> {
    const since = received.length
    api.sendFrame(
      peerId,
      encodeFrame({ transferId: transfer, file: 0, offset: 0, payload: new Uint8Array(20) }),
    )
    await waitForAnswer(since, 150, 3000)
    return received.slice(since).map((answer) => describeAnswer(answer.message))
  },

  /** Sends `count` valid offers as fast as Trystero takes them; resolves when all are handed over. */
  async flood(peerId: string, count: number): Promise<{ sent: number; failed: number }> {
    const sends = Array.from({ length: count }, (_, i) =>
      api.send(peerId, offerOf([fileOf(`flood-${i}.txt`, 1)])).then(
        () => true,
        () => false,
      ),
    )
    const outcomes = await Promise.all(sends)
    return { sent: outcomes.filter(Boolean).length, failed: outcomes.filter((ok) => !ok).length }
  },

  /**
   * Announces `count` made-up peer ids in a room, as Trystero's announcements look on the relay:
   * each one a stranger the app has never seen, asking to be connected to.
   */
  async announceFresh(appId: string, roomId: string, count: number): Promise<number> {
    const rootTopic = await sha1([libName, appId, roomId].join('@'))
    const sockets = Object.values((getRelaySockets as () => Record<string, WebSocket>)())
    let sent = 0
    for (let i = 0; i < count; i++) {
      const peerId = `fresh${i.toString().padStart(6, '0')}${Math.random().toString(36).slice(2, 11)}`
      const event = await createEvent(rootTopic, toJson({ peerId }))
      for (const socket of sockets) {
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(event)
          sent++
        }
      }
      if (i % 50 === 49) await sleep(20)
    }
    return sent
  },

  /** Sends `count` messages of action types the app never made, `bytes` each, through Trystero. */
  async floodUnknownActions(peerId: string, count: number, bytes: number): Promise<void> {
    const room = rooms[0]
    if (!room) return
    const payload = new Uint8Array(bytes)
    for (let i = 0; i < count; i++) {
      const action = room.makeAction<Uint8Array>(`junk${i}`)
      await action.send(payload, { target: peerId }).catch(() => undefined)
    }
  },

  /**
   * An unterminated control message: a length prefix declaring `declaredBytes`, then `sentBytes` of
   * its body, and never the rest.
   */
  async sendUnterminated(peerId: string, declaredBytes: number, sentBytes: number): Promise<void> {
    const header = new Uint8Array(lengthPrefixBytes)
    new DataView(header.buffer).setUint32(0, declaredBytes)
    api.sendControlBytes(peerId, header)
    const piece = new Uint8Array(64 * 1024).fill(0x20)
    const channel = controlChannels.get(peerId)
    for (
      let sent = 0;
      sent < sentBytes && channel?.readyState === 'open';
      sent += piece.byteLength
    ) {
      channel.send(piece)
      while (channel.readyState === 'open' && channel.bufferedAmount > 4 * 1024 * 1024) {
        await sleep(5)
      }
    }
  },

  /** Whether the connection to a peer is still there. */
  connected(peerId: string): boolean {
    return connectionTo(peerId)?.connectionState === 'connected'
  },

  answers(): string[] {
    return received.map((answer) => describeAnswer(answer.message))
  },
}

Object.assign(globalThis, { hostile: api })
