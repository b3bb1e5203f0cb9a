/**
 * Property-based tests (fast-check) of every decoder and validator of the wire protocol:
 * what we encode decodes to itself, and whatever a peer sends (random bytes, random JSON, deep
 * nesting, huge strings, prototype-pollution keys) comes back as a typed refusal, never a throw.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  declineReasons,
  deviceKinds,
  parseControl,
  utf8Bytes,
  type ControlMessage,
  type OfferedFile,
  type ParseControlResult,
} from './control.ts'
import { ProtocolError, type ProtocolErrorCode } from './errors.ts'
import { createFrameReader, decodeFrame, encodeFrame, type Frame } from './frame.ts'
import { isTransferId, transferIdFromBytes, transferIdToBytes } from './ids.ts'
import {
  frameHeaderBytes,
  maxControlMessageBytes,
  maxFileBytes,
  maxFilesPerOffer,
  maxFrameOffset,
  maxFramePayloadBytes,
  protocolVersion,
  transferIdBytes,
} from './limits.ts'
import { safeFileName } from './paths.ts'

const controlCodes: ReadonlySet<ProtocolErrorCode> = new Set<ProtocolErrorCode>([
  'malformed-json',
  'not-an-object',
  'unknown-type',
  'invalid-field',
  'unsupported-version',
  'too-large',
])
const frameCodes: ReadonlySet<ProtocolErrorCode> = new Set<ProtocolErrorCode>([
  'truncated-frame',
  'oversized-frame',
  'bad-frame-header',
])

/** Either a valid message, or a ProtocolError with one of the control codes: nothing else. */
const expectTypedControlResult = (result: ParseControlResult): void => {
  if (result.ok) return
  expect(result.error).toBeInstanceOf(ProtocolError)
  expect(controlCodes.has(result.error.code), result.error.code).toBe(true)
}

// --- arbitraries ---------------------------------------------------------------------------

const transferIdArb = fc
  .uint8Array({ minLength: transferIdBytes, maxLength: transferIdBytes })
  .map(transferIdFromBytes)

/** Names as an honest sender makes them: anything, made safe. */
const nameArb = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }).map((text) => {
  return safeFileName(text)
})

const folderArb = fc.array(nameArb, { minLength: 1, maxLength: 4 }).map((names) => names.join('/'))

const offeredFileArb = (index: number): fc.Arbitrary<OfferedFile> =>
  fc
    .record({
      name: nameArb,
      folder: fc.option(folderArb, { nil: undefined }),
      size: fc.integer({ min: 0, max: maxFileBytes / 1024 }),
      type: fc.constantFrom('', 'image/jpeg', 'text/plain', 'application/octet-stream'),
    })
    .map(({ name, folder, size, type }) => ({
      index,
      name,
      ...(folder === undefined ? {} : { path: `${folder}/${name}` }),
      size,
      type,
    }))

const filesArb = fc
  .integer({ min: 1, max: 8 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => offeredFileArb(i))))

const sha256Arb = fc.stringMatching(/^[0-9a-f]{64}$/)
const fileIndexArb = fc.integer({ min: 0, max: maxFilesPerOffer - 1 })
const offsetArb = fc.integer({ min: 0, max: maxFileBytes })
const reasonArb = fc.string({ maxLength: 200 })

const messageArb: fc.Arbitrary<ControlMessage> = fc.oneof(
  fc.record({
    type: fc.constant('hello' as const),
    version: fc.constant(protocolVersion as typeof protocolVersion),
    name: fc.string({ minLength: 1, maxLength: 64 }),
    device: fc.constantFrom(...deviceKinds),
  }),
  fc
    .record({
      transfer: transferIdArb,
      files: filesArb,
      folders: fc.option(fc.uniqueArray(folderArb, { maxLength: 4 }), { nil: undefined }),
    })
    .map(({ transfer, files, folders }): ControlMessage => {
      // A listed folder must not also be a file's path.
      const paths = new Set(files.map((file) => file.path ?? file.name))
      const kept = folders?.filter((folder) => !paths.has(folder)) ?? []
      return { type: 'offer', transfer, files, ...(kept.length > 0 ? { folders: kept } : {}) }
    }),
  fc.record({ type: fc.constant('accept' as const), transfer: transferIdArb }),
  fc.record({
    type: fc.constant('decline' as const),
    transfer: transferIdArb,
    reason: fc.constantFrom(...declineReasons),
  }),
  fc.record({
    type: fc.constantFrom('resume' as const, 'ack' as const),
    transfer: transferIdArb,
    file: fileIndexArb,
    offset: offsetArb,
  }),
  fc.record({
    type: fc.constant('done' as const),
    transfer: transferIdArb,
    file: fileIndexArb,
    sha256: sha256Arb,
  }),
  fc.record(
    { type: fc.constant('cancel' as const), transfer: transferIdArb, reason: reasonArb },
    { requiredKeys: ['type', 'transfer'] },
  ),
  fc.record(
    {
      type: fc.constant('error' as const),
      transfer: transferIdArb,
      code: fc.stringMatching(/^[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}$/),
      message: reasonArb,
    },
    { requiredKeys: ['type', 'code'] },
  ),
  fc.record({
    type: fc.constant('text' as const),
    id: transferIdArb,
    text: fc.string({ minLength: 1, maxLength: 500 }),
  }),
)

