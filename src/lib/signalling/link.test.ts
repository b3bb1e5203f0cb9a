import { describe, expect, it } from 'vitest'
import { createRoomLink, parseRoomFragment, roomlessUrl, roomUrl } from './link.ts'

describe('room links', () => {
  it('makes 128-bit URL-safe ids and secrets that differ', () => {
    const link = createRoomLink()
    expect(link.roomId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(link.secret).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(link.roomId).not.toBe(link.secret)
    expect(createRoomLink().roomId).not.toBe(link.roomId)
  })

  it("round-trips through a URL, carrying the room's own relays and not the page's", () => {
    const link = createRoomLink()
    const page = new URL('https://ferry.example/app/?relays=wss://evil.example&x=1#old')
    const plain = new URL(roomUrl(page, link))
    expect(plain.search).toBe('')
    expect(plain.pathname).toBe('/app/')
    expect(parseRoomFragment(plain.hash)).toEqual(link)
    const taken = new URL(
      roomUrl(page, { ...link, relayUrls: ['wss://a.example', 'wss://b.example'] }),
    )
    expect(taken.searchParams.get('relays')).toBe('wss://a.example,wss://b.example')
    expect(taken.searchParams.get('x')).toBeNull()
  })

  it('leaves no room and no link relays in the address after leaving', () => {
    const page = new URL('https://ferry.example/app/?relays=wss://a.example&lang=fr#room=x&key=y')
    expect(roomlessUrl(page)).toBe('https://ferry.example/app/?lang=fr')
  })

  it('refuses fragments that are not a room', () => {
    expect(parseRoomFragment('')).toBeNull()
    expect(parseRoomFragment('#room=abc&key=def')).toBeNull()
    expect(parseRoomFragment('#room=' + 'a'.repeat(22))).toBeNull()
    expect(parseRoomFragment('#room=' + 'a'.repeat(22) + '&key=' + '!'.repeat(22))).toBeNull()
  })

  it('maps every byte value to the URL-safe alphabet', () => {
    const link = createRoomLink((bytes) => bytes.fill(0xff))
    expect(link.roomId).toBe('_____________________w')
  })
})
