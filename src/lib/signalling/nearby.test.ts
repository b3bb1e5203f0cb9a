import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  discoverPublicAddress,
  ipv4GraceMs,
  isIpAddress,
  nearbyKey,
  nearbyRoom,
  nearbyRoomId,
  parseCandidate,
  serverReflexiveAddress,
  stunServersOf,
  type DiscoverPublicAddressDeps,
} from './nearby.ts'

const appId = 'app.ferry.test'
const stun: RTCIceServer[] = [{ urls: 'stun:127.0.0.1:3478' }]
const timeoutMs = 5000

const srflxLine = (address: string, port = 54321) =>
  `candidate:842163049 1 udp 1677729535 ${address} ${port} typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag abcd network-cost 999`
const hostLine = (address: string) =>
  `candidate:1 1 udp 2122260223 ${address} 50000 typ host generation 0 ufrag abcd network-cost 999`

type FakeCandidate = Pick<RTCIceCandidate, 'candidate' | 'type' | 'address'>

/** What Chromium gives: the line, and the parsed fields beside it. */
const chromiumCandidate = (line: string): FakeCandidate => {
  const parsed = parseCandidate(line)
  return {
    candidate: line,
    type: (parsed?.type ?? null) as RTCIceCandidateType | null,
    // Chromium brackets IPv6 in the parsed field (but not in the line).
    address: parsed
      ? parsed.address.includes(':')
        ? `[${parsed.address}]`
        : parsed.address
      : null,
  }
}
/** A browser that only fills in the line. */
const bareCandidate = (line: string): FakeCandidate => ({
  candidate: line,
  type: null,
  address: null,
})

/** The parts of RTCPeerConnection that discovery touches; a test drives its ICE events. */
class FakePeerConnection extends EventTarget {
  iceGatheringState: RTCIceGatheringState = 'new'
  readonly channels: string[] = []
  closeCalls = 0
  gathering: () => void = () => undefined
  failSetLocalDescription = false
  failCreateDataChannel = false

  constructor(readonly config: RTCConfiguration) {
    super()
  }

  createDataChannel(label: string) {
    if (this.failCreateDataChannel) throw new Error('no data channels here')
    this.channels.push(label)
    return {}
  }

  setLocalDescription(): Promise<void> {
    if (this.failSetLocalDescription) return Promise.reject(new Error('refused'))
    // Gathering starts once the description is set, as in a browser.
    this.iceGatheringState = 'gathering'
    queueMicrotask(() => this.gathering())
    return Promise.resolve()
  }

  close() {
    this.closeCalls++
    this.iceGatheringState = 'complete'
  }

  emit(candidate: FakeCandidate | null) {
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate }))
  }

  completeGathering() {
    this.iceGatheringState = 'complete'
    this.dispatchEvent(new Event('icegatheringstatechange'))
  }
}

/** Timers that only fire when the test says so. */
const manualClock = () => {
  const timers = new Map<number, { callback: () => void; ms: number }>()
  let nextId = 1
  return {
    setTimeout: (callback: () => void, ms: number) => {
      timers.set(nextId, { callback, ms })
      return nextId++
    },
    clearTimeout: (handle: unknown) => void timers.delete(handle as number),
    pending: () => [...timers.values()].map((timer) => timer.ms),
    /** Fires the timers set for `ms`. */
    fire: (ms: number) => {
      for (const [id, timer] of [...timers]) {
        if (timer.ms !== ms) continue
        timers.delete(id)
        timer.callback()
      }
    },
  }
}

const setUp = (
  gathering: (connection: FakePeerConnection) => void,
  options: {
    iceServers?: RTCIceServer[]
    configure?: (connection: FakePeerConnection) => void
  } = {},
) => {
  const clock = manualClock()
  const connections: FakePeerConnection[] = []
  const deps: DiscoverPublicAddressDeps = {
    createPeerConnection: (config) => {
      const connection = new FakePeerConnection(config)
      connection.gathering = () => gathering(connection)
      options.configure?.(connection)
      connections.push(connection)
      return connection as unknown as RTCPeerConnection
    },
    iceServers: options.iceServers ?? stun,
    timeoutMs,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
  }
  return { clock, connections, result: discoverPublicAddress(deps) }
}

