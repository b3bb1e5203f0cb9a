import { describe, expect, it } from 'vitest'
import { maxFileNameChars, maxPathChars } from './limits.ts'
import {
  isSafeFileName,
  isSafeRelativePath,
  safeFileName,
  safeRelativePath,
  sanitizeRelativePath,
} from './paths.ts'

/** A small deterministic generator, so a failure names a reproducible input. */
const createRandom = (seed: number) => {
  let state = seed >>> 0 || 1
  const next = (): number => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! }
}

/** Pieces hostile names are made of, mixed with harmless ones. */
const hostilePieces = [
  'a',
  'photo',
  '.jpg',
  ' ',
  '.',
  '..',
  '/',
  '\\',
  ':',
  'C:',
  '\0',
  '\u0001',
  '\n',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u202a',
  '\u2066',
  '\u2069',
  '\u200f',
  '\u061c',
  'CON',
  'nul',
  'com1',
  'LPT9',
  'aux.',
  '*',
  '?',
  '"',
  '<',
  '>',
  '|',
  '\ud800',
  '\udc00',
  '😀',
  'é',
  '日本',
  '%2e%2e',
  '~',
  '$',
  '\ufeff',
]

const hostileString = (random: ReturnType<typeof createRandom>, pieces: number): string =>
  Array.from({ length: pieces }, () => random.pick(hostilePieces)).join('')

/** Every way a segment can be unsafe, independently of this module's own definition. */
const looksSafe = (name: string): boolean =>
  name.length > 0 &&
  name.length <= maxFileNameChars &&
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  !/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(
    name,
  ) &&
  !/[\ud800-\udfff]/u.test(name) &&
  !name.endsWith('.') &&
  !name.endsWith(' ') &&
  !/^(con|prn|aux|nul|conin\$|conout\$|com[1-9¹²³]|lpt[1-9¹²³]) *(\.|$)/iu.test(name)

describe('isSafeFileName', () => {
  it('accepts ordinary names', () => {
    for (const name of [
      'a',
      'photo.jpg',
      '.hidden',
      'Holiday 2024 – ünïcødé 😀.png',
      'console.log',
      'com10',
      'CONFIG.SYS',
      'n'.repeat(maxFileNameChars),
      ' leading space',
    ]) {
      expect(isSafeFileName(name), name).toBe(true)
    }
  })

  it('refuses every kind of unsafe name', () => {
    for (const name of [
      '',
      '.',
      '..',
      '...',
      'a/b',
      'a\\b',
      'C:',
      'file.txt:stream',
      'a\0b',
      'tab\there',
      'bell\u0007',
      'c1\u0085',
      'photo\u202egpj.exe',
      'x\u2066y',
      'x\u2069',
      'x\u200fy',
      'x\u061cy',
      'CON',
      'con.txt',
      'Nul.tar.gz',
      'aux .txt',
      'COM1',
      'lpt9.doc',
      'COM¹',
      'CONIN$',
      'name.',
      'name ',
      'a*b',
      'what?',
      '"quoted"',
      '<tag>',
      'pipe|',
      'lone\ud800',
      '\udc00lone',
      'n'.repeat(maxFileNameChars + 1),
    ]) {
      expect(isSafeFileName(name), JSON.stringify(name)).toBe(false)
    }
  })
})

