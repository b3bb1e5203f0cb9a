import { ProtocolError } from './errors.ts'
import { transferIdBytes } from './limits.ts'

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** 16 bytes are 22 base64url characters; the last one carries 2 bits, so it is one of A, Q, g, w. */
export const transferIdChars = 22

/** The canonical text form of a transfer id. */
export const transferIdPattern = /^[A-Za-z0-9_-]{21}[AQgw]$/

const sextetOf = new Map<string, number>([...alphabet].map((char, index) => [char, index]))

/** A fresh transfer id: 128 random bits as 22 characters of unpadded base64url. */
export const newTransferId = (
  randomBytes: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string => transferIdFromBytes(randomBytes(new Uint8Array(transferIdBytes)))

/** True for the canonical text form of a transfer id, the only form that round-trips through bytes. */
export const isTransferId = (value: unknown): value is string =>
  typeof value === 'string' && transferIdPattern.test(value)

/** The 16 bytes a frame carries for this id. Throws ProtocolError('invalid-field') for a non-id. */
export const transferIdToBytes = (id: string): Uint8Array => {
  if (!transferIdPattern.test(id))
    throw new ProtocolError('invalid-field', `not a transfer id: ${id}`)
  const bytes = new Uint8Array(transferIdBytes)
  let bits = 0
  let bitCount = 0
  let byteIndex = 0
  for (const char of id) {
    bits = (bits << 6) | (sextetOf.get(char) ?? 0)
    bitCount += 6
    if (bitCount >= 8) {
      bitCount -= 8
      bytes[byteIndex++] = (bits >> bitCount) & 0xff
    }
  }
  return bytes
}

/** The text form of the 16 id bytes from a frame. Throws ProtocolError('invalid-field') for another length. */
export const transferIdFromBytes = (bytes: Uint8Array): string => {
  if (bytes.length !== transferIdBytes) {
    throw new ProtocolError(
      'invalid-field',
      `a transfer id has ${transferIdBytes} bytes, not ${bytes.length}`,
    )
  }
  let id = ''
  let bits = 0
  let bitCount = 0
  for (const byte of bytes) {
    bits = ((bits << 8) | byte) & 0xffff
    bitCount += 8
    while (bitCount >= 6) {
      bitCount -= 6
      id += alphabet[(bits >> bitCount) & 0x3f] ?? ''
    }
  }
  if (bitCount > 0) id += alphabet[(bits << (6 - bitCount)) & 0x3f] ?? ''
  return id
}
