import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createEvent, subscribe } from 'trystero/nostr'
import { afterEach, describe, expect, it } from 'vitest'
import { type RawData, WebSocket } from 'ws'
import {
  ATTACKER_PATH,
  DEFAULT_RELAY_LIMITS,
  computeEventId,
  createEventStore,
  formatRefusal,
  matchesAnyFilter,
  matchesFilter,
  parseClientMessage,
  selectStoredEvents,
  startNostrRelay,
  type NostrEvent,
  type NostrFilter,
  type NostrRelayOptions,
  type ParseResult,
  type RefusalCode,
} from './nostr-relay.ts'

const PUBKEY = 'a'.repeat(64)
const OTHER_PUBKEY = 'c'.repeat(64)
const SIG = 'b'.repeat(128)
const CREATED_AT = 1_700_000_000
const EPHEMERAL_KIND = 20_001
const STORED_KIND = 1
const WAIT_TIMEOUT_MS = 3000
const POLL_INTERVAL_MS = 10
/** tsx compiles on first run, which can take a while on a cold cache. */
const CLI_START_TIMEOUT_MS = 15_000

type EventFields = Omit<NostrEvent, 'id' | 'sig'>

/** A well-formed event with a correct id; the signature is shape-only, as the relay checks. */
const makeEvent = (fields: Partial<EventFields> = {}): NostrEvent => {
  const base: EventFields = {
    pubkey: PUBKEY,
    created_at: CREATED_AT,
    kind: EPHEMERAL_KIND,
    tags: [['x', 'topic']],
    content: 'hello',
    ...fields,
  }
  return { ...base, id: computeEventId(base), sig: SIG }
}

const json = (value: unknown) => JSON.stringify(value)

const refusalCode = (result: ParseResult): RefusalCode | undefined =>
  result.ok ? undefined : result.refusal.code

// -----------------------------------------------------------------------------------------------
// Filter matching

describe('matchesFilter', () => {
  const event = makeEvent({ kind: 20_005, tags: [['x', 'room-a'], ['p', OTHER_PUBKEY], ['e']] })

  it('matches everything with an empty filter', () => {
    expect(matchesFilter(event, {})).toBe(true)
  })

  it('matches kinds', () => {
    expect(matchesFilter(event, { kinds: [1, 20_005] })).toBe(true)
    expect(matchesFilter(event, { kinds: [20_006] })).toBe(false)
  })

  it('matches #x tag filters by the first tag value', () => {
    expect(matchesFilter(event, { '#x': ['room-b', 'room-a'] })).toBe(true)
    expect(matchesFilter(event, { '#x': ['room-b'] })).toBe(false)
    expect(matchesFilter(event, { '#y': ['room-a'] })).toBe(false)
    // A tag with a name but no value never matches.
    expect(matchesFilter(event, { '#e': [''] })).toBe(false)
    expect(matchesFilter(makeEvent({ tags: [] }), { '#x': ['room-a'] })).toBe(false)
  })

  it('requires every tag filter to hold', () => {
    expect(matchesFilter(event, { '#x': ['room-a'], '#p': [OTHER_PUBKEY] })).toBe(true)
    expect(matchesFilter(event, { '#x': ['room-a'], '#p': [PUBKEY] })).toBe(false)
  })

  it('treats since and until as inclusive bounds', () => {
    expect(matchesFilter(event, { since: CREATED_AT, until: CREATED_AT })).toBe(true)
    expect(matchesFilter(event, { since: CREATED_AT + 1 })).toBe(false)
    expect(matchesFilter(event, { until: CREATED_AT - 1 })).toBe(false)
  })

  it('matches ids and authors exactly', () => {
    expect(matchesFilter(event, { ids: [event.id] })).toBe(true)
    expect(matchesFilter(event, { ids: [makeEvent({ content: 'other' }).id] })).toBe(false)
    expect(matchesFilter(event, { authors: [PUBKEY] })).toBe(true)
    expect(matchesFilter(event, { authors: [OTHER_PUBKEY] })).toBe(false)
  })

  it('matches nothing with an empty list', () => {
    expect(matchesFilter(event, { kinds: [] })).toBe(false)
    expect(matchesFilter(event, { '#x': [] })).toBe(false)
  })

  it('ignores limit, which only caps replay', () => {
    expect(matchesFilter(event, { limit: 0 })).toBe(true)
  })

  it('ORs the filters of one REQ', () => {
    expect(matchesAnyFilter(event, [{ kinds: [1] }, { '#x': ['room-a'] }])).toBe(true)
    expect(matchesAnyFilter(event, [{ kinds: [1] }, { '#x': ['room-b'] }])).toBe(false)
    expect(matchesAnyFilter(event, [])).toBe(false)
  })
})

