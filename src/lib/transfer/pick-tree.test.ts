import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../protocol/errors.ts'
import {
  defaultTreeLimits,
  droppedEntries,
  readEntryTree,
  treeFromFiles,
  type DroppedItem,
  type TreeDirectoryEntry,
  type TreeEntry,
  type TreeFileEntry,
} from './pick-tree.ts'

/** A folder as nested objects: a string is a file's content, an object a folder. */
interface FakeTree {
  [name: string]: string | FakeTree
}

interface Fakes {
  /** readEntries calls, per folder path. */
  reads: Map<string, number>
  /** Paths whose entry fails when read. */
  failing: Set<string>
}

/** Like Chromium: children in batches of at most 100, callbacks always asynchronous. */
const batchSize = 100

const fakeEntry = (
  name: string,
  node: string | FakeTree,
  path: string,
  fakes: Fakes,
): TreeEntry => {
  const later = (run: () => void) => setTimeout(run, 0)
  if (typeof node === 'string') {
    const entry: TreeFileEntry = {
      name,
      isFile: true,
      isDirectory: false,
      file(success, failure) {
        later(() =>
          fakes.failing.has(path)
            ? failure?.(new DOMException('gone', 'NotFoundError'))
            : success(new File([node], name, { type: 'text/plain' })),
        )
      },
    }
    return entry
  }
  const entry: TreeDirectoryEntry = {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      // Deliberately unsorted, as real readers are.
      const children = Object.entries(node)
        .reverse()
        .map(([child, value]) => fakeEntry(child, value, `${path}/${child}`, fakes))
      let position = 0
      return {
        readEntries(success, failure) {
          fakes.reads.set(path, (fakes.reads.get(path) ?? 0) + 1)
          later(() => {
            if (fakes.failing.has(path)) {
              failure?.(new DOMException('denied', 'SecurityError'))
              return
            }
            const batch = children.slice(position, position + batchSize)
            position += batch.length
            success(batch)
          })
        },
      }
    },
  }
  return entry
}

const fakes = (): Fakes => ({ reads: new Map(), failing: new Set() })

const roots = (tree: FakeTree, state: Fakes = fakes()): TreeEntry[] =>
  Object.entries(tree).map(([name, node]) => fakeEntry(name, node, name, state))

const read = async (file: Blob): Promise<string> => await file.text()

const expectCode = async (work: Promise<unknown>, code: string): Promise<void> => {
  const error: unknown = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(ProtocolError)
  expect((error as ProtocolError).code).toBe(code)
}

