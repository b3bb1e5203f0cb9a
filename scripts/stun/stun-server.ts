/**
 * A small STUN server (RFC 5389, the Binding method only) on UDP, for tests and local runs.
 *
 * Nearby discovery learns a device's public address from the server-reflexive ICE candidate, so
 * the `@nearby` tests need a STUN server on 127.0.0.1. This one answers a Binding Request with a
 * Binding Success Response that carries XOR-MAPPED-ADDRESS (and MAPPED-ADDRESS for RFC 3489
 * clients): the request's source address, or a configured `mappedAddress`, which lets two groups
 * of pages on one machine see two different "public" addresses.
 *
 * It never answers anything else: responses, indications, other methods and malformed packets are
 * dropped and counted, never answered (answering responses could start a loop between two
 * servers) and never thrown. No authentication, no ALTERNATE-SERVER, no TCP or TLS.
 *
 * The pure parts (parsing, encoding, CRC-32, address codecs) are exported so they can be tested
 * without sockets, and so a test can play the client.
 */
import { createSocket, type RemoteInfo } from 'node:dgram'
import { isIPv4, isIPv6 } from 'node:net'

// ---------------------------------------------------------------------------------------------
// Wire format (RFC 5389 §6, §15)

/** Type, length, magic cookie, transaction id. */
export const STUN_HEADER_BYTES = 20
const TYPE_OFFSET = 0
const LENGTH_OFFSET = 2
const COOKIE_OFFSET = 4
const TRANSACTION_ID_OFFSET = 8
export const TRANSACTION_ID_BYTES = 12
export const MAGIC_COOKIE = 0x2112a442
const ATTRIBUTE_HEADER_BYTES = 4
/** Attribute values are padded to a multiple of four bytes. */
const ATTRIBUTE_ALIGNMENT_BYTES = 4
/** The two most significant bits of every STUN message are zero (RFC 5389 §6). */
const STUN_TYPE_RESERVED_BITS = 0xc000

export const BINDING_REQUEST = 0x0001
export const BINDING_SUCCESS_RESPONSE = 0x0101

export const ATTRIBUTE_MAPPED_ADDRESS = 0x0001
export const ATTRIBUTE_XOR_MAPPED_ADDRESS = 0x0020
export const ATTRIBUTE_SOFTWARE = 0x8022
export const ATTRIBUTE_FINGERPRINT = 0x8028
const FINGERPRINT_VALUE_BYTES = 4
/** FINGERPRINT is the CRC-32 of the message XORed with this ("STUN"), RFC 5389 §15.5. */
const FINGERPRINT_XOR = 0x5354554e

const FAMILY_IPV4 = 0x01
const FAMILY_IPV6 = 0x02
const IPV4_BYTES = 4
const IPV6_BYTES = 16
/** Reserved byte, family byte, port. */
const ADDRESS_VALUE_HEADER_BYTES = 4

/**
 * The largest datagram we read as a request. RFC 5389 §7.1 keeps STUN over UDP under the path
 * MTU; a browser's Binding Request is a few dozen bytes, so anything larger is not for us.
 */
export const MAX_REQUEST_BYTES = 1500
/** RFC 5389 §15.10: SOFTWARE is fewer than 128 characters. */
const SOFTWARE_MAX_CHARS = 127
const PORT_MAX = 65_535

export const DEFAULT_STUN_HOST = '127.0.0.1'
export const DEFAULT_SOFTWARE = 'ferry test STUN server'

// ---------------------------------------------------------------------------------------------
// Types

export interface StunAttribute {
  readonly type: number
  /** Without padding. */
  readonly value: Uint8Array
}

export interface StunMessage {
  readonly type: number
  readonly transactionId: Uint8Array
  /** In wire order, FINGERPRINT included when present (it has been verified by then). */
  readonly attributes: readonly StunAttribute[]
}

/** An IP address (IPv4 dotted quad or IPv6 text) and a UDP port. */
export interface TransportAddress {
  readonly address: string
  readonly port: number
}

/** Stable codes for every way a datagram is dropped. */
export type StunDropReason =
  | 'oversize'
  | 'too-short'
  /** Reserved bits set or no magic cookie: not RFC 5389 STUN (RFC 3489 requests land here). */
  | 'not-stun'
  /** The header's length disagrees with the datagram, or is not a multiple of four. */
  | 'bad-length'
  /** An attribute runs past the end, or something follows FINGERPRINT. */
  | 'bad-attribute'
  | 'bad-fingerprint'
  /** Well-formed STUN, but not a Binding Request (a response, an indication, another method). */
  | 'not-binding-request'