describe('selectStoredEvents', () => {
  const older = makeEvent({ kind: STORED_KIND, created_at: CREATED_AT, content: 'older' })
  const newer = makeEvent({ kind: STORED_KIND, created_at: CREATED_AT + 10, content: 'newer' })
  const tieA = makeEvent({ kind: STORED_KIND, created_at: CREATED_AT + 5, content: 'tie-a' })
  const tieB = makeEvent({ kind: STORED_KIND, created_at: CREATED_AT + 5, content: 'tie-b' })
  const [tieLow, tieHigh] = tieA.id < tieB.id ? [tieA, tieB] : [tieB, tieA]
  const events = [older, tieA, newer, tieB]

  it('returns matches newest first, ties by lowest id', () => {
    expect(selectStoredEvents(events, [{ kinds: [STORED_KIND] }])).toEqual([
      newer,
      tieLow,
      tieHigh,
      older,
    ])
  })

  it('keeps the newest `limit` matches per filter', () => {
    expect(selectStoredEvents(events, [{ limit: 2 }])).toEqual([newer, tieLow])
    expect(selectStoredEvents(events, [{ limit: 0 }])).toEqual([])
  })

  it('merges filters without duplicates', () => {
    const filters: NostrFilter[] = [{ ids: [older.id] }, { until: CREATED_AT }, { limit: 1 }]
    expect(selectStoredEvents(events, filters)).toEqual([newer, older])
  })
})

// -----------------------------------------------------------------------------------------------
// Parsing and validation