describe('safeRelativePath', () => {
  it('keeps safe relative paths and normalises harmless empty and "." segments', () => {
    expect(safeRelativePath('photos/2024/a.jpg')).toBe('photos/2024/a.jpg')
    expect(safeRelativePath('a//b/./c')).toBe('a/b/c')
    expect(safeRelativePath('a/')).toBe('a')
    expect(safeRelativePath('./a')).toBe('a')
    expect(safeRelativePath(`${'d/'.repeat(511)}x`)).toBe(`${'d/'.repeat(511)}x`)
  })

  it('refuses what could escape or is not a path of safe names', () => {
    for (const path of [
      '',
      '/',
      '.',
      './',
      '/etc/passwd',
      '//server/share/x',
      '../x',
      'a/../../x',
      'a/..',
      'C:/Windows/x',
      'C:x',
      '\\\\server\\share',
      'a\\..\\b',
      'a/\0/b',
      'a/CON/b',
      'a/b./c',
      'a/ /c',
      'dir\u202e/x',
      `${'d/'.repeat(512)}x`,
      `${'n'.repeat(maxFileNameChars + 1)}/x`,
    ]) {
      expect(safeRelativePath(path), JSON.stringify(path)).toBeNull()
    }
  })

  it('never returns a path that escapes, over many hostile inputs', () => {
    const random = createRandom(7)
    for (let round = 0; round < 20_000; round++) {
      const input = hostileString(random, 1 + Math.floor(random.next() * 12))
      const safe = safeRelativePath(input)
      if (safe === null) continue
      expect(safe.length).toBeLessThanOrEqual(maxPathChars)
      expect(safe.startsWith('/')).toBe(false)
      const segments = safe.split('/')
      for (const segment of segments) expect(looksSafe(segment), JSON.stringify(input)).toBe(true)
      expect(segments).not.toContain('..')
      // Canonical, and stable under a second pass.
      expect(safeRelativePath(safe)).toBe(safe)
      expect(isSafeRelativePath(safe)).toBe(true)
    }
  })

  it('agrees with isSafeRelativePath only on canonical input', () => {
    expect(isSafeRelativePath('a/b')).toBe(true)
    expect(isSafeRelativePath('a//b')).toBe(false)
    expect(isSafeRelativePath('a/./b')).toBe(false)
    expect(isSafeRelativePath('a/')).toBe(false)
  })
})

describe('safeFileName', () => {
  it('leaves safe names alone', () => {
    for (const name of ['photo.jpg', '.bashrc', 'Ünïcødé 😀 (1).tar.gz', 'n'.repeat(255)]) {
      expect(safeFileName(name)).toBe(name)
    }
  })

  it('repairs unsafe names in readable ways', () => {
    expect(safeFileName('a/b\\c:d')).toBe('a_b_c_d')
    expect(safeFileName('photo\u202egpj.exe')).toBe('photogpj.exe')
    expect(safeFileName('report. . ')).toBe('report')
    expect(safeFileName('CON')).toBe('_CON')
    expect(safeFileName('nul.txt')).toBe('_nul.txt')
    expect(safeFileName('..')).toBe('unnamed')
    expect(safeFileName('')).toBe('unnamed')
    expect(safeFileName('', 'file')).toBe('file')
    expect(safeFileName('tab\there\0')).toBe('tab_here_')
    const long = safeFileName(`${'x'.repeat(300)}.jpeg`)
    expect(long).toHaveLength(maxFileNameChars)
    expect(long.endsWith('.jpeg')).toBe(true)
    // Never half a surrogate pair where a long name is cut.
    const emoji = safeFileName('😀'.repeat(200))
    expect(emoji.length).toBeLessThanOrEqual(maxFileNameChars)
    expect(/[\ud800-\udfff]/u.test(emoji)).toBe(false)
  })

  it('always returns a safe name, and is stable, over many hostile inputs', () => {
    const random = createRandom(42)
    for (let round = 0; round < 20_000; round++) {
      const length = random.next() < 0.02 ? 150 : 1 + Math.floor(random.next() * 10)
      const input = hostileString(random, length)
      const safe = safeFileName(input)
      expect(looksSafe(safe), JSON.stringify(input)).toBe(true)
      expect(isSafeFileName(safe)).toBe(true)
      expect(safeFileName(safe)).toBe(safe)
      if (isSafeFileName(input)) expect(safe).toBe(input)
    }
  })
})

describe('sanitizeRelativePath', () => {
  it('makes every segment of our own paths safe', () => {
    expect(sanitizeRelativePath('photos/2024/a.jpg')).toBe('photos/2024/a.jpg')
    expect(sanitizeRelativePath('my:folder/CON/notes. ')).toBe('my_folder/_CON/notes')
    expect(sanitizeRelativePath('/a//./b/')).toBe('a/b')
    expect(sanitizeRelativePath('a/../b')).toBe('a/unnamed/b')
    expect(sanitizeRelativePath('')).toBeNull()
    expect(sanitizeRelativePath('./')).toBeNull()
  })

  it('yields paths safeRelativePath accepts unchanged, over many hostile inputs', () => {
    const random = createRandom(99)
    for (let round = 0; round < 5_000; round++) {
      const input = hostileString(random, 1 + Math.floor(random.next() * 20))
      const sanitized = sanitizeRelativePath(input)
      if (sanitized === null) continue
      expect(safeRelativePath(sanitized), JSON.stringify(input)).toBe(sanitized)
    }
  })
})
