import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  maxFileNameBytes,
  maxFileNameChars,
  maxPathChars,
  maxSavedFolderDepth,
  maxSavedNameBytes,
} from './limits.ts'
import {
  isSafeFileName,
  isSafeRelativePath,
  safeFileName,
  safeRelativePath,
  sanitizeRelativePath,
  savedName,
  savedPath,
  withoutInvisibles,
} from './paths.ts'
import { utf8Bytes } from './utf8.ts'

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
  new TextEncoder().encode(name).length <= maxFileNameBytes &&
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  !/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(
    name,
  ) &&
  !/[\ud800-\udfff]/u.test(name) &&
  !name.endsWith('.') &&
  !name.endsWith(' ') &&
  !/^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *(\.|$)/iu.test(name)

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

describe('withoutInvisibles', () => {
  it('drops bidi controls, zero-width characters, BOM, separators and long runs of marks', () => {
    expect(withoutInvisibles('photo\u202egpj.exe')).toBe('photogpj.exe')
    expect(withoutInvisibles('\ufeffa\u200bb\u200cc\u200dd\u2060e')).toBe('abcde')
    expect(withoutInvisibles('line\u2028break\u2029para')).toBe('linebreakpara')
    expect(withoutInvisibles('tag\u{e0041}\u{e0042}s')).toBe('tags')
    expect(withoutInvisibles(`Z${'\u0301\u0316'.repeat(20)}!`)).toBe(
      `Z${'\u0301\u0316'.repeat(2)}!`,
    )
  })

  it('keeps real scripts, emoji and their variation selectors', () => {
    for (const text of ['Tiếng Việt', 'क्षत्रिय', 'שָׁלוֹם', '❤️', 'العربية', 'é']) {
      expect(withoutInvisibles(text)).toBe(text)
    }
  })

  it('is what isSafeFileName asks of a name, and what safeFileName does to one', () => {
    for (const name of ['a\u200bb', '\ufeffx', 'l\u2028', `Z${'\u0301'.repeat(5)}`]) {
      expect(isSafeFileName(name), JSON.stringify(name)).toBe(false)
      expect(safeFileName(name)).toBe(withoutInvisibles(name))
      expect(savedName(name)).toBe(withoutInvisibles(name))
    }
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

/**
 * Names a hostile peer might offer. `safe`: what isSafeFileName (and so the offer validator) says;
 * `saved`: what savedName makes of it, the name it would be saved under if it ever got that far.
 */
const nastyNames: { name: string; safe: boolean; saved: string }[] = [
  { name: 'report.pdf', safe: true, saved: 'report.pdf' },
  { name: '.bashrc', safe: true, saved: '.bashrc' },
  { name: 'naïve 日本語 😀.txt', safe: true, saved: 'naïve 日本語 😀.txt' },
  { name: '..', safe: false, saved: 'file' },
  { name: '.', safe: false, saved: 'file' },
  { name: '', safe: false, saved: 'file' },
  { name: '../etc/passwd', safe: false, saved: '.._etc_passwd' },
  { name: '..\\..\\boot.ini', safe: false, saved: '.._.._boot.ini' },
  { name: '/etc/passwd', safe: false, saved: '_etc_passwd' },
  { name: 'C:\\Windows\\win.ini', safe: false, saved: 'C__Windows_win.ini' },
  { name: 'C:', safe: false, saved: 'C_' },
  { name: '\\\\server\\share\\x', safe: false, saved: '__server_share_x' },
  { name: 'file.txt:hidden', safe: false, saved: 'file.txt_hidden' },
  { name: 'a\0b', safe: false, saved: 'a_b' },
  { name: 'line\nbreak\ttab\u0007\u007f\u009b', safe: false, saved: 'line_break_tab___' },
  { name: 'invoice\u202Efdp.exe', safe: false, saved: 'invoicefdp.exe' },
  { name: '\u202Agood\u202C.txt', safe: false, saved: 'good.txt' },
  { name: '\u202Bx\u202D.txt', safe: false, saved: 'x.txt' },
  { name: 'photo\u2066gpj.exe\u2069', safe: false, saved: 'photogpj.exe' },
  { name: 'a\u2067b\u2068c.txt', safe: false, saved: 'abc.txt' },
  { name: 'CON', safe: false, saved: '_CON' },
  { name: 'con.txt', safe: false, saved: '_con.txt' },
  { name: 'PRN.tar.gz', safe: false, saved: '_PRN.tar.gz' },
  { name: 'AuX', safe: false, saved: '_AuX' },
  { name: 'nul.', safe: false, saved: '_nul' },
  { name: 'COM1', safe: false, saved: '_COM1' },
  { name: 'com9.log', safe: false, saved: '_com9.log' },
  { name: 'LPT1', safe: false, saved: '_LPT1' },
  { name: 'lpt9.txt', safe: false, saved: '_lpt9.txt' },
  { name: 'COM0', safe: false, saved: '_COM0' },
  { name: 'CON .txt', safe: false, saved: '_CON .txt' },
  { name: 'console.txt', safe: true, saved: 'console.txt' },
  { name: 'COM10', safe: true, saved: 'COM10' },
  { name: 'trailing.', safe: false, saved: 'trailing' },
  { name: 'trailing ', safe: false, saved: 'trailing' },
  { name: 'name. . ', safe: false, saved: 'name' },
  { name: 'a<b>c"d|e?f*g', safe: false, saved: 'a_b_c_d_e_f_g' },
  { name: 'lone\ud800.txt', safe: false, saved: 'lone_.txt' },
  { name: 'shortcut.lnk', safe: true, saved: 'shortcut.lnk_' },
  { name: 'desktop.LOCAL', safe: true, saved: 'desktop.LOCAL_' },
]

describe('a table of nasty names', () => {
  for (const { name, safe, saved } of nastyNames) {
    it(`${JSON.stringify(name)}: ${safe ? 'safe' : 'refused'}, saved as ${JSON.stringify(saved)}`, () => {
      expect(isSafeFileName(name)).toBe(safe)
      expect(looksSafe(name)).toBe(safe)
      expect(savedName(name)).toBe(saved)
      expect(isSafeFileName(savedName(name))).toBe(true)
      expect(savedPath(undefined, name)).toEqual([saved])
    })
  }

  it('bounds names in UTF-8 bytes as well as chars', () => {
    const wide = '日'.repeat(100) // 100 chars, 300 bytes
    expect(isSafeFileName(wide)).toBe(false)
    expect(utf8Bytes(safeFileName(wide))).toBeLessThanOrEqual(maxFileNameBytes)
    expect(isSafeFileName(safeFileName(wide))).toBe(true)
    const long = savedName(`${'a'.repeat(1000)}.tar.gz`)
    expect(utf8Bytes(long)).toBeLessThanOrEqual(maxSavedNameBytes)
    expect(long.endsWith('a.gz')).toBe(true)
    const cjk = savedName(`${'日'.repeat(300)}.txt`)
    expect(utf8Bytes(cjk)).toBeLessThanOrEqual(maxSavedNameBytes)
    expect(cjk).toMatch(/^日+\.txt$/)
    const emoji = savedName('😀'.repeat(300))
    expect(utf8Bytes(emoji)).toBeLessThanOrEqual(maxSavedNameBytes)
    expect(emoji).toMatch(/^(😀)+$/u)
    expect(utf8Bytes(savedName(`a.${'b'.repeat(500)}`))).toBeLessThanOrEqual(maxSavedNameBytes)
    expect(savedName('x'.repeat(10 * 1024 * 1024)).length).toBeLessThanOrEqual(maxSavedNameBytes)
  })
})

describe('savedPath', () => {
  const cases: [string | undefined, string, string[]][] = [
    ['Photos/2024/IMG 0001.jpg', 'IMG 0001.jpg', ['Photos', '2024', 'IMG 0001.jpg']],
    ['naïve/日本語.txt', '日本語.txt', ['naïve', '日本語.txt']],
    [undefined, 'a.txt', ['a.txt']],
    // Kept only when every segment is safe; otherwise the name alone, at the top.
    ['../x', 'x', ['x']],
    ['../../../etc/passwd', 'passwd', ['passwd']],
    ['a/../../b', 'b', ['b']],
    ['/abs/path/f', 'f', ['f']],
    ['C:/Windows/evil.dll', 'evil.dll', ['evil.dll']],
    ['//server/share/x', 'x', ['x']],
    ['ok/CON/x', 'x', ['x']],
    ['ok/a\u202e/x', 'x', ['x']],
    ['..', '..', ['file']],
    ['', '', ['file']],
    ['x/shortcut.lnk', 'shortcut.lnk', ['x', 'shortcut.lnk_']],
  ]
  for (const [path, name, saved] of cases) {
    it(`${JSON.stringify(path)} → ${saved.join('/')}`, () => {
      expect(savedPath(path, name)).toEqual(saved)
    })
  }

  it('recreates at most maxSavedFolderDepth folders', () => {
    const deep = `${'d/'.repeat(maxSavedFolderDepth)}f.txt`
    expect(savedPath(deep, 'f.txt')).toHaveLength(maxSavedFolderDepth + 1)
    expect(savedPath(`d/${deep}`, 'f.txt')).toEqual(['f.txt'])
  })
})

describe('names and paths, by property (fast-check)', () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 300, unit: 'binary' }),
    fc.array(fc.constantFrom(...hostilePieces), { maxLength: 40 }).map((parts) => parts.join('')),
  )

  it('safeFileName and savedName always give a safe name, and are stable', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const repair of [safeFileName, savedName]) {
          const safe = repair(text)
          expect(isSafeFileName(safe)).toBe(true)
          expect(looksSafe(safe)).toBe(true)
        }
        expect(safeFileName(safeFileName(text))).toBe(safeFileName(text))
        if (isSafeFileName(text)) expect(safeFileName(text)).toBe(text)
        expect(utf8Bytes(savedName(text))).toBeLessThanOrEqual(maxSavedNameBytes)
      }),
      { numRuns: 2000 },
    )
  })

  it('safeRelativePath and savedPath never give anything that escapes or is unsafe', () => {
    fc.assert(
      fc.property(anyText, anyText, (path, name) => {
        const safe = safeRelativePath(path)
        if (safe !== null) {
          expect(isSafeRelativePath(safe)).toBe(true)
          expect(safe.split('/').every(looksSafe)).toBe(true)
        }
        const segments = savedPath(path, name)
        expect(segments.length).toBeGreaterThan(0)
        expect(segments.length).toBeLessThanOrEqual(maxSavedFolderDepth + 1)
        for (const segment of segments) {
          expect(looksSafe(segment)).toBe(true)
          expect(segment).not.toBe('..')
        }
        const ours = sanitizeRelativePath(path)
        if (ours !== null && ours.length <= maxPathChars) {
          expect(safeRelativePath(ours)).toBe(ours)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