describe('parseClientMessage', () => {
  const event = makeEvent()

  it('parses a valid EVENT, keeping only NIP-01 fields', () => {
    const result = parseClientMessage(json(['EVENT', { ...event, extra: 'dropped' }]))
    expect(result).toEqual({ ok: true, message: { type: 'EVENT', event } })
  })

  it('parses a valid REQ with every filter field', () => {
    const filter = {
      ids: [event.id],
      authors: [PUBKEY],
      kinds: [EPHEMERAL_KIND],
      '#x': ['topic'],
      since: 1,
      until: 2,
      limit: 3,
    }
    const result = parseClientMessage(json(['REQ', 'sub', filter, {}]))
    expect(result).toEqual({
      ok: true,
      message: { type: 'REQ', subId: 'sub', filters: [filter, {}] },
    })
  })

  it('parses a valid CLOSE', () => {
    expect(parseClientMessage(json(['CLOSE', 'sub']))).toEqual({
      ok: true,
      message: { type: 'CLOSE', subId: 'sub' },
    })
  })

  const withEvent = (fields: Record<string, unknown>) => json(['EVENT', { ...event, ...fields }])

  it.each<[string, string, RefusalCode]>([
    ['not JSON', 'not json', 'not-json'],
    ['empty text', '', 'not-json'],
    ['truncated JSON', '["REQ","sub",{', 'not-json'],
    ['an object', '{}', 'not-array'],
    ['a string', '"EVENT"', 'not-array'],
    ['an empty array', '[]', 'not-array'],
    ['a number verb', '[1]', 'unknown-verb'],
    ['an unknown verb', '["AUTH","x"]', 'unknown-verb'],
    ['a lowercase verb', '["event",{}]', 'unknown-verb'],
    ['EVENT without event', '["EVENT"]', 'bad-arity'],
    ['EVENT with two events', json(['EVENT', event, event]), 'bad-arity'],
    ['EVENT with a number', '["EVENT",5]', 'bad-event'],
    ['EVENT with an array', '["EVENT",[]]', 'bad-event'],
    ['EVENT with null', '["EVENT",null]', 'bad-event'],
    ['EVENT with a short id', withEvent({ id: 'abc' }), 'bad-event'],
    ['EVENT with an uppercase id', withEvent({ id: event.id.toUpperCase() }), 'bad-event'],
    ['EVENT with a bad pubkey', withEvent({ pubkey: 'z'.repeat(64) }), 'bad-event'],
    ['EVENT with a string created_at', withEvent({ created_at: '1' }), 'bad-event'],
    ['EVENT with a negative created_at', withEvent({ created_at: -1 }), 'bad-event'],
    ['EVENT with a fractional kind', withEvent({ kind: 1.5 }), 'bad-event'],
    ['EVENT with kind 65536', withEvent({ kind: 65_536 }), 'bad-event'],
    ['EVENT with tags not an array', withEvent({ tags: 'x' }), 'bad-event'],
    ['EVENT with a non-string tag entry', withEvent({ tags: [['x', 1]] }), 'bad-event'],
    ['EVENT with a non-array tag', withEvent({ tags: ['x'] }), 'bad-event'],
    ['EVENT with number content', withEvent({ content: 5 }), 'bad-event'],
    ['EVENT with a short sig', withEvent({ sig: 'b'.repeat(127) }), 'bad-event'],
    ['EVENT without sig', withEvent({ sig: undefined }), 'bad-event'],
    ['EVENT whose id is not its hash', withEvent({ content: 'tampered' }), 'bad-event-id'],
    ['REQ without sub id', '["REQ"]', 'bad-sub-id'],
    ['REQ with a number sub id', '["REQ",5,{}]', 'bad-sub-id'],
    ['REQ with an empty sub id', '["REQ","",{}]', 'bad-sub-id'],
    ['REQ with a 65-char sub id', json(['REQ', 's'.repeat(65), {}]), 'bad-sub-id'],
    ['REQ without filters', '["REQ","sub"]', 'bad-arity'],
    ['REQ with a number filter', '["REQ","sub",5]', 'bad-filter'],
    ['REQ with an array filter', '["REQ","sub",[]]', 'bad-filter'],
    ['REQ with string kinds', '["REQ","sub",{"kinds":"1"}]', 'bad-filter'],
    ['REQ with fractional kinds', '["REQ","sub",{"kinds":[1.5]}]', 'bad-filter'],
    ['REQ with short ids', '["REQ","sub",{"ids":["abc"]}]', 'bad-filter'],
    ['REQ with number tag values', '["REQ","sub",{"#x":[1]}]', 'bad-filter'],
    ['REQ with a two-letter tag', '["REQ","sub",{"#xy":["a"]}]', 'bad-filter'],
    ['REQ with an unknown field', '["REQ","sub",{"search":"a"}]', 'bad-filter'],
    ['REQ with a negative since', '["REQ","sub",{"since":-1}]', 'bad-filter'],
    ['REQ with a string limit', '["REQ","sub",{"limit":"10"}]', 'bad-filter'],
    ['CLOSE without sub id', '["CLOSE"]', 'bad-arity'],
    ['CLOSE with two sub ids', '["CLOSE","a","b"]', 'bad-arity'],
    ['CLOSE with a number sub id', '["CLOSE",5]', 'bad-sub-id'],
  ])('refuses %s', (_name, text, code) => {
    expect(refusalCode(parseClientMessage(text))).toBe(code)
  })

  it('accepts a sub id of exactly the maximum length', () => {
    const subId = 's'.repeat(DEFAULT_RELAY_LIMITS.maxSubIdLength)
    expect(parseClientMessage(json(['CLOSE', subId])).ok).toBe(true)
  })

  it('refuses too many filters and too many filter values', () => {
    const limits = { ...DEFAULT_RELAY_LIMITS, maxFiltersPerReq: 2, maxFilterValues: 3 }
    expect(refusalCode(parseClientMessage(json(['REQ', 's', {}, {}, {}]), limits))).toBe(
      'too-many-filters',
    )
    expect(
      refusalCode(parseClientMessage(json(['REQ', 's', { kinds: [1, 2, 3, 4] }]), limits)),
    ).toBe('bad-filter')
    expect(parseClientMessage(json(['REQ', 's', { kinds: [1, 2, 3] }, {}]), limits).ok).toBe(true)
  })

  it('refuses oversize messages by UTF-8 bytes, not characters', () => {
    const limits = { ...DEFAULT_RELAY_LIMITS, maxMessageBytes: 64 }
    const ascii = json(['CLOSE', 'a'.repeat(60)])
    expect(refusalCode(parseClientMessage(ascii, limits))).toBe('oversize')
    // 20 euro signs: 29 characters, 69 bytes.
    const multiByte = json(['CLOSE', '€'.repeat(20)])
    expect(multiByte.length).toBeLessThanOrEqual(64)
    expect(refusalCode(parseClientMessage(multiByte, limits))).toBe('oversize')
  })

  it('names the event in the refusal only when its id is well-formed', () => {
    const tampered = parseClientMessage(withEvent({ content: 'tampered' }))
    expect(tampered.ok ? undefined : tampered.refusal.eventId).toBe(event.id)
    const badId = parseClientMessage(withEvent({ id: 'abc' }))
    expect(badId.ok ? 'ok' : badId.refusal.eventId).toBeUndefined()
  })

  it('never throws, whatever the input', () => {
    const valid = json(['REQ', 'sub', { kinds: [1], '#x': ['a'], since: 1 }])
    const inputs = [
      ...Array.from({ length: valid.length }, (_, end) => valid.slice(0, end)),
      ...Array.from({ length: valid.length }, (_, start) => valid.slice(start)),
      '['.repeat(10_000),
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      '["EVENT",{"__proto__":{"id":1}}]',
      '["REQ","sub",{"__proto__":[]}]',
      '["REQ","sub",{"constructor":[]}]',
      '\u0000',
      'null',
      'true',
    ]
    for (const input of inputs) {
      expect(() => parseClientMessage(input)).not.toThrow()
      expect(parseClientMessage(input).ok).toBeTypeOf('boolean')
    }
  })
})

