import { describe, expect, it } from 'vitest'
import {
  buildTimeOverrides,
  defaultConfig,
  parseOverrides,
  parseRelayList,
  resolveConfig,
  linkRelays,
  linkRoomConfig,
  savedSettingsOverrides,
} from './config.ts'
import { connectionFormOf, parseConnectionForm, type ConnectionForm } from './connection-form.ts'

describe('config', () => {
  it("defaults to Trystero's public relays (an empty list) and public STUN", () => {
    expect(defaultConfig.relayUrls).toEqual([])
    expect(defaultConfig.iceServers.length).toBeGreaterThan(0)
  })

  it('reads relays from a link and drops invalid ones', () => {
    const url = new URL(
      'https://x.example/?relays=ws://127.0.0.1:7447,%20wss://r.example,http://no,junk,ws://lan.example',
    )
    expect(linkRelays(url)).toEqual(['ws://127.0.0.1:7447', 'wss://r.example'])
    expect(linkRelays(new URL('https://x.example/'))).toEqual([])
    expect(parseRelayList(null)).toEqual([])
  })

  it('takes plain ws: relays on this machine only, as the Content Security Policy does', () => {
    expect(
      parseRelayList('ws://localhost:1,ws://127.0.0.1:2,ws://10.0.0.2:3,ws://r.example'),
    ).toEqual(['ws://localhost:1', 'ws://127.0.0.1:2'])
  })

  it("applies a link's relays to that link's room alone; saved settings stay the device's", () => {
    const device = resolveConfig(
      buildTimeOverrides({ VITE_FERRY_RELAYS: 'wss://built.example' }),
      parseOverrides({ relayUrls: ['wss://served.example'] }),
      savedSettingsOverrides({ relayUrls: ['wss://saved.example'] }),
    )
    expect(device.relayUrls).toEqual(['wss://saved.example'])
    const linkRoom = linkRoomConfig(device, ['wss://link.example'])
    expect(linkRoom.relayUrls).toEqual(['wss://link.example'])
    expect(linkRoom.iceServers).toBe(device.iceServers)
    expect(device.relayUrls).toEqual(['wss://saved.example'])
    expect(linkRoomConfig(device)).toBe(device)
    expect(linkRoomConfig(device, [])).toBe(device)
  })

  it('reads the ICE transport policy, and nothing but its two values', () => {
    expect(defaultConfig.iceTransportPolicy).toBe('all')
    expect(parseOverrides({ iceTransportPolicy: 'relay' })).toEqual({ iceTransportPolicy: 'relay' })
    expect(parseOverrides({ iceTransportPolicy: 'all' })).toEqual({ iceTransportPolicy: 'all' })
    expect(parseOverrides({ iceTransportPolicy: 'none' })).toEqual({})
    expect(parseOverrides({ iceTransportPolicy: 1 })).toEqual({})
  })

  it('reads how long a hidden page keeps its nearby room, within bounds', () => {
    expect(parseOverrides({ nearbyHiddenLeaveMs: 5000 })).toEqual({ nearbyHiddenLeaveMs: 5000 })
    expect(parseOverrides({ nearbyHiddenLeaveMs: 10 })).toEqual({})
    expect(parseOverrides({ nearbyHiddenLeaveMs: 1.5e9 })).toEqual({})
    expect(parseOverrides({ nearbyHiddenLeaveMs: '5000' })).toEqual({})
    expect(savedSettingsOverrides({ nearbyHiddenLeaveMs: 5000, testHooks: true })).toEqual({})
  })

  it('reads a config file defensively', () => {
    expect(parseOverrides(null)).toEqual({})
    expect(parseOverrides({ relayUrls: 'ws://a' })).toEqual({})
    expect(parseOverrides({ iceServers: [] })).toEqual({ iceServers: [] })
    expect(parseOverrides({ iceServers: [{ urls: 'http://bad' }] })).toEqual({})
    expect(
      parseOverrides({
        relayUrls: ['ws://127.0.0.1:1', 5],
        relayRedundancy: 2,
        iceServers: [{ urls: ['turn:t.example'], username: 'u', credential: 'c' }],
        unknown: true,
        testHooks: true,
      }),
    ).toEqual({
      testHooks: true,
      relayUrls: ['ws://127.0.0.1:1'],
      relayRedundancy: 2,
      iceServers: [{ urls: ['turn:t.example'], username: 'u', credential: 'c' }],
    })
  })

  it('reads build-time env', () => {
    expect(
      buildTimeOverrides({ VITE_FERRY_RELAYS: 'wss://a.example', VITE_FERRY_ICE_SERVERS: '[]' }),
    ).toEqual({ relayUrls: ['wss://a.example'], iceServers: [] })
    expect(buildTimeOverrides({ VITE_FERRY_ICE_SERVERS: '{not json' })).toEqual({})
  })

  it('lets later layers win', () => {
    const config = resolveConfig(
      { relayUrls: ['wss://a.example'] },
      { relayUrls: ['wss://b.example'] },
    )
    expect(config.relayUrls).toEqual(['wss://b.example'])
    expect(config.appId).toBe(defaultConfig.appId)
  })
})

