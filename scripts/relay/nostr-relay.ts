/**
 * A small, bounded, in-memory Nostr relay (NIP-01) for tests, the benchmark and `npm start`.
 *
 * It speaks exactly what Trystero's Nostr strategy needs: EVENT, REQ and CLOSE from clients;
 * OK, EVENT, EOSE and NOTICE back. Everything is bounded (connections, message size,
 * subscriptions, filters, stored events, per-socket send buffer) so a misbehaving client can
 * neither crash the relay nor grow its memory without limit. It is not a production relay:
 * no persistence, no NIP-11, no replaceable events, and no signature verification (see
 * `parseEvent`).
 *
 * The pure parts (parsing, validation, filter matching, the event store) are exported on their
 * own so they can be unit-tested without sockets.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { type RawData, WebSocket, WebSocketServer } from 'ws'

// ---------------------------------------------------------------------------------------------
// Types and limits

/** A Nostr event as defined by NIP-01. */
export interface NostrEvent {
  readonly id: string
  readonly pubkey: string
  readonly created_at: number
  readonly kind: number
  readonly tags: readonly (readonly string[])[]
  readonly content: string
  readonly sig: string
}

/** A tag filter key: `#` followed by a single letter, e.g. `#x`. */
export type TagFilterKey = `#${string}`

/** A NIP-01 subscription filter, in its wire shape. All present conditions must hold. */
export interface NostrFilter {
  readonly ids?: readonly string[]
  readonly authors?: readonly string[]
  readonly kinds?: readonly number[]
  readonly since?: number
  readonly until?: number
  /** Caps only the replay of stored events, never live delivery. */
  readonly limit?: number
  readonly [tagKey: TagFilterKey]: readonly string[]
}

/** A client message that passed validation. */
export type ClientMessage =
  | { readonly type: 'EVENT'; readonly event: NostrEvent }
  | { readonly type: 'REQ'; readonly subId: string; readonly filters: readonly NostrFilter[] }
  | { readonly type: 'CLOSE'; readonly subId: string }

/** Stable codes for every way the relay refuses input. */
export type RefusalCode =
  | 'oversize'
  | 'binary'
  | 'not-json'
  | 'not-array'
  | 'unknown-verb'
  | 'bad-arity'
  | 'bad-event'
  | 'bad-event-id'
  | 'bad-sub-id'
  | 'bad-filter'
  | 'too-many-filters'
  | 'too-many-subscriptions'

/** Why input was refused; `eventId` is set when the refusal answers an EVENT with a usable id. */
export interface Refusal {
  readonly code: RefusalCode
  readonly detail: string
  readonly eventId?: string
}

/** The outcome of parsing one client message: a typed message or a typed refusal, never a throw. */
export type ParseResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly refusal: Refusal }