describe('formatRefusal', () => {
  it('answers an identified event with OK false and "invalid:"', () => {
    const text = formatRefusal({ code: 'bad-event-id', detail: 'mismatch', eventId: 'e' })
    expect(JSON.parse(text)).toEqual(['OK', 'e', false, 'invalid: bad-event-id: mismatch'])
  })

  it('answers everything else with a NOTICE and "error:"', () => {
    const text = formatRefusal({ code: 'not-json', detail: 'nope' })
    expect(JSON.parse(text)).toEqual(['NOTICE', 'error: not-json: nope'])
  })
})

describe('createEventStore', () => {
  it('stores regular events, only remembers ephemeral ids, and reports duplicates', () => {
    const store = createEventStore({ maxStoredEvents: 10, maxRememberedEphemeralIds: 10 })
    const stored = makeEvent({ kind: STORED_KIND })
    const ephemeral = makeEvent({ kind: EPHEMERAL_KIND })
    expect(store.add(stored)).toBe('stored')
    expect(store.add(ephemeral)).toBe('ephemeral')
    expect(store.add(stored)).toBe('duplicate')
    expect(store.add(ephemeral)).toBe('duplicate')
    expect(store.events()).toEqual([stored])
  })

  it('drops the oldest events and ids beyond its bounds', () => {
    const store = createEventStore({ maxStoredEvents: 2, maxRememberedEphemeralIds: 2 })
    const stored = [1, 2, 3].map((n) => makeEvent({ kind: STORED_KIND, content: `s${n}` }))
    const ephemeral = [1, 2, 3].map((n) => makeEvent({ content: `e${n}` }))
    for (const event of [...stored, ...ephemeral]) store.add(event)
    expect(store.events()).toEqual(stored.slice(1))
    expect(store.size).toBe(2)
    // Forgotten, so no longer a duplicate.
    expect(store.add(ephemeral[0]!)).toBe('ephemeral')
  })
})

// -----------------------------------------------------------------------------------------------
// Sockets

type RelayMessage = unknown[]

interface TestClient {
  readonly socket: WebSocket
  send(message: unknown): void
  sendRaw(data: string | Buffer): void
  /** The first not yet taken message that satisfies `predicate`, waiting for it if needed. */
  take(predicate: (message: RelayMessage) => boolean): Promise<RelayMessage>
  /** Messages not yet taken. */
  pending(): readonly RelayMessage[]
  /** Every message received, in arrival order. */
  history(): readonly RelayMessage[]
  /** Resolves once the relay has processed everything this client sent before. */
  sync(): Promise<void>
  close(): Promise<void>
}

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  // Reverse order: clients before the relay they talk to.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const startRelay = async (options: NostrRelayOptions = {}) => {
  const relay = await startNostrRelay(options)
  cleanups.push(() => relay.close())
  return relay
}

