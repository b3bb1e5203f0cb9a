import { describe, expect, it } from 'vitest'
import { createFakeFileSystem, type FakeFileHandle } from './testing/fake-file-system.ts'
import { createPickedFileSink, createPickedFolderSink } from './picked-sink.ts'
import { canPickDestination, pickDestination, type PickerApi } from './pickers.ts'
import { randomBytes, sameBytes } from './testing/test-harness.ts'

describe('picked folder sink', () => {
  it('writes each file at its safe path, creating folders', async () => {
    const { root } = createFakeFileSystem()
    const data = randomBytes(100_000, 1)
    const sink = createPickedFolderSink(root, {
      name: 'b.bin',
      path: 'Trip/day 1/b.bin',
      type: 'application/octet-stream',
    })
    await sink.write(data.subarray(0, 10))
    await sink.write(data.subarray(10))
    const blob = await sink.close()
    expect(blob.type).toBe('application/octet-stream')
    expect(await sameBytes(blob, data)).toBe(true)
    expect(root.files()).toEqual(['Trip/day 1/b.bin'])
  })

  it('saves a file whose path is unsafe under its safe name alone, inside the folder', async () => {
    const { root } = createFakeFileSystem()
    for (const [path, name] of [
      ['../../Trip/b.bin', 'b.bin'],
      ['/etc/passwd', 'passwd'],
      ['C:/Windows/evil.dll', 'evil.dll'],
      ['ok/../../CON', 'CON'],
    ] as const) {
      const sink = createPickedFolderSink(root, { name, path, type: '' })
      await sink.write(new Uint8Array([1]))
      await sink.close()
    }
    expect(root.files().sort()).toEqual(['_CON', 'b.bin', 'evil.dll', 'passwd'])
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