export type StunParseResult =
  | { readonly ok: true; readonly message: StunMessage }
  | { readonly ok: false; readonly reason: StunDropReason; readonly detail: string }

export type StunServerErrorCode = 'bad-option' | 'listen-failed'

/** A server that could not start. `code` is stable; `message` is for people and logs. */
export class StunServerError extends Error {
  override readonly name = 'StunServerError'

  constructor(
    readonly code: StunServerErrorCode,
    readonly detail: string,
  ) {
    super(`stun: ${code}: ${detail}`)
  }
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO-HDLC, the one zlib and Ethernet use), for FINGERPRINT

const CRC32_POLYNOMIAL_REVERSED = 0xedb88320
const CRC32_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ CRC32_POLYNOMIAL_REVERSED : crc >>> 1
    }
    table[byte] = crc >>> 0
  }
  return table
})()

/** `zlib.crc32` exists only from Node 20.15, and package.json allows any Node 20. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const byte of bytes) crc = CRC32_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

const fingerprintOf = (bytesBeforeFingerprint: Uint8Array): number =>
  (crc32(bytesBeforeFingerprint) ^ FINGERPRINT_XOR) >>> 0

// ---------------------------------------------------------------------------------------------
// IP addresses

const IPV4_MAPPED_PREFIX = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i

/** A dual-stack socket reports IPv4 clients as `::ffff:a.b.c.d`; they are IPv4 clients. */
export const unmapIPv4 = (address: string): string =>
  IPV4_MAPPED_PREFIX.exec(address)?.[1] ?? address

/** The 4 or 16 bytes of an IP address, or null if the text is not one. A zone id is ignored. */
export function ipToBytes(text: string): Uint8Array | null {
  if (isIPv4(text)) return Uint8Array.from(text.split('.').map(Number))
  const address = text.replace(/%.*$/, '')
  if (!isIPv6(address)) return null
  // The WHATWG URL parser canonicalises IPv6 (embedded IPv4 becomes hex), leaving only `::` to expand.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const [head = '', tail] = canonical.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros: string[] = Array<string>(8 - headGroups.length - tailGroups.length).fill('0')
  const groups = [...headGroups, ...zeros, ...tailGroups]
  const bytes = new Uint8Array(IPV6_BYTES)
  groups.forEach((group, index) => {
    const value = parseInt(group, 16)
    bytes[index * 2] = value >> 8
    bytes[index * 2 + 1] = value & 0xff
  })
  return bytes
}

/** Dotted quad for 4 bytes, canonical (RFC 5952) text for 16. */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === IPV4_BYTES) return Array.from(bytes).join('.')
  const groups: string[] = []
  for (let index = 0; index < bytes.length; index += 2) {
    groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16))
  }
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1)
}

// ---------------------------------------------------------------------------------------------
// Parsing and encoding (pure)

const padded = (length: number) =>
  Math.ceil(length / ATTRIBUTE_ALIGNMENT_BYTES) * ATTRIBUTE_ALIGNMENT_BYTES

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/** A plain copy: Buffer#slice would alias the datagram and type itself as Buffer. */
const copyOf = (bytes: Uint8Array, start: number, end: number) =>
  new Uint8Array(bytes.subarray(start, end))

const drop = (reason: StunDropReason, detail: string): StunParseResult => ({
  ok: false,
  reason,
  detail,
})

/**
 * Parses one datagram as an RFC 5389 message: header, attribute framing and, when present,
 * FINGERPRINT. Attribute values are not interpreted. Never throws.
 */