/** Lets queued microtasks (the fake's gathering) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('discoverPublicAddress', () => {
  it('resolves with the address of a server-reflexive candidate, and closes', async () => {
    const { clock, connections, result } = setUp((pc) => {
      pc.emit(chromiumCandidate(hostLine('192.168.1.20')))
      pc.emit(chromiumCandidate(srflxLine('203.0.113.7')))
    })
    await expect(result).resolves.toBe('203.0.113.7')
    const [connection] = connections
    expect(connection?.channels).toHaveLength(1)
    expect(connection?.closeCalls).toBe(1)
    expect(clock.pending()).toEqual([])
  })

  it('reads the candidate line when the browser gives no parsed fields', async () => {
    const { result } = setUp((pc) => pc.emit(bareCandidate(srflxLine('198.51.100.4'))))
    await expect(result).resolves.toBe('198.51.100.4')
  })

  it('trusts the parsed fields when the browser gives them', async () => {
    const { result } = setUp((pc) =>
      pc.emit({ candidate: 'candidate:garbled', type: 'srflx', address: '198.51.100.5' }),
    )
    await expect(result).resolves.toBe('198.51.100.5')
  })

  it('ignores host, relay and mDNS candidates, and gives null at the end of gathering', async () => {
    const { connections, result } = setUp((pc) => {
      pc.emit(chromiumCandidate(hostLine('192.168.1.20')))
      pc.emit(chromiumCandidate(hostLine('2fd5a1c4-0f1e-4b9e-8c4c-6a7d2b1c3e4f.local')))
      pc.emit(
        chromiumCandidate(
          'candidate:3 1 udp 41885439 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 5000',
        ),
      )
      // A server-reflexive candidate whose address is hidden behind an mDNS name is no use.
      pc.emit(bareCandidate(srflxLine('b5f3c1.local')))
      pc.emit(null)
    })
    await expect(result).resolves.toBeNull()
    expect(connections[0]?.closeCalls).toBe(1)
  })

  it('prefers IPv4 over an IPv6 address that came first', async () => {
    const { result } = setUp((pc) => {
      pc.emit(chromiumCandidate(srflxLine('2001:db8:1:2::99')))
      pc.emit(chromiumCandidate(srflxLine('203.0.113.7')))
    })
    await expect(result).resolves.toBe('203.0.113.7')
  })

  it('falls back to IPv6 when gathering ends without IPv4', async () => {
    const { connections, result } = setUp((pc) => {
      pc.emit(chromiumCandidate(srflxLine('2001:db8:1:2::99')))
      pc.completeGathering()
    })
    await expect(result).resolves.toBe('2001:db8:1:2::99')
    expect(connections[0]?.closeCalls).toBe(1)
  })

  it('falls back to IPv6 when no IPv4 comes within the grace period', async () => {
    const { clock, connections, result } = setUp((pc) =>
      pc.emit(chromiumCandidate(srflxLine('2001:db8:1:2::99'))),
    )
    await settle()
    expect(clock.pending()).toEqual([timeoutMs, ipv4GraceMs])
    clock.fire(ipv4GraceMs)
    await expect(result).resolves.toBe('2001:db8:1:2::99')
    expect(connections[0]?.closeCalls).toBe(1)
    expect(clock.pending()).toEqual([])
  })

  it('falls back to IPv6 when the timeout comes first', async () => {
    const { clock, result } = setUp((pc) =>
      pc.emit(chromiumCandidate(srflxLine('2001:db8:1:2::99'))),
    )
    await settle()
    clock.fire(timeoutMs)
    await expect(result).resolves.toBe('2001:db8:1:2::99')
    expect(clock.pending()).toEqual([])
  })

  it('still takes an IPv4 address that comes within the grace period', async () => {
    let later: () => void = () => undefined
    const { clock, result } = setUp((pc) => {
      pc.emit(chromiumCandidate(srflxLine('2001:db8:1:2::99')))
      pc.emit(chromiumCandidate(srflxLine('2001:db8:1:2::98')))
      later = () => pc.emit(chromiumCandidate(srflxLine('203.0.113.7')))
    })
    await settle()
    expect(clock.pending()).toEqual([timeoutMs, ipv4GraceMs])
    later()
    await expect(result).resolves.toBe('203.0.113.7')
    expect(clock.pending()).toEqual([])
  })

  it('gives null when no STUN server answers in time, and closes', async () => {
    const { clock, connections, result } = setUp((pc) =>
      pc.emit(chromiumCandidate(hostLine('192.168.1.20'))),
    )
    await settle()
    expect(clock.pending()).toEqual([timeoutMs])
    clock.fire(timeoutMs)
    await expect(result).resolves.toBeNull()
    expect(connections[0]?.closeCalls).toBe(1)
  })

  it('ignores candidates that arrive after it has answered', async () => {
    const { connections, result } = setUp((pc) => {
      pc.emit(chromiumCandidate(srflxLine('203.0.113.7')))
      pc.emit(chromiumCandidate(srflxLine('198.51.100.1')))
      pc.emit(null)
      pc.completeGathering()
    })
    await expect(result).resolves.toBe('203.0.113.7')
    expect(connections[0]?.closeCalls).toBe(1)
  })

  it('gives null without a STUN server, and makes no connection', async () => {
    for (const iceServers of [
      [],
      [{ urls: 'turn:turn.example:3478', username: 'u', credential: 'c' }],
    ]) {
      const { connections, result } = setUp(() => undefined, { iceServers })
      await expect(result).resolves.toBeNull()
      expect(connections).toHaveLength(0)
    }
  })

  it('asks only the STUN servers', async () => {
    const { connections, result } = setUp(
      (pc) => pc.emit(chromiumCandidate(srflxLine('203.0.113.7'))),
      {
        iceServers: [
          { urls: ['stun:a.example', 'turn:a.example'], username: 'u', credential: 'c' },
          { urls: 'turns:b.example' },
          { urls: 'STUN:c.example:3478' },
        ],
      },
    )
    await result
    expect(connections[0]?.config).toEqual({
      iceServers: [{ urls: ['stun:a.example'] }, { urls: ['STUN:c.example:3478'] }],
    })
  })

  it('gives null and closes when the browser refuses', async () => {
    const refusals: ((pc: FakePeerConnection) => void)[] = [
      (pc) => (pc.failSetLocalDescription = true),
      (pc) => (pc.failCreateDataChannel = true),
    ]
    for (const configure of refusals) {
      const { clock, connections, result } = setUp(() => undefined, { configure })
      await expect(result).resolves.toBeNull()
      expect(connections[0]?.closeCalls).toBe(1)
      expect(clock.pending()).toEqual([])
    }

    const throwing = discoverPublicAddress({
      createPeerConnection: () => {
        throw new Error('RTCPeerConnection is disabled')
      },
      iceServers: stun,
      timeoutMs,
      setTimeout: () => 0,
      clearTimeout: () => undefined,
    })
    await expect(throwing).resolves.toBeNull()
  })
})

describe('parseCandidate', () => {
  it('reads what Chromium reports', () => {
    expect(parseCandidate(srflxLine('203.0.113.7', 61000))).toEqual({
      protocol: 'udp',
      address: '203.0.113.7',
      port: 61000,
      type: 'srflx',
    })
    expect(parseCandidate(`a=${srflxLine('2001:db8::1')}`)?.address).toBe('2001:db8::1')
    expect(
      parseCandidate('candidate:1 1 TCP 1518280447 10.0.0.2 9 typ host tcptype active'),
    ).toMatchObject({ protocol: 'tcp', type: 'host' })
  })

  it('refuses what is not a candidate', () => {
    expect(parseCandidate('')).toBeNull()
    expect(parseCandidate('candidate:1 1 udp 1 10.0.0.2 x typ host')).toBeNull()
    expect(parseCandidate('candidate:1 1 udp 1 10.0.0.2 9 type host')).toBeNull()
    expect(parseCandidate('candidate:1 1 udp 1 10.0.0.2 9 typ')).toBeNull()
  })

  it('unwraps the brackets Chromium puts around an IPv6 address field', () => {
    expect(
      serverReflexiveAddress({
        candidate: srflxLine('2001:db8:1:2::7'),
        type: 'srflx',
        address: '[2001:db8:1:2::7]',
      }),
    ).toBe('2001:db8:1:2::7')
    expect(nearbyKey('[2001:db8:1:2::7]')).toBe('2001:0db8:0001:0002')
  })

  it('finds server-reflexive addresses only', () => {
    expect(serverReflexiveAddress(bareCandidate(hostLine('203.0.113.7')))).toBeNull()
    expect(serverReflexiveAddress(bareCandidate(srflxLine('203.0.113.7')))).toBe('203.0.113.7')
  })
})

describe('stunServersOf', () => {
  it('keeps stun: and stuns: URLs and drops credentials', () => {
    expect(
      stunServersOf([
        { urls: 'stuns:a.example' },
        { urls: ['turn:b.example'], username: 'u', credential: 'c' },
      ]),
    ).toEqual([{ urls: ['stuns:a.example'] }])
  })
})

describe('nearbyKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(nearbyKey('203.0.113.7')).toBe('203.0.113.7')
    expect(nearbyKey('0.0.0.0')).toBe('0.0.0.0')
  })

  it('takes the /64 of an IPv6 address, written in full', () => {
    expect(nearbyKey('2001:db8::1')).toBe('2001:0db8:0000:0000')
    expect(nearbyKey('2001:DB8:A:B:C:D:E:F')).toBe('2001:0db8:000a:000b')
    expect(nearbyKey('fe80::1%eth0')).toBe('fe80:0000:0000:0000')
    expect(nearbyKey('::')).toBe('0000:0000:0000:0000')
    expect(nearbyKey('1:2:3:4:5:6:1.2.3.4')).toBe('0001:0002:0003:0004')
  })

  it('treats IPv4-mapped IPv6 as IPv4', () => {
    expect(nearbyKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(nearbyKey('::FFFF:cb00:7107')).toBe('203.0.113.7')
  })

  it.each([
    '',
    'example.local',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.256',
    '01.2.3.4',
    '1.2.3.-4',
    '2001:db8:::1',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '12345::1',
    'g::1',
    '1.2.3.4::1',
  ])('refuses %j', (address) => {
    expect(nearbyKey(address)).toBeNull()
    expect(isIpAddress(address)).toBe(false)
  })
})

describe('nearbyRoomId', () => {
  const expectedRoom = (key: string, id = appId) =>
    createHash('sha256')
      .update(`${id}:nearby:${key}`)
      .digest()
      .subarray(0, 16)
      .toString('base64url')

  it('hashes app id and IPv4 address into a 22-character room id', async () => {
    const room = await nearbyRoomId(appId, '203.0.113.7')
    expect(room).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(room).toBe(expectedRoom('203.0.113.7'))
    expect(await nearbyRoomId(appId, '203.0.113.8')).not.toBe(room)
    expect(await nearbyRoomId('another.app', '203.0.113.7')).not.toBe(room)
  })

  it('puts every address of one IPv6 /64 in one room, however it is written', async () => {
    const sameNetwork = [
      '2001:db8:1:2::1',
      '2001:0DB8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2:a1b2:c3d4:e5f6:789',
      '2001:db8:1:2::',
      '2001:db8:1:2:0::0',
      '2001:db8:1:2::1%wlan0',
    ]
    const rooms = await Promise.all(sameNetwork.map((address) => nearbyRoomId(appId, address)))
    expect(new Set(rooms)).toEqual(new Set([expectedRoom('2001:0db8:0001:0002')]))
    expect(await nearbyRoomId(appId, '2001:db8:1:3::1')).not.toBe(rooms[0])
    expect(await nearbyRoomId(appId, '2001:db8::1:2:0:1')).not.toBe(rooms[0])
  })

  it('refuses what is not an IP address with a code', async () => {
    await expect(nearbyRoomId(appId, 'x.local')).rejects.toMatchObject({
      name: 'NearbyError',
      code: 'not-an-ip-address',
    })
  })
})

describe('nearbyRoom', () => {
  it('is the room id and a password, the two halves of one digest', async () => {
    const digest = createHash('sha256').update(`${appId}:nearby:203.0.113.7`).digest()
    const room = await nearbyRoom(appId, '203.0.113.7')
    expect(room.roomId).toBe(await nearbyRoomId(appId, '203.0.113.7'))
    expect(room.roomId).toBe(digest.subarray(0, 16).toString('base64url'))
    expect(room.password).toBe(digest.subarray(16, 32).toString('base64url'))
    expect(room.password).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('gives devices behind one address the same room and password, and others different ones', async () => {
    const here = await nearbyRoom(appId, '2001:db8:1:2::1')
    expect(await nearbyRoom(appId, '2001:db8:1:2:ffff::9')).toEqual(here)
    const there = await nearbyRoom(appId, '198.51.100.9')
    expect(there.roomId).not.toBe(here.roomId)
    expect(there.password).not.toBe(here.password)
  })

  it('refuses what is not an IP address', async () => {
    await expect(nearbyRoom(appId, 'printer.local')).rejects.toMatchObject({
      code: 'not-an-ip-address',
    })
  })
})
