import { describe, expect, it } from 'vitest'
import { isOffline, type ConnectivityInput } from './connectivity.ts'

const input = (over: Partial<ConnectivityInput>): ConnectivityInput => ({
  relays: { open: 0, total: 0, failed: 0 },
  browserOnline: true,
  nearby: { state: 'active' },
  ...over,
})

describe('isOffline', () => {
  it('is online as soon as one relay socket is open, whatever the browser says', () => {
    const relays = { open: 1, total: 3, failed: 2 }
    expect(isOffline(true, input({ relays, browserOnline: false }))).toBe(false)
  })

  it('is offline when every relay attempt failed', () => {
    expect(isOffline(false, input({ relays: { open: 0, total: 2, failed: 2 } }))).toBe(true)
  })

  it('keeps its last answer while attempts are under way', () => {
    const relays = { open: 0, total: 2, failed: 1 }
    expect(isOffline(true, input({ relays }))).toBe(true)
    expect(isOffline(false, input({ relays }))).toBe(false)
  })

  it('with no socket, believes an offline browser only when nearby discovery got no answer', () => {
    const noAnswer = { state: 'unavailable', reason: 'no-answer' } as const
    expect(isOffline(false, input({ browserOnline: false, nearby: noAnswer }))).toBe(true)
    expect(isOffline(true, input({ browserOnline: true, nearby: noAnswer }))).toBe(false)
    const noStun = { state: 'unavailable', reason: 'no-stun-server' } as const
    expect(isOffline(false, input({ browserOnline: false, nearby: noStun }))).toBe(false)
  })
})
