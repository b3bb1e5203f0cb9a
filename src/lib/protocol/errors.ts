/** Every way the protocol can be broken, or a transfer can end badly, as a stable code. */
export type ProtocolErrorCode =
  // control messages
  | 'malformed-json'
  | 'not-an-object'
  | 'unknown-type'
  | 'invalid-field'
  | 'unsupported-version'
  | 'too-large'
  // bulk frames
  | 'truncated-frame'
  | 'oversized-frame'
  | 'bad-frame-header'
  // transfers
  | 'unknown-transfer'
  | 'unexpected-offset'
  | 'past-end'
  | 'window-exceeded'
  | 'hash-mismatch'
  | 'read-failed'
  | 'write-failed'
  | 'peer-gone'
  | 'cancelled'
  | 'declined'
  | 'bad-state'
  // peers
  | 'rate-limited'

export const errorPrefix = 'ferry:'

/** A refused message, frame or operation. `code` is stable; `message` is for people and logs. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'

  constructor(
    readonly code: ProtocolErrorCode,
    readonly detail: string,
  ) {
    super(`${errorPrefix} ${code}: ${detail}`)
  }
}

/** A failure whose code the caller can act on, whatever was thrown. */
export const toProtocolError = (thrown: unknown, fallback: ProtocolErrorCode): ProtocolError =>
  thrown instanceof ProtocolError
    ? thrown
    : new ProtocolError(fallback, thrown instanceof Error ? thrown.message : String(thrown))
