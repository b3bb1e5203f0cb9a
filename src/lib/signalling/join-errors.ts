/**
 * What Trystero's join errors (its `onJoinError` callback) mean for Ferry, told apart by their
 * words, which are all Trystero gives (node_modules/@trystero-p2p/core/dist/signal-handler.mjs and
 * handshake.mjs).
 */
export type JoinErrorKind =
  /** The peer does not have the room's secret. */
  | 'refused'
  /** Descriptions were exchanged but no ICE candidate pair worked: a TURN server is needed. */
  | 'unreachable'
  /** The connection failed midway (a handshake that timed out, a peer gone during it): may pass. */
  | 'transient'

/**
 * "incorrect room password when decrypting offer" (or answer), and "incorrect password for
 * overlapping room" from the password handshake.
 */
const refusalPattern = /\bincorrect\b.*\bpassword\b/i
/** getSdpExchangeConnectionError: "could not connect to peer … after exchanging SDP; …". */
const unreachablePrefix = 'could not connect to peer'

export const classifyJoinError = (error: string): JoinErrorKind => {
  if (error.startsWith(unreachablePrefix)) return 'unreachable'
  if (refusalPattern.test(error)) return 'refused'
  return 'transient'
}
