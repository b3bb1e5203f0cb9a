import { describe, expect, it } from 'vitest'
import { createFakeFileSystem, type FakeFileHandle } from './fake-file-system.ts'
import {
  canPickDestination,
  createPickedFileSink,
  createPickedFolderSink,
  maxPickedFolderDepth,
  maxPickedNameBytes,
  pickDestination,
  sanitizeName,
  sanitizeRelativePath,
  type PickerApi,
} from './picked-sink.ts'
import { randomBytes, sameBytes } from './test-harness.ts'

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length

describe('sanitizing peer paths', () => {
  it('keeps ordinary paths as they are', () => {
    expect(sanitizeRelativePath('Photos/2024/IMG 0001.jpg')).toEqual([
      'Photos',
      '2024',
      'IMG 0001.jpg',
    ])
    expect(sanitizeRelativePath('.bashrc')).toEqual(['.bashrc'])
    expect(sanitizeRelativePath('naïve/日本語.txt')).toEqual(['naïve', '日本語.txt'])
  })

  it('never leaves the folder', () => {
    expect(sanitizeRelativePath('../x')).toEqual(['x'])
    expect(sanitizeRelativePath('../../../etc/passwd')).toEqual(['etc', 'passwd'])
    expect(sanitizeRelativePath('a/../../b')).toEqual(['a', 'b'])
    expect(sanitizeRelativePath('/abs')).toEqual(['abs'])
    expect(sanitizeRelativePath('/abs/path/f')).toEqual(['abs', 'path', 'f'])
    expect(sanitizeRelativePath('./a/./b')).toEqual(['a', 'b'])
    expect(sanitizeRelativePath('..')).toEqual(['file'])
    expect(sanitizeRelativePath('')).toEqual(['file'])
    expect(sanitizeRelativePath('/')).toEqual(['file'])
  })

  it('drops empty segments', () => {
    expect(sanitizeRelativePath('a//b///c')).toEqual(['a', 'b', 'c'])
    expect(sanitizeRelativePath('a/ /b')).toEqual(['a', 'b'])
  })

  it('turns Windows drive letters and backslashes into plain characters', () => {
    expect(sanitizeRelativePath('C:\\x')).toEqual(['C__x'])
    expect(sanitizeRelativePath('C:\\Windows\\System32/evil.dll')).toEqual([
      'C__Windows_System32',
      'evil.dll',
    ])
    expect(sanitizeName('a<b>c:d"e|f?g*h')).toBe('a_b_c_d_e_f_g_h')
  })

  it('strips NUL, control characters and bidi overrides', () => {
    expect(sanitizeName('a\0b')).toBe('ab')
    expect(sanitizeName('line\nbreak\ttab\u0007\u007f\u009b')).toBe('linebreaktab')
    expect(sanitizeName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe')
    expect(sanitizeName('\0')).toBe('')
    expect(sanitizeRelativePath('\0/\u0001')).toEqual(['file'])
  })

  it('drops trailing dots and spaces, defuses device names and shell links', () => {
    expect(sanitizeName('name. . ')).toBe('name')
    expect(sanitizeName('...')).toBe('')
    expect(sanitizeName('CON')).toBe('_CON')
    expect(sanitizeName('nul.txt')).toBe('_nul.txt')
    expect(sanitizeName('com1')).toBe('_com1')
    expect(sanitizeName('console')).toBe('console')
    expect(sanitizeName('shortcut.lnk')).toBe('shortcut.lnk_')
    expect(sanitizeName('desktop.LOCAL')).toBe('desktop.LOCAL_')
  })

  it('bounds long names in UTF-8 bytes, keeping the extension and whole characters', () => {
    const long = sanitizeName(`${'a'.repeat(1000)}.tar.gz`)
    expect(utf8Bytes(long)).toBeLessThanOrEqual(maxPickedNameBytes)
    expect(long.endsWith('a.gz')).toBe(true)
    const wide = sanitizeName(`${'日'.repeat(300)}.txt`)
    expect(utf8Bytes(wide)).toBeLessThanOrEqual(maxPickedNameBytes)
    expect(wide).toMatch(/^日+\.txt$/)
    const emoji = sanitizeName('😀'.repeat(300))
    expect(utf8Bytes(emoji)).toBeLessThanOrEqual(maxPickedNameBytes)
    expect(emoji).toMatch(/^(😀)+$/u)
    // A long "extension" is just part of the name.
    expect(utf8Bytes(sanitizeName(`a.${'b'.repeat(500)}`))).toBeLessThanOrEqual(maxPickedNameBytes)
  })

  it('bounds the folder depth', () => {
    const deep = sanitizeRelativePath(`${'d/'.repeat(500)}f.txt`)
    expect(deep).toHaveLength(maxPickedFolderDepth + 1)
    expect(deep.at(-1)).toBe('f.txt')
  })
})

describe('picked folder sink', () => {
  it('writes each file at its sanitized path, creating folders', async () => {
    const { root } = createFakeFileSystem()
    const data = randomBytes(100_000, 1)
    const sink = createPickedFolderSink(root, {
      name: 'b.bin',
      path: '../../Trip/day 1/b.bin',
      type: 'application/octet-stream',
    })
    await sink.write(data.subarray(0, 10))
    await sink.write(data.subarray(10))
    const blob = await sink.close()
    expect(blob.type).toBe('application/octet-stream')
    expect(await sameBytes(blob, data)).toBe(true)
    expect(root.files()).toEqual(['Trip/day 1/b.bin'])
  })

  it('uses the name for a loose file, and never replaces an existing file', async () => {
    const { root } = createFakeFileSystem()
    await root.put('a.txt', new TextEncoder().encode('mine'))
    await root.getDirectoryHandle('a (1).txt', { create: true }) // a folder takes that name
    const sink = createPickedFolderSink(root, { name: 'a.txt', type: 'text/plain' })
    await sink.write(new TextEncoder().encode('theirs'))
    await sink.close()
    expect(root.files()).toEqual(['a (2).txt', 'a.txt'])
    expect(new TextDecoder().decode(root.read('a.txt'))).toBe('mine')
    expect(new TextDecoder().decode(root.read('a (2).txt'))).toBe('theirs')
  })

  it('abort removes the partial file it created', async () => {
    const { root, usedBytes } = createFakeFileSystem()
    const sink = createPickedFolderSink(root, { name: 'x', path: 'f/x', type: '' })
    await sink.write(new Uint8Array(1000))
    await sink.abort()
    expect(root.files()).toEqual([])
    expect(usedBytes()).toBe(0)
  })

  it('fails the file when a file stands where a folder should be', async () => {
    const { root } = createFakeFileSystem()
    await root.put('f', new Uint8Array(1))
    const sink = createPickedFolderSink(root, { name: 'x', path: 'f/x', type: '' })
    await expect(sink.write(new Uint8Array(1))).rejects.toThrow()
    await sink.abort()
    expect(root.files()).toEqual(['f'])
  })
})

describe('picked file sink', () => {
  const pickedFile = async (remove: boolean, existing?: Uint8Array) => {
    const { root } = createFakeFileSystem({ remove })
    if (existing) await root.put('picked.bin', existing)
    const handle = (await root.getFileHandle('picked.bin', { create: true })) as FakeFileHandle
    return { root, handle }
  }

  it('writes the file and returns it', async () => {
    const { root, handle } = await pickedFile(false)
    const sink = createPickedFileSink(handle, 'text/plain')
    await sink.write(new TextEncoder().encode('hello'))
    const blob = await sink.close()
    expect(await blob.text()).toBe('hello')
    expect(blob.type).toBe('text/plain')
    expect(new TextDecoder().decode(root.read('picked.bin'))).toBe('hello')
  })

  it('abort removes the empty file the picker created, where the browser can', async () => {
    const { root, handle } = await pickedFile(true)
    const sink = createPickedFileSink(handle, '')
    await sink.write(new Uint8Array(10))
    await sink.abort()
    expect(root.files()).toEqual([])
  })

  it('abort leaves a file the person had untouched', async () => {
    const { root, handle } = await pickedFile(true, new TextEncoder().encode('precious'))
    const sink = createPickedFileSink(handle, '')
    await sink.write(new Uint8Array(10))
    await sink.abort()
    expect(new TextDecoder().decode(root.read('picked.bin'))).toBe('precious')
  })

  it('abort without remove() leaves an empty file', async () => {
    const { root, handle } = await pickedFile(false)
    const sink = createPickedFileSink(handle, '')
    await sink.write(new Uint8Array(10))
    await sink.abort()
    expect(root.read('picked.bin')).toEqual(new Uint8Array(0))
  })
})

describe('picking a destination', () => {
  const fakePickers = (outcome: 'pick' | 'cancel' | 'deny' = 'pick') => {
    const { root } = createFakeFileSystem()
    const calls: unknown[] = []
    const answer = async <T>(value: T): Promise<T> => {
      if (outcome === 'cancel') throw new DOMException('The user aborted a request.', 'AbortError')
      if (outcome === 'deny')
        throw new DOMException('Must be handling a user gesture.', 'SecurityError')
      return Promise.resolve(value)
    }
    const api: PickerApi = {
      showSaveFilePicker: async (options) => {
        calls.push(['save', options])
        return answer(await root.getFileHandle(options?.suggestedName ?? 'x', { create: true }))
      },
      showDirectoryPicker: async (options) => {
        calls.push(['folder', options])
        return answer(root)
      },
    }
    return { api, calls }
  }

  it('detects the pickers', () => {
    const { api } = fakePickers()
    expect(canPickDestination(1, api)).toBe(true)
    expect(canPickDestination(2, api)).toBe(true)
    expect(canPickDestination(1, {})).toBe(false)
    const saveOnly: PickerApi = { showSaveFilePicker: () => Promise.reject(new Error('unused')) }
    expect(canPickDestination(3, saveOnly)).toBe(false)
  })

  it('asks for a file for one file, with a sanitized suggested name', async () => {
    const { api, calls } = fakePickers()
    const destination = await pickDestination([{ name: 'CON\u202E.txt' }], api)
    expect(destination?.kind).toBe('file')
    expect(calls).toEqual([['save', expect.objectContaining({ suggestedName: '_CON.txt' })]])
  })

  it('asks for a writable folder for several files', async () => {
    const { api, calls } = fakePickers()
    const destination = await pickDestination([{ name: 'a' }, { name: 'b' }], api)
    expect(destination?.kind).toBe('folder')
    expect(calls).toEqual([['folder', expect.objectContaining({ mode: 'readwrite' })]])
  })

  it('is null when the person closes the picker, and rejects on other failures', async () => {
    expect(await pickDestination([{ name: 'a' }], fakePickers('cancel').api)).toBeNull()
    await expect(pickDestination([{ name: 'a' }], fakePickers('deny').api)).rejects.toThrow(
      /gesture/,
    )
    await expect(pickDestination([{ name: 'a' }, { name: 'b' }], {})).rejects.toThrow()
  })
})