describe('readEntryTree', () => {
  it('reads a folder into relative paths, keeping empty files and empty folders', async () => {
    const tree = await readEntryTree(
      roots({
        'loose.txt': 'loose',
        photos: {
          'b.jpg': 'bee',
          'a.jpg': 'ay',
          'empty file.txt': '',
          'nothing here': {},
          '2024': { deep: { 'c.txt': 'see' }, 'also empty': {} },
          'only empty inside': { inner: {} },
        },
      }),
    )
    expect(tree.files.map((file) => file.path ?? `(loose) ${file.name}`)).toEqual([
      '(loose) loose.txt',
      'photos/2024/deep/c.txt',
      'photos/a.jpg',
      'photos/b.jpg',
      'photos/empty file.txt',
    ])
    expect(tree.folders).toEqual([
      'photos/2024/also empty',
      'photos/nothing here',
      'photos/only empty inside/inner',
    ])
    const byPath = new Map(tree.files.map((file) => [file.path ?? file.name, file]))
    expect(await read(byPath.get('photos/2024/deep/c.txt')!.blob)).toBe('see')
    expect(byPath.get('photos/empty file.txt')?.blob.size).toBe(0)
    expect(byPath.get('photos/a.jpg')).toMatchObject({ name: 'a.jpg', type: 'text/plain' })
    expect(byPath.get('loose.txt')).not.toHaveProperty('path')
  })

  it('calls readEntries until it comes back empty (more than 100 children per folder)', async () => {
    const big: FakeTree = {}
    for (let i = 0; i < 250; i++) big[`f${String(i).padStart(3, '0')}`] = String(i)
    const emptyFolders: FakeTree = {}
    for (let i = 0; i < 130; i++) emptyFolders[`d${String(i).padStart(3, '0')}`] = {}
    const state = fakes()
    const tree = await readEntryTree(roots({ big, emptyFolders }, state))
    expect(tree.files).toHaveLength(250)
    expect(tree.files[249]?.path).toBe('big/f249')
    expect(tree.folders).toHaveLength(130)
    // 3 full-or-partial batches and the empty one that ends them.
    expect(state.reads.get('big')).toBe(4)
    expect(state.reads.get('emptyFolders')).toBe(3)
    expect(state.reads.get('emptyFolders/d000')).toBe(1)
  })

  it('follows deep nesting', async () => {
    let node: FakeTree = { 'bottom.txt': 'deep' }
    for (let depth = 99; depth >= 0; depth--) node = { [`level${depth}`]: node }
    const tree = await readEntryTree(roots(node))
    const path = `${Array.from({ length: 100 }, (_, depth) => `level${depth}`).join('/')}/bottom.txt`
    expect(tree.files.map((file) => file.path)).toEqual([path])
    expect(await read(tree.files[0]!.blob)).toBe('deep')
  })

  it('stops at its limits and at the longest path', async () => {
    const many: FakeTree = {}
    for (let i = 0; i < 20; i++) many[`f${i}`] = ''
    await expectCode(
      readEntryTree(roots({ many }), { ...defaultTreeLimits, maxFiles: 19 }),
      'too-large',
    )
    expect(
      (await readEntryTree(roots({ many }), { ...defaultTreeLimits, maxFiles: 20 })).files,
    ).toHaveLength(20)
    await expectCode(
      readEntryTree(roots({ many }), { ...defaultTreeLimits, maxEntries: 20 }),
      'too-large',
    )
    await expectCode(
      readEntryTree(roots({ a: {}, b: {} }), { ...defaultTreeLimits, maxEmptyFolders: 1 }),
      'too-large',
    )
    let node: FakeTree = { 'f.txt': '' }
    for (let depth = 0; depth < 200; depth++) node = { [`folder${depth}`]: node }
    await expectCode(readEntryTree(roots(node)), 'too-large')
  })

  it('fails plainly when an entry cannot be read', async () => {
    const state = fakes()
    state.failing.add('photos/a.jpg')
    await expectCode(readEntryTree(roots({ photos: { 'a.jpg': 'x' } }, state)), 'read-failed')
    const denied = fakes()
    denied.failing.add('photos/private')
    await expectCode(
      readEntryTree(roots({ photos: { private: { 'x.txt': 'x' } } }, denied)),
      'read-failed',
    )
  })
})

describe('droppedEntries', () => {
  const item = (kind: string, entry: TreeEntry | null): DroppedItem => ({
    kind,
    webkitGetAsEntry: () => entry,
  })

  it('takes the entries of file items and ignores text items', () => {
    const [photos] = roots({ photos: {} })
    expect(droppedEntries([item('string', null), item('file', photos!)])).toEqual([photos])
  })

  it('gives up when a file item has no entry', () => {
    const [photos] = roots({ photos: {} })
    expect(droppedEntries([item('file', photos!), item('file', null)])).toBeNull()
    expect(droppedEntries([{ kind: 'file' } as unknown as DroppedItem])).toBeNull()
  })
})

describe('treeFromFiles', () => {
  const withRelativePath = (file: File, path: string): File =>
    Object.defineProperty(file, 'webkitRelativePath', { value: path })

  it('uses webkitRelativePath from a folder input, and no path for loose files', () => {
    const tree = treeFromFiles([
      withRelativePath(new File(['x'], 'a.txt', { type: 'text/plain' }), 'photos/sub/a.txt'),
      withRelativePath(new File([], 'empty'), 'photos/empty'),
      new File(['y'], 'loose.bin'),
    ])
    expect(tree.folders).toEqual([])
    expect(tree.files.map(({ name, path, type }) => ({ name, path, type }))).toEqual([
      { name: 'a.txt', path: 'photos/sub/a.txt', type: 'text/plain' },
      { name: 'empty', path: 'photos/empty', type: '' },
      { name: 'loose.bin', path: undefined, type: '' },
    ])
    expect(tree.files[2]).not.toHaveProperty('path')
  })
})
