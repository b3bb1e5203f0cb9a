/**
 * Private room links. The room id and the secret live in the URL fragment, which browsers never send
 * to a server: `https://ferry.example/?relays=wss://r#room=<id>&key=<secret>`.
 */

/** 128 random bits as unpadded base64url: 22 characters. */
const tokenBytes = 16
const tokenPattern = /^[A-Za-z0-9_-]{22}$/

export interface RoomLink {
  roomId: string
  secret: string
  /** Relays the link named and the person agreed to, for this room only (config.ts linkRelays). */
  relayUrls?: readonly string[]
}

const toBase64Url = (bytes: Uint8Array): string => {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export const randomToken = (random: (bytes: Uint8Array) => void): string => {
  const bytes = new Uint8Array(tokenBytes)
  random(bytes)
  return toBase64Url(bytes)
}

export const createRoomLink = (
  random: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b),
): RoomLink => ({ roomId: randomToken(random), secret: randomToken(random) })

/** Reads a room from a URL fragment (`#room=…&key=…`); anything else is no room. */
export const parseRoomFragment = (hash: string): RoomLink | null => {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const roomId = params.get('room')
  const secret = params.get('key')
  if (!roomId || !secret || !tokenPattern.test(roomId) || !tokenPattern.test(secret)) return null
  return { roomId, secret }
}

/**
 * The shareable URL of a room: the app's own URL with the room in the fragment, and the room's own
 * relays (those a link named and the person took), so the other device meets on the same relays.
 * Whatever else the page's address carried is left out.
 */
export const roomUrl = (pageUrl: URL, link: RoomLink): string => {
  const url = new URL(pageUrl.href)
  url.search = ''
  if (link.relayUrls && link.relayUrls.length > 0) {
    url.searchParams.set('relays', link.relayUrls.join(','))
  }
  url.hash = new URLSearchParams({ room: link.roomId, key: link.secret }).toString()
  return url.href
}

/** The page's address without a room: no fragment, no link relays (what "Leave room" leaves). */
export const roomlessUrl = (pageUrl: URL): string => {
  const url = new URL(pageUrl.href)
  url.searchParams.delete('relays')
  url.hash = ''
  return url.href
}
