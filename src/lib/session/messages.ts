/**
 * The session handshake's messages (handshake.ts), told apart from the transfer protocol's on the
 * shared control lane. Kept apart from the handshake itself, which loads with the first peer.
 */

export const sessionVersion = 1

/** Messages of the session handshake; everything else on the lane is the transfer protocol's. */
export type SessionMessage =
  | { type: 'session-commit'; version: number; fingerprint: string; commitment: string }
  | { type: 'session-reveal'; nonce: string }
  | { type: 'link-proof'; proof: string }

const sessionTypes: ReadonlySet<unknown> = new Set([
  'session-commit',
  'session-reveal',
  'link-proof',
])

export const isSessionMessage = (raw: unknown): boolean =>
  typeof raw === 'object' &&
  raw !== null &&
  !Array.isArray(raw) &&
  sessionTypes.has((raw as Record<string, unknown>)['type'])

/** A link room this device is in, as the handshake needs it. */
export interface LinkSecret {
  roomId: string
  secret: string
}
