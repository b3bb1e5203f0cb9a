/**
 * Nearby rooms. A browser cannot see its LAN, but STUN tells it the public address its network
 * uses (the server-reflexive ICE candidate). Devices behind the same address derive the same room
 * from it: PairDrop's grouping by IP address, without a server of our own.
 */

export type NearbyErrorCode = 'not-an-ip-address'

export class NearbyError extends Error {
  override readonly name = 'NearbyError'

  constructor(
    readonly code: NearbyErrorCode,
    readonly detail: string,
  ) {
    super(`ferry: ${code}: ${detail}`)
  }
}

// ---------------------------------------------------------------------------------------------
// IP addresses (no node:net here: this runs in the browser)

const ipv4Octets = 4
const ipv6Hextets = 8
/** Hextets in an IPv6 /64 prefix: the part a network's devices share. */
const ipv6PrefixHextets = 4
const octetMax = 255
/** `::ffff:0:0/96`: an IPv4 address written as IPv6, which must group as IPv4. */
const ipv4MappedPrefix = [0, 0, 0, 0, 0, 0xffff] as const

/** The four octets of a dotted quad; leading zeros are refused (some parsers read them as octal). */
const parseIPv4 = (text: string): number[] | null => {
  const parts = text.split('.')
  if (parts.length !== ipv4Octets) return null
  const octets = parts.map((part) => (/^(0|[1-9]\d{0,2})$/.test(part) ? Number(part) : NaN))
  return octets.every((octet) => octet <= octetMax) ? octets : null
}

/** The eight hextets of an IPv6 address, with `::` expanded; a zone id (`%eth0`) is dropped. */
const parseIPv6 = (text: string): number[] | null => {
  const address = text.replace(/%.*$/, '').toLowerCase()
  const halves = address.split('::')
  if (halves.length > 2) return null
  const groupsOf = (half: string, isLastHalf: boolean): number[] | null => {
    if (half === '') return []
    const groups: number[] = []
    const parts = half.split(':')
    for (const [index, part] of parts.entries()) {
      // An embedded IPv4 address (`::ffff:1.2.3.4`) may only end the address.
      if (isLastHalf && index === parts.length - 1 && part.includes('.')) {
        const octets = parseIPv4(part)
        if (!octets) return null
        const [a = 0, b = 0, c = 0, d = 0] = octets
        groups.push((a << 8) | b, (c << 8) | d)
      } else if (/^[0-9a-f]{1,4}$/.test(part)) {
        groups.push(parseInt(part, 16))
      } else {
        return null
      }
    }
    return groups
  }
  const head = groupsOf(halves[0] ?? '', halves.length === 1)
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '', true) : []
  if (!head || !tail) return null
  if (halves.length === 1) return head.length === ipv6Hextets ? head : null
  // `::` stands for at least one zero group.
  const missing = ipv6Hextets - head.length - tail.length
  if (missing < 1) return null
  return [...head, ...Array<number>(missing).fill(0), ...tail]
}

/** Chromium's RTCIceCandidate.address writes IPv6 in URL brackets (`[2001:db8::1]`); the line does not. */
const withoutBrackets = (address: string) => address.replace(/^\[(.*)\]$/, '$1')

const isIpv4Mapped = (hextets: readonly number[]) =>
  ipv4MappedPrefix.every((value, index) => hextets[index] === value)

/** True for an IPv4 or IPv6 literal (a host name, or an mDNS `….local` name, is not one). */
export const isIpAddress = (text: string): boolean =>
  parseIPv4(text) !== null || parseIPv6(text) !== null

/**
 * What devices of one network share: an IPv4 address itself, or the /64 prefix of an IPv6 address
 * (the network part: each device picks its own lower 64 bits, and changes them for privacy).
 * The prefix is written in full, lower-case, so every spelling of it gives the same key:
 * `2001:db8::1` -> `2001:0db8:0000:0000`. An IPv4-mapped IPv6 address counts as IPv4. Null for
 * anything that is not an IP address.
 */
