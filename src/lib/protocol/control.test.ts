import { describe, expect, it } from 'vitest'
import {
  controlMessageBytes,
  createHello,
  parseControl,
  utf8Bytes,
  type ControlMessage,
  type OfferedFile,
} from './control.ts'
import type { ProtocolErrorCode } from './errors.ts'
import { ProtocolError } from './errors.ts'
import {
  maxControlMessageBytes,
  maxDeviceNameChars,
  maxFileBytes,
  maxFileNameChars,
  maxFilesPerOffer,
  maxFoldersPerOffer,
  maxMimeChars,
  maxPathChars,
  maxPreviewChars,
  maxPreviewsPerOffer,
  maxReasonChars,
  maxTextChars,
  protocolVersion,
} from './limits.ts'

const transfer = 'AbCdEfGhIjKlMnOpQrStUg'
const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

const file = (index: number, patch: Partial<OfferedFile> = {}): OfferedFile => ({
  index,
  name: `photo-${index}.jpg`,
  size: 1234,
  type: 'image/jpeg',
  ...patch,
})

/** One valid example of every message. */
const valid: ControlMessage[] = [
  { type: 'hello', version: protocolVersion, name: 'Amber Otter', device: 'laptop' },
  { type: 'offer', transfer, files: [file(0), file(1, { path: 'Holiday/2024/photo-1.jpg' })] },
  { type: 'offer', transfer, files: [file(0, { size: 0, type: '' })] },
  { type: 'accept', transfer },
  { type: 'decline', transfer, reason: 'user' },
  { type: 'decline', transfer, reason: 'busy' },
  { type: 'decline', transfer, reason: 'too-large' },
  { type: 'decline', transfer, reason: 'invalid' },
  { type: 'resume', transfer, file: 3, offset: 65536 },
  { type: 'ack', transfer, file: 0, offset: 1048576 },
  { type: 'done', transfer, file: 0, sha256 },
  { type: 'cancel', transfer },
  { type: 'cancel', transfer, reason: 'changed my mind' },
  { type: 'error', code: 'hash-mismatch' },
  { type: 'error', transfer, code: 'past-end', message: 'file 0: bytes up to 20 of 10' },
  { type: 'text', id: transfer, text: 'https://example.com' },
  {
    type: 'offer',
    transfer,
    files: [file(0, { path: 'Holiday/photo-0.jpg' })],
    folders: ['Holiday/empty', 'Holiday/2024/also empty'],
  },
]

const expectRefused = (raw: unknown, code: ProtocolErrorCode): void => {
  const result = parseControl(raw)
  if (result.ok) throw new Error(`accepted ${JSON.stringify(raw)}`)
  expect(result.error).toBeInstanceOf(ProtocolError)
  expect(result.error.code).toBe(code)
  expect(result.error.message).toMatch(/^ferry: /)
}

/** A valid message with one field replaced (or removed, with undefined). */
const patched = (index: number, patch: Record<string, unknown>): unknown => {
  const message: Record<string, unknown> = { ...valid[index], ...patch }
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete message[key]
  return message
}

