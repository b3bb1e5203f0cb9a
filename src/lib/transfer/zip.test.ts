import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { randomBytes } from './testing/test-harness.ts'
import type { FileProgress } from './types.ts'
import {
  createZipStream,
  zipContents,
  zipContentsOfTransfer,
  zipFileName,
  type ZipContents,
} from './zip.ts'

const readAll = async (stream: ReadableStream<Uint8Array>): Promise<Uint8Array> =>
  new Uint8Array(await new Response(stream).arrayBuffer())

const unzip = async (contents: ZipContents): Promise<Record<string, Uint8Array>> =>
  unzipSync(await readAll(createZipStream(contents)))

describe('createZipStream', () => {
  it('makes a zip that reads back byte for byte, with empty files and empty folders', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17, 1)
    const small = randomBytes(1000, 2)
    const contents: ZipContents = {
      files: [
        { path: 'photos/big.bin', blob: new Blob([big]) },
        { path: 'photos/2024/ünïcødé 😀.txt', blob: new Blob([small]) },
        { path: 'photos/2024/empty.txt', blob: new Blob([]) },
        { path: 'loose.bin', blob: new Blob([small.subarray(0, 10)]) },
      ],
      folders: ['photos/nothing here', 'photos/2024/also empty'],
    }
    const entries = await unzip(contents)
    expect(Object.keys(entries).sort()).toEqual(
      [
        'loose.bin',
        'photos/2024/also empty/',
        'photos/2024/empty.txt',
        'photos/2024/ünïcødé 😀.txt',
        'photos/big.bin',
        'photos/nothing here/',
      ].sort(),
    )
    expect(Buffer.from(entries['photos/big.bin']!).equals(big)).toBe(true)
    expect(Buffer.from(entries['photos/2024/ünïcødé 😀.txt']!).equals(small)).toBe(true)
    expect(entries['photos/2024/empty.txt']).toHaveLength(0)
    expect(entries['photos/nothing here/']).toHaveLength(0)
    expect(Buffer.from(entries['loose.bin']!).equals(small.subarray(0, 10))).toBe(true)
  })

  it('makes a valid zip of nothing but folders, and of nothing at all', async () => {
    expect(Object.keys(await unzip({ files: [], folders: ['a', 'b/c'] })).sort()).toEqual([
      'a/',
      'b/c/',
    ])
    expect(await unzip({ files: [], folders: [] })).toEqual({})
  })

  it('reads each file only when the archive gets to it', async () => {
    const opened: string[] = []
    /** A Blob that records when its bytes are first asked for. */
    class WatchedBlob extends Blob {
      constructor(
        parts: BlobPart[],
        readonly label: string,
      ) {
        super(parts)
      }
      override stream(): ReturnType<Blob['stream']> {
        opened.push(this.label)
        return super.stream()
      }
    }
    const files = ['a', 'b', 'c'].map((label, index) => ({
      path: label,
      blob: new WatchedBlob([randomBytes(256 * 1024, index + 1)], label),
    }))
    const reader = createZipStream({ files, folders: [] }).getReader()
    let received = 0
    while (received < 128 * 1024) {
      const { value, done } = await reader.read()
      if (done) break
      received += value.byteLength
    }
    expect(opened).toEqual(['a'])
    for (;;) if ((await reader.read()).done) break
    expect(opened).toEqual(['a', 'b', 'c'])
  })
})

describe('zipContents', () => {
  const blob = new Blob(['x'])
  const paths = (contents: ZipContents) => contents.files.map((file) => file.path)

  it('keeps safe paths as they are', () => {
    const contents = zipContents(
      [
        { name: 'a.jpg', path: 'photos/a.jpg', blob },
        { name: 'b.jpg', blob },
      ],
      ['photos/empty'],
    )
    expect(paths(contents)).toEqual(['photos/a.jpg', 'b.jpg'])
    expect(contents.folders).toEqual(['photos/empty'])
  })

  it('never lets an untrusted path out of the archive', () => {
    const contents = zipContents(
      [
        { name: 'passwd', path: '../../etc/passwd', blob },
        { name: 'x', path: '/abs/x', blob },
        { name: 'c:evil', path: 'C:/evil', blob },
        { name: 'a\\..\\b', blob },
        { name: 'CON', blob },
        { name: 'ok', path: 'dir//./ok', blob },
      ],
      ['../escape', '/abs', 'fine', 'NUL'],
    )
    expect(paths(contents)).toEqual(['passwd', 'x', 'c_evil', 'a_.._b', '_CON', 'dir/ok'])
    expect(contents.folders).toEqual(['fine'])
  })

  it('numbers names that would collide, even only by case', () => {
    const contents = zipContents(
      [
        { name: 'photo.jpg', blob },
        { name: 'photo.jpg', blob },
        { name: 'PHOTO.JPG', blob },
        { name: '.bashrc', path: 'home/.bashrc', blob },
        { name: '.bashrc', path: 'home/.bashrc', blob },
      ],
      [],
    )
    expect(paths(contents)).toEqual([
      'photo.jpg',
      'photo (2).jpg',
      'PHOTO (3).JPG',
      'home/.bashrc',
      'home/.bashrc (2)',
    ])
  })

  it('moves a folder out of the way of a file of the same name', () => {
    const contents = zipContents(
      [
        { name: 'a', blob },
        { name: 'b', path: 'a/b', blob },
        { name: 'c', path: 'A/c', blob },
        { name: 'a', path: 'a/b/a', blob },
      ],
      ['a/empty', 'a'],
    )
    expect(paths(contents)).toEqual(['a', 'a (2)/b', 'a (2)/c', 'a (2)/b (2)/a'])
    expect(contents.folders).toEqual(['a (2)/empty', 'a (2)'])
  })

  it('takes only the verified files of a transfer', () => {
    const row = (index: number, patch: Partial<FileProgress>): FileProgress => ({
      index,
      name: `f${index}`,
      size: 1,
      type: '',
      bytesDone: 1,
      verified: true,
      blob,
      ...patch,
    })
    const contents = zipContentsOfTransfer({
      files: [row(0, { path: 'd/f0' }), row(1, { verified: false }), row(2, {})],
      folders: ['d/e'],
    })
    expect(paths(contents)).toEqual(['d/f0', 'f2'])
    expect(contents.folders).toEqual(['d/e'])
  })
})

describe('zipFileName', () => {
  const blob = new Blob([])
  it('names the archive after its one top folder', () => {
    expect(
      zipFileName({ files: [{ path: 'photos/a', blob }], folders: ['photos/2024/empty'] }),
    ).toBe('photos.zip')
    expect(
      zipFileName({
        files: [
          { path: 'photos/a', blob },
          { path: 'b', blob },
        ],
        folders: [],
      }),
    ).toBe('Ferry files.zip')
    expect(
      zipFileName({
        files: [
          { path: 'a/x', blob },
          { path: 'b/y', blob },
        ],
        folders: [],
      }),
    ).toBe('Ferry files.zip')
  })
})