export const nearbyKey = (text: string): string | null => {
  const address = withoutBrackets(text)
  const ipv4 = parseIPv4(address)
  if (ipv4) return ipv4.join('.')
  const hextets = parseIPv6(address)
  if (!hextets) return null
  if (isIpv4Mapped(hextets)) {
    const [high = 0, low = 0] = hextets.slice(ipv4MappedPrefix.length)
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return hextets
    .slice(0, ipv6PrefixHextets)
    .map((hextet) => hextet.toString(16).padStart(4, '0'))
    .join(':')
}

// ---------------------------------------------------------------------------------------------
// The nearby room

/** Room ids are 128 bits as unpadded base64url, like link rooms: 22 characters. */
const roomIdBytes = 16
/** The nearby room's password is the other half of the same digest. */
const passwordBytes = 16

const toBase64Url = (bytes: Uint8Array): string => {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The Trystero room (id and password) of every device behind one address. */
export interface NearbyRoom {
  roomId: string
  /**
   * Trystero encrypts session descriptions with it. It keeps them opaque to whoever reads the
   * relays without knowing the address; a relay that sees the address (it usually does: it is
   * the one our connection to it comes from) can derive it. See docs/protocol.md.
   */
  password: string
}

const nearbyDigest = async (
  appId: string,
  address: string,
  subtle: SubtleCrypto,
): Promise<Uint8Array> => {
  const key = nearbyKey(address)
  if (key === null) throw new NearbyError('not-an-ip-address', address)
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(`${appId}:nearby:${key}`))
  return new Uint8Array(digest)
}

/**
 * The room of every device behind `address`: SHA-256 of `${appId}:nearby:${nearbyKey(address)}`,
 * its first 128 bits as base64url. The app id keeps Ferry's rooms apart from another app's.
 */
export const nearbyRoomId = async (
  appId: string,
  address: string,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<string> =>
  toBase64Url((await nearbyDigest(appId, address, subtle)).subarray(0, roomIdBytes))

/**
 * The nearby room and its password: the first and the last 128 bits of the digest nearbyRoomId
 * hashes. The room id goes to the relays (Trystero hashes it into a topic); the password never
 * leaves the device, and the two halves of one SHA-256 digest say nothing about each other.
 */
export const nearbyRoom = async (
  appId: string,
  address: string,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<NearbyRoom> => {
  const digest = await nearbyDigest(appId, address, subtle)
  return {
    roomId: toBase64Url(digest.subarray(0, roomIdBytes)),
    password: toBase64Url(digest.subarray(roomIdBytes, roomIdBytes + passwordBytes)),
  }
}

// ---------------------------------------------------------------------------------------------
// Learning the public address

export interface ParsedCandidate {
  /** e.g. `udp`. */
  protocol: string
  address: string
  port: number
  /** `host`, `srflx`, `prflx` or `relay`. */
  type: string
}

/**
 * Reads an ICE candidate line (RFC 8839 §5.1), with or without its `a=` / `candidate:` prefix:
 * `candidate:FOUNDATION COMPONENT PROTOCOL PRIORITY ADDRESS PORT typ TYPE [raddr … rport …] …`.
 */
export const parseCandidate = (line: string): ParsedCandidate | null => {
  const fields = line
    .trim()
    .replace(/^a=/, '')
    .replace(/^candidate:/, '')
    .split(/\s+/)
  const [, , protocol, , address, portText, typKeyword, type] = fields
  const port = Number(portText)
  if (!protocol || !address || typKeyword !== 'typ' || !type || !Number.isInteger(port)) {
    return null
  }
  return { protocol: protocol.toLowerCase(), address, port, type }
}

/** The public address a server-reflexive candidate reports, or null for any other candidate. */
export const serverReflexiveAddress = (
  candidate: Pick<RTCIceCandidate, 'candidate' | 'type' | 'address'>,
): string | null => {
  const parsed = parseCandidate(candidate.candidate)
  // Browsers that fill in the parsed fields are trusted first; the line is the fallback.
  const type = candidate.type ?? parsed?.type
  const field = candidate.address || parsed?.address
  const address = field ? withoutBrackets(field) : null
  if (type !== 'srflx' || !address || !isIpAddress(address)) return null
  return address
}

/** Only STUN URLs: TURN servers would allocate a relay (and cost their operator) for nothing. */
export const stunServersOf = (iceServers: readonly RTCIceServer[]): RTCIceServer[] =>
  iceServers.flatMap((server) => {
    const urls = (typeof server.urls === 'string' ? [server.urls] : server.urls).filter((url) =>
      /^stuns?:/i.test(url),
    )
    return urls.length > 0 ? [{ urls }] : []
  })

export interface DiscoverPublicAddressDeps {
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection
  iceServers: readonly RTCIceServer[]
  /** How long to wait for a STUN answer before giving up. */
  timeoutMs: number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Labels the throwaway data channel; it never opens, it only makes ICE gather. */
const probeChannelLabel = 'nearby-probe'

/**
 * After an IPv6 answer, how long an IPv4 one may still take. A dual-stack network's answers come
 * within one round trip of each other, while the end of gathering can take as long as the STUN
 * retransmissions (Chromium without media permission: the whole timeout).
 */
export const ipv4GraceMs = 1000

/**
 * This network's public address, from the first server-reflexive candidate of a throwaway peer
 * connection; IPv4 is preferred, an IPv6 address is used only if no IPv4 one comes before
 * gathering ends, within ipv4GraceMs, or before the timeout. Null when no STUN server is configured, none answers in time, or the browser
 * refuses; the connection is closed in every case.
 */
export const discoverPublicAddress = async (
  deps: DiscoverPublicAddressDeps,
): Promise<string | null> => {
  const iceServers = stunServersOf(deps.iceServers)
  if (iceServers.length === 0) return null
  let connection: RTCPeerConnection
  try {
    connection = deps.createPeerConnection({ iceServers })
  } catch {
    return null
  }

  return new Promise<string | null>((resolve) => {
    let ipv6Address: string | null = null
    let settled = false
    const finish = (address: string | null) => {
      if (settled) return
      settled = true
      deps.clearTimeout(timer)
      if (graceTimer !== undefined) deps.clearTimeout(graceTimer)
      try {
        connection.close()
      } catch {
        // Already closed: nothing left to release.
      }
      resolve(address)
    }
    let graceTimer: unknown
    const timer = deps.setTimeout(() => finish(ipv6Address), deps.timeoutMs)

    connection.addEventListener('icecandidate', ({ candidate }) => {
      // A null candidate marks the end of gathering: nothing better is coming.
      if (!candidate) return finish(ipv6Address)
      const address = serverReflexiveAddress(candidate)
      if (address === null) return
      if (parseIPv4(address)) return finish(address)
      if (ipv6Address !== null) return
      ipv6Address = address
      graceTimer = deps.setTimeout(() => finish(address), ipv4GraceMs)
    })
    connection.addEventListener('icegatheringstatechange', () => {
      if (connection.iceGatheringState === 'complete') finish(ipv6Address)
    })

    try {
      // Without a channel (or a track) there is nothing to negotiate, and ICE gathers nothing.
      connection.createDataChannel(probeChannelLabel)
      connection.setLocalDescription().catch(() => finish(null))
    } catch {
      finish(null)
    }
  })
}
