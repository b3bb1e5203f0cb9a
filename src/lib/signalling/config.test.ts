import { describe, expect, it } from 'vitest'
import {
  buildTimeOverrides,
  defaultConfig,
  parseOverrides,
  parseRelayList,
  resolveConfig,
  urlOverrides,
} from './config.ts'

describe('config', () => {
  it('defaults to public relays and STUN', () => {
    expect(defaultConfig.relayUrls.length).toBeGreaterThan(3)
    expect(defaultConfig.relayUrls.every((u) => u.startsWith('wss://'))).toBe(true)
    expect(defaultConfig.iceServers.length).toBeGreaterThan(0)
  })

  it('reads relays from a URL and drops invalid ones', () => {
    const url = new URL(
      'https://x.example/?relays=ws://127.0.0.1:7447,%20wss://r.example,http://no,junk',
    )
    expect(urlOverrides(url)).toEqual({ relayUrls: ['ws://127.0.0.1:7447', 'wss://r.example'] })
    expect(urlOverrides(new URL('https://x.example/'))).toEqual({})
    expect(parseRelayList(null)).toEqual([])
  })

  it('reads the ICE transport policy, and nothing but its two values', () => {
    expect(defaultConfig.iceTransportPolicy).toBe('all')
    expect(parseOverrides({ iceTransportPolicy: 'relay' })).toEqual({ iceTransportPolicy: 'relay' })
    expect(parseOverrides({ iceTransportPolicy: 'all' })).toEqual({ iceTransportPolicy: 'all' })
    expect(parseOverrides({ iceTransportPolicy: 'none' })).toEqual({})
    expect(parseOverrides({ iceTransportPolicy: 1 })).toEqual({})
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