const messageTypes = [
  'hello',
  'offer',
  'accept',
  'decline',
  'resume',
  'ack',
  'done',
  'cancel',
  'error',
  'text',
]

/** Keys that have bitten JavaScript parsers: prototype pollution and friends. */
const nastyKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']

/** Values of every JSON shape and some that are not JSON at all. */
const wildValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withBigInt: true, withNullPrototype: true, withMap: true }),
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -1,
    -0,
    2 ** 60,
    2 ** 53,
    1.5,
    '',
    '../../etc/passwd',
  ),
  fc.string({ maxLength: 300, unit: 'binary' }),
)

/** An object that looks like a message: a known type and known or nasty keys holding anything. */
const lookalikeArb = fc
  .record({
    type: fc.constantFrom(...messageTypes, 'HELLO', '', 'hello ', 'offer\u0000'),
    fields: fc.dictionary(
      fc.constantFrom(
        'transfer',
        'files',
        'folders',
        'name',
        'version',
        'device',
        'file',
        'offset',
        'sha256',
        'reason',
        'code',
        'message',
        'id',
        'text',
        'index',
        'size',
        ...nastyKeys,
      ),
      wildValueArb,
      { maxKeys: 6 },
    ),
  })
  .map(({ type, fields }) => ({ ...fields, type }))

/** Valid messages with one field replaced by something wild. */
const mutatedArb = fc.tuple(messageArb, fc.nat(), wildValueArb).map(([message, pick, value]) => {
  const copy = structuredClone(message) as unknown as Record<string, unknown>
  const keys = Object.keys(copy).filter((key) => key !== 'type')
  const key = keys[pick % Math.max(1, keys.length)] ?? 'transfer'
  copy[key] = value
  if (copy['type'] === 'offer' && Array.isArray(copy['files']) && pick % 3 === 0) {
    // Reach into a file, too.
    const target: unknown = copy['files'][0]
    if (typeof target === 'object' && target !== null) {
      const field = ['name', 'path', 'size', 'index', 'type'][pick % 5] ?? 'name'
      ;(target as Record<string, unknown>)[field] = value
    }
  }
  return copy
})

/** JSON nested `depth` levels, as text. */
const nestedJson = (depth: number, open: string, close: string, inner: string): string =>
  open.repeat(depth) + inner + close.repeat(depth)

// --- control messages ----------------------------------------------------------------------