const withTimeout = <T>(promise: Promise<T>, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_TIMEOUT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const waitUntil = async (condition: () => boolean, what: string, timeoutMs = WAIT_TIMEOUT_MS) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS))
  }
}

let syncCounter = 0

const connect = async (url: string): Promise<TestClient> => {
  const socket = new WebSocket(url)
  cleanups.push(async () => {
    if (socket.readyState === WebSocket.CLOSED) return
    const closed = once(socket, 'close')
    socket.terminate()
    await closed
  })
  const inbox: RelayMessage[] = []
  const history: RelayMessage[] = []
  const waiters = new Set<() => void>()
  socket.on('message', (data: RawData) => {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : 'unexpected non-buffer message'
    const message = JSON.parse(text) as RelayMessage
    inbox.push(message)
    history.push(message)
    for (const wake of waiters) wake()
  })
  await withTimeout(once(socket, 'open'), `connection to ${url}`)

  const take = (predicate: (message: RelayMessage) => boolean) => {
    let check = () => {}
    const found = new Promise<RelayMessage>((resolve) => {
      check = () => {
        const index = inbox.findIndex(predicate)
        if (index === -1) return
        // Leave at once: messages that arrive in the same tick must not be taken by us too.
        waiters.delete(check)
        resolve(inbox.splice(index, 1)[0]!)
      }
    })
    waiters.add(check)
    check()
    return withTimeout(found, 'a relay message').finally(() => waiters.delete(check))
  }

  return {
    socket,
    send: (message) => socket.send(json(message)),
    sendRaw: (data) => socket.send(data),
    take,
    pending: () => [...inbox],
    history: () => [...history],
    // The relay answers in order on one connection, so once the EOSE of a REQ sent now arrives,
    // every reply and delivery caused by earlier messages has arrived too.
    sync: async () => {
      const subId = `sync-${++syncCounter}`
      socket.send(json(['REQ', subId, { kinds: [] }]))
      await take((message) => message[0] === 'EOSE' && message[1] === subId)
      socket.send(json(['CLOSE', subId]))
    },
    close: async () => {
      const closed = once(socket, 'close')
      socket.close()
      await withTimeout(closed, 'the socket to close')
    },
  }
}

const isMessage =
  (...prefix: unknown[]) =>
  (message: RelayMessage) =>
    prefix.every((value, index) => message[index] === value)

const eventsFor = (client: TestClient, subId: string) =>
  client.pending().filter(isMessage('EVENT', subId))

const subscribeAndWait = async (client: TestClient, subId: string, ...filters: NostrFilter[]) => {
  client.send(['REQ', subId, ...filters])
  await client.take(isMessage('EOSE', subId))
}

const publishAndWait = async (client: TestClient, event: NostrEvent) => {
  client.send(['EVENT', event])
  return client.take(isMessage('OK', event.id))
}