export function parseStunMessage(
  bytes: Uint8Array,
  maxBytes: number = MAX_REQUEST_BYTES,
): StunParseResult {
  if (bytes.length > maxBytes) return drop('oversize', `${bytes.length} bytes > ${maxBytes}`)
  if (bytes.length < STUN_HEADER_BYTES) return drop('too-short', `${bytes.length} bytes`)
  const data = view(bytes)
  const type = data.getUint16(TYPE_OFFSET)
  if ((type & STUN_TYPE_RESERVED_BITS) !== 0) return drop('not-stun', 'reserved type bits set')
  if (data.getUint32(COOKIE_OFFSET) !== MAGIC_COOKIE) return drop('not-stun', 'no magic cookie')
  const length = data.getUint16(LENGTH_OFFSET)
  if (length % ATTRIBUTE_ALIGNMENT_BYTES !== 0 || STUN_HEADER_BYTES + length !== bytes.length) {
    return drop(
      'bad-length',
      `header says ${length}, datagram has ${bytes.length - STUN_HEADER_BYTES}`,
    )
  }

  const attributes: StunAttribute[] = []
  let offset = STUN_HEADER_BYTES
  while (offset < bytes.length) {
    if (attributes.at(-1)?.type === ATTRIBUTE_FINGERPRINT) {
      return drop('bad-attribute', 'attributes after FINGERPRINT')
    }
    if (offset + ATTRIBUTE_HEADER_BYTES > bytes.length) {
      return drop('bad-attribute', 'truncated attribute header')
    }
    const attributeType = data.getUint16(offset)
    const attributeLength = data.getUint16(offset + 2)
    const valueOffset = offset + ATTRIBUTE_HEADER_BYTES
    if (valueOffset + padded(attributeLength) > bytes.length) {
      return drop('bad-attribute', `attribute 0x${attributeType.toString(16)} runs past the end`)
    }
    if (attributeType === ATTRIBUTE_FINGERPRINT) {
      if (attributeLength !== FINGERPRINT_VALUE_BYTES) {
        return drop('bad-attribute', 'FINGERPRINT is not 4 bytes')
      }
      // The CRC covers everything before the attribute, with the header's length as sent.
      if (data.getUint32(valueOffset) !== fingerprintOf(bytes.subarray(0, offset))) {
        return drop('bad-fingerprint', 'CRC-32 mismatch')
      }
    }
    attributes.push({
      type: attributeType,
      value: copyOf(bytes, valueOffset, valueOffset + attributeLength),
    })
    offset = valueOffset + padded(attributeLength)
  }

  return {
    ok: true,
    message: {
      type,
      transactionId: copyOf(
        bytes,
        TRANSACTION_ID_OFFSET,
        TRANSACTION_ID_OFFSET + TRANSACTION_ID_BYTES,
      ),
      attributes,
    },
  }
}

export interface EncodeOptions {
  /** Appends FINGERPRINT (RFC 5389 §15.5). */
  readonly fingerprint?: boolean
}

/** Encodes a message; attribute values are padded with zeros. */
export function encodeStunMessage(
  type: number,
  transactionId: Uint8Array,
  attributes: readonly StunAttribute[],
  options: EncodeOptions = {},
): Uint8Array {
  if (transactionId.length !== TRANSACTION_ID_BYTES) {
    throw new RangeError(`a transaction id is ${TRANSACTION_ID_BYTES} bytes`)
  }
  const fingerprintBytes = options.fingerprint
    ? ATTRIBUTE_HEADER_BYTES + FINGERPRINT_VALUE_BYTES
    : 0
  const attributeBytes = attributes.reduce(
    (sum, attribute) => sum + ATTRIBUTE_HEADER_BYTES + padded(attribute.value.length),
    fingerprintBytes,
  )
  const bytes = new Uint8Array(STUN_HEADER_BYTES + attributeBytes)
  const data = view(bytes)
  data.setUint16(TYPE_OFFSET, type)
  data.setUint16(LENGTH_OFFSET, attributeBytes)
  data.setUint32(COOKIE_OFFSET, MAGIC_COOKIE)
  bytes.set(transactionId, TRANSACTION_ID_OFFSET)
  let offset = STUN_HEADER_BYTES
  for (const { type: attributeType, value } of attributes) {
    data.setUint16(offset, attributeType)
    data.setUint16(offset + 2, value.length)
    bytes.set(value, offset + ATTRIBUTE_HEADER_BYTES)
    offset += ATTRIBUTE_HEADER_BYTES + padded(value.length)
  }
  if (options.fingerprint) {
    data.setUint16(offset, ATTRIBUTE_FINGERPRINT)
    data.setUint16(offset + 2, FINGERPRINT_VALUE_BYTES)
    data.setUint32(offset + ATTRIBUTE_HEADER_BYTES, fingerprintOf(bytes.subarray(0, offset)))
  }
  return bytes
}

/** A Binding Request with no attributes, as browsers send to a STUN server. */
export const encodeBindingRequest = (transactionId: Uint8Array, options: EncodeOptions = {}) =>
  encodeStunMessage(BINDING_REQUEST, transactionId, [], options)