const emptyForm: ConnectionForm = {
  relays: '',
  stunUrls: '',
  turnUrls: '',
  turnUsername: '',
  turnCredential: '',
  relayOnly: false,
}

describe('connection settings form', () => {
  it('an empty form overrides nothing', () => {
    expect(connectionFormOf({})).toEqual(emptyForm)
    expect(parseConnectionForm(emptyForm)).toEqual({ ok: true, overrides: {} })
  })

  it('turns relays, STUN and a TURN server with credentials into overrides, and back', () => {
    const form: ConnectionForm = {
      relays: 'wss://relay.example.org\n ws://127.0.0.1:7447 \n\n',
      stunUrls: 'stun:stun.example.org:3478',
      turnUrls: 'turn:turn.example.org:3478?transport=udp\nturns:turn.example.org:5349',
      turnUsername: ' ferry ',
      turnCredential: 's3cret',
      relayOnly: true,
    }
    const result = parseConnectionForm(form)
    expect(result).toEqual({
      ok: true,
      overrides: {
        relayUrls: ['wss://relay.example.org', 'ws://127.0.0.1:7447'],
        iceServers: [
          { urls: 'stun:stun.example.org:3478' },
          {
            urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
            username: 'ferry',
            credential: 's3cret',
          },
        ],
        iceTransportPolicy: 'relay',
      },
    })
    if (!result.ok) throw new Error('unreachable')
    // What was saved reads back the same, and passes the untrusted-input parser unchanged.
    expect(parseOverrides(result.overrides)).toEqual(result.overrides)
    expect(connectionFormOf(result.overrides)).toEqual({
      ...form,
      relays: 'wss://relay.example.org\nws://127.0.0.1:7447',
      turnUrls: 'turn:turn.example.org:3478?transport=udp\nturns:turn.example.org:5349',
      turnUsername: 'ferry',
    })
  })

  it('reports every bad field at once, with the offending entries', () => {
    const result = parseConnectionForm({
      relays: 'https://not-a-relay.example, wss://ok.example',
      stunUrls: 'turn:wrong-list.example',
      turnUrls: 'turn:t.example:3478?transport=carrier-pigeon',
      turnUsername: '',
      turnCredential: '',
      relayOnly: true,
    })
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'relays', code: 'invalid-url', entries: ['https://not-a-relay.example'] },
        { field: 'stunUrls', code: 'invalid-url', entries: ['turn:wrong-list.example'] },
        {
          field: 'turnUrls',
          code: 'invalid-url',
          entries: ['turn:t.example:3478?transport=carrier-pigeon'],
        },
        { field: 'turnCredentials', code: 'missing' },
      ],
    })
  })

  it('refuses relay-only without a TURN server, too many entries, and overlong credentials', () => {
    expect(parseConnectionForm({ ...emptyForm, relayOnly: true })).toEqual({
      ok: false,
      errors: [{ field: 'relayOnly', code: 'no-turn-server' }],
    })
    const many = Array.from({ length: 17 }, (_, i) => `wss://r${i}.example`).join('\n')
    expect(parseConnectionForm({ ...emptyForm, relays: many })).toEqual({
      ok: false,
      errors: [{ field: 'relays', code: 'too-many', max: 16 }],
    })
    expect(
      parseConnectionForm({
        ...emptyForm,
        turnUrls: 'turn:t.example',
        turnUsername: 'u',
        turnCredential: 'c'.repeat(257),
      }),
    ).toEqual({ ok: false, errors: [{ field: 'turnCredentials', code: 'too-long' }] })
  })

  it('a config file may not name a TURN server without credentials (browsers would throw)', () => {
    expect(parseOverrides({ iceServers: [{ urls: 'turn:t.example:3478' }] })).toEqual({})
    expect(
      parseOverrides({ iceServers: [{ urls: 'turn:t.example', username: 'u', credential: 'c' }] }),
    ).toEqual({ iceServers: [{ urls: 'turn:t.example', username: 'u', credential: 'c' }] })
    expect(parseOverrides({ iceServers: [{ urls: 'stun:s.example javascript:' }] })).toEqual({})
  })
})