/** Every bound the relay enforces. */
export interface RelayLimits {
  /** Open WebSocket connections; further upgrades are answered with HTTP 503. */
  readonly maxConnections: number
  /** Largest client message accepted (UTF-8 bytes). */
  readonly maxMessageBytes: number
  readonly maxSubscriptionsPerConnection: number
  readonly maxFiltersPerReq: number
  /** Entries in one filter list (`ids`, `authors`, `kinds`, `#x`). Trystero sends up to 250 topics. */
  readonly maxFilterValues: number
  /** Non-ephemeral events kept for replay; the oldest is dropped first. */
  readonly maxStoredEvents: number
  /** Ids of recent ephemeral events remembered to answer duplicates. */
  readonly maxRememberedEphemeralIds: number
  readonly maxSubIdLength: number
  /** Above this many bytes queued on a socket, messages to it are dropped instead of queued. */
  readonly maxBufferedBytes: number
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = Object.freeze({
  maxConnections: 256,
  maxMessageBytes: 256 * 1024,
  maxSubscriptionsPerConnection: 64,
  maxFiltersPerReq: 16,
  maxFilterValues: 1000,
  maxStoredEvents: 1000,
  maxRememberedEphemeralIds: 4096,
  maxSubIdLength: 64,
  maxBufferedBytes: 1024 * 1024,
})

/** NIP-01: kinds 20000 <= n < 30000 are ephemeral, relayed but never stored. */
const EPHEMERAL_KIND_MIN = 20_000
const EPHEMERAL_KIND_MAX = 29_999
const KIND_MAX = 65_535

const HEX_64 = /^[0-9a-f]{64}$/
const HEX_128 = /^[0-9a-f]{128}$/
const TAG_FILTER_KEY = /^#[A-Za-z]$/

// ---------------------------------------------------------------------------------------------
// Parsing and validation (pure)

const refuse = (code: RefusalCode, detail: string, eventId?: string): ParseResult => ({
  ok: false,
  refusal: eventId === undefined ? { code, detail } : { code, detail, eventId },
})

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isNonNegativeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

const isKind = (value: unknown): value is number => isNonNegativeInteger(value) && value <= KIND_MAX

const isHex64 = (value: unknown): value is string => typeof value === 'string' && HEX_64.test(value)

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')

export const isEphemeralKind = (kind: number): boolean =>
  kind >= EPHEMERAL_KIND_MIN && kind <= EPHEMERAL_KIND_MAX

/**
 * The NIP-01 event id: SHA-256 of `[0, pubkey, created_at, kind, tags, content]`.
 * JSON.stringify produces NIP-01's serialization for these values; it is also what Trystero and
 * nostr-tools hash, so ids computed by either side agree.
 */
export function computeEventId(event: Omit<NostrEvent, 'id' | 'sig'>): string {
  const serialized = JSON.stringify([
    0,
    event.pubkey,
    event.created_at,
    event.kind,
    event.tags,
    event.content,
  ])
  return createHash('sha256').update(serialized, 'utf8').digest('hex')
}

/**
 * Validates an event's shape and its id. The signature is only checked for shape (128 hex
 * digits), not verified: that needs secp256k1 Schnorr, which is not a direct dependency, and a
 * relay on 127.0.0.1 for our own tests gains nothing from it.
 */
export function parseEvent(value: unknown): ParseResult {
  if (!isRecord(value)) return refuse('bad-event', 'event must be an object')
  // Echo the id in OK only when it is well-formed; otherwise the refusal goes out as a NOTICE.
  const eventId = isHex64(value.id) ? value.id : undefined
  const bad = (detail: string): ParseResult => refuse('bad-event', detail, eventId)
  const { id, pubkey, created_at: createdAt, kind, tags, content, sig } = value

  if (!isHex64(id)) return bad('id must be 64 lowercase hex digits')
  if (!isHex64(pubkey)) return bad('pubkey must be 64 lowercase hex digits')
  if (!isNonNegativeInteger(createdAt)) return bad('created_at must be a non-negative integer')
  if (!isKind(kind)) return bad(`kind must be an integer from 0 to ${KIND_MAX}`)
  if (!Array.isArray(tags) || !tags.every(isStringArray)) {
    return bad('tags must be an array of string arrays')
  }
  if (typeof content !== 'string') return bad('content must be a string')
  if (typeof sig !== 'string' || !HEX_128.test(sig)) {
    return bad('sig must be 128 lowercase hex digits')
  }
  // A fresh object, so unknown fields a client sent are never stored or relayed.
  const event: NostrEvent = { id, pubkey, created_at: createdAt, kind, tags, content, sig }
  if (computeEventId(event) !== id) {
    return refuse('bad-event-id', 'id is not the sha-256 of the serialized event', id)
  }
  return { ok: true, message: { type: 'EVENT', event } }
}

type FilterLimits = Pick<RelayLimits, 'maxFilterValues'>

/** The outcome of parsing one filter. */
export type FilterParseResult =
  | { readonly ok: true; readonly filter: NostrFilter }
  | { readonly ok: false; readonly refusal: Refusal }

interface MutableFilter {
  ids?: string[]
  authors?: string[]
  kinds?: number[]
  since?: number
  until?: number
  limit?: number
  [tagKey: TagFilterKey]: string[]
}

const isString = (value: unknown): value is string => typeof value === 'string'

/** Validates one REQ filter; unknown fields are refused rather than ignored (they would widen it). */
export function parseFilter(
  value: unknown,
  limits: FilterLimits = DEFAULT_RELAY_LIMITS,
): FilterParseResult {
  const bad = (detail: string): FilterParseResult => ({
    ok: false,
    refusal: { code: 'bad-filter', detail },
  })
  if (!isRecord(value)) return bad('filter must be an object')

  /** The list under `key`, or why it is invalid. */
  const list = <T>(key: string, isEntry: (entry: unknown) => entry is T, what: string) => {
    const entries: unknown = value[key]
    if (!Array.isArray(entries)) return `${key} must be an array`
    const items: unknown[] = entries
    if (items.length > limits.maxFilterValues) {
      return `${key} has more than ${limits.maxFilterValues} entries`
    }
    if (!items.every(isEntry)) return `${key} entries must be ${what}`
    return items
  }

  const filter: MutableFilter = {}
  for (const key of Object.keys(value)) {
    switch (key) {
      case 'ids':
      case 'authors': {
        const entries = list(key, isHex64, '64 lowercase hex digits')
        if (typeof entries === 'string') return bad(entries)
        filter[key] = entries
        break
      }
      case 'kinds': {
        const entries = list(key, isKind, `integers from 0 to ${KIND_MAX}`)
        if (typeof entries === 'string') return bad(entries)
        filter.kinds = entries
        break
      }
      case 'since':
      case 'until':
      case 'limit': {
        const bound = value[key]
        if (!isNonNegativeInteger(bound)) return bad(`${key} must be a non-negative integer`)
        filter[key] = bound
        break
      }
      default: {
        if (!TAG_FILTER_KEY.test(key)) return bad(`unknown field ${JSON.stringify(key)}`)
        const entries = list(key, isString, 'strings')
        if (typeof entries === 'string') return bad(entries)
        filter[key as TagFilterKey] = entries
      }
    }
  }
  return { ok: true, filter }
}

const parseSubId = (value: unknown, maxSubIdLength: number): string | Refusal => {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxSubIdLength) {
    return {
      code: 'bad-sub-id',
      detail: `subscription id must be a string of 1 to ${maxSubIdLength} characters`,
    }
  }
  return value
}

