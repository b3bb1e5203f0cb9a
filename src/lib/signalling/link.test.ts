import { describe, expect, it } from 'vitest'
import { createRoomLink, parseRoomFragment, roomUrl } from './link.ts'

describe('room links', () => {
  it('makes 128-bit URL-safe ids and secrets that differ', () => {
    const link = createRoomLink()
    expect(link.roomId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(link.secret).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(link.roomId).not.toBe(link.secret)
    expect(createRoomLink().roomId).not.toBe(link.roomId)
  })

  it('round-trips through a URL and keeps relays from the query', () => {
    const link = createRoomLink()
    const page = new URL(
      'https://ferry.example/app/?relays=wss://a.example,wss://b.example&x=1#old',
    )
    const href = roomUrl(page, link)
    const url = new URL(href)
    expect(url.searchParams.get('relays')).toBe('wss://a.example,wss://b.example')
    expect(url.searchParams.get('x')).toBeNull()
    expect(url.pathname).toBe('/app/')
    expect(parseRoomFragment(url.hash)).toEqual(link)
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