describe('startNostrRelay', () => {
  it('listens on 127.0.0.1 on an ephemeral port by default', async () => {
    const relay = await startRelay()
    expect(relay.port).toBeGreaterThan(0)
    expect(relay.url).toBe(`ws://127.0.0.1:${relay.port}`)
  })

  it('answers a valid EVENT with OK true and a REQ with EOSE', async () => {
    const relay = await startRelay()
    const client = await connect(relay.url)
    const event = makeEvent()
    expect(await publishAndWait(client, event)).toEqual(['OK', event.id, true, ''])
    client.send(['REQ', 'sub', { kinds: [EPHEMERAL_KIND] }])
    expect(await client.take(isMessage('EOSE'))).toEqual(['EOSE', 'sub'])
  })

  it('answers a duplicate with OK true "duplicate:" and does not deliver it twice', async () => {
    const relay = await startRelay()
    const publisher = await connect(relay.url)
    const subscriber = await connect(relay.url)
    await subscribeAndWait(subscriber, 'sub', { '#x': ['topic'] })
    const event = makeEvent()
    await publishAndWait(publisher, event)
    const [, , accepted, reason] = await publishAndWait(publisher, event)
    expect(accepted).toBe(true)
    expect(reason).toMatch(/^duplicate:/)
    await subscriber.sync()
    expect(eventsFor(subscriber, 'sub')).toEqual([['EVENT', 'sub', event]])
  })

  it('broadcasts to matching subscriptions only', async () => {
    const relay = await startRelay()
    const publisher = await connect(relay.url)
    const subscriber = await connect(relay.url)
    await subscribeAndWait(subscriber, 'match', { kinds: [EPHEMERAL_KIND], '#x': ['topic'] })
    await subscribeAndWait(subscriber, 'other-topic', { '#x': ['elsewhere'] })
    await subscribeAndWait(subscriber, 'other-kind', { kinds: [EPHEMERAL_KIND + 1] })
    const event = makeEvent()
    await publishAndWait(publisher, event)
    expect(await subscriber.take(isMessage('EVENT', 'match'))).toEqual(['EVENT', 'match', event])
    await subscriber.sync()
    expect(eventsFor(subscriber, 'other-topic')).toEqual([])
    expect(eventsFor(subscriber, 'other-kind')).toEqual([])
  })

  it('in the middle, devices hear only the attacker, and the attacker hears everyone', async () => {
    const relay = await startRelay({ inTheMiddle: true })
    const [deviceA, deviceB] = [await connect(relay.url), await connect(relay.url)]
    const attacker = await connect(`${relay.url}${ATTACKER_PATH}`)
    for (const client of [deviceA, deviceB, attacker]) {
      await subscribeAndWait(client, 'sub', { '#x': ['topic'] })
    }
    const fromA = makeEvent({ content: 'from A' })
    await publishAndWait(deviceA, fromA)
    expect(await attacker.take(isMessage('EVENT', 'sub'))).toEqual(['EVENT', 'sub', fromA])
    const fromAttacker = makeEvent({ content: 'from the attacker' })
    await publishAndWait(attacker, fromAttacker)
    for (const device of [deviceA, deviceB]) {
      expect(await device.take(isMessage('EVENT', 'sub'))).toEqual(['EVENT', 'sub', fromAttacker])
      await device.sync()
    }
    // A's event never reached B (nor A itself): each device heard the attacker alone.
    for (const device of [deviceA, deviceB]) {
      expect(device.history().filter(isMessage('EVENT'))).toEqual([['EVENT', 'sub', fromAttacker]])
    }
  })

  it('also delivers to the sender’s own matching subscription', async () => {
    const relay = await startRelay()
    const client = await connect(relay.url)
    await subscribeAndWait(client, 'own', { '#x': ['topic'] })
    const event = makeEvent()
    await publishAndWait(client, event)
    expect(await client.take(isMessage('EVENT', 'own'))).toEqual(['EVENT', 'own', event])
  })

  it('stops delivery after CLOSE and sends no CLOSED', async () => {
    const relay = await startRelay()
    const publisher = await connect(relay.url)
    const subscriber = await connect(relay.url)
    await subscribeAndWait(subscriber, 'sub', { '#x': ['topic'] })
    subscriber.send(['CLOSE', 'sub'])
    await subscriber.sync()
    await publishAndWait(publisher, makeEvent())
    await subscriber.sync()
    expect(subscriber.pending()).toEqual([])
    expect(relay.stats().closesReceived).toBeGreaterThanOrEqual(1)
  })

  it('counts EVENT, REQ and CLOSE per client connection, closed ones included', async () => {
    const relay = await startRelay()
    const first = await connect(relay.url)
    const second = await connect(relay.url)
    await publishAndWait(first, makeEvent())
    await publishAndWait(first, makeEvent({ content: 'again' }))
    await subscribeAndWait(second, 'sub', { '#x': ['topic'] })
    second.send(['CLOSE', 'sub'])
    await second.sync()
    await first.close()
    // sync() sent one more REQ and CLOSE of its own. The relay sees the close soon after.
    for (let tries = 0; tries < 100 && relay.clientStats()[0]?.open !== false; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(relay.clientStats()).toEqual([
      { id: 1, open: false, events: 2, reqs: 0, closes: 0 },
      { id: 2, open: true, events: 0, reqs: 2, closes: 2 },
    ])
  })

  it('replaces a subscription sent again under the same id', async () => {
    const relay = await startRelay()
    const publisher = await connect(relay.url)
    const subscriber = await connect(relay.url)
    await subscribeAndWait(subscriber, 'sub', { '#x': ['old'] })
    await subscribeAndWait(subscriber, 'sub', { '#x': ['new'] })
    await publishAndWait(publisher, makeEvent({ tags: [['x', 'old']] }))
    const fresh = makeEvent({ tags: [['x', 'new']] })
    expect(relay.stats().subscriptionsOpen).toBe(1)
    await publishAndWait(publisher, fresh)
    await subscriber.sync()
    expect(eventsFor(subscriber, 'sub')).toEqual([['EVENT', 'sub', fresh]])
  })

  it('replays stored events before EOSE, but never ephemeral ones', async () => {
    const relay = await startRelay()
    const publisher = await connect(relay.url)
    const stored = makeEvent({ kind: STORED_KIND })
    await publishAndWait(publisher, stored)
    await publishAndWait(publisher, makeEvent({ kind: EPHEMERAL_KIND }))
    const late = await connect(relay.url)
    await subscribeAndWait(late, 'sub', { kinds: [STORED_KIND, EPHEMERAL_KIND] })
    expect(late.history()).toEqual([
      ['EVENT', 'sub', stored],
      ['EOSE', 'sub'],
    ])
    expect(relay.stats().eventsStored).toBe(1)
  })

  it('answers an event whose id is not its hash with OK false "invalid:"', async () => {
    const relay = await startRelay()
    const client = await connect(relay.url)
    const event = { ...makeEvent(), content: 'tampered' }
    const [, , accepted, reason] = await publishAndWait(client, event)
    expect(accepted).toBe(false)
    expect(reason).toMatch(/^invalid: bad-event-id:/)
    expect(relay.stats().eventsRejected).toBe(1)
  })

  it('refuses subscriptions over the per-connection cap with a NOTICE and stays usable', async () => {
    const relay = await startRelay({ limits: { maxSubscriptionsPerConnection: 2 } })
    const client = await connect(relay.url)
    await subscribeAndWait(client, 'a', { '#x': ['a'] })
    await subscribeAndWait(client, 'b', { '#x': ['b'] })
    client.send(['REQ', 'c', { '#x': ['c'] }])
    const [, notice] = await client.take(isMessage('NOTICE'))
    expect(notice).toMatch(/^error: too-many-subscriptions:/)
    // Replacing an existing one is still allowed, and closing one frees a slot.
    await subscribeAndWait(client, 'a', { '#x': ['a2'] })
    client.send(['CLOSE', 'b'])
    await subscribeAndWait(client, 'c', { '#x': ['c'] })
    expect(relay.stats().subscriptionsOpen).toBe(2)
  })

  it('refuses an oversize message with a NOTICE, and cuts off a huge one', async () => {
    const maxMessageBytes = 1024
    const relay = await startRelay({ limits: { maxMessageBytes } })
    const client = await connect(relay.url)
    client.sendRaw(json(['CLOSE', 'x'.repeat(maxMessageBytes)]))
    const [, notice] = await client.take(isMessage('NOTICE'))
    expect(notice).toMatch(/^error: oversize:/)
    await subscribeAndWait(client, 'still-here', {})

    const closed = once(client.socket, 'close')
    client.sendRaw('x'.repeat(maxMessageBytes * 10))
    const [code] = (await withTimeout(closed, 'the relay to close the socket')) as [number]
    expect(code).toBe(1009)
    const next = await connect(relay.url)
    await subscribeAndWait(next, 'after', {})
  })

  it('enforces the connection limit and frees slots when clients leave', async () => {
    const relay = await startRelay({ limits: { maxConnections: 2 } })
    const first = await connect(relay.url)
    await connect(relay.url)
    await expect(connect(relay.url)).rejects.toThrow(/503/)
    expect(relay.stats().connectionsRefused).toBe(1)
    await first.close()
    await waitUntil(() => relay.stats().connectionsOpen === 1, 'the relay to see the close')
    const replacement = await connect(relay.url)
    await subscribeAndWait(replacement, 'sub', {})
  })

  it('stays up after garbage, answering each with a NOTICE', async () => {
    const relay = await startRelay()
    const client = await connect(relay.url)
    const garbage = ['not json', '{}', '[]', '[1]', '["PING"]', '["REQ",5]', '["EVENT",{}]']
    for (const text of garbage) client.sendRaw(text)
    client.sendRaw(Buffer.from([0, 1, 2, 3]))
    for (let i = 0; i <= garbage.length; i++) {
      const [, notice] = await client.take(isMessage('NOTICE'))
      expect(notice).toMatch(/^error: [a-z-]+: /)
    }
    await subscribeAndWait(client, 'sub', {})
    const other = await connect(relay.url)
    await publishAndWait(other, makeEvent())
    expect(relay.stats().noticesSent).toBe(garbage.length + 1)
  })

  it('counts connections, messages, events per kind and REQs', async () => {
    const relay = await startRelay()
    const client = await connect(relay.url)
    await publishAndWait(client, makeEvent({ kind: 20_001 }))
    await publishAndWait(client, makeEvent({ kind: 20_002 }))
    await publishAndWait(client, makeEvent({ kind: 20_002, content: 'again' }))
    await subscribeAndWait(client, 'sub', {})
    const stats = relay.stats()
    expect(stats).toMatchObject({
      connectionsOpen: 1,
      connectionsTotal: 1,
      messagesReceived: 4,
      eventsReceived: 3,
      eventsByKind: { 20001: 1, 20002: 2 },
      eventsStored: 0,
      reqsReceived: 1,
      subscriptionsOpen: 1,
    })
    expect(stats.bytesReceived).toBeGreaterThan(0)
  })

  it('closes every socket on close() and refuses new ones', async () => {
    const relay = await startRelay()
    const client = await connect(relay.url)
    const closed = once(client.socket, 'close')
    await relay.close()
    const [code] = (await closed) as [number]
    expect(code).toBe(1001)
    await expect(connect(relay.url)).rejects.toThrow()
    await relay.close() // idempotent
  })

  it('logs connections and refusals when given a log function', async () => {
    const lines: string[] = []
    const relay = await startRelay({ log: (line) => lines.push(line) })
    const client = await connect(relay.url)
    client.sendRaw('nope')
    await client.take(isMessage('NOTICE'))
    expect(lines.some((line) => line.includes('connected'))).toBe(true)
    expect(lines.some((line) => line.includes('not-json'))).toBe(true)
  })
})

describe('with Trystero’s wire format', () => {
  it('relays an event built by createEvent to a REQ built by subscribe', async () => {
    const relay = await startRelay()
    const publisher = await connect(relay.url)
    const subscriber = await connect(relay.url)
    const topic = 'ferry-test-topic'

    subscriber.sendRaw(subscribe('trystero-sub', topic))
    await subscriber.take(isMessage('EOSE', 'trystero-sub'))
    subscriber.sendRaw(subscribe('unrelated-sub', 'another-topic'))
    await subscriber.take(isMessage('EOSE', 'unrelated-sub'))

    const wire = await createEvent(topic, 'offer payload')
    const event = (JSON.parse(wire) as ['EVENT', NostrEvent])[1]
    publisher.sendRaw(wire)
    expect(await publisher.take(isMessage('OK', event.id))).toEqual(['OK', event.id, true, ''])

    const [, , delivered] = await subscriber.take(isMessage('EVENT', 'trystero-sub'))
    expect(delivered).toEqual(event)
    expect(event.tags).toEqual([['x', topic]])
    await subscriber.sync()
    expect(eventsFor(subscriber, 'unrelated-sub')).toEqual([])

    // Trystero only tolerates "duplicate:" among OK false reasons; we answer OK true anyway.
    publisher.sendRaw(wire)
    const [, , accepted, reason] = await publisher.take(isMessage('OK', event.id))
    expect(accepted).toBe(true)
    expect(reason).toMatch(/^duplicate:/)
  })
})

describe('scripts/relay.ts', () => {
  it('prints its URL and exits cleanly on SIGTERM', async () => {
    const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
    // `node --import tsx` keeps it to one process, so the signals reach the relay itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/relay.ts', '--port', '0'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    cleanups.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    })
    const exited = once(child, 'exit')
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    await waitUntil(() => stdout.includes('\n'), 'the relay to print its URL', CLI_START_TIMEOUT_MS)
    const url = /^relay listening on (ws:\/\/127\.0\.0\.1:\d+)\n$/.exec(stdout)?.[1]
    expect(url).toBeDefined()

    const client = await connect(url!)
    await subscribeAndWait(client, 'sub', {})
    child.kill('SIGTERM')
    const [code] = (await withTimeout(exited, 'the relay to exit')) as [number | null]
    expect(code).toBe(0)
  })
})