/**
 * Parses and validates one text message from a client. Never throws: every malformed input
 * becomes a `Refusal` with a stable code.
 */
export function parseClientMessage(
  text: string,
  limits: Pick<
    RelayLimits,
    'maxMessageBytes' | 'maxFiltersPerReq' | 'maxFilterValues' | 'maxSubIdLength'
  > = DEFAULT_RELAY_LIMITS,
): ParseResult {
  // text.length counts UTF-16 units, never more than the UTF-8 bytes, so it is a cheap first cut.
  if (text.length > limits.maxMessageBytes || Buffer.byteLength(text) > limits.maxMessageBytes) {
    return refuse('oversize', `message is larger than ${limits.maxMessageBytes} bytes`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return refuse('not-json', 'message is not valid JSON')
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    return refuse('not-array', 'message must be a non-empty JSON array')
  }

  const [verb, ...rest] = parsed as unknown[]
  switch (verb) {
    case 'EVENT':
      if (rest.length !== 1) return refuse('bad-arity', 'EVENT takes exactly one event')
      return parseEvent(rest[0])
    case 'REQ': {
      const [rawSubId, ...rawFilters] = rest
      const subId = parseSubId(rawSubId, limits.maxSubIdLength)
      if (typeof subId !== 'string') return { ok: false, refusal: subId }
      if (rawFilters.length === 0) return refuse('bad-arity', 'REQ needs at least one filter')
      if (rawFilters.length > limits.maxFiltersPerReq) {
        return refuse('too-many-filters', `REQ has more than ${limits.maxFiltersPerReq} filters`)
      }
      const filters: NostrFilter[] = []
      for (const rawFilter of rawFilters) {
        const result = parseFilter(rawFilter, limits)
        if (!result.ok) return { ok: false, refusal: result.refusal }
        filters.push(result.filter)
      }
      return { ok: true, message: { type: 'REQ', subId, filters } }
    }
    case 'CLOSE': {
      if (rest.length !== 1) return refuse('bad-arity', 'CLOSE takes exactly one subscription id')
      const subId = parseSubId(rest[0], limits.maxSubIdLength)
      if (typeof subId !== 'string') return { ok: false, refusal: subId }
      return { ok: true, message: { type: 'CLOSE', subId } }
    }
    default:
      return refuse('unknown-verb', 'message must start with "EVENT", "REQ" or "CLOSE"')
  }
}

/**
 * The relay's answer to a refusal: `OK false` when it answers an EVENT whose id we know
 * (NIP-01's `invalid:` prefix), otherwise a NOTICE with NIP-01's `error:` prefix. Trystero
 * treats `OK false` as a terminal rejection of the relay, so it is only used for genuinely
 * invalid events, never for a relay-side limit.
 */
export function formatRefusal(refusal: Refusal): string {
  const reason = `${refusal.code}: ${refusal.detail}`
  return refusal.eventId === undefined
    ? JSON.stringify(['NOTICE', `error: ${reason}`])
    : JSON.stringify(['OK', refusal.eventId, false, `invalid: ${reason}`])
}

// ---------------------------------------------------------------------------------------------
// Filter matching and replay selection (pure)

const tagMatches = (event: NostrEvent, letter: string, values: readonly string[]): boolean =>
  event.tags.some((tag) => tag[0] === letter && tag[1] !== undefined && values.includes(tag[1]))

/**
 * NIP-01 matching: every condition present must hold; a list holds when it contains the event's
 * value (so an empty list matches nothing). `limit` does not affect matching.
 */
export function matchesFilter(event: NostrEvent, filter: NostrFilter): boolean {
  if (filter.ids !== undefined && !filter.ids.includes(event.id)) return false
  if (filter.authors !== undefined && !filter.authors.includes(event.pubkey)) return false
  if (filter.kinds !== undefined && !filter.kinds.includes(event.kind)) return false
  if (filter.since !== undefined && event.created_at < filter.since) return false
  if (filter.until !== undefined && event.created_at > filter.until) return false
  for (const key of Object.keys(filter)) {
    if (key.length !== 2 || !key.startsWith('#')) continue
    const values = filter[key as TagFilterKey]
    if (values !== undefined && !tagMatches(event, key.slice(1), values)) return false
  }
  return true
}

/** A REQ's filters are alternatives: an event matches the subscription if any one matches. */
export const matchesAnyFilter = (event: NostrEvent, filters: readonly NostrFilter[]): boolean =>
  filters.some((filter) => matchesFilter(event, filter))

/** NIP-01 replay order: newest first; equal timestamps by lowest id. */
const newestFirst = (a: NostrEvent, b: NostrEvent): number =>
  b.created_at - a.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The stored events a new REQ replays before EOSE: per filter the newest `limit` matches,
 * merged without duplicates, newest first.
 */
export function selectStoredEvents(
  events: readonly NostrEvent[],
  filters: readonly NostrFilter[],
): NostrEvent[] {
  const selected = new Map<string, NostrEvent>()
  for (const filter of filters) {
    if (filter.limit === 0) continue
    const matches = events.filter((event) => matchesFilter(event, filter)).sort(newestFirst)
    const kept = filter.limit === undefined ? matches : matches.slice(0, filter.limit)
    for (const event of kept) selected.set(event.id, event)
  }
  return [...selected.values()].sort(newestFirst)
}

// ---------------------------------------------------------------------------------------------
// Event store (bounded, in memory)

/** What the store did with an event. */
export type StoreOutcome = 'stored' | 'ephemeral' | 'duplicate'

export interface EventStore {
  add(event: NostrEvent): StoreOutcome
  /** Stored (non-ephemeral) events, oldest first. */
  events(): readonly NostrEvent[]
  readonly size: number
}

/**
 * Keeps the newest `maxStoredEvents` non-ephemeral events, and the ids of the newest
 * `maxRememberedEphemeralIds` ephemeral ones so a re-sent announcement is answered as a
 * duplicate instead of being relayed twice. Maps and Sets iterate in insertion order, so the
 * first entry is always the oldest one to drop.
 */
export function createEventStore(
  limits: Pick<RelayLimits, 'maxStoredEvents' | 'maxRememberedEphemeralIds'>,
): EventStore {
  const stored = new Map<string, NostrEvent>()
  const ephemeralIds = new Set<string>()

  const dropOldest = (collection: Map<string, unknown> | Set<string>, max: number) => {
    while (collection.size > max) {
      const oldest = collection.keys().next()
      if (oldest.done === true) return
      collection.delete(oldest.value)
    }
  }

  return {
    add(event) {
      if (stored.has(event.id) || ephemeralIds.has(event.id)) return 'duplicate'
      if (isEphemeralKind(event.kind)) {
        ephemeralIds.add(event.id)
        dropOldest(ephemeralIds, limits.maxRememberedEphemeralIds)
        return 'ephemeral'
      }
      stored.set(event.id, event)
      dropOldest(stored, limits.maxStoredEvents)
      return 'stored'
    },
    events: () => [...stored.values()],
    get size() {
      return stored.size
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The relay (sockets)

/** Counters for tests and the benchmark; a snapshot, safe to keep. */
export interface RelayStats {
  readonly connectionsOpen: number
  readonly connectionsTotal: number
  /** Upgrades refused because `maxConnections` was reached or the relay was closing. */
  readonly connectionsRefused: number
  readonly messagesReceived: number
  readonly bytesReceived: number
  /** Valid EVENTs received, duplicates included. */
  readonly eventsReceived: number
  readonly eventsByKind: Readonly<Record<number, number>>
  readonly eventsDuplicate: number
  /** EVENT messages refused as invalid. */
  readonly eventsRejected: number
  readonly eventsStored: number
  readonly reqsReceived: number
  readonly closesReceived: number
  readonly subscriptionsOpen: number
  /** EVENT messages sent to subscribers (replays and live deliveries). */
  readonly eventsSent: number
  readonly noticesSent: number
  /** Messages dropped because a socket's send buffer was over `maxBufferedBytes`. */
  readonly sendsSkipped: number
}

/** What one client connection sent: the relay-etiquette figures (scripts/relay-load.ts). */
export interface ClientStats {
  /** Connection number, in order of arrival from 1. */
  readonly id: number
  readonly open: boolean
  /** Valid EVENT messages (announcements and signalling). */
  readonly events: number
  /** REQ messages (new or replaced subscriptions). */
  readonly reqs: number
  readonly closes: number
}

export interface NostrRelay {
  /** e.g. `ws://127.0.0.1:7447` */
  readonly url: string
  readonly port: number
  stats(): RelayStats
  /** Per client connection: every open one and the most recently closed ones. */
  clientStats(): ClientStats[]
  /** Closes every socket and the server. Safe to call more than once. */
  close(): Promise<void>
}

export interface NostrRelayOptions {
  /** Defaults to 127.0.0.1. */
  readonly host?: string
  /** Defaults to 0, an ephemeral port. */
  readonly port?: number
  readonly limits?: Partial<RelayLimits>
  /** Receives one line per connection change and refusal; silent by default. */
  readonly log?: (line: string) => void
  /**
   * A hostile relay, for the @trust test of a relay in the middle: clients that connect on the path
   * `/attacker` receive every event, all others only the events attackers send. Two devices on it
   * never hear each other, only the attacker, as a relay operator who sits in the middle arranges.
   * Stored events are replayed to attackers only (Trystero's events are ephemeral anyway).
   */
  readonly inTheMiddle?: boolean
}

/** The path on which an `inTheMiddle` relay takes a client as the attacker. */
export const ATTACKER_PATH = '/attacker'

export const DEFAULT_RELAY_HOST = '127.0.0.1'

/** Messages up to this multiple of `maxMessageBytes` are read and refused with a NOTICE, so the
 * client learns why; anything larger is cut off by ws (close 1009) before it is buffered. */
const OVERSIZE_NOTICE_FACTOR = 2
/** On close, how long sockets get to finish the closing handshake before they are terminated. */
const CLOSE_GRACE_MS = 1000
const CLOSE_CODE_GOING_AWAY = 1001

interface Connection {
  readonly id: number
  readonly socket: WebSocket
  readonly subscriptions: Map<string, readonly NostrFilter[]>
  readonly closed: Promise<void>
  readonly counts: { events: number; reqs: number; closes: number }
  /** Connected on ATTACKER_PATH to an `inTheMiddle` relay. */
  readonly attacker: boolean
}

/** Closed connections whose counts are kept for clientStats(). */
const REMEMBERED_CLOSED_CLIENTS = 64

const resolveLimits = (overrides: Partial<RelayLimits> | undefined): RelayLimits => {
  const limits = { ...DEFAULT_RELAY_LIMITS, ...overrides }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`nostr-relay: limit ${name} must be a positive integer, got ${value}`)
    }
  }
  return limits
}

const rawDataToBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)