/**
 * MAPPED-ADDRESS, or XOR-MAPPED-ADDRESS when a transaction id is given: the port is XORed with the
 * cookie's top half, an IPv4 address with the cookie, an IPv6 address with cookie and id.
 */
export function encodeAddressValue(
  { address, port }: TransportAddress,
  xorTransactionId?: Uint8Array,
): Uint8Array {
  const ip = ipToBytes(address)
  if (ip === null) throw new RangeError(`not an IP address: ${address}`)
  const bytes = new Uint8Array(ADDRESS_VALUE_HEADER_BYTES + ip.length)
  const data = view(bytes)
  data.setUint8(1, ip.length === IPV4_BYTES ? FAMILY_IPV4 : FAMILY_IPV6)
  data.setUint16(2, xorTransactionId ? port ^ (MAGIC_COOKIE >>> 16) : port)
  const mask = xorTransactionId ? xorMask(xorTransactionId) : undefined
  ip.forEach(
    (byte, index) => (bytes[ADDRESS_VALUE_HEADER_BYTES + index] = byte ^ (mask?.[index] ?? 0)),
  )
  return bytes
}

/** Reads MAPPED-ADDRESS, or XOR-MAPPED-ADDRESS with the message's transaction id; null if malformed. */
export function decodeAddressValue(
  value: Uint8Array,
  xorTransactionId?: Uint8Array,
): TransportAddress | null {
  if (value.length < ADDRESS_VALUE_HEADER_BYTES) return null
  const data = view(value)
  const family = data.getUint8(1)
  const ipBytes = family === FAMILY_IPV4 ? IPV4_BYTES : family === FAMILY_IPV6 ? IPV6_BYTES : 0
  if (ipBytes === 0 || value.length !== ADDRESS_VALUE_HEADER_BYTES + ipBytes) return null
  const rawPort = data.getUint16(2)
  const mask = xorTransactionId ? xorMask(xorTransactionId) : undefined
  const ip = value
    .slice(ADDRESS_VALUE_HEADER_BYTES)
    .map((byte, index) => byte ^ (mask?.[index] ?? 0))
  return {
    address: bytesToIp(ip),
    port: xorTransactionId ? rawPort ^ (MAGIC_COOKIE >>> 16) : rawPort,
  }
}

/** Magic cookie followed by the transaction id: 16 bytes, of which IPv4 uses the first four. */
const xorMask = (transactionId: Uint8Array): Uint8Array => {
  const mask = new Uint8Array(4 + TRANSACTION_ID_BYTES)
  view(mask).setUint32(0, MAGIC_COOKIE)
  mask.set(transactionId, 4)
  return mask
}

const utf8 = new TextEncoder()

/** The Binding Success Response to the request `transactionId`, telling the client `mapped`. */
export function encodeBindingSuccess(
  transactionId: Uint8Array,
  mapped: TransportAddress,
  options: { readonly software?: string | null; readonly fingerprint?: boolean } = {},
): Uint8Array {
  const attributes: StunAttribute[] = [
    { type: ATTRIBUTE_XOR_MAPPED_ADDRESS, value: encodeAddressValue(mapped, transactionId) },
    // RFC 3489 clients only read MAPPED-ADDRESS; it costs 12 bytes.
    { type: ATTRIBUTE_MAPPED_ADDRESS, value: encodeAddressValue(mapped) },
  ]
  if (options.software) {
    attributes.push({ type: ATTRIBUTE_SOFTWARE, value: utf8.encode(options.software) })
  }
  return encodeStunMessage(BINDING_SUCCESS_RESPONSE, transactionId, attributes, {
    fingerprint: options.fingerprint ?? true,
  })
}

// ---------------------------------------------------------------------------------------------
// The server

export interface StunServerOptions {
  /** Defaults to 127.0.0.1; an IPv6 host (e.g. `::1`) listens on IPv6. */
  readonly host?: string
  /** Defaults to 0, an ephemeral port. */
  readonly port?: number
  /** What every client is told its address is; the port defaults to the client's own. */
  readonly mappedAddress?: { readonly address: string; readonly port?: number }
  /** SOFTWARE attribute; null leaves it out. */
  readonly software?: string | null
  /** Appends FINGERPRINT to responses; on by default, as RFC 5389 §7.3 asks of a server. */
  readonly fingerprint?: boolean
  /** Receives one line per drop and send failure; silent by default. */
  readonly log?: (line: string) => void
}