describe('parseControl, by property', () => {
  it('decodes every valid message to itself, as a value and as JSON text', () => {
    fc.assert(
      fc.property(messageArb, (message) => {
        expect(parseControl(message)).toEqual({ ok: true, message })
        expect(parseControl(JSON.stringify(message))).toEqual({ ok: true, message })
      }),
      { numRuns: 500 },
    )
  })

  it('refuses random JSON text with a typed error, and never throws', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        expectTypedControlResult(parseControl(text))
      }),
      { numRuns: 1000 },
    )
  })

  it('refuses random strings and bytes-as-text with a typed error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400, unit: 'binary' }),
          fc.uint8Array({ maxLength: 400 }).map((bytes) => new TextDecoder().decode(bytes)),
        ),
        (text) => {
          expectTypedControlResult(parseControl(text))
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('refuses anything at all (non-JSON values included) with a typed error', () => {
    fc.assert(
      fc.property(wildValueArb, (value) => {
        expectTypedControlResult(parseControl(value))
      }),
      { numRuns: 1000 },
    )
  })

  it('refuses lookalike and mutated messages with a typed error, or returns a valid message', () => {
    fc.assert(
      fc.property(fc.oneof(lookalikeArb, mutatedArb), (value) => {
        const result = parseControl(value)
        expectTypedControlResult(result)
        if (result.ok) {
          // Whatever passed is a message we would send ourselves: it survives a round trip
          // (compared as JSON, where -0, which JSON.parse can produce, is 0).
          const again = parseControl(JSON.stringify(result.message))
          expect(again.ok && JSON.stringify(again.message)).toBe(JSON.stringify(result.message))
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('never lets prototype-pollution keys reach a prototype or the output', () => {
    fc.assert(
      fc.property(
        messageArb,
        fc.constantFrom(...nastyKeys),
        wildValueArb,
        (message, key, value) => {
          const text = JSON.stringify(message).replace(
            /^\{/,
            `{${JSON.stringify(key)}:${JSON.stringify({ polluted: true, type: 'offer' })},`,
          )
          const parsedOnce = JSON.parse(text) as Record<string, unknown>
          parsedOnce[key === '__proto__' ? 'constructor' : key] = value
          for (const raw of [text, parsedOnce]) {
            const result = parseControl(raw)
            expectTypedControlResult(result)
            if (result.ok) {
              expect(Object.getPrototypeOf(result.message)).toBe(Object.prototype)
              expect(Object.keys(result.message)).not.toContain('__proto__')
              expect(result.message).toEqual(message)
            }
          }
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
        },
      ),
      { numRuns: 300 },
    )
  })

  it('refuses deep nesting without overflowing the stack', () => {
    for (const depth of [100, 10_000, 1_000_000]) {
      const arrays = nestedJson(depth, '[', ']', '1')
      const objects = nestedJson(depth, '{"type":"offer","files":', '}', '[]')
      for (const text of [arrays, objects, `{"type":"hello","name":${arrays}}`]) {
        expectTypedControlResult(parseControl(text))
        expect(parseControl(text).ok).toBe(false)
      }
    }
    // Deep values that arrive already parsed.
    let deep: unknown = []
    for (let i = 0; i < 100_000; i++) deep = { type: 'offer', files: [deep] }
    expectTypedControlResult(parseControl(deep))
    expect(parseControl(deep).ok).toBe(false)
  })

  it('refuses huge strings, lists and numbers as too large or invalid', () => {
    const transfer = transferIdFromBytes(new Uint8Array(transferIdBytes))
    const tenMegabytes = 'a'.repeat(10 * 1024 * 1024)
    const cases: [unknown, ProtocolErrorCode][] = [
      [tenMegabytes, 'too-large'],
      [JSON.stringify({ type: 'text', id: transfer, text: tenMegabytes }), 'too-large'],
      [{ type: 'text', id: transfer, text: tenMegabytes }, 'too-large'],
      [
        {
          type: 'offer',
          transfer,
          files: [{ index: 0, name: tenMegabytes, size: 1, type: '' }],
        },
        'too-large',
      ],
      [{ type: 'offer', transfer, files: new Array(1_000_000).fill({}) }, 'too-large'],
      // 2^60 is not a safe integer: refused as invalid before any bound is looked at.
      [{ type: 'ack', transfer, file: 0, offset: 2 ** 60 }, 'invalid-field'],
      [{ type: 'ack', transfer, file: 0, offset: maxFileBytes + 1 }, 'too-large'],
      [{ type: 'ack', transfer, file: 0, offset: -1 }, 'invalid-field'],
      [{ type: 'ack', transfer, file: 0, offset: Number.NaN }, 'invalid-field'],
      [{ type: 'ack', transfer, file: 0, offset: 1.5 }, 'invalid-field'],
      [
        { type: 'offer', transfer, files: [{ index: 0, name: 'a', size: -5, type: '' }] },
        'invalid-field',
      ],
      [
        { type: 'offer', transfer, files: [{ index: 0, name: 'a', size: Number.NaN, type: '' }] },
        'invalid-field',
      ],
      [
        { type: 'offer', transfer, files: [{ index: 0, name: 'a', size: 2 ** 60, type: '' }] },
        'invalid-field',
      ],
    ]
    for (const [raw, code] of cases) {
      const result = parseControl(raw)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.code, result.error.detail.slice(0, 200)).toBe(code)
    }
    expect(utf8Bytes(tenMegabytes)).toBeGreaterThan(maxControlMessageBytes)
  })
})

// --- frames --------------------------------------------------------------------------------

const smallFrameArb = (maxPayloadBytes: number): fc.Arbitrary<Frame> =>
  fc.record({
    transferId: transferIdArb,
    file: fileIndexArb,
    offset: fc.oneof(
      fc.integer({ min: 0, max: maxFrameOffset }),
      fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, maxFrameOffset),
    ),
    payload: fc.uint8Array({ maxLength: maxPayloadBytes }),
  })

/** Mostly small frames, sometimes one with the largest payload allowed. */
const frameArb: fc.Arbitrary<Frame> = fc.record({
  transferId: transferIdArb,
  file: fileIndexArb,
  offset: fc.oneof(
    fc.integer({ min: 0, max: maxFrameOffset }),
    fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, maxFrameOffset),
  ),
  payload: fc.oneof(
    { weight: 9, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    {
      weight: 1,
      arbitrary: fc.constant(new Uint8Array(maxFramePayloadBytes).fill(7)),
    },
  ),
})

const expectTypedFrameError = (error: unknown): void => {
  expect(error).toBeInstanceOf(ProtocolError)
  expect(frameCodes.has((error as ProtocolError).code)).toBe(true)
}

describe('frame codec, by property', () => {
  it('decodes every encoded frame to itself', () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        const decoded = decodeFrame(encodeFrame(frame))
        expect(decoded.ok).toBe(true)
        if (decoded.ok) {
          expect(decoded.frame.transferId).toBe(frame.transferId)
          expect(decoded.frame.file).toBe(frame.file)
          expect(decoded.frame.offset).toBe(frame.offset)
          expect(Buffer.compare(decoded.frame.payload, frame.payload)).toBe(0)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('refuses random bytes with a typed error, or decodes a frame that re-encodes to them', () => {
    const headerLike = fc
      .tuple(
        fc.constantFrom(1, 1, 1, 0, 2, 255),
        fc.constantFrom(1, 1, 0, 2),
        fc.uint8Array({ minLength: frameHeaderBytes - 2, maxLength: 300 }),
      )
      .map(([version, kind, rest]) => Uint8Array.from([version, kind, ...rest]))
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), headerLike), (bytes) => {
        const decoded = decodeFrame(bytes)
        if (decoded.ok) expect(encodeFrame(decoded.frame)).toEqual(bytes)
        else expectTypedFrameError(decoded.error)
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses encoding what could never be decoded, with a typed error', () => {
    fc.assert(
      fc.property(
        fc.record({
          transferId: fc.oneof(transferIdArb, fc.string({ maxLength: 30 })),
          file: fc.oneof(fileIndexArb, fc.constantFrom(-1, maxFilesPerOffer, Number.NaN, 1.5)),
          offset: fc.oneof(
            fc.integer({ min: 0, max: maxFrameOffset }),
            fc.constantFrom(-1, 2 ** 60, Number.NaN, Infinity, 0.5),
          ),
        }),
        ({ transferId, file, offset }) => {
          try {
            const bytes = encodeFrame({ transferId, file, offset, payload: new Uint8Array(3) })
            expect(isTransferId(transferId)).toBe(true)
            expect(decodeFrame(bytes).ok).toBe(true)
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError)
          }
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('the stream reader yields the same frames however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(smallFrameArb(600), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        (frames, cuts) => {
          const encoded = frames.map(encodeFrame)
          const stream = new Uint8Array(encoded.reduce((sum, bytes) => sum + bytes.length, 0))
          let at = 0
          for (const bytes of encoded) {
            stream.set(bytes, at)
            at += bytes.length
          }
          const reader = createFrameReader()
          const read: Frame[] = []
          let position = 0
          for (let i = 0; position < stream.length; i++) {
            const size = cuts[i % cuts.length] ?? 1
            const result = reader.push(stream.slice(position, position + size))
            expect(result.ok).toBe(true)
            read.push(...result.frames)
            position += size
          }
          expect(reader.end()).toBeNull()
          expect(read.map((frame) => ({ ...frame, payload: [...frame.payload] }))).toEqual(
            frames.map((frame) => ({ ...frame, payload: [...frame.payload] })),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('the stream reader refuses random bytes with a typed error, and stays refused', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (pushes) => {
        const reader = createFrameReader()
        let fault: ProtocolError | null = null
        for (const bytes of pushes) {
          const result = reader.push(bytes)
          if (!result.ok) {
            expectTypedFrameError(result.error)
            if (fault !== null) expect(result.error).toBe(fault)
            fault = result.error
          } else {
            expect(fault).toBeNull()
          }
        }
        const ended = reader.end()
        if (ended !== null) expectTypedFrameError(ended)
      }),
      { numRuns: 1000 },
    )
  })
})

// --- transfer ids --------------------------------------------------------------------------

describe('transfer ids, by property', () => {
  it('round-trip between bytes and text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const id = transferIdFromBytes(bytes)
        expect(isTransferId(id)).toBe(true)
        expect(transferIdToBytes(id)).toEqual(bytes)
        expect(transferIdFromBytes(transferIdToBytes(id))).toBe(id)
      }),
      { numRuns: 500 },
    )
  })

  it('refuse every other string and length with a typed error', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 30, unit: 'binary' }), fc.stringMatching(/^[\w-]{22}$/)),
        fc.uint8Array({ maxLength: 40 }),
        (text, bytes) => {
          if (isTransferId(text)) {
            expect(transferIdFromBytes(transferIdToBytes(text))).toBe(text)
          } else {
            expect(() => transferIdToBytes(text)).toThrow(ProtocolError)
          }
          if (bytes.length === transferIdBytes) expect(isTransferId(transferIdFromBytes(bytes)))
          else expect(() => transferIdFromBytes(bytes)).toThrow(ProtocolError)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('isTransferId answers for any value without throwing', () => {
    fc.assert(
      fc.property(wildValueArb, (value) => {
        expect(typeof isTransferId(value)).toBe('boolean')
      }),
      { numRuns: 500 },
    )
  })
})