describe('parseControl', () => {
  it('accepts every valid message, as a value and as JSON', () => {
    for (const message of valid) {
      expect(parseControl(message)).toEqual({ ok: true, message })
      expect(parseControl(JSON.stringify(message))).toEqual({ ok: true, message })
    }
  })

  it('strips unknown properties', () => {
    const result = parseControl({ type: 'accept', transfer, extra: 1 })
    expect(result).toEqual({ ok: true, message: { type: 'accept', transfer } })
    const offer = parseControl({ type: 'offer', transfer, files: [{ ...file(0), thumb: 'x' }] })
    expect(offer).toEqual({ ok: true, message: { type: 'offer', transfer, files: [file(0)] } })
  })

  it('refuses what is not JSON, not an object, or of no known type', () => {
    expectRefused('{"type":', 'malformed-json')
    expectRefused('', 'malformed-json')
    expectRefused('42', 'not-an-object')
    expectRefused('null', 'not-an-object')
    expectRefused('[{"type":"accept"}]', 'not-an-object')
    expectRefused(undefined, 'not-an-object')
    expectRefused(7, 'not-an-object')
    expectRefused({}, 'unknown-type')
    expectRefused({ type: 'ping' }, 'unknown-type')
    expectRefused({ type: 42 }, 'unknown-type')
    expectRefused({ type: 'toString' }, 'unknown-type')
  })

  it('refuses JSON text over the size bound', () => {
    const huge = JSON.stringify({
      type: 'text',
      id: transfer,
      text: 'x'.repeat(maxControlMessageBytes),
    })
    expectRefused(huge, 'too-large')
    // Few characters, many bytes.
    const wide = JSON.stringify({
      type: 'text',
      id: transfer,
      text: '€'.repeat(maxControlMessageBytes / 3 + 1),
    })
    expect(wide.length).toBeLessThan(maxControlMessageBytes)
    expectRefused(wide, 'too-large')
  })

  it('checks hello', () => {
    expectRefused(patched(0, { version: protocolVersion + 1 }), 'unsupported-version')
    expectRefused({ type: 'hello', version: 2, whatever: true }, 'unsupported-version')
    expectRefused(patched(0, { version: undefined }), 'unsupported-version')
    expectRefused(patched(0, { name: '' }), 'invalid-field')
    expectRefused(patched(0, { name: 'n'.repeat(maxDeviceNameChars + 1) }), 'too-large')
    expectRefused(patched(0, { name: 5 }), 'invalid-field')
    const future = parseControl(patched(0, { device: 'watch' }))
    expect(future.ok && future.message.type === 'hello' && future.message.device).toBe('unknown')
  })

  it('checks offers and their files', () => {
    const offer = (files: unknown[]): unknown => ({ type: 'offer', transfer, files })
    expectRefused(offer([]), 'invalid-field')
    expectRefused(patched(1, { transfer: 'short' }), 'invalid-field')
    expectRefused(patched(1, { transfer: undefined }), 'invalid-field')
    expectRefused(patched(1, { files: 'all of them' }), 'invalid-field')
    expectRefused(offer([file(1)]), 'invalid-field')
    expectRefused(offer([file(0), file(0)]), 'invalid-field')
    expectRefused(
      offer(Array.from({ length: maxFilesPerOffer + 1 }, (_, i) => file(i))),
      'too-large',
    )
    for (const name of ['', 'a/b', 'a\\b', 'a\0b', '.', '..', 7]) {
      expectRefused(offer([file(0, { name } as Partial<OfferedFile>)]), 'invalid-field')
    }
    expectRefused(offer([file(0, { name: 'n'.repeat(maxFileNameChars + 1) })]), 'too-large')
    for (const path of [
      '',
      '/abs/photo-0.jpg',
      'a//photo-0.jpg',
      '../photo-0.jpg',
      'a/./photo-0.jpg',
      'a\\b/photo-0.jpg',
      'a/other.jpg',
    ]) {
      expectRefused(offer([file(0, { path })]), 'invalid-field')
    }
    expectRefused(
      offer([file(0, { path: `${'d/'.repeat(maxPathChars / 2)}photo-0.jpg` })]),
      'too-large',
    )
    for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '12', null]) {
      expectRefused(offer([file(0, { size } as Partial<OfferedFile>)]), 'invalid-field')
    }
    expectRefused(offer([file(0, { size: maxFileBytes + 1 })]), 'too-large')
    expect(parseControl(offer([file(0, { size: maxFileBytes })])).ok).toBe(true)
    expectRefused(offer([file(0, { size: maxFileBytes }), file(1, { size: 1 })]), 'invalid-field')
    expectRefused(offer([file(0, { type: 't'.repeat(maxMimeChars + 1) })]), 'too-large')
    expectRefused(offer([{ index: 0, name: 'a', size: 1 }]), 'invalid-field')
  })

  it('checks the image previews of an offer strictly', () => {
    const files = Array.from({ length: 10 }, (_, i) => file(i))
    const offer = (previews: unknown): unknown => ({ type: 'offer', transfer, files, previews })
    const jpeg = 'data:image/jpeg;base64,/9j/4AAQSkZJRg=='
    expect(parseControl(offer([])).ok).toBe(true)
    const accepted = parseControl(
      offer([
        { index: 0, data: jpeg },
        { index: 9, data: 'data:image/webp;base64,UklGRg==' },
        { index: 3, data: 'data:image/png;base64,iVBORw0KGgo=' },
      ]),
    )
    expect(accepted.ok && accepted.message.type === 'offer' && accepted.message.previews).toEqual([
      { index: 0, data: jpeg },
      { index: 9, data: 'data:image/webp;base64,UklGRg==' },
      { index: 3, data: 'data:image/png;base64,iVBORw0KGgo=' },
    ])
    for (const data of [
      'data:image/svg+xml;base64,PHN2Zz4=',
      'data:image/gif;base64,R0lGODlh',
      'data:text/html;base64,PGI+',
      'data:image/jpeg,raw-not-base64',
      'data:image/jpeg;base64,abc',
      'data:image/jpeg;base64,ab=c',
      'data:image/jpeg;base64,ab c',
      'DATA:image/jpeg;base64,/9j/',
      ' data:image/jpeg;base64,/9j/',
      'data:image/jpeg;base64,/9j/\n',
      'https://example.com/a.jpg',
      'javascript:alert(1)',
      '',
      7,
    ]) {
      expectRefused(offer([{ index: 0, data }]), 'invalid-field')
    }
    // Each preview is of an offered file, and of a different one.
    expectRefused(offer([{ index: 10, data: jpeg }]), 'invalid-field')
    expectRefused(offer([{ index: -1, data: jpeg }]), 'invalid-field')
    expectRefused(offer([{ index: 1.5, data: jpeg }]), 'invalid-field')
    expectRefused(offer([{ data: jpeg }]), 'invalid-field')
    expectRefused(
      offer([
        { index: 2, data: jpeg },
        { index: 2, data: jpeg },
      ]),
      'invalid-field',
    )
    expectRefused(offer({ index: 0, data: jpeg }), 'invalid-field')
    // Bounded in count and in size.
    const all = Array.from({ length: maxPreviewsPerOffer }, (_, i) => ({ index: i, data: jpeg }))
    expect(parseControl(offer(all)).ok).toBe(true)
    expectRefused(offer([...all, { index: maxPreviewsPerOffer, data: jpeg }]), 'too-large')
    expectRefused(
      offer(Array.from({ length: 100_000 }, () => ({ index: 0, data: jpeg }))),
      'too-large',
    )
    const prefix = 'data:image/jpeg;base64,'
    const fits = prefix + 'A'.repeat(Math.floor((maxPreviewChars - prefix.length) / 4) * 4)
    expect(fits.length).toBeLessThanOrEqual(maxPreviewChars)
    expect(parseControl(offer([{ index: 0, data: fits }])).ok).toBe(true)
    expectRefused(offer([{ index: 0, data: `${fits}AAAA` }]), 'too-large')
  })

  it('checks the empty folders of an offer', () => {
    const offer = (folders: unknown, files: unknown[] = [file(0)]): unknown => ({
      type: 'offer',
      transfer,
      files,
      folders,
    })
    expect(parseControl(offer([])).ok).toBe(true)
    expect(parseControl(offer(['a', 'a/b', 'c d/ünï 😀'])).ok).toBe(true)
    for (const folders of [
      'a',
      [''],
      ['/abs'],
      ['a/'],
      ['a//b'],
      ['a/./b'],
      ['../up'],
      ['a/../b'],
      ['C:/x'],
      ['a\\b'],
      ['a\0b'],
      ['CON'],
      ['dir.'],
      [7],
      ['a', 'a'],
    ]) {
      expectRefused(offer(folders), 'invalid-field')
    }
    // A folder that is also a file's path (or a loose file's name) could not be created.
    expectRefused(offer(['photo-0.jpg']), 'invalid-field')
    expectRefused(offer(['a/photo-0.jpg'], [file(0, { path: 'a/photo-0.jpg' })]), 'invalid-field')
    expect(parseControl(offer(['a'], [file(0, { path: 'a/photo-0.jpg' })])).ok).toBe(true)
    expectRefused(offer([`${'d/'.repeat(maxPathChars / 2)}x`]), 'too-large')
    expectRefused(
      offer(Array.from({ length: maxFoldersPerOffer + 1 }, (_, i) => `f${i}`)),
      'too-large',
    )
    const many = Array.from({ length: maxFoldersPerOffer }, (_, i) => `f${i}`)
    expect(parseControl(offer(many)).ok).toBe(true)
  })

  it('refuses unsafe names and paths rather than repairing them', () => {
    const offer = (patch: Partial<OfferedFile>): unknown => ({
      type: 'offer',
      transfer,
      files: [file(0, patch)],
    })
    for (const name of ['CON', 'nul.txt', 'a:b', 'C:', 'tab\t', 'end.', 'end ', '\u202e\u200b']) {
      expectRefused(offer({ name }), 'invalid-field')
      expectRefused(offer({ name: 'ok.txt', path: `${name}/ok.txt` }), 'invalid-field')
    }
    expectRefused(offer({ name: 'ok.txt', path: 'a/lpt1/ok.txt' }), 'invalid-field')
    expect(parseControl(offer({ name: 'console.log', path: 'com10/console.log' })).ok).toBe(true)
  })

  it('drops invisible and reordering characters from names and paths as they enter', () => {
    const parsed = parseControl({
      type: 'offer',
      transfer,
      files: [
        file(0, { name: 'invoice\u202Efdp.exe', path: 'a\u200b/b\ufeff/invoice\u202Efdp.exe' }),
      ],
      folders: ['e\u2028mpty\u2066'],
    })
    expect(parsed.ok && parsed.message.type === 'offer' && parsed.message).toMatchObject({
      files: [{ name: 'invoicefdp.exe', path: 'a/b/invoicefdp.exe' }],
      folders: ['empty'],
    })
    const zalgo = `Z${'\u0301'.repeat(40)}`
    const hello = parseControl({
      type: 'hello',
      version: protocolVersion,
      name: `\u202eAmber\u200d Otter\u2029 ${zalgo}`,
      device: 'laptop',
    })
    expect(hello.ok && hello.message.type === 'hello' && hello.message.name).toBe(
      `Amber Otter Z${'\u0301'.repeat(4)}`,
    )
    // Nothing left but invisibles: no name at all.
    const blank = {
      type: 'hello',
      version: protocolVersion,
      name: '\u200b\u202e',
      device: 'laptop',
    }
    expectRefused(blank, 'invalid-field')
  })

  it('checks the transfer messages', () => {
    expectRefused(patched(3, { transfer: 'AAAAAAAAAAAAAAAAAAAAAB' }), 'invalid-field')
    expectRefused(patched(4, { reason: 'bored' }), 'invalid-field')
    expectRefused(patched(4, { reason: undefined }), 'invalid-field')
    expectRefused(patched(8, { offset: -1 }), 'invalid-field')
    expectRefused(patched(9, { file: maxFilesPerOffer }), 'too-large')
    expectRefused(patched(9, { file: -1 }), 'invalid-field')
    expectRefused(patched(9, { offset: maxFileBytes + 1 }), 'too-large')
    expectRefused(patched(9, { offset: '5' }), 'invalid-field')
    expectRefused(patched(10, { sha256: sha256.toUpperCase() }), 'invalid-field')
    expectRefused(patched(10, { sha256: sha256.slice(1) }), 'invalid-field')
    expectRefused(patched(12, { reason: 'r'.repeat(maxReasonChars + 1) }), 'too-large')
    expectRefused(patched(13, { code: 'Not A Code' }), 'invalid-field')
    expectRefused(patched(13, { code: '' }), 'invalid-field')
    expectRefused(patched(13, { code: 'x'.repeat(65) }), 'too-large')
    expectRefused(patched(14, { message: 'm'.repeat(maxReasonChars + 1) }), 'too-large')
    expectRefused(patched(14, { transfer: 5 }), 'invalid-field')
    expectRefused(patched(15, { text: '' }), 'invalid-field')
    expectRefused(patched(15, { text: 't'.repeat(maxTextChars + 1) }), 'too-large')
    expectRefused(patched(15, { id: undefined }), 'invalid-field')
  })

  it('says which type and transfer a refused message was about, when it can', () => {
    const result = parseControl({ type: 'offer', transfer, files: [] })
    expect(result).toMatchObject({ ok: false, type: 'offer', transfer })
    expect(parseControl({ type: 'error', code: 'NO' })).toMatchObject({ ok: false, type: 'error' })
    expect(parseControl({ type: 'ack', transfer: 'x' })).not.toHaveProperty('transfer')
  })

  it('never throws, whatever it is given', () => {
    const cyclic: Record<string, unknown> = { type: 'offer', transfer }
    cyclic['files'] = [cyclic]
    const exotic: unknown[] = [
      cyclic,
      { type: 'text', id: transfer, text: 10n },
      Object.defineProperty({ type: 'accept' }, 'transfer', {
        enumerable: true,
        get() {
          throw new Error('boom')
        },
      }),
      new Proxy(
        {},
        {
          get() {
            throw new Error('boom')
          },
        },
      ),
      Symbol('x'),
      () => 1,
      new Map([['type', 'accept']]),
      Object.create(null) as unknown,
    ]
    for (const raw of exotic) {
      const result = parseControl(raw)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error).toBeInstanceOf(ProtocolError)
    }
  })

  it('never throws on mangled JSON', () => {
    let seed = 11
    const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0)
    for (const message of valid) {
      const text = JSON.stringify(message)
      for (let round = 0; round < 200; round++) {
        const at = next() % text.length
        const mangled = text.slice(0, at) + String.fromCharCode(next() % 128) + text.slice(at + 1)
        expect(() => parseControl(mangled)).not.toThrow()
      }
    }
  })
})

describe('helpers', () => {
  it('count UTF-8 bytes like TextEncoder', () => {
    for (const text of ['', 'abc', 'é', '€uro', '😀', 'a\uD800b', '\uDC00', 'x😀y€é']) {
      expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length)
    }
    expect(controlMessageBytes({ type: 'accept', transfer })).toBe(
      JSON.stringify({ type: 'accept', transfer }).length,
    )
  })

  it('build a valid hello from any name', () => {
    expect(createHello('  Amber Otter ', 'phone')).toEqual({
      type: 'hello',
      version: protocolVersion,
      name: 'Amber Otter',
      device: 'phone',
    })
    const long = createHello('😀'.repeat(100), 'desktop')
    expect(long.name.length).toBe(maxDeviceNameChars)
    expect(parseControl(long).ok).toBe(true)
    expect(parseControl(createHello('   ', 'unknown')).ok).toBe(true)
    expect(createHello('\u202eAmber\u200b', 'phone').name).toBe('Amber')
  })
})