/** Counters for tests; a snapshot, safe to keep. */
export interface StunServerStats {
  readonly packetsReceived: number
  readonly responsesSent: number
  readonly sendErrors: number
  readonly dropped: Readonly<Record<StunDropReason, number>>
}

export interface StunServer {
  /** For RTCIceServer.urls, e.g. `stun:127.0.0.1:3478`. */
  readonly url: string
  readonly port: number
  stats(): StunServerStats
  /** Closes the socket. Safe to call more than once. */
  close(): Promise<void>
}

const validMappedAddress = (
  mapped: StunServerOptions['mappedAddress'],
): StunServerOptions['mappedAddress'] => {
  if (mapped === undefined) return undefined
  if (ipToBytes(mapped.address) === null) {
    throw new StunServerError('bad-option', `mappedAddress is not an IP address: ${mapped.address}`)
  }
  if (
    mapped.port !== undefined &&
    !(Number.isInteger(mapped.port) && mapped.port > 0 && mapped.port <= PORT_MAX)
  ) {
    throw new StunServerError('bad-option', `mappedAddress.port must be from 1 to ${PORT_MAX}`)
  }
  return mapped
}

const validSoftware = (software: string | null | undefined): string | null => {
  if (software === undefined) return DEFAULT_SOFTWARE
  if (software !== null && software.length > SOFTWARE_MAX_CHARS) {
    throw new StunServerError(
      'bad-option',
      `software is longer than ${SOFTWARE_MAX_CHARS} characters`,
    )
  }
  return software
}

/** Starts a STUN server on `host:port` and resolves once it is bound. */
export async function startStunServer(options: StunServerOptions = {}): Promise<StunServer> {
  const host = options.host ?? DEFAULT_STUN_HOST
  const mappedAddress = validMappedAddress(options.mappedAddress)
  const software = validSoftware(options.software)
  const fingerprint = options.fingerprint ?? true
  const log = options.log ?? (() => {})
  const isIPv6Host = host.includes(':')
  const counters = { packetsReceived: 0, responsesSent: 0, sendErrors: 0 }
  const dropped: Record<StunDropReason, number> = {
    oversize: 0,
    'too-short': 0,
    'not-stun': 0,
    'bad-length': 0,
    'bad-attribute': 0,
    'bad-fingerprint': 0,
    'not-binding-request': 0,
  }

  // On `::` a udp6 socket is dual-stack; unmapIPv4 turns its IPv4 clients back into IPv4.
  const socket = createSocket(isIPv6Host ? 'udp6' : 'udp4')

  const countDrop = (reason: StunDropReason, detail: string, from: RemoteInfo) => {
    dropped[reason]++
    log(`dropped ${reason} from ${from.address}:${from.port}: ${detail}`)
  }

  socket.on('message', (datagram: Buffer, from: RemoteInfo) => {
    counters.packetsReceived++
    const parsed = parseStunMessage(datagram)
    if (!parsed.ok) return countDrop(parsed.reason, parsed.detail, from)
    const { type, transactionId } = parsed.message
    if (type !== BINDING_REQUEST) {
      return countDrop('not-binding-request', `type 0x${type.toString(16).padStart(4, '0')}`, from)
    }
    const mapped: TransportAddress = {
      address: mappedAddress?.address ?? unmapIPv4(from.address),
      port: mappedAddress?.port ?? from.port,
    }
    const response = encodeBindingSuccess(transactionId, mapped, { software, fingerprint })
    socket.send(response, from.port, from.address, (error) => {
      if (error) {
        counters.sendErrors++
        log(`send to ${from.address}:${from.port} failed: ${error.message}`)
      } else {
        counters.responsesSent++
      }
    })
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new StunServerError('listen-failed', `${host}:${options.port ?? 0}: ${error.message}`))
    socket.once('error', onError)
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', onError)
      resolve()
    })
  })
  // After binding, errors (e.g. ICMP unreachable surfacing on some platforms) must not crash the test run.
  socket.on('error', (error) => log(`socket error: ${error.message}`))

  const { port } = socket.address()
  let closing: Promise<void> | undefined

  return {
    url: `stun:${isIPv6Host ? `[${host}]` : host}:${port}`,
    port,
    stats: () => ({ ...counters, dropped: { ...dropped } }),
    close: () => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  }
}