/** Starts a relay listening on `host:port` and resolves once it accepts connections. */
export async function startNostrRelay(options: NostrRelayOptions = {}): Promise<NostrRelay> {
  const limits = resolveLimits(options.limits)
  const host = options.host ?? DEFAULT_RELAY_HOST
  const log = options.log ?? (() => {})
  const inTheMiddle = options.inTheMiddle ?? false
  /** Whether an event from one client reaches another (always, unless the relay is in the middle). */
  const reaches = (from: Connection, to: Connection) => !inTheMiddle || from.attacker || to.attacker
  const store = createEventStore(limits)
  const connections = new Set<Connection>()
  const eventsByKind = new Map<number, number>()
  const counters = {
    connectionsTotal: 0,
    connectionsRefused: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    eventsReceived: 0,
    eventsDuplicate: 0,
    eventsRejected: 0,
    reqsReceived: 0,
    closesReceived: 0,
    eventsSent: 0,
    noticesSent: 0,
    sendsSkipped: 0,
  }
  let nextConnectionId = 1
  const closedClients: ClientStats[] = []
  const clientStatsOf = (connection: Connection, open: boolean): ClientStats => ({
    id: connection.id,
    open,
    ...connection.counts,
  })
  let closing: Promise<void> | undefined

  /** Sends unless the socket is gone or its buffer is full: a slow reader loses messages rather
   * than growing our memory, which is what a public relay does too. */
  const send = (connection: Connection, text: string): boolean => {
    const { socket } = connection
    if (socket.readyState !== WebSocket.OPEN) return false
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      counters.sendsSkipped++
      return false
    }
    socket.send(text)
    return true
  }

  const sendRefusal = (connection: Connection, refusal: Refusal) => {
    log(`#${connection.id} refused ${refusal.code}: ${refusal.detail}`)
    if (send(connection, formatRefusal(refusal)) && refusal.eventId === undefined) {
      counters.noticesSent++
    }
  }

  const sendEvent = (connection: Connection, subId: string, eventJson: string) => {
    if (send(connection, `["EVENT",${JSON.stringify(subId)},${eventJson}]`)) counters.eventsSent++
  }

  const handleEvent = (connection: Connection, event: NostrEvent) => {
    counters.eventsReceived++
    connection.counts.events++
    eventsByKind.set(event.kind, (eventsByKind.get(event.kind) ?? 0) + 1)
    if (store.add(event) === 'duplicate') {
      counters.eventsDuplicate++
      send(connection, JSON.stringify(['OK', event.id, true, 'duplicate: already have this event']))
      return
    }
    send(connection, JSON.stringify(['OK', event.id, true, '']))
    const eventJson = JSON.stringify(event)
    // Bounded: maxConnections x maxSubscriptionsPerConnection x maxFiltersPerReq.
    for (const subscriber of connections) {
      if (!reaches(connection, subscriber)) continue
      for (const [subId, filters] of subscriber.subscriptions) {
        if (matchesAnyFilter(event, filters)) sendEvent(subscriber, subId, eventJson)
      }
    }
  }

  const handleReq = (connection: Connection, subId: string, filters: readonly NostrFilter[]) => {
    counters.reqsReceived++
    connection.counts.reqs++
    const { subscriptions } = connection
    // A REQ with a known id replaces that subscription, so it does not count against the cap.
    if (!subscriptions.has(subId) && subscriptions.size >= limits.maxSubscriptionsPerConnection) {
      sendRefusal(connection, {
        code: 'too-many-subscriptions',
        detail: `at most ${limits.maxSubscriptionsPerConnection} subscriptions per connection`,
      })
      return
    }
    subscriptions.set(subId, filters)
    const replayed = !inTheMiddle || connection.attacker ? store.events() : []
    for (const event of selectStoredEvents(replayed, filters)) {
      sendEvent(connection, subId, JSON.stringify(event))
    }
    send(connection, JSON.stringify(['EOSE', subId]))
  }

  const handleMessage = (connection: Connection, data: RawData, isBinary: boolean) => {
    const bytes = rawDataToBuffer(data)
    counters.messagesReceived++
    counters.bytesReceived += bytes.length
    if (isBinary) {
      sendRefusal(connection, { code: 'binary', detail: 'messages must be text' })
      return
    }
    if (bytes.length > limits.maxMessageBytes) {
      // Checked before decoding so an oversize message is never turned into a string.
      sendRefusal(connection, {
        code: 'oversize',
        detail: `message is larger than ${limits.maxMessageBytes} bytes`,
      })
      return
    }
    const result = parseClientMessage(bytes.toString('utf8'), limits)
    if (!result.ok) {
      const { code } = result.refusal
      if (code === 'bad-event' || code === 'bad-event-id') counters.eventsRejected++
      sendRefusal(connection, result.refusal)
      return
    }
    const { message } = result
    switch (message.type) {
      case 'EVENT':
        handleEvent(connection, message.event)
        break
      case 'REQ':
        handleReq(connection, message.subId, message.filters)
        break
      case 'CLOSE':
        // No CLOSED reply: Trystero reads any CLOSED as the relay rejecting it for good.
        counters.closesReceived++
        connection.counts.closes++
        connection.subscriptions.delete(message.subId)
        break
    }
  }

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: limits.maxMessageBytes * OVERSIZE_NOTICE_FACTOR,
  })

  const accept = (socket: WebSocket, request: IncomingMessage) => {
    let markClosed = () => {}
    const connection: Connection = {
      attacker: inTheMiddle && request.url === ATTACKER_PATH,
      id: nextConnectionId++,
      socket,
      subscriptions: new Map(),
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
      counts: { events: 0, reqs: 0, closes: 0 },
    }
    connections.add(connection)
    counters.connectionsTotal++
    log(
      `#${connection.id} connected${connection.attacker ? ' as the attacker' : ''} (${connections.size} open)`,
    )

    socket.on('message', (data, isBinary) => handleMessage(connection, data, isBinary))
    // ws emits 'error' for protocol violations (e.g. payload over maxPayload) and then closes
    // the socket; the listener keeps it from becoming an uncaught exception.
    socket.on('error', (error) => log(`#${connection.id} socket error: ${error.message}`))
    socket.on('close', (code) => {
      connections.delete(connection)
      connection.subscriptions.clear()
      closedClients.push(clientStatsOf(connection, false))
      if (closedClients.length > REMEMBERED_CLOSED_CLIENTS) closedClients.shift()
      markClosed()
      log(`#${connection.id} closed with ${code} (${connections.size} open)`)
    })
  }

  const refuseUpgrade = (socket: Duplex, reason: string) => {
    counters.connectionsRefused++
    log(`upgrade refused: ${reason}`)
    socket.on('error', () => socket.destroy())
    socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  }

  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8' })
    response.end('Nostr relay: connect with a WebSocket.\n')
  })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing !== undefined) return refuseUpgrade(socket, 'relay is closing')
    // handleUpgrade calls back synchronously (no verifyClient, no extensions), so this check
    // and the add in accept() cannot be interleaved with another upgrade.
    if (connections.size >= limits.maxConnections) {
      return refuseUpgrade(socket, `${limits.maxConnections} connections open`)
    }
    wss.handleUpgrade(request, socket, head, accept)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error) => log(`server error: ${error.message}`))

  const { port } = server.address() as AddressInfo
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}`

  const shutDown = async () => {
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const connection of connections) {
      connection.socket.close(CLOSE_CODE_GOING_AWAY, 'relay shutting down')
    }
    let graceTimer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all([...connections].map((connection) => connection.closed)),
      new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ])
    clearTimeout(graceTimer)
    for (const connection of connections) connection.socket.terminate()
    server.closeAllConnections()
    wss.close()
    await serverClosed
    log('relay closed')
  }

  return {
    url,
    port,
    stats: () => {
      let subscriptionsOpen = 0
      for (const connection of connections) subscriptionsOpen += connection.subscriptions.size
      return {
        ...counters,
        connectionsOpen: connections.size,
        eventsByKind: Object.fromEntries(eventsByKind),
        eventsStored: store.size,
        subscriptionsOpen,
      }
    },
    clientStats: () =>
      [
        ...closedClients,
        ...[...connections].map((connection) => clientStatsOf(connection, true)),
      ].sort((a, b) => a.id - b.id),
    close: () => (closing ??= shutDown()),
  }
}
